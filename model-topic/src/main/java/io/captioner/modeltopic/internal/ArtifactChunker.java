package io.captioner.modeltopic.internal;

import io.captioner.events.ModelChunk;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.function.Consumer;

/**
 * Reads an artifact file for publication: its size and sha256 first, then its chunks one at a time
 * (only one chunk is on the heap at once), checking that the file did not change in between.
 */
public final class ArtifactChunker {

    /** Size and sha256 of an artifact file. */
    public record Digest(long size, String sha256) {}

    /** The file changed (size or bytes) between digesting and chunking, or while digesting. */
    public static final class ChangedException extends IOException {
        private static final long serialVersionUID = 1L;

        ChangedException(Path file) {
            super(file + " changed while it was being published");
        }
    }

    private ArtifactChunker() {}

    /**
     * Size and sha256 of {@code file}.
     *
     * @throws ChangedException if the size changed while reading
     */
    public static Digest digest(Path file) throws IOException {
        long size = Files.size(file);
        MessageDigest digest = Sha256.newDigest();
        long read = 0;
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) != -1; ) {
                digest.update(buffer, 0, n);
                read += n;
            }
        }
        if (read != size) {
            throw new ChangedException(file);
        }
        return new Digest(size, Sha256.hex(digest));
    }

    /**
     * Cuts {@code file} into the chunks of {@code expected} and hands each to {@code sink} in index
     * order.
     *
     * @throws ChangedException if the file no longer has the digest's size and sha256 (the chunks
     *     handed out so far must then be discarded, e.g. by aborting the transaction)
     */
    public static void chunks(
            Path file,
            String modelName,
            String version,
            Digest expected,
            int chunkSize,
            Consumer<ModelChunk> sink)
            throws IOException {
        int count = Chunking.chunkCount(expected.size(), chunkSize);
        MessageDigest whole = Sha256.newDigest();
        try (InputStream in = Files.newInputStream(file)) {
            for (int i = 0; i < count; i++) {
                int length = Chunking.chunkLength(expected.size(), chunkSize, i);
                byte[] data = in.readNBytes(length);
                if (data.length != length) {
                    throw new ChangedException(file);
                }
                whole.update(data);
                sink.accept(
                        ModelChunk.newBuilder()
                                .setModelName(modelName)
                                .setVersion(version)
                                .setIndex(i)
                                .setCount(count)
                                .setSha256(Sha256.hex(data))
                                .setData(ByteBuffer.wrap(data))
                                .build());
            }
            if (in.read() != -1 || !Sha256.hex(whole).equals(expected.sha256())) {
                throw new ChangedException(file);
            }
        }
    }
}
