package io.captioner.model.image;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Formats recognised from their magic bytes. Only some are decodable; the others are recognised so
 * that a WebP or HEIC upload gets a precise "unsupported" message rather than "unknown bytes".
 */
enum ImageFormat {
    JPEG("jpeg", true),
    PNG("png", true),
    GIF("gif", true),
    BMP("bmp", true),
    WEBP("webp", false),
    TIFF("tiff", false),
    HEIF("heif/avif", false),
    ICO("ico", false),
    PDF("pdf", false);

    /** BITMAPCOREHEADER, OS/2 v2 (16 and 64), BITMAPINFOHEADER and its v2 to v5 successors. */
    private static final int[] BMP_DIB_HEADER_SIZES = {12, 16, 40, 52, 56, 64, 108, 124};

    private final String formatName;
    private final boolean decodable;

    ImageFormat(String formatName, boolean decodable) {
        this.formatName = formatName;
        this.decodable = decodable;
    }

    /** Lower-case name, also the ImageIO format name for decodable formats. */
    String formatName() {
        return formatName;
    }

    boolean decodable() {
        return decodable;
    }

    /**
     * Recognises a format from the first bytes, or returns null. Deliberately strict: a text file
     * that happens to start with "BM" must be "unsupported", not a "broken BMP".
     */
    static ImageFormat sniff(byte[] b) {
        if (startsWith(b, 0, 0xFF, 0xD8, 0xFF)) {
            return JPEG;
        }
        if (startsWith(b, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return PNG;
        }
        if (startsWith(b, 0, 'G', 'I', 'F', '8', '7', 'a')
                || startsWith(b, 0, 'G', 'I', 'F', '8', '9', 'a')) {
            return GIF;
        }
        if (startsWith(b, 0, 'B', 'M') && b.length >= 18 && isBmpDibHeaderSize(b)) {
            return BMP;
        }
        if (startsWith(b, 0, 'R', 'I', 'F', 'F') && startsWith(b, 8, 'W', 'E', 'B', 'P')) {
            return WEBP;
        }
        if (startsWith(b, 0, 'I', 'I', 0x2A, 0x00) || startsWith(b, 0, 'M', 'M', 0x00, 0x2A)) {
            return TIFF;
        }
        if (startsWith(b, 4, 'f', 't', 'y', 'p') && isHeifBrand(b)) {
            return HEIF;
        }
        if (startsWith(b, 0, 0x00, 0x00, 0x01, 0x00) && b.length >= 6 && b[4] != 0) {
            return ICO;
        }
        if (startsWith(b, 0, '%', 'P', 'D', 'F')) {
            return PDF;
        }
        return null;
    }

    /**
     * Whether a JPEG's frame header (SOF2, SOF6, SOF10 or SOF14) says progressive; scans the marker
     * segments up to the first SOS only, and answers false for anything it cannot parse.
     */
    static boolean isProgressiveJpeg(byte[] b) {
        JpegFrame frame = jpegFrame(b);
        return frame != null && frame.progressive();
    }

    /**
     * The frame header (SOFn) of a JPEG: whether it is progressive and each component's sampling
     * factors; null when the marker segments before the first SOS cannot be parsed.
     */
    static JpegFrame jpegFrame(byte[] b) {
        int pos = 2;
        while (pos + 4 <= b.length) {
            if ((b[pos] & 0xFF) != 0xFF) {
                return null;
            }
            int marker = b[pos + 1] & 0xFF;
            if (marker == 0xFF) {
                pos++; // fill byte
                continue;
            }
            if (marker == 0xDA || marker == 0xD9) {
                return null;
            }
            int length = ((b[pos + 2] & 0xFF) << 8) | (b[pos + 3] & 0xFF);
            boolean sof =
                    marker >= 0xC0
                            && marker <= 0xCF
                            && marker != 0xC4
                            && marker != 0xC8
                            && marker != 0xCC;
            if (sof) {
                int count = pos + 9 < b.length ? b[pos + 9] & 0xFF : 0;
                if (count == 0 || pos + 10 + 3 * count > b.length) {
                    return null;
                }
                int[] h = new int[count];
                int[] v = new int[count];
                for (int i = 0; i < count; i++) {
                    int factors = b[pos + 11 + 3 * i] & 0xFF;
                    h[i] = Math.max(1, factors >> 4);
                    v[i] = Math.max(1, factors & 0x0F);
                }
                boolean progressive =
                        marker == 0xC2 || marker == 0xC6 || marker == 0xCA || marker == 0xCE;
                return new JpegFrame(progressive, h, v);
            }
            pos += 2 + length;
        }
        return null;
    }

    /** A JPEG frame header: progressive or not, and per-component sampling factors. */
    record JpegFrame(boolean progressive, int[] horizontal, int[] vertical) {

        /**
         * Bytes libjpeg keeps for a progressive image's DCT coefficients while it decodes (every
         * scan refines every block, so all of them stay in memory, 2 bytes per coefficient, at full
         * resolution whatever the subsampling); 0 for a sequential image, which is decoded a row of
         * blocks at a time.
         */
        long coefficientBytes(int width, int height) {
            if (!progressive) {
                return 0;
            }
            int hMax = 1;
            int vMax = 1;
            for (int i = 0; i < horizontal.length; i++) {
                hMax = Math.max(hMax, horizontal[i]);
                vMax = Math.max(vMax, vertical[i]);
            }
            long total = 0;
            for (int i = 0; i < horizontal.length; i++) {
                long componentWidth = ceilDiv((long) width * horizontal[i], hMax);
                long componentHeight = ceilDiv((long) height * vertical[i], vMax);
                total += ceilDiv(componentWidth, 8) * ceilDiv(componentHeight, 8) * 64 * 2;
            }
            return total;
        }

        private static long ceilDiv(long a, long b) {
            return (a + b - 1) / b;
        }
    }

    /** Formats the first bytes as hex for an "unrecognised" message without echoing binary junk. */
    static String describeHead(byte[] b) {
        StringBuilder sb = new StringBuilder();
        int n = Math.min(8, b.length);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(String.format(Locale.ROOT, "%02x", b[i] & 0xFF));
        }
        return sb.toString();
    }

    private static boolean isBmpDibHeaderSize(byte[] b) {
        long size =
                (b[14] & 0xFFL)
                        | (b[15] & 0xFFL) << 8
                        | (b[16] & 0xFFL) << 16
                        | (b[17] & 0xFFL) << 24;
        for (int known : BMP_DIB_HEADER_SIZES) {
            if (size == known) {
                return true;
            }
        }
        return false;
    }

    private static boolean isHeifBrand(byte[] b) {
        if (b.length < 12) {
            return false;
        }
        String brand = new String(b, 8, 4, StandardCharsets.US_ASCII);
        return brand.startsWith("hei")
                || brand.startsWith("hev")
                || brand.equals("mif1")
                || brand.equals("msf1")
                || brand.startsWith("avi");
    }

    private static boolean startsWith(byte[] b, int offset, int... magic) {
        if (b.length < offset + magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((b[offset + i] & 0xFF) != magic[i]) {
                return false;
            }
        }
        return true;
    }
}
