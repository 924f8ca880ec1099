package io.captioner.modeltopic.internal;

import io.captioner.events.ModelChunk;
import io.captioner.events.ModelManifest;
import io.captioner.modeltopic.CatalogLimits;
import io.captioner.modeltopic.ModelVerificationException;
import io.captioner.modeltopic.ModelVerificationException.Reason;
import io.captioner.modeltopic.TrustedKeys;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policy of what a reader holds of versions, within {@link CatalogLimits}: a manifest is
 * verified when it arrives (size, and signature with trusted keys); a chunk's bytes are kept only
 * when it is exactly a chunk the accepted manifest announces, or, before any manifest of its
 * version, while all such unverified chunks hold no more than the budget. Everything else keeps its
 * metadata only. Not thread-safe: the catalog serializes calls.
 */
public final class VersionHolding {

    private static final Logger LOG = LoggerFactory.getLogger(VersionHolding.class);

    private final ChunkStore store;
    private final TrustedKeys trustedKeys;
    private final CatalogLimits limits;
    private long unverifiedBytes;
    private long droppedChunks;

    /** Holds bytes in {@code store} within {@code limits}, verifying with {@code trustedKeys}. */
    public VersionHolding(ChunkStore store, TrustedKeys trustedKeys, CatalogLimits limits) {
        this.store = Objects.requireNonNull(store, "store");
        this.trustedKeys = Objects.requireNonNull(trustedKeys, "trustedKeys");
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /** Bytes held now for chunks whose version has no accepted manifest. */
    public long unverifiedBytes() {
        return unverifiedBytes;
    }

    /** How many chunks' bytes were dropped for the budget of unverified chunks. */
    public long droppedChunks() {
        return droppedChunks;
    }

    /** Takes a manifest for {@code version}: verifies it and keeps only the bytes it announces. */
    public void manifest(HeldVersion version, ModelManifest manifest) {
        boolean wasUnverified = !version.verified();
        version.manifest = manifest;
        version.refusal = verify(manifest);
        if (version.refusal != null) {
            LOG.warn(
                    "Refusing manifest of model {} version {}; none of its chunks will be kept: {}",
                    manifest.getModelName(),
                    manifest.getVersion(),
                    version.refusal.getMessage());
        }
        if (wasUnverified) {
            unverifiedBytes -= version.storedBytes;
        }
        for (Map.Entry<Integer, StoredChunk> entry : version.chunks.entrySet()) {
            StoredChunk chunk = entry.getValue();
            if (chunk.hasData()
                    && (version.refusal != null || !ArtifactAssembler.fits(manifest, chunk))) {
                version.storedBytes -= chunk.length();
                entry.setValue(store.strip(chunk));
            }
        }
        if (!version.verified()) {
            unverifiedBytes += version.storedBytes;
        }
    }

    /** Takes a chunk for {@code version}, replacing one with the same index. */
    public void chunk(HeldVersion version, ModelChunk chunk) {
        StoredChunk previous = version.chunks.remove(chunk.getIndex());
        if (previous != null) {
            release(version, previous);
        }
        version.chunks.put(chunk.getIndex(), hold(version, chunk));
    }

    /**
     * Deletes the manifest of {@code version}; its chunks (deleted in the same transaction by
     * publishers) keep their metadata only rather than be held as unverified.
     */
    public void deleteManifest(HeldVersion version) {
        for (Map.Entry<Integer, StoredChunk> entry : version.chunks.entrySet()) {
            forget(version, entry.getValue());
            entry.setValue(store.strip(entry.getValue()));
        }
        version.manifest = null;
        version.refusal = null;
    }

    /** Deletes chunk {@code index} of {@code version}. */
    public void deleteChunk(HeldVersion version, int index) {
        StoredChunk removed = version.chunks.remove(index);
        if (removed != null) {
            release(version, removed);
        }
    }

    private ModelVerificationException verify(ModelManifest manifest) {
        if (manifest.getArtifactSizeBytes() > limits.maxArtifactBytes()) {
            return new ModelVerificationException(
                    Reason.TOO_LARGE,
                    manifest.getModelName(),
                    manifest.getVersion(),
                    String.format(
                            Locale.ROOT,
                            "the artifact has %d bytes, more than this reader's maximum of %d",
                            manifest.getArtifactSizeBytes(),
                            limits.maxArtifactBytes()));
        }
        try {
            trustedKeys.verify(manifest);
            return null;
        } catch (ModelVerificationException e) {
            return e;
        }
    }

    private StoredChunk hold(HeldVersion version, ModelChunk chunk) {
        if (!store.keepsBytes()) {
            return store.metadata(chunk);
        }
        int length = chunk.getData().remaining();
        if (version.manifest != null) {
            StoredChunk metadata = store.metadata(chunk);
            if (version.refusal != null || !ArtifactAssembler.fits(version.manifest, metadata)) {
                return metadata;
            }
            version.storedBytes += length;
            return store.store(chunk);
        }
        if (unverifiedBytes + length > limits.maxUnverifiedBytes()
                || version.storedBytes + length > limits.maxArtifactBytes()) {
            droppedChunks++;
            if (!version.dropReported) {
                version.dropReported = true;
                LOG.warn(
                        "Dropping the bytes of chunks of model {} version {}: chunks without a"
                                + " verified manifest already hold {} bytes, the budget is {} (an"
                                + " older publisher writes chunks before the manifest; raise the"
                                + " maximum artifact size if this version is genuine)",
                        chunk.getModelName(),
                        chunk.getVersion(),
                        unverifiedBytes,
                        limits.maxUnverifiedBytes());
            }
            return store.metadata(chunk);
        }
        version.storedBytes += length;
        unverifiedBytes += length;
        return store.store(chunk);
    }

    private void release(HeldVersion version, StoredChunk chunk) {
        forget(version, chunk);
        store.release(chunk);
    }

    /** Takes {@code chunk}'s bytes off the counters (before they are released). */
    private void forget(HeldVersion version, StoredChunk chunk) {
        if (chunk.hasData()) {
            version.storedBytes -= chunk.length();
            if (!version.verified()) {
                unverifiedBytes -= chunk.length();
            }
        }
    }
}
