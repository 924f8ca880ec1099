package io.captioner.model.data;

/**
 * A dataset cannot be read or written: a missing directory or file, a malformed captions row, or an
 * I/O failure. Unchecked so dataset loading composes with streams and lambdas.
 */
public class DatasetException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Creates an exception with a message that names the offending file and, where known, line. */
    public DatasetException(String message) {
        super(message);
    }

    /** Creates an exception caused by a lower-level failure, usually an I/O error. */
    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
