package io.captioner.modeltopic.internal;

import io.captioner.events.ModelChunk;
import java.nio.file.Path;

/**
 * What a catalog keeps of one chunk record: its metadata always, its bytes (on the heap or in a
 * spool file) only when the {@link ChunkStore} stored them.
 */
public final class StoredChunk {
    private final String modelName;
    private final String version;
    private final int index;
    private final int count;
    private final String sha256;
    private final int length;
    private final byte[] bytes;
    private final Path file;

    StoredChunk(ModelChunk chunk, int length, byte[] bytes, Path file) {
        this(
                chunk.getModelName(),
                chunk.getVersion(),
                chunk.getIndex(),
                chunk.getCount(),
                chunk.getSha256(),
                length,
                bytes,
                file);
    }

    private StoredChunk(
            String modelName,
            String version,
            int index,
            int count,
            String sha256,
            int length,
            byte[] bytes,
            Path file) {
        this.modelName = modelName;
        this.version = version;
        this.index = index;
        this.count = count;
        this.sha256 = sha256;
        this.length = length;
        this.bytes = bytes;
        this.file = file;
    }

    /** The same metadata without bytes. */
    StoredChunk withoutData() {
        return new StoredChunk(modelName, version, index, count, sha256, length, null, null);
    }

    /** The model name the chunk record names. */
    public String modelName() {
        return modelName;
    }

    /** The version the chunk record names. */
    public String version() {
        return version;
    }

    /** The chunk's index. */
    public int index() {
        return index;
    }

    /** The chunk count the chunk record names. */
    public int count() {
        return count;
    }

    /** The sha256 the chunk record names. */
    public String sha256() {
        return sha256;
    }

    /** The length of the chunk's data. */
    public int length() {
        return length;
    }

    /** Whether the chunk's bytes are held (on the heap or in a spool file). */
    public boolean hasData() {
        return bytes != null || file != null;
    }

    byte[] bytes() {
        return bytes;
    }

    Path file() {
        return file;
    }
}
