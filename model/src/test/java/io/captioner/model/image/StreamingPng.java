package io.captioner.model.image;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * Writes PNG files row by row from a colour function, so a test can make a 40 MP PNG (8-bit RGB,
 * 16-bit RGBA, 8-bit palette, plain or Adam7-interlaced) without ever holding the image: the JDK's
 * writer needs it whole in memory. Rows use the Sub filter, which makes gradients cheap to
 * compress, and the fastest deflate level.
 */
final class StreamingPng {

    /** The colour (0xRRGGBB) of pixel (x, y). */
    interface Pixels {
        int rgb(int x, int y);
    }

    /** PNG colour types this writer supports. */
    enum Kind {
        RGB8(2, 8, 3),
        RGBA16(6, 16, 8),
        PALETTE8(3, 8, 1);

        final int colourType;
        final int depth;
        final int bytesPerPixel;

        Kind(int colourType, int depth, int bytesPerPixel) {
            this.colourType = colourType;
            this.depth = depth;
            this.bytesPerPixel = bytesPerPixel;
        }
    }

    private static final int[][] ADAM7 = {
        {0, 0, 8, 8},
        {4, 0, 8, 8},
        {0, 4, 4, 8},
        {2, 0, 4, 4},
        {0, 2, 2, 4},
        {1, 0, 2, 2},
        {0, 1, 1, 2}
    };

    private StreamingPng() {}

    /**
     * Writes a PNG. For {@link Kind#PALETTE8} the palette is the 6x7x6 colour cube and each pixel
     * takes its nearest entry; {@link Kind#RGBA16} pixels are opaque.
     */
    static void write(
            OutputStream out, int width, int height, Kind kind, boolean interlaced, Pixels pixels)
            throws IOException {
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
        DataOutputStream h = new DataOutputStream(ihdr);
        h.writeInt(width);
        h.writeInt(height);
        h.writeByte(kind.depth);
        h.writeByte(kind.colourType);
        h.writeByte(0);
        h.writeByte(0);
        h.writeByte(interlaced ? 1 : 0);
        chunk(out, "IHDR", ihdr.toByteArray());
        if (kind == Kind.PALETTE8) {
            byte[] plte = new byte[6 * 7 * 6 * 3];
            for (int i = 0; i < 6 * 7 * 6; i++) {
                int rgb = paletteColour(i);
                plte[3 * i] = (byte) (rgb >> 16);
                plte[3 * i + 1] = (byte) (rgb >> 8);
                plte[3 * i + 2] = (byte) rgb;
            }
            chunk(out, "PLTE", plte);
        }
        IdatStream idat = new IdatStream(out);
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        try (DeflaterOutputStream z = new DeflaterOutputStream(idat, deflater, 1 << 16)) {
            int[][] passes = interlaced ? ADAM7 : new int[][] {{0, 0, 1, 1}};
            byte[] row = new byte[width * kind.bytesPerPixel];
            byte[] filtered = new byte[row.length + 1];
            for (int[] pass : passes) {
                int passWidth = (width - pass[0] + pass[2] - 1) / pass[2];
                if (passWidth <= 0) {
                    continue;
                }
                int n = passWidth * kind.bytesPerPixel;
                for (int y = pass[1]; y < height; y += pass[3]) {
                    int i = 0;
                    for (int x = pass[0]; x < width; x += pass[2]) {
                        i = put(row, i, kind, pixels.rgb(x, y));
                    }
                    filtered[0] = 1; // Sub
                    for (int k = 0; k < n; k++) {
                        int left = k >= kind.bytesPerPixel ? row[k - kind.bytesPerPixel] : 0;
                        filtered[k + 1] = (byte) (row[k] - left);
                    }
                    z.write(filtered, 0, n + 1);
                }
            }
        } finally {
            deflater.end();
        }
        idat.flushChunk();
        chunk(out, "IEND", new byte[0]);
    }

    private static int put(byte[] row, int i, Kind kind, int rgb) {
        switch (kind) {
            case RGB8 -> {
                row[i] = (byte) (rgb >> 16);
                row[i + 1] = (byte) (rgb >> 8);
                row[i + 2] = (byte) rgb;
                return i + 3;
            }
            case RGBA16 -> {
                for (int c = 0; c < 3; c++) {
                    int v = (rgb >> (16 - 8 * c)) & 0xFF;
                    row[i + 2 * c] = (byte) v;
                    row[i + 2 * c + 1] = (byte) v; // 16-bit value v * 257
                }
                row[i + 6] = (byte) 0xFF;
                row[i + 7] = (byte) 0xFF;
                return i + 8;
            }
            default -> {
                row[i] = (byte) paletteIndex(rgb);
                return i + 1;
            }
        }
    }

    /** The entry of the 6x7x6 cube nearest to {@code rgb}. */
    static int paletteIndex(int rgb) {
        int r = (((rgb >> 16) & 0xFF) * 5 + 127) / 255;
        int g = (((rgb >> 8) & 0xFF) * 6 + 127) / 255;
        int b = ((rgb & 0xFF) * 5 + 127) / 255;
        return (r * 7 + g) * 6 + b;
    }

    /** Colour of palette entry {@code i} of the 6x7x6 cube. */
    static int paletteColour(int i) {
        int r = i / 42;
        int g = (i / 6) % 7;
        int b = i % 6;
        return ((r * 255 / 5) << 16) | ((g * 255 / 6) << 8) | (b * 255 / 5);
    }

    private static void chunk(OutputStream out, String type, byte[] data) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        byte[] name = type.getBytes(StandardCharsets.US_ASCII);
        d.writeInt(data.length);
        d.write(name);
        d.write(data);
        CRC32 crc = new CRC32();
        crc.update(name);
        crc.update(data);
        d.writeInt((int) crc.getValue());
    }

    /** Cuts the deflate stream into IDAT chunks of at most 1 MiB. */
    private static final class IdatStream extends OutputStream {
        private final OutputStream out;
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(1 << 20);

        IdatStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            buffer.write(b, off, len);
            if (buffer.size() >= 1 << 20) {
                flushChunk();
            }
        }

        @Override
        public void close() {
            // the PNG continues after the image data: flushChunk() ends it
        }

        void flushChunk() throws IOException {
            if (buffer.size() > 0) {
                chunk(out, "IDAT", buffer.toByteArray());
                buffer.reset();
            }
        }
    }
}
