package io.captioner.schemas.registry;

/** The registry rejected the schema as invalid (Confluent error code 42201, or any HTTP 422). */
public class InvalidSchemaException extends SchemaRegistryException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception for a registry response with the given HTTP status and error code. */
    public InvalidSchemaException(String message, int httpStatus, int errorCode) {
        super(message, httpStatus, errorCode);
    }
}
