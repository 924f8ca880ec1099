package io.captioner.cli.bench;

/** A bench stage that could not produce its figure; the message is the one line a user sees. */
public final class BenchException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** A failure described by {@code message}. */
    public BenchException(String message) {
        super(message);
    }

    /** A failure described by {@code message}, caused by {@code cause}. */
    public BenchException(String message, Throwable cause) {
        super(message, cause);
    }
}
