package io.captioner.stack;

/** Thrown when the embedded Kafka broker or schema registry cannot start, serve or stop. */
public class StackException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message that says what failed and why. */
    public StackException(String message) {
        super(message);
    }

    /** Creates the exception with a message and the underlying cause. */
    public StackException(String message, Throwable cause) {
        super(message, cause);
    }
}
