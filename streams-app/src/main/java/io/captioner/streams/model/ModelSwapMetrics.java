package io.captioner.streams.model;

import io.captioner.modeltopic.ModelVerificationException;
import io.captioner.ops.Buckets;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Meters of hot swaps from the models topic: versions installed ({@code
 * captioner_model_swaps_total}), versions refused by reason ({@code
 * captioner_models_refused_total{reason}}), and how long a version took to load and warm ({@code
 * captioner_model_load_seconds}), so operators see a bad publication at once.
 */
public final class ModelSwapMetrics {

    /** Refusal reason: the verified artifact could not be loaded as a captioner model. */
    public static final String LOAD_FAILED = "LOAD_FAILED";

    /** Refusal reason: the artifact's own name or version differs from the topic's manifest. */
    public static final String MANIFEST_MISMATCH = "MANIFEST_MISMATCH";

    /** Refusal reason: the loaded model failed to caption the warm-up image. */
    public static final String WARMUP_FAILED = "WARMUP_FAILED";

    private static final String REFUSED = "captioner.models.refused";
    private static final String REFUSED_HELP =
            "Activated model versions refused (verification, load or warm-up failed), by reason;"
                    + " the previous model kept serving.";

    private final MeterRegistry registry;
    private final Counter swaps;
    private final Map<String, Counter> refused = new ConcurrentHashMap<>();
    private final Timer load;
    private volatile double lastLoadSeconds = Double.NaN;

    /** Registers the meters in {@code registry}. */
    public ModelSwapMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        swaps =
                Counter.builder("captioner.model.swaps")
                        .description("Model versions installed from the models topic.")
                        .register(registry);
        List<String> reasons = new ArrayList<>();
        for (ModelVerificationException.Reason reason :
                ModelVerificationException.Reason.values()) {
            reasons.add(reason.name());
        }
        reasons.addAll(List.of(LOAD_FAILED, MANIFEST_MISMATCH, WARMUP_FAILED));
        // Exported at zero from the start, so alerts on increase() see the first refusal.
        reasons.forEach(this::refusedCounter);
        load =
                Timer.builder("captioner.model.load")
                        .description(
                                "Time to load and warm an activated model version, off the"
                                        + " processing path.")
                        .serviceLevelObjectives(Buckets.seconds(Buckets.exponential(0.05, 2, 12)))
                        .register(registry);
    }

    private Counter refusedCounter(String reason) {
        return refused.computeIfAbsent(
                reason,
                r ->
                        Counter.builder(REFUSED)
                                .description(REFUSED_HELP)
                                .tag("reason", r)
                                .register(registry));
    }

    void swapped(double seconds) {
        swaps.increment();
        load.record(Math.round(seconds * 1e9), TimeUnit.NANOSECONDS);
        lastLoadSeconds = seconds;
    }

    void recordRefusal(String reason) {
        refusedCounter(reason).increment();
    }

    /** Versions installed from the models topic so far. */
    public double swaps() {
        return swaps.count();
    }

    /** Versions refused for {@code reason} so far. */
    public double refused(Object reason) {
        Counter counter = refused.get(String.valueOf(reason));
        return counter == null ? 0 : counter.count();
    }

    /** Versions refused for any reason so far. */
    public double refusedTotal() {
        return refused.values().stream().mapToDouble(Counter::count).sum();
    }

    /** Load-and-warm time of the version installed last, in seconds; NaN before the first. */
    public double lastLoadSeconds() {
        return lastLoadSeconds;
    }

    /** Sum of the load-and-warm times of the installed versions, in seconds. */
    public double loadSecondsSum() {
        return load.totalTime(TimeUnit.SECONDS);
    }
}
