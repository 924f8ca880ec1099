package io.captioner.modeltopic;

import java.util.Objects;

/**
 * A model version (or an activation) on the {@code models} topic failed verification and must not
 * be loaded or followed; {@link #reason()} says why in a form callers can branch on.
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
        /** Trusted keys are configured but the manifest or activation carries no signature. */
        UNSIGNED,
        /** The signature does not verify under the trusted key it names. */
        BAD_SIGNATURE,
        /** The manifest or activation is signed by a key that is not among the trusted keys. */
        UNKNOWN_KEY,
        /** The manifest announces an artifact larger than the reader's maximum artifact size. */
        TOO_LARGE,
        /**
         * Chunk bytes were dropped because chunks without a verified manifest exceeded the reader's
         * budget for them; the version cannot be assembled.
         */
        CHUNKS_DROPPED,
        /**
         * A signed activation does not match its key's sequence or the activated version's sha256.
         */
        ACTIVATION_MISMATCH,
        /**
         * A validly signed activation whose sequence is not above the one in force: a replay of an
         * older activation, which must not downgrade anyone.
         */
        STALE_ACTIVATION,
        /** An activation was deleted (tombstone) while trusted keys are configured. */
        ACTIVATION_TOMBSTONE
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
                        + (version == null ? "" : " version " + version)
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

    /** The refused version; null when the refused record names none (a tombstone). */
    public String version() {
        return version;
    }
}
