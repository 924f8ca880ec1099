package io.captioner.schemas.registry;

/**
 * No schema with that id exists, or the schema is not registered under the subject (Confluent error
 * code 40403).
 */
public class SchemaNotFoundException extends SchemaRegistryException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception for a registry response with the given HTTP status and error code. */
    public SchemaNotFoundException(String message, int httpStatus, int errorCode) {
        super(message, httpStatus, errorCode);
    }
}
