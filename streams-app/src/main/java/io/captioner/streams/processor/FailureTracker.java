package io.captioner.streams.processor;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Counts how often the work on one input record failed unexpectedly, across stream-thread
 * replacements and pipeline retries of the same app, so a record that fails the same way again and
 * again is dead-lettered instead of looping. Keyed by {@code topic/partition@offset}; bounded (the
 * oldest entries are forgotten). Thread-safe.
 */
final class FailureTracker {

    private static final int MAX_ENTRIES = 10_000;

    private final Map<String, Failure> failures =
            new LinkedHashMap<>(64, 0.75f, true) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Failure> eldest) {
                    return size() > MAX_ENTRIES;
                }
            };

    static String where(String topic, int partition, long offset) {
        return topic + "/" + partition + "@" + offset;
    }

    /** The failures recorded for {@code where} so far, if any. */
    synchronized Optional<Failure> get(String where) {
        return Optional.ofNullable(failures.get(where));
    }

    /** Records one more failed attempt; returns the attempts so far. */
    synchronized int failed(String where, Throwable cause) {
        Failure previous = failures.get(where);
        Failure next = new Failure(previous == null ? 1 : previous.attempts() + 1, cause);
        failures.put(where, next);
        return next.attempts();
    }

    /** Forgets {@code where} (its work succeeded or its record was dead-lettered). */
    synchronized void clear(String where) {
        failures.remove(where);
    }

    /** Attempts so far and the last cause. */
    record Failure(int attempts, Throwable cause) {}
}
