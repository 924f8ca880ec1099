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

    /**
     * Milliseconds left, at least 1 so it can be handed to socket timeouts (where 0 means
     * "forever"); throws once the deadline has passed.
     */
    int remainingMillis() throws SocketTimeoutException {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            throw new SocketTimeoutException("deadline of " + budget.toMillis() + " ms passed");
        }
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (left + 999_999) / 1_000_000));
    }
}
