package io.captioner.modeltopic;

import java.util.Objects;

/**
 * A {@link ModelPublisher} operation was refused because it would break the {@code models} topic
 * protocol; nothing of the operation was committed.
 */
public final class ModelPublishException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why the operation was refused. */
    public enum Reason {
        /** The version exists with a different sha256; versions are immutable. */
        VERSION_CONFLICT,
        /** The version to activate has no manifest on the topic. */
        UNKNOWN_VERSION,
        /** The version to activate lacks chunks, so readers could never load it. */
        INCOMPLETE_VERSION,
        /** There is no active version, or no previous version to roll back to. */
        NO_ROLLBACK_TARGET,
        /** The artifact file is empty, too large, unreadable or changed while publishing. */
        BAD_ARTIFACT,
        /** The topic exists with more than one partition, which breaks ordering. */
        BAD_TOPIC_LAYOUT
    }

    private final Reason reason;

    /** Creates the exception with a message that names the model and version. */
    public ModelPublishException(Reason reason, String message) {
        this(reason, message, null);
    }

    /** Creates the exception with a cause. */
    public ModelPublishException(Reason reason, String message, Throwable cause) {
        super(Objects.requireNonNull(reason, "reason") + ": " + message, cause);
        this.reason = reason;
    }

    /** Why the operation was refused. */
    public Reason reason() {
        return reason;
    }
}
