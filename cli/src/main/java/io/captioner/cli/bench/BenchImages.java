package io.captioner.cli.bench;

import io.captioner.model.data.SyntheticDataset;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * The images every stage of one bench run uses: synthetic scenes generated once and encoded as PNG,
 * the bytes a producer would send. Only the encoded bytes are kept, so a long run's images cost a
 * few kilobytes each.
 */
public final class BenchImages {

    private final List<byte[]> png;
    private final int imageSize;
    private final long seed;

    private BenchImages(List<byte[]> png, int imageSize, long seed) {
        this.png = Collections.unmodifiableList(png);
        this.imageSize = imageSize;
        this.seed = seed;
    }

    /** Generates {@code count} synthetic images of {@code imageSize} pixels from {@code seed}. */
    public static BenchImages generate(int count, int imageSize, long seed) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1, was " + count);
        }
        List<byte[]> encoded = new ArrayList<>(count);
        SyntheticDataset.builder()
                .setSeed(seed)
                .setImages(count)
                .optImageSize(imageSize)
                .build()
                .stream()
                .forEach(image -> encoded.add(png(image.image())));
        return new BenchImages(encoded, imageSize, seed);
    }

    /** Number of distinct images. */
    public int size() {
        return png.size();
    }

    /** Image {@code i}, cycling through the set for stages that send more than it holds. */
    public byte[] get(int i) {
        return png.get(Math.floorMod(i, png.size()));
    }

    /** Square edge in pixels. */
    public int imageSize() {
        return imageSize;
    }

    /** Seed of the synthetic dataset the images come from. */
    public long seed() {
        return seed;
    }

    /** Mean encoded size in bytes. */
    public double meanBytes() {
        long total = 0;
        for (byte[] b : png) {
            total += b.length;
        }
        return (double) total / png.size();
    }

    private static byte[] png(BufferedImage image) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            if (!ImageIO.write(image, "png", bytes)) {
                throw new IllegalStateException("no PNG writer in this JVM");
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
