package io.captioner.modeltopic.internal;

import io.captioner.events.ModelManifest;
import io.captioner.modeltopic.ModelVerificationException;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a reader holds of one version: its manifest (and the refusal, when the manifest was not
 * accepted), and its chunks by index. Changed only through {@link VersionHolding}.
 */
public final class HeldVersion {
    private final String modelName;
    private final String version;
    private final long firstOffset;
    final TreeMap<Integer, StoredChunk> chunks = new TreeMap<>();
    ModelManifest manifest;
    ModelVerificationException refusal;
    long storedBytes;
    boolean dropReported;

    /** An empty version first seen at {@code firstOffset}. */
    public HeldVersion(String modelName, String version, long firstOffset) {
        this.modelName = modelName;
        this.version = version;
        this.firstOffset = firstOffset;
    }

    /** The model name. */
    public String modelName() {
        return modelName;
    }

    /** The version. */
    public String version() {
        return version;
    }

    /** Offset of the first record of this version still held; versions are ordered by it. */
    public long firstOffset() {
        return firstOffset;
    }

    /** The manifest, accepted or not; null if none arrived (or it was deleted). */
    public ModelManifest manifest() {
        return manifest;
    }

    /** Why the manifest was not accepted; null if it was (or there is none). */
    public ModelVerificationException refusal() {
        return refusal;
    }

    /** The chunks by index, read-only. */
    public SortedMap<Integer, StoredChunk> chunks() {
        return Collections.unmodifiableSortedMap(chunks);
    }

    /** Whether nothing is held any more. */
    public boolean isEmpty() {
        return manifest == null && chunks.isEmpty();
    }

    /** Whether a manifest arrived and was accepted, so held bytes count as verified. */
    boolean verified() {
        return manifest != null && refusal == null;
    }

    /** Whether the manifest and all chunks it announces (by index and count) are there. */
    public boolean isComplete() {
        if (manifest == null) {
            return false;
        }
        int count = manifest.getChunkCount();
        for (int i = 0; i < count; i++) {
            StoredChunk chunk = chunks.get(i);
            if (chunk == null || chunk.count() != count) {
                return false;
            }
        }
        return true;
    }
}
