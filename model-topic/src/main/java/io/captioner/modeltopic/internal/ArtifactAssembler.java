package io.captioner.modeltopic.internal;

import io.captioner.events.ModelManifest;
import io.captioner.modeltopic.ModelVerificationException;
import io.captioner.modeltopic.ModelVerificationException.Reason;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SortedMap;

/**
 * Verifies a version's chunks against its manifest and writes the artifact: chunks {@code
 * 0..chunkCount-1} present and agreeing on the count, lengths adding up to the size, every chunk's
 * sha256, the whole sha256. The target only ever receives verified bytes: they are written next to
 * it and moved into place.
 */
public final class ArtifactAssembler {

    private static final int MAX_LISTED_MISSING = 10;

    private ArtifactAssembler() {}

    /**
     * Checks the chunks' metadata against the manifest, without reading any bytes.
     *
     * @throws ModelVerificationException with {@link Reason#MISSING_CHUNKS}, {@link
     *     Reason#SIZE_MISMATCH} or {@link Reason#CHUNKS_DROPPED}
     */
    public static void checkMetadata(
            ModelManifest manifest, SortedMap<Integer, StoredChunk> chunks, boolean needData)
            throws ModelVerificationException {
        checkChunksPresent(manifest, chunks);
        checkSizes(manifest, chunks);
        if (needData) {
            for (StoredChunk chunk : chunks.values()) {
                if (!chunk.hasData()) {
                    throw new ModelVerificationException(
                            Reason.CHUNKS_DROPPED,
                            manifest.getModelName(),
                            manifest.getVersion(),
                            "the bytes of chunk "
                                    + chunk.index()
                                    + " were dropped: chunks without a verified manifest exceeded"
                                    + " the reader's budget (see CatalogLimits); republish or"
                                    + " restart the reader");
                }
            }
        }
    }

    /**
     * Writes the verified artifact to {@code target}, or to a new file in {@code workDir} when
     * {@code target} is null, after {@link #checkMetadata}.
     *
     * @throws ModelVerificationException with {@link Reason#CHUNK_CHECKSUM_MISMATCH} or {@link
     *     Reason#CHECKSUM_MISMATCH}; no file is left behind
     * @throws UncheckedIOException if the file cannot be written (local trouble, not a bad model)
     */
    public static Path write(
            ModelManifest manifest,
            SortedMap<Integer, StoredChunk> chunks,
            ChunkStore store,
            Path target)
            throws ModelVerificationException {
        checkMetadata(manifest, chunks, true);
        String name = manifest.getModelName();
        String version = manifest.getVersion();
        Path temp;
        try {
            Path dir = target == null ? store.workDir() : target.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            temp = Files.createTempFile(dir, "model-", ".partial");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create artifact file: " + e, e);
        }
        boolean verified = false;
        try {
            MessageDigest whole = Sha256.newDigest();
            try (OutputStream out = Files.newOutputStream(temp)) {
                for (StoredChunk chunk : chunks.values()) {
                    byte[] data = store.load(chunk);
                    String actual = Sha256.hex(data);
                    if (!actual.equals(chunk.sha256())) {
                        throw new ModelVerificationException(
                                Reason.CHUNK_CHECKSUM_MISMATCH,
                                name,
                                version,
                                "chunk "
                                        + chunk.index()
                                        + " data hashes to "
                                        + actual
                                        + ", its record says "
                                        + chunk.sha256());
                    }
                    whole.update(data);
                    out.write(data);
                }
            }
            String actual = Sha256.hex(whole);
            if (!actual.equals(manifest.getSha256())) {
                throw new ModelVerificationException(
                        Reason.CHECKSUM_MISMATCH,
                        name,
                        version,
                        "artifact hashes to " + actual + ", manifest says " + manifest.getSha256());
            }
            Path result;
            if (target != null) {
                result = moveIntoPlace(temp, target);
            } else {
                Path named =
                        temp.resolveSibling(
                                temp.getFileName().toString().replace(".partial", ".artifact"));
                result = Files.move(temp, named);
            }
            verified = true;
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write artifact of " + name + "/" + version, e);
        } finally {
            if (!verified) {
                ChunkStore.deleteQuietly(temp);
            }
        }
    }

    /** Whether {@code chunk} is exactly the chunk {@code manifest} announces at its index. */
    public static boolean fits(ModelManifest manifest, StoredChunk chunk) {
        int count = manifest.getChunkCount();
        return chunk.count() == count
                && chunk.index() < count
                && chunk.length() == expectedLength(manifest, chunk.index());
    }

    private static long expectedLength(ModelManifest manifest, int index) {
        int count = manifest.getChunkCount();
        long chunkSize = manifest.getChunkSizeBytes();
        return index < count - 1
                ? chunkSize
                : manifest.getArtifactSizeBytes() - (long) (count - 1) * chunkSize;
    }

    private static void checkChunksPresent(
            ModelManifest manifest, SortedMap<Integer, StoredChunk> chunks)
            throws ModelVerificationException {
        int count = manifest.getChunkCount();
        List<Integer> missing = new ArrayList<>();
        int missingTotal = 0;
        for (int i = 0; i < count; i++) {
            if (!chunks.containsKey(i)) {
                missingTotal++;
                if (missing.size() < MAX_LISTED_MISSING) {
                    missing.add(i);
                }
            }
        }
        if (missingTotal > 0) {
            throw new ModelVerificationException(
                    Reason.MISSING_CHUNKS,
                    manifest.getModelName(),
                    manifest.getVersion(),
                    String.format(
                            Locale.ROOT,
                            "%d of %d chunks missing, first missing indexes %s",
                            missingTotal,
                            count,
                            missing));
        }
        for (StoredChunk chunk : chunks.values()) {
            if (chunk.count() != count) {
                throw new ModelVerificationException(
                        Reason.MISSING_CHUNKS,
                        manifest.getModelName(),
                        manifest.getVersion(),
                        String.format(
                                Locale.ROOT,
                                "chunk %d belongs to an upload of %d chunks, manifest has %d",
                                chunk.index(),
                                chunk.count(),
                                count));
            }
        }
    }

    private static void checkSizes(ModelManifest manifest, SortedMap<Integer, StoredChunk> chunks)
            throws ModelVerificationException {
        long size = manifest.getArtifactSizeBytes();
        long total = 0;
        for (StoredChunk chunk : chunks.values()) {
            long expected = expectedLength(manifest, chunk.index());
            if (chunk.length() != expected) {
                throw new ModelVerificationException(
                        Reason.SIZE_MISMATCH,
                        manifest.getModelName(),
                        manifest.getVersion(),
                        String.format(
                                Locale.ROOT,
                                "chunk %d holds %d bytes, expected %d (size %d, chunk size %d)",
                                chunk.index(),
                                chunk.length(),
                                expected,
                                size,
                                manifest.getChunkSizeBytes()));
            }
            total += chunk.length();
        }
        if (total != size) {
            throw new ModelVerificationException(
                    Reason.SIZE_MISMATCH,
                    manifest.getModelName(),
                    manifest.getVersion(),
                    "chunks hold " + total + " bytes, manifest says " + size);
        }
    }

    private static Path moveIntoPlace(Path temp, Path target) throws IOException {
        try {
            return Files.move(
                    temp,
                    target,
                    StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            return Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
