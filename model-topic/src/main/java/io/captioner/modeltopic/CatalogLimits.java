package io.captioner.modeltopic;

/**
 * What a reader of the {@code models} topic accepts before it holds anything of a version, so a
 * writer of the topic can neither fill the reader's disk nor make it assemble a huge artifact.
 *
 * @param maxArtifactBytes largest artifact accepted: a manifest announcing more is refused ({@link
 *     ModelVerificationException.Reason#TOO_LARGE}) and none of its chunks are stored
 * @param maxUnverifiedBytes most chunk bytes held, over all versions together, for versions whose
 *     manifest has not been seen (and verified) yet; bytes beyond it are dropped ({@link
 *     ModelVerificationException.Reason#CHUNKS_DROPPED}). Current publishers write the manifest
 *     before the chunks, so only publishers of older builds (and broken or hostile writers) make
 *     such chunks
 */
public record CatalogLimits(long maxArtifactBytes, long maxUnverifiedBytes) {

    /** Default largest artifact: 1 GiB (a resnet50 captioner is about 100 MB). */
    public static final long DEFAULT_MAX_ARTIFACT_BYTES = 1L << 30;

    /** Validates the limits. */
    public CatalogLimits {
        if (maxArtifactBytes < 1) {
            throw new IllegalArgumentException(
                    "maxArtifactBytes must be positive: " + maxArtifactBytes);
        }
        if (maxUnverifiedBytes < 0) {
            throw new IllegalArgumentException(
                    "maxUnverifiedBytes must be >= 0: " + maxUnverifiedBytes);
        }
    }

    /**
     * Artifacts up to {@link #DEFAULT_MAX_ARTIFACT_BYTES}; as many unverified bytes, so one version
     * written by an older publisher (chunks before the manifest) still fits.
     */
    public static CatalogLimits defaults() {
        return of(DEFAULT_MAX_ARTIFACT_BYTES);
    }

    /** Artifacts up to {@code maxArtifactBytes}, with as many unverified bytes. */
    public static CatalogLimits of(long maxArtifactBytes) {
        return new CatalogLimits(maxArtifactBytes, maxArtifactBytes);
    }
}
