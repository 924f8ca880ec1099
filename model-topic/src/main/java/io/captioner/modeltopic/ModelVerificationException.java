package io.captioner.modeltopic;

import java.util.Objects;

/**
 * A model version on the {@code models} topic failed verification and must not be loaded; {@link
 * #reason()} says why in a form callers can branch on.
 */
public final class ModelVerificationException extends Exception {

    private static final long serialVersionUID = 1L;

    /** Why a model version was refused. */
    public enum Reason {
        /** Chunks of the version exist but its manifest does not (or was deleted). */
        NO_MANIFEST,
        /** Fewer chunks than the manifest's chunk count are present, or they disagree on it. */
        MISSING_CHUNKS,
        /** A chunk's data does not hash to the sha256 recorded in the chunk or the manifest. */
        CHUNK_CHECKSUM_MISMATCH,
        /** The chunks' lengths do not add up to the manifest's size and chunk size. */
        SIZE_MISMATCH,
        /** The reassembled artifact does not hash to the manifest's sha256. */
        CHECKSUM_MISMATCH,
        /** Trusted keys are configured but the manifest carries no signature. */
        UNSIGNED,
        /** The signature does not verify under the trusted key it names. */
        BAD_SIGNATURE,
        /** The manifest is signed by a key that is not among the trusted keys. */
        UNKNOWN_KEY
    }

    private final Reason reason;
    private final String modelName;
    private final String version;

    /** Creates the exception for {@code modelName}/{@code version} with a precise message. */
    public ModelVerificationException(
            Reason reason, String modelName, String version, String message) {
        super(
                Objects.requireNonNull(reason, "reason")
                        + ": model "
                        + modelName
                        + " version "
                        + version
                        + ": "
                        + message);
        this.reason = reason;
        this.modelName = modelName;
        this.version = version;
    }

    /** Why verification failed. */
    public Reason reason() {
        return reason;
    }

    /** The model name of the refused version. */
    public String modelName() {
        return modelName;
    }

    /** The refused version. */
    public String version() {
        return version;
    }
}
