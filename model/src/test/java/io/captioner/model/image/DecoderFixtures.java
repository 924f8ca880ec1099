package io.captioner.model.image;

import java.awt.Point;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;

/** Builds image files in memory with the JDK's own writers and by hand, for decoder tests. */
final class DecoderFixtures {
    static final int RED = 0xFF0000;
    static final int GREEN = 0x00FF00;
    static final int BLUE = 0x0000FF;
    static final int WHITE = 0xFFFFFF;
    static final int BLACK = 0x000000;

    private DecoderFixtures() {}

    /** Red top-left, green top-right, blue bottom-left, white bottom-right quadrants. */
    static BufferedImage quadrants(int width, int height) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                boolean left = x < width / 2;
                boolean top = y < height / 2;
                int rgb = top ? (left ? RED : GREEN) : (left ? BLUE : WHITE);
                img.setRGB(x, y, rgb);
            }
        }
        return img;
    }

    /** Deterministic colourful texture, so JPEG output is large enough to cut in half. */
    static BufferedImage texture(int width, int height) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int r = (x * 7 + y * 3) & 0xFF;
                int g = (x * y) & 0xFF;
                int b = (x ^ y) & 0xFF;
                img.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return img;
    }

    /**
     * The colour of a photo-like scene at (x, y) of a w x h image: gradients, a soft wave, a red
     * disc, a checkered block and a little deterministic noise, so subsampling has edges and
     * texture to get wrong.
     */
    static int photoRgb(int x, int y, int w, int h, boolean noise) {
        int r = (int) ((long) x * 255 / w);
        int g = (int) ((long) y * 255 / h);
        int b =
                128
                        + (int)
                                (90
                                        * WAVE[(int) ((long) x * WAVE.length / w)]
                                        * WAVE[(int) ((long) y * WAVE.length / h)]);
        long dx = x - w / 3;
        long dy = y - h / 2;
        long radius = Math.min(w, h) / 4;
        if (dx * dx + dy * dy < radius * radius) {
            r = 230;
            g = 40;
            b = 40;
        }
        int cell = Math.max(8, Math.min(w, h) / 40);
        if (x > w * 2 / 3 && y > h / 4 && y < h * 3 / 4 && ((x / cell) + (y / cell)) % 2 == 0) {
            r = 20;
            g = 20;
            b = 20;
        }
        if (noise) {
            int n = ((x * 73856093) ^ (y * 19349663)) >>> 27; // 0..31
            r += n / 2 - 8;
            g += n / 2 - 8;
            b += n / 2 - 8;
        }
        return (clamp(r) << 16) | (clamp(g) << 8) | clamp(b);
    }

    private static final double[] WAVE = wave();

    private static double[] wave() {
        double[] out = new double[64];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.sin(i * 2 * Math.PI * 3 / out.length);
        }
        return out;
    }

    private static int clamp(int v) {
        return Math.max(0, Math.min(255, v));
    }

    /** {@link #photoRgb} as a compact 3-byte BGR image, the cheapest input for the JPEG writer. */
    static BufferedImage photo(int w, int h, boolean noise) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        byte[] data = ((java.awt.image.DataBufferByte) img.getRaster().getDataBuffer()).getData();
        for (int y = 0; y < h; y++) {
            int row = y * w * 3;
            for (int x = 0; x < w; x++) {
                int rgb = photoRgb(x, y, w, h, noise);
                data[row + 3 * x] = (byte) rgb;
                data[row + 3 * x + 1] = (byte) (rgb >> 8);
                data[row + 3 * x + 2] = (byte) (rgb >> 16);
            }
        }
        return img;
    }

    static byte[] write(BufferedImage img, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(img, format, out)) {
                throw new IllegalStateException("no " + format + " writer for " + img);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static byte[] jpeg(BufferedImage img, float quality, boolean progressive) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            if (progressive) {
                param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
            }
            writer.write(null, new IIOImage(img, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /** Two-frame animated GIF: the first frame all {@code first}, the second all {@code second}. */
    static byte[] animatedGif(int width, int height, int first, int second) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            writer.prepareWriteSequence(null);
            for (int rgb : new int[] {first, second}) {
                BufferedImage frame = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
                for (int y = 0; y < height; y++) {
                    for (int x = 0; x < width; x++) {
                        frame.setRGB(x, y, rgb);
                    }
                }
                ImageTypeSpecifier type = ImageTypeSpecifier.createFromRenderedImage(frame);
                IIOMetadata meta = writer.getDefaultImageMetadata(type, null);
                IIOMetadataNode root =
                        (IIOMetadataNode) meta.getAsTree(meta.getNativeMetadataFormatName());
                IIOMetadataNode gce = new IIOMetadataNode("GraphicControlExtension");
                gce.setAttribute("disposalMethod", "none");
                gce.setAttribute("userInputFlag", "FALSE");
                gce.setAttribute("transparentColorFlag", "FALSE");
                gce.setAttribute("delayTime", "10");
                gce.setAttribute("transparentColorIndex", "0");
                root.appendChild(gce);
                meta.setFromTree(meta.getNativeMetadataFormatName(), root);
                writer.writeToSequence(new IIOImage(frame, null, meta), null);
            }
            writer.endWriteSequence();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /** A 16-bit-per-channel RGB image (written as a 16-bit PNG) filled with one colour. */
    static BufferedImage rgb16(int width, int height, int r, int g, int b) {
        ComponentColorModel cm =
                new ComponentColorModel(
                        ColorSpace.getInstance(ColorSpace.CS_sRGB),
                        new int[] {16, 16, 16},
                        false,
                        false,
                        Transparency.OPAQUE,
                        DataBuffer.TYPE_USHORT);
        WritableRaster raster =
                Raster.createInterleavedRaster(
                        DataBuffer.TYPE_USHORT, width, height, 3, new Point(0, 0));
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                raster.setPixel(x, y, new int[] {r, g, b});
            }
        }
        return new BufferedImage(cm, raster, false, null);
    }

    /** An 8-bit grey + alpha image (written as PNG colour type 4) from (grey, alpha) pairs. */
    static BufferedImage grayAlpha(int[][] grayAlphaPerPixel) {
        ComponentColorModel cm =
                new ComponentColorModel(
                        ColorSpace.getInstance(ColorSpace.CS_GRAY),
                        new int[] {8, 8},
                        true,
                        false,
                        Transparency.TRANSLUCENT,
                        DataBuffer.TYPE_BYTE);
        int width = grayAlphaPerPixel.length;
        WritableRaster raster =
                Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, width, 1, 2, new Point(0, 0));
        for (int x = 0; x < width; x++) {
            raster.setPixel(x, 0, grayAlphaPerPixel[x]);
        }
        return new BufferedImage(cm, raster, false, null);
    }

    /** A 2-bit palette image whose palette index 3 is fully transparent. */
    static BufferedImage palette(int[] indexes) {
        byte[] r = {(byte) 255, 0, 0, 0};
        byte[] g = {0, (byte) 255, 0, 0};
        byte[] b = {0, 0, (byte) 255, 0};
        IndexColorModel cm = new IndexColorModel(2, 4, r, g, b, 3);
        BufferedImage img =
                new BufferedImage(indexes.length, 1, BufferedImage.TYPE_BYTE_BINARY, cm);
        for (int x = 0; x < indexes.length; x++) {
            img.getRaster().setSample(x, 0, 0, indexes[x]);
        }
        return img;
    }

    /**
     * An 8-bit grey image whose stored samples are {@code value}; set through the raster because
     * {@code setRGB} on a grey image would apply the sRGB-to-linear curve and store another value.
     */
    static BufferedImage gray(int width, int height, int value) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                img.getRaster().setSample(x, y, 0, value);
            }
        }
        return img;
    }

    static BufferedImage filled(int width, int height, int type, int rgb) {
        BufferedImage img = new BufferedImage(width, height, type);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                img.setRGB(x, y, rgb);
            }
        }
        return img;
    }

    /**
     * A PNG made of a valid signature, an IHDR declaring {@code width x height} 8-bit RGB with a
     * correct CRC, a tiny IDAT and IEND: what a decompression-bomb header looks like to a reader.
     */
    static byte[] pngHeaderOnly(int width, int height) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        ByteBuffer ihdr = ByteBuffer.allocate(13);
        ihdr.putInt(width).putInt(height).put((byte) 8).put((byte) 2);
        ihdr.put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        Deflater deflater = new Deflater();
        deflater.setInput(new byte[64]);
        deflater.finish();
        byte[] idat = new byte[128];
        int n = deflater.deflate(idat);
        deflater.end();
        chunk(out, "IDAT", Arrays.copyOf(idat, n));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** Rewrites the frame size in the SOF0/SOF2 segment of a JPEG, leaving everything else. */
    static byte[] withJpegFrameSize(byte[] jpeg, int width, int height) {
        byte[] copy = jpeg.clone();
        int pos = 2;
        while (pos + 4 < copy.length) {
            int marker = ((copy[pos] & 0xFF) << 8) | (copy[pos + 1] & 0xFF);
            int length = ((copy[pos + 2] & 0xFF) << 8) | (copy[pos + 3] & 0xFF);
            if (marker == 0xFFC0 || marker == 0xFFC2) {
                // Segment: marker(2) length(2) precision(1) height(2) width(2) ...
                copy[pos + 5] = (byte) (height >> 8);
                copy[pos + 6] = (byte) height;
                copy[pos + 7] = (byte) (width >> 8);
                copy[pos + 8] = (byte) width;
                return copy;
            }
            pos += 2 + length;
        }
        throw new IllegalArgumentException("no SOF0/SOF2 segment");
    }

    /** Rewrites width and height of a BITMAPINFOHEADER BMP. */
    static byte[] withBmpSize(byte[] bmp, int width, int height) {
        byte[] copy = bmp.clone();
        ByteBuffer buf = ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN);
        buf.putInt(18, width);
        buf.putInt(22, height);
        return copy;
    }

    /**
     * Inserts an EXIF APP1 segment with only an IFD0 Orientation tag right after the JFIF APP0
     * segment of a JPEG written by ImageIO.
     */
    static byte[] withExifOrientation(byte[] jpeg, int orientation, boolean bigEndian) {
        ByteBuffer tiff = ByteBuffer.allocate(26);
        tiff.order(bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        tiff.put(bigEndian ? (byte) 'M' : (byte) 'I');
        tiff.put(bigEndian ? (byte) 'M' : (byte) 'I');
        tiff.putShort((short) 42);
        tiff.putInt(8); // offset of IFD0
        tiff.putShort((short) 1); // one entry
        tiff.putShort((short) 0x0112); // Orientation
        tiff.putShort((short) 3); // SHORT
        tiff.putInt(1); // count
        tiff.putShort((short) orientation); // value, left-justified in the 4-byte field
        tiff.putShort((short) 0);
        tiff.putInt(0); // no next IFD
        return withApp1(jpeg, concat("Exif\0\0".getBytes(StandardCharsets.US_ASCII), tiff.array()));
    }

    /** Inserts an arbitrary APP1 payload after the APP0 segment. */
    static byte[] withApp1(byte[] jpeg, byte[] payload) {
        int app0Length = ((jpeg[4] & 0xFF) << 8) | (jpeg[5] & 0xFF);
        if ((jpeg[2] & 0xFF) != 0xFF || (jpeg[3] & 0xFF) != 0xE0) {
            throw new IllegalArgumentException("expected an APP0 segment after SOI");
        }
        int insertAt = 4 + app0Length;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, insertAt);
        out.write(0xFF);
        out.write(0xE1);
        int length = payload.length + 2;
        out.write(length >> 8);
        out.write(length & 0xFF);
        out.writeBytes(payload);
        out.write(jpeg, insertAt, jpeg.length - insertAt);
        return out.toByteArray();
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    static byte[] resource(String name) {
        try (var in = DecoderFixtures.class.getResourceAsStream("/images/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("missing test resource /images/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
