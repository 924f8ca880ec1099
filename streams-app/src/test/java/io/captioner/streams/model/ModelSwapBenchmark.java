package io.captioner.streams.model;

import io.captioner.model.DecodingOptions;
import io.captioner.model.nn.EncoderType;
import io.captioner.modeltopic.ActivationEvent;
import io.captioner.modeltopic.ManifestInfo;
import io.captioner.release.CaptionerArtifacts;
import io.captioner.streams.Fixtures;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Load-and-warm time of a model version as a hot swap pays it ({@link ModelSwapper}: read the
 * artifact, build the network, load the weights, caption one image, install), for the default
 * tiny-cnn captioner (embed 256, hidden 512, 60 words) and a resnet50 one of real size (random
 * frozen weights). Each operation swaps into a holder that already serves the other copy, so the
 * previous model is closed as in production. Run with {@code mvn -B -o -pl streams-app -Pbench
 * test-compile exec:exec -Djmh.include=ModelSwapBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 8)
@Fork(1)
public class ModelSwapBenchmark {

    /** Encoder of the swapped model. */
    @Param({"tiny-cnn", "resnet50"})
    public String encoder;

    private Path dir;
    private Path artifact;
    private ModelHolder holder;
    private ModelSwapper swapper;
    private ActivationEvent event;

    /** Writes the model file once per trial. */
    @Setup(Level.Trial)
    public void writeModel() throws IOException {
        dir = Files.createTempDirectory("swap-bench");
        artifact = Fixtures.model(dir, "bench", 1, EncoderType.fromId(encoder), 256, 512, 56);
        ManifestInfo info = CaptionerArtifacts.manifestInfo(artifact, null);
        event = Fixtures.activationEvent(info.modelName(), info.version(), artifact);
        holder = new ModelHolder();
        swapper =
                new ModelSwapper(
                        holder,
                        info.modelName(),
                        DecodingOptions.greedy(),
                        new ModelSwapMetrics(new SimpleMeterRegistry()));
    }

    /** Loads, warms and installs the version, retiring the copy installed before. */
    @Benchmark
    public double loadAndWarm() throws Exception {
        swapper.onActivation(event);
        return holder.current().orElseThrow().captioner().manifest().architecture().inputSize();
    }

    /** Closes the last model and deletes the file. */
    @TearDown(Level.Trial)
    public void close() throws IOException {
        holder.close();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
