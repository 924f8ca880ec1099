package io.captioner.schemas.registry;

/**
 * A schema registry call failed; subclasses name the Confluent error codes callers react to.
 *
 * <p>Unchecked so that Kafka serializers, which may only throw unchecked exceptions, can let it
 * propagate or wrap it.
 */
public class SchemaRegistryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Error code used when the failure did not come from an HTTP response. */
    public static final int NO_ERROR_CODE = -1;

    private final int httpStatus;
    private final int errorCode;

    /** Creates an exception for a registry response with the given HTTP status and error code. */
    public SchemaRegistryException(String message, int httpStatus, int errorCode) {
        super(message);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    /** Creates an exception for a failure with a cause and no registry response. */
    public SchemaRegistryException(String message, Throwable cause) {
        super(message, cause);
        this.httpStatus = NO_ERROR_CODE;
        this.errorCode = NO_ERROR_CODE;
    }

    /** HTTP status of the registry response, or {@link #NO_ERROR_CODE} when there was none. */
    public int httpStatus() {
        return httpStatus;
    }

    /**
     * Confluent error code of the response body (e.g. 40401), the HTTP status when the body had
     * none, or {@link #NO_ERROR_CODE} when there was no response.
     */
    public int errorCode() {
        return errorCode;
    }
}
