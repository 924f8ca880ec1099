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

    /** The default mapping, see {@link DefaultFailureMapper}. */
    static FailureMapper defaults() {
        return DefaultFailureMapper.INSTANCE;
    }
}
