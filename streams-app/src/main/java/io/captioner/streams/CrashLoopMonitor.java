package io.captioner.streams;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Tells a crash loop from a one-off failure: Kafka Streams replaces a failed stream thread, and a
 * failure that comes back (a poison the processor cannot attribute, an outage) would replace it
 * forever behind a healthy liveness probe. At {@code max} replacements within {@code window} the
 * app reports itself DOWN with the last failure until the window passes without one. Thread-safe.
 */
final class CrashLoopMonitor {

    private final int max;
    private final long windowMs;
    private final LongSupplier clock;
    private final Deque<Long> replacements = new ArrayDeque<>();
    private long total;
    private String lastFailure;

    CrashLoopMonitor(int max, Duration window, LongSupplier clock) {
        this.max = max;
        this.windowMs = window.toMillis();
        this.clock = clock;
    }

    /** A stream thread failed with {@code failure} and is being replaced. */
    synchronized void replaced(Throwable failure) {
        long now = clock.getAsLong();
        replacements.addLast(now);
        total++;
        lastFailure = describe(failure);
        expire(now);
    }

    /** Replacements since start. */
    synchronized long total() {
        return total;
    }

    /** Why the app is crash-looping, or empty when it is not. */
    synchronized Optional<String> crashLoop() {
        expire(clock.getAsLong());
        if (replacements.size() < max) {
            return Optional.empty();
        }
        return Optional.of(
                "stream threads were replaced "
                        + replacements.size()
                        + " times in the last "
                        + windowMs / 1000
                        + " s (a crash loop); last failure: "
                        + lastFailure);
    }

    /** The failure and, when Streams wrapped it, the root cause that says what went wrong. */
    static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == failure ? failure.toString() : failure + "; caused by " + root;
    }

    private void expire(long now) {
        while (!replacements.isEmpty() && now - replacements.peekFirst() > windowMs) {
            replacements.removeFirst();
        }
    }
}
