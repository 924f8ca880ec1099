package io.captioner.cli.bench;

import io.captioner.model.DecodingOptions;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Every figure of one bench run, as measured; {@link BenchReport} turns them into the JSON report.
 *
 * @param settings what was asked
 * @param modelFile the artifact timed
 * @param modelName its name
 * @param modelVersion its version
 * @param encoder its encoder id
 * @param threads PyTorch intra-op threads of the in-process stages
 * @param hostCores processors available to the JVM
 * @param images distinct images
 * @param imageBytesMean their mean PNG size
 * @param decoding the app's decoding options, also used by the raw stage
 * @param seedStyle one image at a time, greedy, in process
 * @param sweep in process at each batch size of the chart, the app's included
 * @param rawAgain the raw stage once more after the stages through Kafka, where it ran
 * @param gflopPerImage counted arithmetic per image, when the backbone can be counted
 * @param streamThreads the app's stream threads
 * @param appIntraOpThreads PyTorch intra-op threads once the app had started (it may set them)
 * @param imagesPartitions partitions of the images topic
 * @param e2e the end-to-end backlog
 * @param avgBatchSize the app's mean batch size during the backlog, from its metrics
 * @param steady the open-loop load
 * @param duplicateCaptions captions received twice for one image
 * @param rssStart memory when the run started
 * @param rssAfterWarmUp memory after the app's warm-up
 * @param rssAfterE2e memory after the end-to-end backlog
 * @param rssEnd memory after the steady state
 * @param rssMaxBytes largest RSS sampled
 * @param rssSamples RSS once a second
 * @param peak the host's FP32 peak, where it can be computed
 * @param loadStart the host's one-minute load average when the run started, -1 if unknown
 * @param loadEnd the same when it ended
 * @param warmUp how the app's warm-up went
 * @param e2eCpu cores each part of the system kept busy through the end-to-end backlog
 * @param steadyCpu the same through the steady state
 */
public record BenchResults(
        BenchSettings settings,
        Path modelFile,
        String modelName,
        String modelVersion,
        String encoder,
        int threads,
        int hostCores,
        int images,
        double imageBytesMean,
        DecodingOptions decoding,
        InProcessResult seedStyle,
        List<InProcessResult> sweep,
        Optional<InProcessResult> rawAgain,
        OptionalDouble gflopPerImage,
        int streamThreads,
        int appIntraOpThreads,
        int imagesPartitions,
        PipelineBench.BacklogResult e2e,
        OptionalDouble avgBatchSize,
        PipelineBench.SteadyResult steady,
        long duplicateCaptions,
        RssSampler.Mark rssStart,
        RssSampler.Mark rssAfterWarmUp,
        RssSampler.Mark rssAfterE2e,
        RssSampler.Mark rssEnd,
        long rssMaxBytes,
        List<RssSampler.Sample> rssSamples,
        Optional<HostPeak> peak,
        double loadStart,
        double loadEnd,
        WarmUp warmUp,
        Map<String, Double> e2eCpu,
        Map<String, Double> steadyCpu) {

    /** Copies the collections. */
    public BenchResults {
        sweep = List.copyOf(sweep);
        rssSamples = List.copyOf(rssSamples);
        e2eCpu = Collections.unmodifiableMap(new LinkedHashMap<>(e2eCpu));
        steadyCpu = Collections.unmodifiableMap(new LinkedHashMap<>(steadyCpu));
    }

    /**
     * The app's warm-up.
     *
     * @param seconds how long it ran
     * @param images images it captioned
     * @param jitCores cores the JIT kept busy over its last window; empty where unknown
     */
    public record WarmUp(double seconds, int images, OptionalDouble jitCores) {}

    /**
     * The raw figure: the faster of the raw stage before the stages through Kafka and the same
     * stage after them. The model's limit is what it can do, and the figure taken in the JVM's
     * first minute came out up to a quarter lower in runs an hour apart on the same images.
     */
    public InProcessResult raw() {
        InProcessResult first = rawFirst();
        return rawAgain.filter(again -> again.imagesPerSecond() > first.imagesPerSecond())
                .orElse(first);
    }

    /** The in-process result at the app's batch size from the sweep, before the pipeline ran. */
    public InProcessResult rawFirst() {
        return sweep.stream()
                .filter(r -> r.batchSize() == settings.batchSize())
                .findFirst()
                .orElseThrow();
    }
}
