package io.captioner.streams.model;

import io.captioner.modeltopic.ModelVerificationException;
import io.captioner.streams.ops.Counter;
import io.captioner.streams.ops.Histogram;
import io.captioner.streams.ops.MetricsRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Metrics of hot swaps from the models topic: versions installed, versions refused by reason, and
 * how long a version took to load and warm, so operators see a bad publication at once.
 */
public final class ModelSwapMetrics {

    /** Refusal reason: the verified artifact could not be loaded as a captioner model. */
    public static final String LOAD_FAILED = "LOAD_FAILED";

    /** Refusal reason: the artifact's own name or version differs from the topic's manifest. */
    public static final String MANIFEST_MISMATCH = "MANIFEST_MISMATCH";

    /** Refusal reason: the loaded model failed to caption the warm-up image. */
    public static final String WARMUP_FAILED = "WARMUP_FAILED";

    private final List<String> reasons = new ArrayList<>();
    private final Counter swaps;
    private final Counter refused;
    private final Histogram loadSeconds;
    private volatile double lastLoadSeconds = Double.NaN;

    /** Registers the metrics in {@code registry} (once per registry). */
    public ModelSwapMetrics(MetricsRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        swaps =
                registry.counter(
                        "captioner_model_swaps_total",
                        "Model versions installed from the models topic.");
        refused =
                registry.counter(
                        "captioner_models_refused_total",
                        "Activated model versions refused (verification, load or warm-up failed),"
                                + " by reason; the previous model kept serving.",
                        "reason");
        for (ModelVerificationException.Reason reason :
                ModelVerificationException.Reason.values()) {
            reasons.add(reason.name());
        }
        reasons.addAll(List.of(LOAD_FAILED, MANIFEST_MISMATCH, WARMUP_FAILED));
        // Exported at zero from the start, so alerts on increase() see the first refusal.
        reasons.forEach(refused::labels);
        loadSeconds =
                registry.histogram(
                        "captioner_model_load_seconds",
                        "Seconds to load and warm an activated model version, off the processing"
                                + " path.",
                        Histogram.exponentialBuckets(0.05, 2, 12));
    }

    void swapped(double seconds) {
        swaps.inc();
        loadSeconds.observe(seconds);
        lastLoadSeconds = seconds;
    }

    void recordRefusal(String reason) {
        refused.labels(reason).inc();
    }

    /** Versions installed from the models topic so far. */
    public double swaps() {
        return swaps.value();
    }

    /** Versions refused for {@code reason} so far. */
    public double refused(Object reason) {
        return refused.labels(String.valueOf(reason)).value();
    }

    /** Versions refused for any reason so far. */
    public double refusedTotal() {
        return reasons.stream().mapToDouble(r -> refused.labels(r).value()).sum();
    }

    /** Load-and-warm time of the version installed last, in seconds; NaN before the first. */
    public double lastLoadSeconds() {
        return lastLoadSeconds;
    }

    /** Sum of the load-and-warm times of the installed versions, in seconds. */
    public double loadSecondsSum() {
        return loadSeconds.sum();
    }
}
