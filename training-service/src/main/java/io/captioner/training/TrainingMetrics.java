package io.captioner.training;

import io.captioner.events.TrainingDecision;
import io.captioner.training.data.SkipReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The training service's meters: pairs consumed, skipped by reason, runs by decision, run and epoch
 * durations, the last candidate and active scores, published versions. Prometheus names: {@code
 * captioner_training_pairs_consumed_total}, {@code captioner_training_pairs_skipped_total{reason}},
 * {@code captioner_training_runs_total{decision}}, {@code captioner_training_run_seconds}, {@code
 * captioner_training_epoch_seconds}, {@code captioner_training_score{model,metric}}, {@code
 * captioner_training_published_versions_total}, {@code captioner_training_dataset_images}, {@code
 * captioner_training_pending_changes}.
 */
public final class TrainingMetrics {

    private final MeterRegistry registry;
    private final Counter consumed;
    private final Map<SkipReason, Counter> skipped = new EnumMap<>(SkipReason.class);
    private final Map<TrainingDecision, Counter> runs = new EnumMap<>(TrainingDecision.class);
    private final Timer runDuration;
    private final Timer epochDuration;
    private final Counter published;
    private final Map<String, AtomicLong> scoreBits = new ConcurrentHashMap<>();

    /** Registers every meter in {@code registry}; the two gauges read the suppliers. */
    public TrainingMetrics(
            MeterRegistry registry, Supplier<Number> datasetImages, Supplier<Number> pending) {
        this.registry = registry;
        consumed =
                Counter.builder("captioner.training.pairs.consumed")
                        .description("Records read from labeled-pairs (pairs and tombstones)")
                        .register(registry);
        for (SkipReason reason : SkipReason.values()) {
            skipped.put(
                    reason,
                    Counter.builder("captioner.training.pairs.skipped")
                            .description("Labeled pairs skipped, by reason")
                            .tag("reason", reason.name())
                            .register(registry));
        }
        for (TrainingDecision decision :
                new TrainingDecision[] {
                    TrainingDecision.PUBLISHED, TrainingDecision.REJECTED, TrainingDecision.FAILED
                }) {
            runs.put(
                    decision,
                    Counter.builder("captioner.training.runs")
                            .description("Training runs, by decision")
                            .tag("decision", decision.name())
                            .register(registry));
        }
        runDuration =
                Timer.builder("captioner.training.run")
                        .description("Duration of whole runs")
                        .register(registry);
        epochDuration =
                Timer.builder("captioner.training.epoch")
                        .description("Duration of training epochs")
                        .register(registry);
        published =
                Counter.builder("captioner.training.published.versions")
                        .description("Model versions published and activated")
                        .register(registry);
        Gauge.builder("captioner.training.dataset.images", () -> datasetImages.get())
                .description("Images in the dataset of record")
                .register(registry);
        Gauge.builder("captioner.training.pending.changes", () -> pending.get())
                .description("Pair changes since the last run")
                .register(registry);
    }

    /** A record was read from labeled-pairs. */
    public void consumed() {
        consumed.increment();
    }

    /** A pair was skipped. */
    public void skipped(SkipReason reason) {
        skipped.get(reason).increment();
    }

    /** A run ended with {@code decision} after {@code duration}. */
    public void run(TrainingDecision decision, Duration duration) {
        runs.get(decision).increment();
        runDuration.record(duration);
        if (decision == TrainingDecision.PUBLISHED) {
            published.increment();
        }
    }

    /** An epoch took {@code seconds}. */
    public void epoch(double seconds) {
        if (Double.isFinite(seconds)) {
            epochDuration.record(Duration.ofNanos((long) (seconds * 1e9)));
        }
    }

    /** The last run's scores of {@code model} ({@code candidate} or {@code active}). */
    public void scores(String model, Map<String, Double> scores) {
        scores.forEach(
                (metric, value) ->
                        scoreBits
                                .computeIfAbsent(
                                        model + "/" + metric,
                                        key -> {
                                            AtomicLong bits =
                                                    new AtomicLong(
                                                            Double.doubleToLongBits(Double.NaN));
                                            Gauge.builder(
                                                            "captioner.training.score",
                                                            bits,
                                                            b -> Double.longBitsToDouble(b.get()))
                                                    .description(
                                                            "Last run's validation scores of the"
                                                                    + " candidate and the active"
                                                                    + " version")
                                                    .tag("model", model)
                                                    .tag("metric", metric)
                                                    .register(registry);
                                            return bits;
                                        })
                                .set(Double.doubleToLongBits(value)));
    }
}
