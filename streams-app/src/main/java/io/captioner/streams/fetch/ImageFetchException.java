package io.captioner.streams.fetch;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * Why an image URI could not be turned into bytes; {@link #reason()} maps one-to-one onto the
 * dead-letter reason codes, and the message says which rule or which I/O step failed.
 */
public final class ImageFetchException extends Exception {

    private static final long serialVersionUID = 1L;

    /** The failure classes the streams app dead-letters under codes of the same name. */
    public enum Reason {
        /** The URI violates the policy (scheme, directory, network); retrying cannot help. */
        FORBIDDEN_URI,
        /** The URI was allowed but reading failed: missing file, I/O error, timeout, non-2xx. */
        FETCH_FAILED,
        /** The image is larger than the configured maximum number of bytes. */
        IMAGE_TOO_LARGE
    }

    private final Reason reason;
    private final int httpStatus;

    /** Creates an exception with a reason and a message saying exactly what went wrong. */
    public ImageFetchException(Reason reason, String message) {
        this(reason, message, null);
    }

    /** Creates an exception with a reason, a message and the underlying cause. */
    public ImageFetchException(Reason reason, String message, Throwable cause) {
        this(reason, message, cause, -1);
    }

    private ImageFetchException(Reason reason, String message, Throwable cause, int httpStatus) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.httpStatus = httpStatus;
    }

    static ImageFetchException httpStatus(int status, String message) {
        return new ImageFetchException(Reason.FETCH_FAILED, message, null, status);
    }

    static ImageFetchException forbidden(String message) {
        return new ImageFetchException(Reason.FORBIDDEN_URI, message);
    }

    static ImageFetchException failed(String message, Throwable cause) {
        return new ImageFetchException(Reason.FETCH_FAILED, message, cause);
    }

    static ImageFetchException tooLarge(String detail, long limit) {
        return new ImageFetchException(
                Reason.IMAGE_TOO_LARGE, "image too large: " + detail + " (limit " + limit + ")");
    }

    /** The failure class, for mapping onto a dead-letter reason code. */
    public Reason reason() {
        return reason;
    }

    /** The HTTP status of a non-2xx response, when that is what failed the fetch. */
    public OptionalInt httpStatus() {
        return httpStatus < 0 ? OptionalInt.empty() : OptionalInt.of(httpStatus);
    }
}
