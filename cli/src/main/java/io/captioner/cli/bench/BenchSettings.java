package io.captioner.cli.bench;

import io.captioner.model.nn.EncoderType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * What one bench run measures, already validated by the command.
 *
 * @param encoder the encoder of the model the bench prepares (ignored with {@code model})
 * @param model an artifact to time instead of the prepared model
 * @param retrain prepare the model again even when one is kept
 * @param images images of the end-to-end stage and of each in-process pass
 * @param imageSize edge of the synthetic images in pixels
 * @param batchSize the app's batch size and the raw stage's
 * @param sweep further batch sizes of the in-process chart
 * @param threads PyTorch intra-op threads; empty keeps PyTorch's default
 * @param stageCap time cap of each in-process measurement
 * @param warmUp how long images run through the app at least before anything there is measured
 * @param warmUpMax how long they may run until the JIT is quiet
 * @param instances streams-app instances sharing the partitions (one consumer group)
 * @param steadyDuration length of the open-loop load
 * @param steadyRate its rate in images/s; empty for half the measured end-to-end capacity
 * @param appConfig extra streams-app settings
 * @param dataDir where prepared models and the run's temporary stack live
 * @param outDir where bench.json and bench.png are written
 */
public record BenchSettings(
        EncoderType encoder,
        Optional<Path> model,
        boolean retrain,
        int images,
        int imageSize,
        int batchSize,
        List<Integer> sweep,
        OptionalInt threads,
        Duration stageCap,
        Duration warmUp,
        Duration warmUpMax,
        int instances,
        Duration steadyDuration,
        OptionalDouble steadyRate,
        Map<String, String> appConfig,
        Path dataDir,
        Path outDir) {

    /** The fraction of the end-to-end capacity the open-loop load runs at by default. */
    public static final double DEFAULT_STEADY_FRACTION = 0.5;

    /** Seed of the bench's images (the prepared model trains on another seed). */
    public static final long IMAGE_SEED = 2026;

    /** Copies the collections. */
    public BenchSettings {
        sweep = List.copyOf(sweep);
        appConfig = Map.copyOf(appConfig);
    }
}
