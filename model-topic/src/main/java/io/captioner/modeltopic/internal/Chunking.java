package io.captioner.modeltopic.internal;

import java.util.Locale;

/** Arithmetic of splitting an artifact into fixed-size chunks with a shorter last chunk. */
public final class Chunking {

    /** Largest chunk index {@link io.captioner.schemas.ModelTopicKeys} can encode, plus one. */
    public static final int MAX_CHUNKS = 1_000_000;

    private Chunking() {}

    /**
     * Number of chunks of {@code chunkSize} bytes needed for {@code size} bytes.
     *
     * @throws IllegalArgumentException if {@code size < 1}, {@code chunkSize < 1} or more than
     *     {@link #MAX_CHUNKS} chunks would be needed
     */
    public static int chunkCount(long size, int chunkSize) {
        if (size < 1) {
            throw new IllegalArgumentException(
                    "A model artifact must hold at least one byte, got " + size);
        }
        if (chunkSize < 1) {
            throw new IllegalArgumentException("chunkSize must be >= 1: " + chunkSize);
        }
        long count = (size + chunkSize - 1) / chunkSize;
        if (count > MAX_CHUNKS) {
            throw new IllegalArgumentException(
                    String.format(
                            Locale.ROOT,
                            "%d bytes in chunks of %d bytes need %d chunks, more than %d",
                            size,
                            chunkSize,
                            count,
                            MAX_CHUNKS));
        }
        return (int) count;
    }

    /**
     * Length of chunk {@code index}: {@code chunkSize} for all but the last, which holds the rest.
     */
    public static int chunkLength(long size, int chunkSize, int index) {
        int count = chunkCount(size, chunkSize);
        if (index < 0 || index >= count) {
            throw new IndexOutOfBoundsException(
                    "chunk index " + index + " outside 0.." + (count - 1));
        }
        if (index < count - 1) {
            return chunkSize;
        }
        return (int) (size - (long) (count - 1) * chunkSize);
    }
}
