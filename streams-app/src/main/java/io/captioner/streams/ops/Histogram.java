package io.captioner.streams.ops;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * Observations counted into fixed buckets (exposition type {@code histogram}), e.g. {@code
 * captioner_inference_seconds}; exported as cumulative {@code _bucket{le="..."}} series ending in
 * {@code +Inf}, plus {@code _sum} and {@code _count}. Recording is lock-free.
 */
public final class Histogram extends MetricFamily<Histogram.Child> {

    private final double[] upperBounds;

    Histogram(String name, String help, double[] upperBounds, List<String> labelNames) {
        super(name, help, labelNames, values -> new Child(upperBounds));
        this.upperBounds = upperBounds;
    }

    /**
     * Validates and copies bucket upper bounds: finite, strictly increasing, at least one; the
     * {@code +Inf} bucket is implicit.
     */
    static double[] checkBuckets(double[] buckets) {
        if (buckets == null || buckets.length == 0) {
            throw new IllegalArgumentException("a histogram needs at least one bucket");
        }
        double[] copy = buckets.clone();
        for (int i = 0; i < copy.length; i++) {
            if (!Double.isFinite(copy[i])) {
                throw new IllegalArgumentException(
                        "bucket bounds must be finite (+Inf is implicit): " + copy[i]);
            }
            if (i > 0 && copy[i] <= copy[i - 1]) {
                throw new IllegalArgumentException(
                        "bucket bounds must increase strictly: " + Arrays.toString(copy));
            }
        }
        return copy;
    }

    /** {@code count} bounds {@code start, start + width, ...}, e.g. for batch sizes. */
    public static double[] linearBuckets(double start, double width, int count) {
        if (count < 1 || !(width > 0)) {
            throw new IllegalArgumentException("need count >= 1 and width > 0");
        }
        double[] b = new double[count];
        for (int i = 0; i < count; i++) {
            b[i] = start + i * width;
        }
        return b;
    }

    /** {@code count} bounds {@code start, start * factor, ...}, e.g. for latencies in seconds. */
    public static double[] exponentialBuckets(double start, double factor, int count) {
        if (count < 1 || !(start > 0) || !(factor > 1)) {
            throw new IllegalArgumentException("need count >= 1, start > 0 and factor > 1");
        }
        double[] b = new double[count];
        b[0] = start;
        for (int i = 1; i < count; i++) {
            b[i] = b[i - 1] * factor;
        }
        return b;
    }

    /** Returns the child for these label values, creating it on first use. */
    public Child labels(String... labelValues) {
        return child(labelValues);
    }

    /** Records one observation in an unlabelled histogram. */
    public void observe(double value) {
        unlabelled().observe(value);
    }

    /** Number of observations of an unlabelled histogram. */
    public long count() {
        return unlabelled().count();
    }

    /** Sum of the observations of an unlabelled histogram. */
    public double sum() {
        return unlabelled().sum();
    }

    /** The bucket upper bounds, without the implicit {@code +Inf}. */
    public double[] buckets() {
        return upperBounds.clone();
    }

    @Override
    String type() {
        return "histogram";
    }

    @Override
    void writeChild(StringBuilder out, List<String> labelValues, Child child) {
        long[] counts = child.snapshot();
        long cumulative = 0;
        for (int i = 0; i < upperBounds.length; i++) {
            cumulative += counts[i];
            TextFormat.sample(
                    out,
                    name + "_bucket",
                    labelNames,
                    labelValues,
                    "le",
                    TextFormat.formatValue(upperBounds[i]),
                    cumulative);
        }
        cumulative += counts[upperBounds.length];
        TextFormat.sample(out, name + "_bucket", labelNames, labelValues, "le", "+Inf", cumulative);
        TextFormat.sample(out, name + "_sum", labelNames, labelValues, null, null, child.sum());
        // _count is the +Inf bucket by definition; deriving it keeps the two equal mid-update.
        TextFormat.sample(out, name + "_count", labelNames, labelValues, null, null, cumulative);
    }

    /** The buckets for one combination of label values. */
    public static final class Child {
        private final double[] upperBounds;
        private final LongAdder[] counts;
        private final DoubleAdder sum = new DoubleAdder();

        private Child(double[] upperBounds) {
            this.upperBounds = upperBounds;
            this.counts = new LongAdder[upperBounds.length + 1];
            for (int i = 0; i < counts.length; i++) {
                counts[i] = new LongAdder();
            }
        }

        /** Records one observation; NaN is refused because it belongs in no bucket. */
        public void observe(double value) {
            if (Double.isNaN(value)) {
                throw new IllegalArgumentException("cannot observe NaN");
            }
            int i = Arrays.binarySearch(upperBounds, value);
            // An exact hit belongs to that bucket (le is inclusive); otherwise the first greater.
            counts[i >= 0 ? i : -i - 1].increment();
            sum.add(value);
        }

        /** Number of observations so far. */
        public long count() {
            long total = 0;
            for (LongAdder c : counts) {
                total += c.sum();
            }
            return total;
        }

        /** Sum of the observations so far. */
        public double sum() {
            return sum.sum();
        }

        long[] snapshot() {
            long[] out = new long[counts.length];
            for (int i = 0; i < counts.length; i++) {
                out[i] = counts[i].sum();
            }
            return out;
        }
    }
}
