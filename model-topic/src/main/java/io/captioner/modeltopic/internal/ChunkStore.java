package io.captioner.modeltopic.internal;

import io.captioner.events.ModelChunk;
import io.captioner.modeltopic.ChunkStorage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps chunk bytes as a {@link ChunkStorage} says, each once: on the heap, in a file of a private
 * spool directory, or not at all. What to store is the catalog's decision; this type only does the
 * I/O.
 */
public final class ChunkStore implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChunkStore.class);

    private final ChunkStorage storage;
    private final Path workDir;
    private final Path spoolDir;
    private long spoolSequence;

    /**
     * Creates the store; with {@link ChunkStorage#SPOOL} a new spool directory in {@code workDir}.
     *
     * @param workDir parent of the spool directory and of assembled artifacts; null for the system
     *     temporary directory
     */
    public ChunkStore(ChunkStorage storage, Path workDir) {
        this.storage = Objects.requireNonNull(storage, "storage");
        try {
            this.workDir =
                    workDir == null
                            ? Path.of(System.getProperty("java.io.tmpdir"))
                            : Files.createDirectories(workDir);
            this.spoolDir =
                    storage == ChunkStorage.SPOOL
                            ? Files.createTempDirectory(this.workDir, "model-chunks-")
                            : null;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create model work directory: " + e, e);
        }
    }

    /** Where chunk bytes go. */
    public ChunkStorage storage() {
        return storage;
    }

    /** Whether this store keeps bytes at all. */
    public boolean keepsBytes() {
        return storage != ChunkStorage.METADATA_ONLY;
    }

    /** The parent directory of the spool directory and of assembled artifacts. */
    public Path workDir() {
        return workDir;
    }

    /** Stores the chunk's metadata and, unless metadata-only, its bytes. */
    public StoredChunk store(ModelChunk chunk) {
        ByteBuffer data = chunk.getData();
        int length = data.remaining();
        switch (storage) {
            case MEMORY:
                byte[] bytes = new byte[length];
                data.duplicate().get(bytes);
                return new StoredChunk(chunk, length, bytes, null);
            case SPOOL:
                Path file =
                        spoolDir.resolve(
                                String.format(Locale.ROOT, "%012d.chunk", spoolSequence++));
                try (var channel =
                        Files.newByteChannel(
                                file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    ByteBuffer source = data.duplicate();
                    while (source.hasRemaining()) {
                        channel.write(source);
                    }
                } catch (IOException e) {
                    deleteQuietly(file);
                    throw new UncheckedIOException("Cannot spool model chunk to " + file, e);
                }
                return new StoredChunk(chunk, length, null, file);
            case METADATA_ONLY:
                return metadata(chunk);
            default:
                throw new IllegalStateException("unknown storage " + storage);
        }
    }

    /** Keeps only the chunk's metadata, whatever the storage. */
    public StoredChunk metadata(ModelChunk chunk) {
        return new StoredChunk(chunk, chunk.getData().remaining(), null, null);
    }

    /** Releases the chunk's bytes and returns its metadata alone. */
    public StoredChunk strip(StoredChunk chunk) {
        release(chunk);
        return chunk.withoutData();
    }

    /**
     * The chunk's bytes.
     *
     * @throws IllegalStateException if they are not held
     */
    public byte[] load(StoredChunk chunk) throws IOException {
        if (chunk.bytes() != null) {
            return chunk.bytes();
        }
        if (chunk.file() == null) {
            throw new IllegalStateException("chunk " + chunk.index() + " holds no data");
        }
        return Files.readAllBytes(chunk.file());
    }

    /** Deletes the chunk's spool file, if any. */
    public void release(StoredChunk chunk) {
        if (chunk != null && chunk.file() != null) {
            deleteQuietly(chunk.file());
        }
    }

    /** Deletes the spool directory (after every chunk was released). */
    @Override
    public void close() {
        if (spoolDir != null) {
            try {
                Files.deleteIfExists(spoolDir);
            } catch (IOException e) {
                LOG.warn("Cannot delete chunk spool directory {}: {}", spoolDir, e.toString());
            }
        }
    }

    /** Deletes {@code file}, logging instead of failing. */
    public static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("Cannot delete {}: {}", file, e.toString());
        }
    }
}
