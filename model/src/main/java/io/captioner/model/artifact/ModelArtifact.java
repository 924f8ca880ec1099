package io.captioner.model.artifact;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * The single-file model format: a zip with {@code manifest.json} (see {@link ModelManifest}),
 * {@code vocabulary.txt} (one word per line, index order) and {@code weights.bin} (DJL {@code
 * Block.saveParameters} of the whole network). Reading checks the format version and the weights'
 * SHA-256, so a truncated or tampered file fails loudly instead of producing odd captions.
 */
public final class ModelArtifact {

    /** The format version this build writes and reads. */
    public static final int FORMAT_VERSION = 1;

    /** Zip entry holding the manifest. */
    public static final String MANIFEST_ENTRY = "manifest.json";

    /** Zip entry holding the vocabulary. */
    public static final String VOCABULARY_ENTRY = "vocabulary.txt";

    /** Zip entry holding the weights. */
    public static final String WEIGHTS_ENTRY = "weights.bin";

    private static final ObjectMapper MAPPER =
            new ObjectMapper()
                    .enable(SerializationFeature.INDENT_OUTPUT)
                    .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private static final DateTimeFormatter VERSION_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT)
                    .withZone(ZoneOffset.UTC);

    private ModelArtifact() {}

    /** The manifest and weights read from an artifact file. */
    public record Contents(ModelManifest manifest, byte[] weights) {}

    /**
     * Version string for weights created at {@code time}: {@code yyyyMMdd'T'HHmmss'Z'-<8 hex>},
     * which sorts by creation time and tells apart models saved in the same second.
     */
    public static String version(Instant time, String weightsSha256) {
        return VERSION_TIME.format(time.truncatedTo(ChronoUnit.SECONDS))
                + "-"
                + weightsSha256.substring(0, 8);
    }

    /** Hex SHA-256 of some bytes. */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * Writes an artifact atomically (a temporary file in the same directory, then a rename); the
     * manifest's checksum must match the weights.
     */
    public static void write(Path file, ModelManifest manifest, byte[] weights) throws IOException {
        if (!sha256(weights).equals(manifest.weightsSha256())) {
            throw new IllegalArgumentException("manifest checksum does not match the weights");
        }
        Path absolute = file.toAbsolutePath();
        Path dir = absolute.getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, absolute.getFileName().toString(), ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(temp);
                    ZipOutputStream zip = new ZipOutputStream(out)) {
                put(zip, MANIFEST_ENTRY, MAPPER.writeValueAsBytes(manifest));
                put(
                        zip,
                        VOCABULARY_ENTRY,
                        (String.join("\n", manifest.vocabulary()) + "\n")
                                .getBytes(StandardCharsets.UTF_8));
                put(zip, WEIGHTS_ENTRY, weights);
            }
            try {
                Files.move(
                        temp,
                        absolute,
                        StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Caps on what reading an artifact may put on the heap. They are checked against the zip's
     * central directory before any entry is read, and again while inflating (an entry that inflates
     * beyond its declared size is refused), so a zip bomb fails with {@link ModelArtifactException}
     * instead of exhausting the heap.
     *
     * @param maxEntries most entries the zip may hold (the format has three)
     * @param maxMetadataBytes largest inflated {@code manifest.json} and {@code vocabulary.txt}
     * @param maxWeightsBytes largest inflated {@code weights.bin}
     * @param maxCompressionRatio largest ratio of inflated to compressed size for entries over 1
     *     MiB; float weights compress to about 0.9 of their size, a zip bomb by a factor of 1000
     */
    public record ReadLimits(
            int maxEntries, long maxMetadataBytes, long maxWeightsBytes, int maxCompressionRatio) {

        /** Largest array the JVM can allocate, so the largest weights entry this format reads. */
        public static final long MAX_ARRAY_BYTES = Integer.MAX_VALUE - 8;

        /** Validates the limits. */
        public ReadLimits {
            if (maxEntries < 3
                    || maxMetadataBytes < 1
                    || maxWeightsBytes < 1
                    || maxWeightsBytes > MAX_ARRAY_BYTES
                    || maxCompressionRatio < 1) {
                throw new IllegalArgumentException(
                        String.format(
                                Locale.ROOT,
                                "invalid artifact read limits: %d entries, %d metadata bytes, %d"
                                        + " weights bytes, ratio %d",
                                maxEntries,
                                maxMetadataBytes,
                                maxWeightsBytes,
                                maxCompressionRatio));
            }
        }

        /**
         * 64 entries, 64 MiB of manifest or vocabulary, weights up to the largest array, and a
         * compression ratio of at most 100.
         */
        public static ReadLimits defaults() {
            return new ReadLimits(64, 64L << 20, MAX_ARRAY_BYTES, 100);
        }

        /** These limits with weights of at most {@code maxWeightsBytes}. */
        public ReadLimits withMaxWeightsBytes(long maxWeightsBytes) {
            return new ReadLimits(
                    maxEntries, maxMetadataBytes, maxWeightsBytes, maxCompressionRatio);
        }
    }

    /**
     * Reads and verifies an artifact within {@link ReadLimits#defaults()}: format version, entries,
     * vocabulary and checksum.
     */
    public static Contents read(Path file) throws IOException {
        return read(file, ReadLimits.defaults());
    }

    /**
     * Reads and verifies an artifact: entry count and sizes within {@code limits} (before anything
     * is read), format version, vocabulary and checksum.
     *
     * @throws ModelArtifactException if the file is no artifact, breaks a limit or fails a check
     */
    public static Contents read(Path file, ReadLimits limits) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "model artifact not found");
        }
        byte[] manifestBytes;
        byte[] weights;
        byte[] vocabularyBytes;
        try (ZipFile zip = new ZipFile(file.toFile())) {
            if (zip.size() > limits.maxEntries()) {
                throw new ModelArtifactException(
                        String.format(
                                Locale.ROOT,
                                "%s has %d zip entries, more than the %d a model artifact may have",
                                file,
                                zip.size(),
                                limits.maxEntries()));
            }
            ZipEntry manifestEntry = zip.getEntry(MANIFEST_ENTRY);
            if (manifestEntry == null) {
                throw new ModelArtifactException(
                        file + " is not a captioner model artifact (no " + MANIFEST_ENTRY + ")");
            }
            ZipEntry weightsEntry = zip.getEntry(WEIGHTS_ENTRY);
            if (weightsEntry == null) {
                throw new ModelArtifactException(file + " has no " + WEIGHTS_ENTRY + " entry");
            }
            ZipEntry vocabularyEntry = zip.getEntry(VOCABULARY_ENTRY);
            // Every size is checked before the first byte is inflated.
            checkDeclared(file, manifestEntry, limits.maxMetadataBytes(), limits);
            checkDeclared(file, weightsEntry, limits.maxWeightsBytes(), limits);
            if (vocabularyEntry != null) {
                checkDeclared(file, vocabularyEntry, limits.maxMetadataBytes(), limits);
            }
            manifestBytes = readBounded(file, zip, manifestEntry, limits.maxMetadataBytes());
            weights = readBounded(file, zip, weightsEntry, limits.maxWeightsBytes());
            vocabularyBytes =
                    vocabularyEntry == null
                            ? null
                            : readBounded(file, zip, vocabularyEntry, limits.maxMetadataBytes());
        } catch (ZipException e) {
            throw new ModelArtifactException(
                    file + " is not a captioner model artifact (not a zip: " + e.getMessage() + ")",
                    e);
        }
        ModelManifest manifest = parseManifest(file, manifestBytes);
        String actual = sha256(weights);
        if (!actual.equals(manifest.weightsSha256())) {
            throw new ModelArtifactException(
                    "checksum mismatch in "
                            + file
                            + ": expected "
                            + manifest.weightsSha256()
                            + " got "
                            + actual);
        }
        if (vocabularyBytes != null) {
            List<String> words =
                    new String(vocabularyBytes, StandardCharsets.UTF_8).lines().toList();
            if (!words.equals(manifest.vocabulary())) {
                throw new ModelArtifactException(
                        file + ": " + VOCABULARY_ENTRY + " disagrees with the manifest");
            }
        }
        return new Contents(manifest, weights);
    }

    private static void checkDeclared(Path file, ZipEntry entry, long max, ReadLimits limits)
            throws ModelArtifactException {
        long size = entry.getSize();
        if (size > max) {
            throw new ModelArtifactException(
                    String.format(
                            Locale.ROOT,
                            "%s: entry %s inflates to %d bytes, more than the limit of %d",
                            file,
                            entry.getName(),
                            size,
                            max));
        }
        long compressed = entry.getCompressedSize();
        if (size > (1 << 20)
                && compressed > 0
                && size / compressed > limits.maxCompressionRatio()) {
            throw new ModelArtifactException(
                    String.format(
                            Locale.ROOT,
                            "%s: entry %s inflates %d bytes to %d (ratio %d, limit %d): not a model"
                                    + " artifact (a zip bomb?)",
                            file,
                            entry.getName(),
                            compressed,
                            size,
                            size / compressed,
                            limits.maxCompressionRatio()));
        }
    }

    /**
     * The entry's bytes, never more than its declared size (or {@code max} when undeclared): an
     * entry whose data inflates to more is refused once the excess byte is seen.
     */
    private static byte[] readBounded(Path file, ZipFile zip, ZipEntry entry, long max)
            throws IOException {
        long declared = entry.getSize();
        long bound = declared >= 0 ? declared : max;
        try (InputStream in = zip.getInputStream(entry)) {
            byte[] bytes = in.readNBytes((int) Math.min(bound, max));
            if (declared >= 0 && bytes.length != declared) {
                throw new ModelArtifactException(
                        String.format(
                                Locale.ROOT,
                                "%s: entry %s holds %d bytes, its header says %d",
                                file,
                                entry.getName(),
                                bytes.length,
                                declared));
            }
            if (in.read() != -1) {
                throw new ModelArtifactException(
                        String.format(
                                Locale.ROOT,
                                "%s: entry %s inflates beyond %d bytes",
                                file,
                                entry.getName(),
                                bound));
            }
            return bytes;
        }
    }

    /**
     * Reads only the manifest of an artifact, without reading or verifying the weights, so tools
     * that publish or list artifacts need not load (or even hold) the whole model; use {@link
     * #read} before trusting the weights.
     *
     * @throws NoSuchFileException if {@code file} does not exist
     * @throws ModelArtifactException if it is no zip, has no manifest, or the manifest is invalid
     *     or of another format version
     */
    public static ModelManifest readManifest(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "model artifact not found");
        }
        if (!Files.isRegularFile(file)) {
            throw new ModelArtifactException(file + " is not a regular file");
        }
        // ZipFile reads the central directory and jumps to the entry: the weights stay unread.
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry entry = zip.getEntry(MANIFEST_ENTRY);
            if (entry == null) {
                throw new ModelArtifactException(
                        file + " is not a captioner model artifact (no " + MANIFEST_ENTRY + ")");
            }
            ReadLimits limits = ReadLimits.defaults();
            checkDeclared(file, entry, limits.maxMetadataBytes(), limits);
            return parseManifest(file, readBounded(file, zip, entry, limits.maxMetadataBytes()));
        } catch (ZipException e) {
            throw new ModelArtifactException(
                    file + " is not a captioner model artifact (not a zip: " + e.getMessage() + ")",
                    e);
        }
    }

    /** Serializes a manifest the way artifacts store it, for tools that show it. */
    public static String toJson(ModelManifest manifest) {
        try {
            return MAPPER.writeValueAsString(manifest);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("manifest is not serializable", e);
        }
    }

    private static ModelManifest parseManifest(Path file, byte[] bytes) throws IOException {
        JsonNode tree;
        try {
            tree = MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new ModelArtifactException(file + ": unreadable manifest", e);
        }
        JsonNode version = tree == null ? null : tree.get("formatVersion");
        if (version == null || !version.canConvertToInt()) {
            throw new ModelArtifactException(file + ": manifest has no formatVersion");
        }
        if (version.intValue() != FORMAT_VERSION) {
            throw new ModelArtifactException(
                    "unsupported model artifact format version "
                            + version.intValue()
                            + " in "
                            + file
                            + "; this build reads version "
                            + FORMAT_VERSION);
        }
        try {
            return MAPPER.treeToValue(tree, ModelManifest.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new ModelArtifactException(file + ": invalid manifest: " + e.getMessage(), e);
        }
    }

    private static void put(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(bytes);
        zip.closeEntry();
    }
}
