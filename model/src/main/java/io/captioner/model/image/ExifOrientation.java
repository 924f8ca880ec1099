package io.captioner.model.image;

import com.twelvemonkeys.imageio.metadata.Directory;
import com.twelvemonkeys.imageio.metadata.Entry;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEG;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegment;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegmentUtil;
import com.twelvemonkeys.imageio.metadata.tiff.TIFF;
import com.twelvemonkeys.imageio.metadata.tiff.TIFFReader;
import com.twelvemonkeys.imageio.stream.ByteArrayImageInputStream;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import javax.imageio.stream.ImageInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads the EXIF orientation tag of a JPEG and applies it to decoded pixels. */
final class ExifOrientation {
    private static final Logger LOG = LoggerFactory.getLogger(ExifOrientation.class);

    /** Orientation 1: pixels are stored as displayed. */
    static final int NORMAL = 1;

    private ExifOrientation() {}

    /**
     * Returns the orientation (1..8) from the first EXIF APP1 segment of a JPEG, or 1 when absent.
     *
     * <p>Metadata is advisory: a broken or out-of-range EXIF block must not make an otherwise good
     * photo undecodable, so any failure here yields 1 and a debug log line.
     */
    static int read(byte[] jpeg) {
        try (ImageInputStream in = new ByteArrayImageInputStream(jpeg)) {
            // readSegments stops at the first SOS marker, so this never touches the pixel data.
            List<JPEGSegment> segments = JPEGSegmentUtil.readSegments(in, JPEG.APP1, "Exif");
            for (JPEGSegment segment : segments) {
                int orientation = orientationOf(segment);
                if (orientation != 0) {
                    return orientation;
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("Ignoring unreadable EXIF metadata: {}", e.toString());
        }
        return NORMAL;
    }

    /** Returns the segment's orientation, or 0 when it has none or an invalid one. */
    private static int orientationOf(JPEGSegment segment) throws IOException {
        byte[] tiff;
        try (InputStream data = segment.data()) {
            // The identifier is "Exif\0" followed by one pad byte before the TIFF header.
            if (data.read() < 0) {
                return 0;
            }
            tiff = data.readAllBytes();
        }
        try (ImageInputStream tiffIn = new ByteArrayImageInputStream(tiff)) {
            Directory ifd0 = new TIFFReader().read(tiffIn);
            Entry entry = ifd0.getEntryById(TIFF.TAG_ORIENTATION);
            if (entry == null || !(entry.getValue() instanceof Number)) {
                return 0;
            }
            int value = ((Number) entry.getValue()).intValue();
            if (value < 1 || value > 8) {
                LOG.debug("Ignoring invalid EXIF orientation {}", value);
                return 0;
            }
            return value;
        }
    }

    /**
     * Returns the image as it should be displayed for the given orientation; a new image for 2..8,
     * the same one for 1. Orientations 5 to 8 swap width and height.
     */
    static BufferedImage apply(BufferedImage src, int orientation) {
        if (orientation == NORMAL) {
            return src;
        }
        int w = src.getWidth();
        int h = src.getHeight();
        boolean swap = orientation >= 5;
        int outW = swap ? h : w;
        int outH = swap ? w : h;
        BufferedImage out = new BufferedImage(outW, outH, BufferedImage.TYPE_INT_RGB);
        int[] in = ((DataBufferInt) src.getRaster().getDataBuffer()).getData();
        int[] dst = ((DataBufferInt) out.getRaster().getDataBuffer()).getData();
        // For each output pixel (u, v) pick source pixel (x, y) as defined by the EXIF 2.3 table
        // ("0th row is visual ..., 0th column is visual ...").
        for (int v = 0; v < outH; v++) {
            int row = v * outW;
            for (int u = 0; u < outW; u++) {
                int x;
                int y;
                switch (orientation) {
                    case 2 -> {
                        x = w - 1 - u;
                        y = v;
                    }
                    case 3 -> {
                        x = w - 1 - u;
                        y = h - 1 - v;
                    }
                    case 4 -> {
                        x = u;
                        y = h - 1 - v;
                    }
                    case 5 -> {
                        x = v;
                        y = u;
                    }
                    case 6 -> {
                        x = v;
                        y = h - 1 - u;
                    }
                    case 7 -> {
                        x = w - 1 - v;
                        y = h - 1 - u;
                    }
                    case 8 -> {
                        x = w - 1 - v;
                        y = u;
                    }
                    default ->
                            throw new IllegalArgumentException(
                                    "EXIF orientation must be 1..8 but was " + orientation);
                }
                dst[row + u] = in[y * w + x];
            }
        }
        return out;
    }
}
