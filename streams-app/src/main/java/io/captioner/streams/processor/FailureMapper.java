package io.captioner.streams.processor;

import io.captioner.events.FailureReason;

/**
 * Decides the dead-letter reason code of a failure, so deployments can refine the mapping (for
 * example treat a specific model exception as retryable elsewhere) without touching the processor.
 */
@FunctionalInterface
public interface FailureMapper {

    /** The reason code for {@code failure}; never null. */
    FailureReason reasonOf(Throwable failure);

    /**
     * Whether {@code failure} is a passing infrastructure problem (e.g. the schema registry is
     * unreachable) rather than a property of the input; such failures are not dead-lettered but
     * fail the stream thread, which Kafka Streams replaces, so the record is processed again once
     * the problem is gone. The default says no.
     */
    default boolean isTransient(Throwable failure) {
        return false;
    }

    /** The default mapping, see {@link DefaultFailureMapper}. */
    static FailureMapper defaults() {
        return DefaultFailureMapper.INSTANCE;
    }
}
