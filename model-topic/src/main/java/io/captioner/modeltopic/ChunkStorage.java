package io.captioner.modeltopic;

/**
 * Where a {@link ModelCatalog} keeps the chunk bytes it reads. Each chunk's bytes are held exactly
 * once: the decoded record is dropped as soon as its data is stored.
 */
public enum ChunkStorage {
    /** Keeps chunk bytes on the heap: fastest, but memory grows with every retained version. */
    MEMORY,
    /**
     * Writes each chunk to a file in a spool directory, keeping only its path on the heap: memory
     * stays bounded whatever the number and size of versions; the files are deleted on tombstones
     * and on close.
     */
    SPOOL,
    /**
     * Keeps only chunk metadata (index, length, checksums): enough to list versions and tell
     * whether they are complete, but {@link ModelCatalog#assemble} is impossible. For CLIs and the
     * publisher.
     */
    METADATA_ONLY
}
