package io.captioner.schemas.registry;

/** The schema breaks the subject's compatibility rule (HTTP 409, error code 409 or 40901). */
public class IncompatibleSchemaException extends SchemaRegistryException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception for a registry response with the given HTTP status and error code. */
    public IncompatibleSchemaException(String message, int httpStatus, int errorCode) {
        super(message, httpStatus, errorCode);
    }
}
