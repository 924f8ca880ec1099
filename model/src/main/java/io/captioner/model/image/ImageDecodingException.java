package io.captioner.model.image;

import java.util.Objects;

/**
 * Thrown when bytes cannot be turned into an image; checked so that every caller that consumes
 * untrusted bytes (the streams app, dataset loaders) must decide where a bad image goes.
 *
 * <p>The {@link #reason()} is stable and meant for machines (for example a dead-letter reason
 * code); the message is meant for humans and may change.
 */
public final class ImageDecodingException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why an image was refused, one value per dead-letter reason code. */
    public enum Reason {
        /** The bytes look like a supported format but are broken, truncated or inconsistent. */
        UNDECODABLE_IMAGE,
        /** The bytes are empty, unrecognised, or in a format this decoder does not read. */
        UNSUPPORTED_FORMAT,
        /** The input exceeds the byte limit or its header declares more pixels than allowed. */
        IMAGE_TOO_LARGE
    }

    private final Reason reason;

    /**
     * Creates an exception with a reason and a human-readable message.
     *
     * @param reason machine-readable category
     * @param message what was wrong with the input
     */
    public ImageDecodingException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /**
     * Creates an exception that keeps the low-level failure as its cause for diagnostics.
     *
     * @param reason machine-readable category
     * @param message what was wrong with the input
     * @param cause the reader's failure
     */
    public ImageDecodingException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /**
     * Returns the machine-readable category of this failure.
     *
     * @return the reason, never null
     */
    public Reason reason() {
        return reason;
    }
}
