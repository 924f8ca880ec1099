package io.captioner.schemas;

/**
 * An event is well-formed Avro but breaks a rule its schema cannot express (e.g. exactly one of
 * imageBytes and imageUri); maps to {@code FailureReason.INVALID_EVENT}.
 */
public class InvalidEventException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message naming the broken rule. */
    public InvalidEventException(String message) {
        super(message);
    }
}
