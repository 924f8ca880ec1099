package io.captioner.streams.processor;

import io.captioner.events.FailureReason;
import io.captioner.model.artifact.ModelManifest;
import io.captioner.ops.Buckets;
import io.captioner.streams.model.ModelHolder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The app's captioning meters on a Micrometer registry: captions, failures by reason, batch sizes,
 * inference time, end-to-end latency, buffered images and the served model's name and version.
 * Exposed in Prometheus as {@code captioner_captions_total}, {@code
 * captioner_failures_total{reason}}, {@code captioner_batch_size}, {@code
 * captioner_inference_seconds}, {@code captioner_end_to_end_latency_seconds}, {@code
 * captioner_buffered_images} and {@code captioner_model_info{name,version}}; the histograms keep
 * fixed bucket bounds so their {@code le} labels stay stable. Thread-safe.
 */
public final class CaptioningMetrics {

    private final MeterRegistry registry;
    private final Counter captions;
    private final Map<FailureReason, Counter> failures = new EnumMap<>(FailureReason.class);
    private final DistributionSummary batchSize;
    private final Timer inference;
    private final Timer latency;
    private final AtomicLong buffered = new AtomicLong();

    /** Registers the meters in {@code registry}. */
    public CaptioningMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        captions =
                Counter.builder("captioner.captions")
                        .description("Captions produced.")
                        .register(registry);
        // Every reason exported at zero from the start, so increase() alerts see the first one.
        for (FailureReason reason : FailureReason.values()) {
            failures.put(
                    reason,
                    Counter.builder("captioner.failures")
                            .description("Inputs dead-lettered to captions-dlq, by reason code.")
                            .tag("reason", reason.name())
                            .register(registry));
        }
        batchSize =
                DistributionSummary.builder("captioner.batch.size")
                        .description("Images per captioning batch.")
                        .serviceLevelObjectives(Buckets.exponential(1, 2, 11))
                        .register(registry);
        inference =
                Timer.builder("captioner.inference")
                        .description("Model time per batch.")
                        .serviceLevelObjectives(Buckets.seconds(Buckets.exponential(0.005, 2, 14)))
                        .register(registry);
        latency =
                Timer.builder("captioner.end.to.end.latency")
                        .description("Time from the image event time to its caption.")
                        .serviceLevelObjectives(Buckets.seconds(Buckets.exponential(0.01, 2, 16)))
                        .register(registry);
        Gauge.builder("captioner.buffered.images", buffered, AtomicLong::get)
                .description("Images waiting in the batch buffers.")
                .register(registry);
    }

    /** Creates metrics on a fresh in-memory registry (tests and tools). */
    public static CaptioningMetrics standalone() {
        return new CaptioningMetrics(new SimpleMeterRegistry());
    }

    /**
     * Exports the served model's name and version as {@code captioner_model_info{name,version} 1},
     * following every install in {@code models}; no sample while no model is loaded.
     */
    public void registerModelInfo(ModelHolder models) {
        Objects.requireNonNull(models, "models");
        MultiGauge info =
                MultiGauge.builder("captioner.model.info")
                        .description("The served model (value 1), labelled by name and version.")
                        .register(registry);
        Runnable refresh =
                () -> {
                    // Reads the holder at call time, so racing installs settle on the newest.
                    synchronized (info) {
                        info.register(infoRows(models.currentManifest()), true);
                    }
                };
        models.addChangeListener(refresh);
        refresh.run();
    }

    private static List<MultiGauge.Row<?>> infoRows(Optional<ModelManifest> manifest) {
        if (manifest.isEmpty()) {
            return List.of();
        }
        ModelManifest m = manifest.get();
        String version = m.version() == null ? "unversioned" : m.version();
        return List.of(MultiGauge.Row.of(Tags.of("name", m.name(), "version", version), 1));
    }

    /** The registry the meters live in. */
    public MeterRegistry registry() {
        return registry;
    }

    void caption(long latencyMillis) {
        captions.increment();
        latency.record(Math.max(0, latencyMillis), TimeUnit.MILLISECONDS);
    }

    void failure(FailureReason reason) {
        failures.get(reason).increment();
    }

    void batch(int size, long inferenceNanos) {
        batchSize.record(size);
        inference.record(inferenceNanos, TimeUnit.NANOSECONDS);
    }

    void buffered(int delta) {
        buffered.addAndGet(delta);
    }

    /** Captions produced so far. */
    public double captions() {
        return captions.count();
    }

    /** Failures so far with {@code reason}. */
    public double failures(FailureReason reason) {
        return failures.get(reason).count();
    }

    /** Images waiting in the batch buffers of this instance now. */
    public double buffered() {
        return buffered.get();
    }

    /** Batches captioned so far. */
    public long batches() {
        return batchSize.count();
    }

    /** Sum of the sizes of the batches captioned so far. */
    public double batchedImages() {
        return batchSize.totalAmount();
    }
}
