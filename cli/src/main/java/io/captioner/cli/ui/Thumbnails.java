package io.captioner.cli.ui;

import io.captioner.model.image.DecodedImage;
import io.captioner.model.image.ImageDecoder;
import io.captioner.model.image.ImageDecodingException;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * The most recent images as small JPEG thumbnails, at most {@code capacity} of them: the live
 * page's memory stays bounded however many images flow by. Thread-safe.
 */
public final class Thumbnails {

    /** Longest side of a thumbnail in pixels. */
    public static final int SIZE = 128;

    private final ImageDecoder decoder;
    private final int capacity;
    private final Map<String, byte[]> recent;

    /** Keeps the thumbnails of the last {@code capacity} images; input over 20 MiB is skipped. */
    public Thumbnails(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
        // Subsampled while decoding, so a 40 MP photo costs a thumbnail's memory, not a photo's.
        this.decoder = ImageDecoder.builder().optSubsamplingTarget(SIZE).build();
        this.recent = new LinkedHashMap<>(16, 0.75f, false);
    }

    /**
     * Makes and keeps the thumbnail of an encoded image; false (nothing kept) when the bytes are
     * not an image the decoder reads.
     */
    public boolean add(String imageId, byte[] encoded) {
        byte[] jpeg;
        try {
            jpeg = thumbnail(decoder.decode(encoded));
        } catch (ImageDecodingException e) {
            return false;
        }
        synchronized (recent) {
            recent.remove(imageId);
            recent.put(imageId, jpeg);
            Iterator<String> oldest = recent.keySet().iterator();
            while (recent.size() > capacity) {
                oldest.next();
                oldest.remove();
            }
        }
        return true;
    }

    /** The JPEG thumbnail of {@code imageId}, if it is among the recent ones. */
    public Optional<byte[]> get(String imageId) {
        synchronized (recent) {
            return Optional.ofNullable(recent.get(imageId));
        }
    }

    /** How many thumbnails are held. */
    public int size() {
        synchronized (recent) {
            return recent.size();
        }
    }

    private static byte[] thumbnail(DecodedImage decoded) {
        BufferedImage source = decoded.image();
        double scale =
                Math.min(1.0, (double) SIZE / Math.max(source.getWidth(), source.getHeight()));
        int w = Math.max(1, (int) Math.round(source.getWidth() * scale));
        int h = Math.max(1, (int) Math.round(source.getHeight() * scale));
        BufferedImage small = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = small.createGraphics();
        try {
            g.setRenderingHint(
                    RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(source, 0, 0, w, h, null);
        } finally {
            g.dispose();
        }
        return jpeg(small);
    }

    private static byte[] jpeg(BufferedImage image) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(0.85f);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            // Writing to memory does not fail for I/O reasons.
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
