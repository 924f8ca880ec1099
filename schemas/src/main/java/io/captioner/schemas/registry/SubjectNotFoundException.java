package io.captioner.schemas.registry;

/** The subject does not exist in the registry (Confluent error code 40401). */
public class SubjectNotFoundException extends SchemaRegistryException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception for a registry response with the given HTTP status and error code. */
    public SubjectNotFoundException(String message, int httpStatus, int errorCode) {
        super(message, httpStatus, errorCode);
    }
}
