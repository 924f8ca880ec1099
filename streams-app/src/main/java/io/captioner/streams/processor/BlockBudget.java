package io.captioner.streams.processor;

/**
 * How long one stream thread may still wait, in this round of its loop, for a full buffer to make
 * room. Kafka Streams runs process, punctuate and commit in one loop per thread; waiting in
 * process() keeps the thread's open transaction open, so the waits of all the thread's tasks
 * together are bounded per round (reset by the processors' punctuation, which runs once per round),
 * far inside the transaction timeout. Confined to its stream thread.
 */
final class BlockBudget {

    private final long perRoundNanos;
    private long usedNanos;

    BlockBudget(long perRoundMillis) {
        this.perRoundNanos = perRoundMillis * 1_000_000L;
    }

    /** Milliseconds still available in this round. */
    long remainingMillis() {
        return Math.max(0, (perRoundNanos - usedNanos) / 1_000_000L);
    }

    void used(long nanos) {
        usedNanos += nanos;
    }

    /** A new round of the thread's loop began. */
    void reset() {
        usedNanos = 0;
    }
}
