package io.captioner.streams.processor;

import io.captioner.events.FailureReason;
import io.captioner.streams.model.ModelProvider;
import io.captioner.streams.ops.Counter;
import io.captioner.streams.ops.Gauge;
import io.captioner.streams.ops.Histogram;
import io.captioner.streams.ops.MetricsRegistry;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The app's Prometheus metrics: captions, failures by reason, batch sizes, inference time,
 * end-to-end latency, buffered images and the served model's name and version. Thread-safe.
 */
public final class CaptioningMetrics {

    private final MetricsRegistry registry;
    private final Counter captions;
    private final Counter failures;
    private final Histogram batchSize;
    private final Histogram inferenceSeconds;
    private final Histogram latencySeconds;
    private final Gauge buffered;

    /** Registers the metrics in {@code registry} (once per registry). */
    public CaptioningMetrics(MetricsRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        captions = registry.counter("captioner_captions_total", "Captions produced.");
        failures =
                registry.counter(
                        "captioner_failures_total",
                        "Inputs dead-lettered to captions-dlq, by reason code.",
                        "reason");
        for (FailureReason reason : FailureReason.values()) {
            failures.labels(reason.name());
        }
        batchSize =
                registry.histogram(
                        "captioner_batch_size",
                        "Images per captioning batch.",
                        Histogram.exponentialBuckets(1, 2, 11));
        inferenceSeconds =
                registry.histogram(
                        "captioner_inference_seconds",
                        "Model time per batch in seconds.",
                        Histogram.exponentialBuckets(0.005, 2, 14));
        latencySeconds =
                registry.histogram(
                        "captioner_end_to_end_latency_seconds",
                        "Seconds from the image event time to its caption.",
                        Histogram.exponentialBuckets(0.01, 2, 16));
        buffered =
                registry.gauge("captioner_buffered_images", "Images waiting in the batch buffers.");
    }

    /** Creates metrics on a fresh registry (tests and tools). */
    public static CaptioningMetrics standalone() {
        return new CaptioningMetrics(new MetricsRegistry());
    }

    /** Exports the served model's name and version as {@code captioner_model_info}. */
    public void registerModelInfo(ModelProvider models) {
        registry.supplierGauge(
                "captioner_model_info",
                "The served model (value 1), labelled by name and version.",
                List.of("name", "version"),
                () ->
                        models.currentManifest()
                                .map(
                                        m ->
                                                Map.of(
                                                        List.of(
                                                                m.name(),
                                                                m.version() == null
                                                                        ? "unversioned"
                                                                        : m.version()),
                                                        1.0))
                                .orElse(Map.of()));
    }

    /** The registry the metrics live in. */
    public MetricsRegistry registry() {
        return registry;
    }

    void caption(long latencyMillis) {
        captions.inc();
        latencySeconds.observe(Math.max(0, latencyMillis) / 1000.0);
    }

    void failure(FailureReason reason) {
        failures.labels(reason.name()).inc();
    }

    void batch(int size, long inferenceNanos) {
        batchSize.observe(size);
        inferenceSeconds.observe(inferenceNanos / 1e9);
    }

    void buffered(int delta) {
        buffered.add(delta);
    }

    /** Captions produced so far. */
    public double captions() {
        return captions.value();
    }

    /** Failures so far with {@code reason}. */
    public double failures(FailureReason reason) {
        return failures.labels(reason.name()).value();
    }

    /** Images waiting in the batch buffers of this instance now. */
    public double buffered() {
        return buffered.value();
    }

    /** Batches captioned so far. */
    public long batches() {
        return batchSize.count();
    }

    /** Sum of the sizes of the batches captioned so far. */
    public double batchedImages() {
        return batchSize.sum();
    }
}
