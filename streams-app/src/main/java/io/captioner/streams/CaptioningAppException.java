package io.captioner.streams;

/** The app could not start because a Kafka-side step (e.g. topic creation) failed. */
public final class CaptioningAppException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Creates an exception with what failed and why. */
    public CaptioningAppException(String message, Throwable cause) {
        super(message, cause);
    }
}
