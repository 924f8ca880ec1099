package io.captioner.stack.internal;

/**
 * A schema registry failure that maps to one Confluent error body: an HTTP status plus the
 * Confluent {@code error_code}, so clients written for Confluent react the same way.
 */
public final class RegistryException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int httpStatus;
    private final int errorCode;

    /** Creates an error with its HTTP status, Confluent error code and a message for humans. */
    public RegistryException(int httpStatus, int errorCode, String message) {
        super(message);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    /** Creates an error caused by another exception. */
    public RegistryException(int httpStatus, int errorCode, String message, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    /** The HTTP status to answer with. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The Confluent {@code error_code}. */
    public int errorCode() {
        return errorCode;
    }

    /** 40401: the subject has no versions. */
    public static RegistryException subjectNotFound(String subject) {
        return new RegistryException(404, 40401, "Subject '" + subject + "' not found.");
    }

    /** 40402: the subject exists but not the version. */
    public static RegistryException versionNotFound(String subject, int version) {
        return new RegistryException(
                404, 40402, "Version " + version + " not found for subject '" + subject + "'.");
    }

    /** 40403: no schema with that id, or the schema is not registered under the subject. */
    public static RegistryException schemaNotFound(String detail) {
        return new RegistryException(404, 40403, "Schema not found: " + detail);
    }

    /** 40408: the subject has no compatibility level of its own. */
    public static RegistryException subjectConfigNotFound(String subject) {
        return new RegistryException(
                404,
                40408,
                "Subject '"
                        + subject
                        + "' does not have subject-level compatibility configured;"
                        + " add ?defaultToGlobal=true to get the global level.");
    }

    /** 42201: the schema text is not a valid schema of a supported type. */
    public static RegistryException invalidSchema(String detail) {
        return new RegistryException(422, 42201, "Invalid schema: " + detail);
    }

    /** 42202: the version path segment is neither a positive integer nor {@code latest}. */
    public static RegistryException invalidVersion(String version) {
        return new RegistryException(
                422,
                42202,
                "The specified version '"
                        + version
                        + "' is not a valid version id. Allowed values are between [1, "
                        + Integer.MAX_VALUE
                        + "] and the string \"latest\"");
    }

    /** 42203: unknown compatibility level. */
    public static RegistryException invalidCompatibilityLevel(String level) {
        return new RegistryException(
                422,
                42203,
                "Invalid compatibility level '"
                        + level
                        + "'. Valid values are NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD,"
                        + " FORWARD_TRANSITIVE, FULL and FULL_TRANSITIVE.");
    }

    /** 409: the schema breaks the subject's compatibility level. */
    public static RegistryException incompatible(String detail) {
        return new RegistryException(409, 409, detail);
    }

    /** 50001: the schema could not be written to or read from the backing topic. */
    public static RegistryException storeError(String detail, Throwable cause) {
        return new RegistryException(
                500, 50001, "Error in the backend data store: " + detail, cause);
    }
}
