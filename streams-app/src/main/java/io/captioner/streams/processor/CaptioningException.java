package io.captioner.streams.processor;

import io.captioner.events.FailureReason;
import java.util.Objects;

/** A failure of one image with its dead-letter reason already decided (e.g. the model failed). */
public final class CaptioningException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final FailureReason reason;

    /** Creates an exception with a reason code, a message and an optional cause. */
    public CaptioningException(FailureReason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** The dead-letter reason code. */
    public FailureReason reason() {
        return reason;
    }
}
