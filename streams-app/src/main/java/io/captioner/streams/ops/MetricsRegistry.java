package io.captioner.streams.ops;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A dependency-free metrics registry that renders the Prometheus text exposition format 0.0.4, so
 * the streams app can be scraped without pulling a metrics library into the image.
 *
 * <p>Register each metric once at start-up (a second registration of a name fails) and keep the
 * returned object; recording is lock-free and safe from any thread, and {@link #scrape()} may run
 * concurrently with recording. Families are exported in registration order, children sorted by
 * label values.
 */
public final class MetricsRegistry {

    /** The Content-Type of {@link #scrape()}'s output, for HTTP responses. */
    public static final String CONTENT_TYPE = TextFormat.CONTENT_TYPE;

    private static final Logger LOG = LoggerFactory.getLogger(MetricsRegistry.class);

    private final Map<String, Exposed> families = new LinkedHashMap<>();

    /** Creates an empty registry. */
    public MetricsRegistry() {}

    /** Registers a counter, e.g. {@code counter("captioner_failures_total", "...", "reason")}. */
    public Counter counter(String name, String help, String... labelNames) {
        return register(new Counter(name, help, TextFormat.checkLabelNames(labelNames, false)));
    }

    /**
     * Registers a settable gauge, e.g. {@code gauge("captioner_model_info", "...", "name",
     * "version")}.
     */
    public Gauge gauge(String name, String help, String... labelNames) {
        return register(new Gauge(name, help, TextFormat.checkLabelNames(labelNames, false)));
    }

    /**
     * Registers a histogram with fixed bucket upper bounds (finite, strictly increasing; {@code
     * +Inf} is added implicitly).
     */
    public Histogram histogram(String name, String help, double[] buckets, String... labelNames) {
        return register(
                new Histogram(
                        name,
                        help,
                        Histogram.checkBuckets(buckets),
                        TextFormat.checkLabelNames(labelNames, true)));
    }

    /**
     * Registers an unlabelled gauge read from {@code value} at every scrape; a supplier that throws
     * is logged and exported as {@code NaN}.
     */
    public void supplierGauge(String name, String help, DoubleSupplier value) {
        Objects.requireNonNull(value, "value");
        register(
                new SupplierGauge(
                        name,
                        help,
                        List.of(),
                        () -> {
                            double v;
                            try {
                                v = value.getAsDouble();
                            } catch (RuntimeException e) {
                                LOG.warn("Gauge {} could not be computed; exporting NaN", name, e);
                                v = Double.NaN;
                            }
                            return Map.of(List.of(), v);
                        }));
    }

    /**
     * Registers a labelled gauge whose samples (label values in {@code labelNames} order, to value)
     * are computed at every scrape; lets a hot-swapped model's {@code {name,version}} info change
     * atomically. Malformed entries are logged and skipped.
     */
    public void supplierGauge(
            String name,
            String help,
            List<String> labelNames,
            Supplier<Map<List<String>, Double>> samples) {
        Objects.requireNonNull(samples, "samples");
        register(
                new SupplierGauge(
                        name,
                        help,
                        TextFormat.checkLabelNames(labelNames.toArray(new String[0]), false),
                        samples));
    }

    /** Renders every registered metric in the text exposition format 0.0.4. */
    public String scrape() {
        List<Exposed> snapshot;
        synchronized (families) {
            snapshot = new ArrayList<>(families.values());
        }
        StringBuilder out = new StringBuilder(256 * Math.max(1, snapshot.size()));
        for (Exposed family : snapshot) {
            family.write(out);
        }
        return out.toString();
    }

    private <M extends Exposed> M register(M family) {
        synchronized (families) {
            if (families.containsKey(family.name())) {
                throw new IllegalArgumentException(
                        "metric " + family.name() + " is already registered");
            }
            families.put(family.name(), family);
        }
        return family;
    }
}
