package io.captioner.cli.bench;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * When each send of an open-loop load is due: {@code rate} sends per second, evenly spaced, for
 * {@code duration}.
 *
 * <p>Open loop means the schedule never waits for responses; a sender that falls behind sends at
 * once and its latency still counts from the scheduled time, so a stalled system cannot hide its
 * stall by slowing the load down (coordinated omission).
 */
public final class OpenLoopSchedule {

    private final double ratePerSecond;
    private final int count;

    /**
     * A schedule of {@code floor(rate x duration)} sends, at least one.
     *
     * @throws IllegalArgumentException if the rate is not positive and finite, or the duration not
     *     positive
     */
    public OpenLoopSchedule(double ratePerSecond, Duration duration) {
        if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
            throw new IllegalArgumentException("rate must be positive, was " + ratePerSecond);
        }
        if (duration.isZero() || duration.isNegative()) {
            throw new IllegalArgumentException("duration must be positive, was " + duration);
        }
        double sends = ratePerSecond * duration.toNanos() / 1e9;
        if (sends > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(
                    "rate x duration is too many sends: " + (long) sends);
        }
        this.ratePerSecond = ratePerSecond;
        this.count = Math.max(1, (int) Math.floor(sends + 1e-9));
    }

    /** Sends per second. */
    public double ratePerSecond() {
        return ratePerSecond;
    }

    /** Number of sends. */
    public int count() {
        return count;
    }

    /** Nanoseconds from the start at which send {@code i} (from 0) is due. */
    public long offsetNanos(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException("send " + i + " of " + count);
        }
        return Math.round(i * 1e9 / ratePerSecond);
    }

    /** How far the schedule spans, from the first send to the last one. */
    public Duration span() {
        return Duration.ofNanos(offsetNanos(count - 1));
    }

    /**
     * Runs the schedule from {@code startNanos}: waits until each send is due, never for a
     * response, and hands every send its due time, which is where its latency starts. A send that
     * blocks delays the ones after it, which then go out at once, late but still measured from when
     * they were due.
     *
     * @return how late the latest send was, in nanoseconds
     */
    public long drive(long startNanos, NanoClock clock, Send send) throws InterruptedException {
        long maxLag = 0;
        for (int i = 0; i < count; i++) {
            long due = startNanos + offsetNanos(i);
            clock.sleepUntil(due);
            maxLag = Math.max(maxLag, clock.nanoTime() - due);
            send.send(i, due);
        }
        return maxLag;
    }

    /** One send of the schedule. */
    @FunctionalInterface
    public interface Send {
        /** Sends number {@code index}, due at {@code dueNanos}. */
        void send(int index, long dueNanos);
    }

    /** The clock a schedule runs on; {@link #SYSTEM} outside tests. */
    public interface NanoClock {

        /** {@link System#nanoTime} and {@link LockSupport#parkNanos}. */
        NanoClock SYSTEM =
                new NanoClock() {
                    @Override
                    public long nanoTime() {
                        return System.nanoTime();
                    }

                    @Override
                    public void sleepUntil(long deadlineNanos) throws InterruptedException {
                        long wait;
                        while ((wait = deadlineNanos - System.nanoTime()) > 0) {
                            LockSupport.parkNanos(wait);
                            if (Thread.interrupted()) {
                                throw new InterruptedException("interrupted while pacing a load");
                            }
                        }
                    }
                };

        /** Now, in nanoseconds from an arbitrary origin. */
        long nanoTime();

        /** Returns once {@link #nanoTime()} has reached {@code deadlineNanos}. */
        void sleepUntil(long deadlineNanos) throws InterruptedException;
    }
}
