package io.captioner.schemas.registry;

/**
 * The registry could not be reached (connection refused, timeout, I/O error) even after the
 * configured retries; callers may retry later, unlike for the error-code exceptions.
 */
public class SchemaRegistryConnectionException extends SchemaRegistryException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception with the last connection failure as cause. */
    public SchemaRegistryConnectionException(String message, Throwable cause) {
        super(message, cause);
    }
}
