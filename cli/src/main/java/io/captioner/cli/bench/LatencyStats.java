package io.captioner.cli.bench;

import java.util.Arrays;

/**
 * An immutable set of latency samples with exact nearest-rank percentiles.
 *
 * <p>The bench keeps every sample (a few bytes each, at most a few hundred thousand per run), so
 * percentiles are exact rather than estimated from buckets: p99 of 200 samples is the second
 * largest, not a bucket bound.
 */
public final class LatencyStats {

    private final long[] sortedNanos;

    private LatencyStats(long[] sortedNanos) {
        this.sortedNanos = sortedNanos;
    }

    /** Samples in nanoseconds, in any order; negative samples are refused. */
    public static LatencyStats ofNanos(long[] nanos) {
        long[] copy = nanos.clone();
        for (long n : copy) {
            if (n < 0) {
                throw new IllegalArgumentException("negative latency sample: " + n + " ns");
            }
        }
        Arrays.sort(copy);
        return new LatencyStats(copy);
    }

    /** Number of samples. */
    public int count() {
        return sortedNanos.length;
    }

    /**
     * The nearest-rank percentile in milliseconds: the smallest sample with at least {@code p}
     * percent of the samples at or below it (p50 of 1, 2, 3, 4 is 2; p100 is the maximum).
     *
     * @param p percentile in (0, 100]
     * @throws IllegalStateException without samples
     */
    public double percentileMillis(double p) {
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100], was " + p);
        }
        if (sortedNanos.length == 0) {
            throw new IllegalStateException("no latency samples");
        }
        // The epsilon keeps 0.99 * 100 = 99.00000000000001 from becoming rank 100.
        int rank = (int) Math.ceil(p / 100.0 * sortedNanos.length - 1e-9);
        return sortedNanos[Math.max(1, rank) - 1] / 1e6;
    }

    /** The largest sample in milliseconds. */
    public double maxMillis() {
        return percentileMillis(100);
    }

    /** The arithmetic mean in milliseconds. */
    public double meanMillis() {
        if (sortedNanos.length == 0) {
            throw new IllegalStateException("no latency samples");
        }
        double sum = 0;
        for (long n : sortedNanos) {
            sum += n;
        }
        return sum / sortedNanos.length / 1e6;
    }
}
