package io.captioner.schemas.registry;

/** The subject has no such version (Confluent error code 40402). */
public class VersionNotFoundException extends SchemaRegistryException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception for a registry response with the given HTTP status and error code. */
    public VersionNotFoundException(String message, int httpStatus, int errorCode) {
        super(message, httpStatus, errorCode);
    }
}
