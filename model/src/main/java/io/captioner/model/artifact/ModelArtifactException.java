package io.captioner.model.artifact;

import java.io.IOException;

/** A model artifact file is unreadable, corrupt, or of a format this build does not support. */
public class ModelArtifactException extends IOException {

    private static final long serialVersionUID = 1L;

    /** Creates the exception with a message naming the problem. */
    public ModelArtifactException(String message) {
        super(message);
    }

    /** Creates the exception with a message and its cause. */
    public ModelArtifactException(String message, Throwable cause) {
        super(message, cause);
    }
}
