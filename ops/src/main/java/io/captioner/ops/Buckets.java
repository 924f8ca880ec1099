package io.captioner.ops;

import java.time.Duration;

/**
 * Histogram bucket bounds for Micrometer's {@code serviceLevelObjectives(...)}: explicit bounds
 * keep the {@code le} labels of a histogram stable across releases, which dashboards and recording
 * rules over {@code _bucket} series depend on.
 */
public final class Buckets {

    private Buckets() {}

    /**
     * {@code count} bounds {@code start, start * factor, ...}, e.g. {@code exponential(1, 2, 11)}
     * for batch sizes 1..1024.
     *
     * @throws IllegalArgumentException unless {@code count >= 1}, {@code start > 0} and {@code
     *     factor > 1}
     */
    public static double[] exponential(double start, double factor, int count) {
        if (count < 1 || !(start > 0) || !(factor > 1) || Double.isInfinite(start)) {
            throw new IllegalArgumentException(
                    "need count >= 1, finite start > 0 and factor > 1: "
                            + start
                            + ", "
                            + factor
                            + ", "
                            + count);
        }
        double[] bounds = new double[count];
        bounds[0] = start;
        for (int i = 1; i < count; i++) {
            bounds[i] = bounds[i - 1] * factor;
        }
        return bounds;
    }

    /** The same bounds as durations, for timers: {@code seconds(exponential(0.005, 2, 14))}. */
    public static Duration[] seconds(double[] seconds) {
        Duration[] durations = new Duration[seconds.length];
        for (int i = 0; i < seconds.length; i++) {
            durations[i] = Duration.ofNanos(Math.round(seconds[i] * 1e9));
        }
        return durations;
    }
}
