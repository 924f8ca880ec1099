package io.captioner.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A local file that {@code captioner publish} sends as an image: its stable id, size and detected
 * format.
 *
 * <p>The image id is {@code <file name>-<first 12 hex digits of the SHA-256 of the content>}, with
 * every character of the file name outside {@code [A-Za-z0-9._-]} replaced by {@code _} and the
 * name cut to 64 characters. The same file therefore always gets the same id (re-publishing it is
 * recognisable downstream), a changed file gets a new one, and the id still says which file it was.
 *
 * @param path the file as it was found (relative paths stay relative)
 * @param id the image id, used as record key and {@code ImageEvent.imageId}
 * @param sizeBytes the file size in bytes
 * @param sniffedType the MIME type read from the magic bytes, if they are of a known image format
 * @param extensionType the MIME type implied by the file name extension, if it is a known one
 */
record ImageFile(
        Path path,
        String id,
        long sizeBytes,
        Optional<String> sniffedType,
        Optional<String> extensionType) {

    /**
     * Hex digits of the content hash in the id: 48 bits, so distinct files practically never clash.
     */
    static final int HASH_HEX_DIGITS = 12;

    private static final int MAX_NAME_CHARS = 64;
    private static final int HEAD_BYTES = 16;

    private static final Map<String, String> EXTENSION_TYPES =
            Map.of(
                    "jpg", "image/jpeg",
                    "jpeg", "image/jpeg",
                    "jpe", "image/jpeg",
                    "png", "image/png",
                    "gif", "image/gif",
                    "bmp", "image/bmp",
                    "webp", "image/webp",
                    "tif", "image/tiff",
                    "tiff", "image/tiff");

    /**
     * Reads {@code file} once to hash it and sniff its format.
     *
     * @throws IOException if the file cannot be read
     */
    static ImageFile inspect(Path file) throws IOException {
        MessageDigest sha256 = sha256();
        byte[] head = new byte[HEAD_BYTES];
        int headLength = 0;
        long size = 0;
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha256)) {
            byte[] buffer = new byte[64 * 1024];
            int n;
            while ((n = in.read(buffer)) != -1) {
                if (headLength < HEAD_BYTES) {
                    int copy = Math.min(n, HEAD_BYTES - headLength);
                    System.arraycopy(buffer, 0, head, headLength, copy);
                    headLength += copy;
                }
                size += n;
            }
        }
        String name = file.getFileName().toString();
        String hash = HexFormat.of().formatHex(sha256.digest()).substring(0, HASH_HEX_DIGITS);
        return new ImageFile(
                file,
                idOf(name, hash),
                size,
                sniff(Arrays.copyOf(head, headLength)),
                typeOfExtension(name));
    }

    /** Whether the file should be published: non-empty, with image magic bytes or extension. */
    boolean looksLikeImage() {
        return sizeBytes > 0 && (sniffedType.isPresent() || extensionType.isPresent());
    }

    /** The detected MIME type: from the magic bytes if known, else from the extension. */
    Optional<String> detectedType() {
        return sniffedType.or(() -> extensionType);
    }

    /**
     * The image id of a file called {@code fileName} whose content hash starts with {@code hash}.
     */
    static String idOf(String fileName, String hash) {
        String safe = fileName.replaceAll("[^A-Za-z0-9._-]", "_");
        if (safe.length() > MAX_NAME_CHARS) {
            safe = safe.substring(0, MAX_NAME_CHARS);
        }
        return safe + "-" + hash;
    }

    /** The MIME type of a known image format whose file starts with {@code head}, if any. */
    static Optional<String> sniff(byte[] head) {
        if (startsWith(head, 0xFF, 0xD8, 0xFF)) {
            return Optional.of("image/jpeg");
        }
        if (startsWith(head, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return Optional.of("image/png");
        }
        if (startsWith(head, 'G', 'I', 'F', '8')) {
            return Optional.of("image/gif");
        }
        if (startsWith(head, 'B', 'M') && head.length >= 14) {
            return Optional.of("image/bmp");
        }
        if (startsWith(head, 'R', 'I', 'F', 'F')
                && head.length >= 12
                && head[8] == 'W'
                && head[9] == 'E'
                && head[10] == 'B'
                && head[11] == 'P') {
            return Optional.of("image/webp");
        }
        if (startsWith(head, 'I', 'I', '*', 0) || startsWith(head, 'M', 'M', 0, '*')) {
            return Optional.of("image/tiff");
        }
        return Optional.empty();
    }

    /** The MIME type implied by the extension of {@code fileName}, if it is a known image one. */
    static Optional<String> typeOfExtension(String fileName) {
        int dot = fileName.lastIndexOf('.');
        if (dot < 0) {
            return Optional.empty();
        }
        String extension = fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
        return Optional.ofNullable(EXTENSION_TYPES.get(extension));
    }

    private static boolean startsWith(byte[] head, int... magic) {
        if (head.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((head[i] & 0xFF) != magic[i]) {
                return false;
            }
        }
        return true;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
