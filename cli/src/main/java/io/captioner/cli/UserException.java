package io.captioner.cli;

/**
 * A mistake of the user's (a missing file, a bad option value, an unreachable service they named)
 * that the command line reports as one line and a non-zero exit code, never as a stack trace.
 */
public class UserException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int exitCode;

    /** A user error with exit code 2 (bad input). */
    public UserException(String message) {
        this(2, message);
    }

    /** A user error with a chosen exit code. */
    public UserException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    /** The process exit code this error maps to. */
    public int exitCode() {
        return exitCode;
    }
}
