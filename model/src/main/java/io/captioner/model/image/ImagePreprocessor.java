package io.captioner.model.image;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Objects;

/**
 * Turns decoded images into encoder input: resize to a square (bilinear, halving steps for large
 * reductions so small inputs are not aliased), then scale to [0, 1] and normalize per channel with
 * the ImageNet mean and standard deviation, in CHW layout.
 *
 * <p>Resizing happens once per image ({@link #resize}) and yields compact RGB bytes, so training
 * can cache every image cheaply; normalization runs as one vectorized tensor operation per batch
 * ({@link #toTensor}). Instances are immutable and thread-safe.
 */
public final class ImagePreprocessor {

    /** ImageNet per-channel mean (RGB) expected by torchvision-style backbones. */
    public static final List<Float> IMAGENET_MEAN = List.of(0.485f, 0.456f, 0.406f);

    /** ImageNet per-channel standard deviation (RGB). */
    public static final List<Float> IMAGENET_STD = List.of(0.229f, 0.224f, 0.225f);

    private final int size;
    private final float[] mean;
    private final float[] std;

    /** Creates a preprocessor for {@code size}x{@code size} inputs with the given statistics. */
    public ImagePreprocessor(int size, List<Float> mean, List<Float> std) {
        if (size <= 0) {
            throw new IllegalArgumentException("input size must be positive, was " + size);
        }
        if (mean.size() != 3 || std.size() != 3) {
            throw new IllegalArgumentException("mean and std need 3 values (RGB)");
        }
        this.size = size;
        this.mean = toArray(mean);
        this.std = toArray(std);
        for (float s : this.std) {
            if (!(s > 0f)) {
                throw new IllegalArgumentException("std values must be positive: " + std);
            }
        }
    }

    /** A preprocessor with the ImageNet statistics, as used by every encoder here. */
    public static ImagePreprocessor imagenet(int size) {
        return new ImagePreprocessor(size, IMAGENET_MEAN, IMAGENET_STD);
    }

    /** Side of the square output in pixels. */
    public int size() {
        return size;
    }

    /**
     * The shorter side to decode images at for this input size: twice the input, so that {@link
     * ImageDecoder#decode(byte[], int)}'s unfiltered subsampling leaves the bilinear halving of
     * {@link #resize} at least one step to smooth it. Decoding more is wasted memory; decoding less
     * aliases.
     */
    public int minDecodeShortSide() {
        return 2 * size;
    }

    /** Per-channel mean, RGB. */
    public List<Float> mean() {
        return toList(mean);
    }

    /** Per-channel standard deviation, RGB. */
    public List<Float> std() {
        return toList(std);
    }

    /**
     * Resizes an image of any type (grayscale, indexed, with alpha) to the input size and returns
     * its RGB pixels as {@code size * size * 3} bytes in row-major HWC order.
     */
    public byte[] resize(BufferedImage image) {
        Objects.requireNonNull(image, "image");
        BufferedImage current = image;
        int w = image.getWidth();
        int h = image.getHeight();
        // Bilinear filtering only looks at 2x2 neighbours: halve first so every source pixel
        // still contributes when shrinking a lot.
        while (w / 2 >= size && h / 2 >= size) {
            w /= 2;
            h /= 2;
            current = draw(current, w, h);
        }
        // A halving that lands on the size needs no second drawing (it would copy every pixel).
        BufferedImage rgb =
                w == size && h == size && RgbConversion.isCompactIntRgb(current)
                        ? current
                        : draw(current, size, size);
        // The drawn image is compact INT_RGB: its ints are the pixels, read without getRGB's
        // per-pixel colour-model calls.
        int[] pixels = ((DataBufferInt) rgb.getRaster().getDataBuffer()).getData();
        byte[] out = new byte[size * size * 3];
        for (int i = 0; i < pixels.length; i++) {
            int p = pixels[i];
            out[3 * i] = (byte) (p >> 16);
            out[3 * i + 1] = (byte) (p >> 8);
            out[3 * i + 2] = (byte) p;
        }
        return out;
    }

    /**
     * Normalizes resized images (from {@link #resize}) into one float tensor (N, 3, size, size)
     * owned by {@code manager}.
     */
    public NDArray toTensor(NDManager manager, List<byte[]> resizedImages) {
        int n = resizedImages.size();
        int bytesPerImage = size * size * 3;
        ByteBuffer buffer = ByteBuffer.allocateDirect(n * bytesPerImage);
        for (byte[] rgb : resizedImages) {
            if (rgb.length != bytesPerImage) {
                throw new IllegalArgumentException(
                        "expected " + bytesPerImage + " bytes per image, got " + rgb.length);
            }
            buffer.put(rgb);
        }
        buffer.flip();
        try (NDManager scratch = manager.newSubManager()) {
            NDArray raw = scratch.create(buffer, new Shape(n, size, size, 3), DataType.UINT8);
            NDArray meanArray = scratch.create(mean).mul(255f);
            NDArray stdArray = scratch.create(std).mul(255f);
            NDArray normalized =
                    raw.toType(DataType.FLOAT32, false)
                            .sub(meanArray)
                            .div(stdArray)
                            .transpose(0, 3, 1, 2);
            normalized.attach(manager);
            return normalized;
        }
    }

    /** Convenience for inference: resizes and normalizes a batch of images. */
    public NDArray toTensorFromImages(NDManager manager, List<BufferedImage> images) {
        return toTensor(manager, images.stream().map(this::resize).toList());
    }

    /**
     * Normalized CHW floats of one image, the same values {@link #toTensor} computes; handy for
     * tests and non-DJL consumers.
     */
    public float[] toChw(BufferedImage image) {
        byte[] rgb = resize(image);
        int plane = size * size;
        float[] out = new float[3 * plane];
        for (int i = 0; i < plane; i++) {
            for (int c = 0; c < 3; c++) {
                float v = (rgb[3 * i + c] & 0xff) / 255f;
                out[c * plane + i] = (v - mean[c]) / std[c];
            }
        }
        return out;
    }

    private static BufferedImage draw(BufferedImage source, int width, int height) {
        BufferedImage target = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = target.createGraphics();
        try {
            g.setRenderingHint(
                    RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(source, 0, 0, width, height, null);
        } finally {
            g.dispose();
        }
        return target;
    }

    private static float[] toArray(List<Float> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    private static List<Float> toList(float[] values) {
        Float[] boxed = new Float[values.length];
        for (int i = 0; i < values.length; i++) {
            boxed[i] = values[i];
        }
        return List.of(boxed);
    }
}
