package io.captioner.training.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * The local, rebuildable cache of decoded and resized images under the data directory, one file of
 * raw RGB bytes ({@code size * size * 3}) per image content, keyed by the SHA-256 of the encoded
 * bytes, the encoder and the preprocessing. Losing it costs time, never data: every entry is
 * rebuilt from {@code labeled-pairs} on the next start.
 */
public final class ImageCache {

    /** Bumped whenever the resize changes, so old entries are never read as new ones. */
    static final String PREPROCESSING = "bilinear-v1";

    private final Path directory;
    private final int size;

    /**
     * A cache of {@code size}-pixel images for {@code encoderId} in {@code root}.
     *
     * @throws UncheckedIOException if the directory cannot be created
     */
    public ImageCache(Path root, String encoderId, int size) {
        this.size = size;
        this.directory =
                root.resolve(
                        String.format(Locale.ROOT, "%s-%d-%s", encoderId, size, PREPROCESSING));
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the image cache " + directory, e);
        }
    }

    /** The square size of cached images. */
    public int size() {
        return size;
    }

    /** The directory of this cache's files. */
    public Path directory() {
        return directory;
    }

    /** Whether the image with this content hash is cached. */
    public boolean contains(String sha256) {
        return Files.isRegularFile(file(sha256));
    }

    /** Stores resized RGB bytes ({@code size * size * 3}) under the content hash, atomically. */
    public void put(String sha256, byte[] rgb) throws IOException {
        if (rgb.length != size * size * 3) {
            throw new IllegalArgumentException(
                    "expected " + size * size * 3 + " RGB bytes, got " + rgb.length);
        }
        Path target = file(sha256);
        Files.createDirectories(target.getParent());
        Path temp = Files.createTempFile(target.getParent(), sha256, ".tmp");
        try {
            Files.write(temp, rgb);
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * The cached image as a {@code size}-pixel RGB image, or null when it is not cached (or the
     * file is damaged: it is then deleted, to be rebuilt).
     */
    public BufferedImage get(String sha256) throws IOException {
        Path file = file(sha256);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        byte[] rgb = Files.readAllBytes(file);
        if (rgb.length != size * size * 3) {
            Files.deleteIfExists(file);
            return null;
        }
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        int[] pixels = new int[size * size];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] =
                    ((rgb[3 * i] & 0xff) << 16)
                            | ((rgb[3 * i + 1] & 0xff) << 8)
                            | (rgb[3 * i + 2] & 0xff);
        }
        image.setRGB(0, 0, size, size, pixels, 0, size);
        return image;
    }

    private Path file(String sha256) {
        return directory.resolve(sha256.substring(0, 2)).resolve(sha256 + ".rgb");
    }
}
