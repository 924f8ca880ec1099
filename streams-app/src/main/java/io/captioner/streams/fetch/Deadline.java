package io.captioner.streams.fetch;

import java.net.SocketTimeoutException;
import java.time.Duration;

/** A point in monotonic time after which the whole fetch, every redirect hop included, gives up. */
final class Deadline {

    private final long deadlineNanos;
    private final Duration budget;

    private Deadline(long deadlineNanos, Duration budget) {
        this.deadlineNanos = deadlineNanos;
        this.budget = budget;
    }

    static Deadline after(Duration budget) {
        return new Deadline(System.nanoTime() + budget.toNanos(), budget);
    }

    Duration budget() {
        return budget;
    }

    boolean expired() {
        return deadlineNanos - System.nanoTime() <= 0;
    }

    /** Nanoseconds left, at least 1; throws once the deadline has passed. */
    long remainingNanos() throws SocketTimeoutException {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            throw new SocketTimeoutException("deadline of " + budget.toMillis() + " ms passed");
        }
        return left;
    }
}
