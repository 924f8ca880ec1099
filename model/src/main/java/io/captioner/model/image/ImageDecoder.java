package io.captioner.model.image;

import com.twelvemonkeys.imageio.stream.ByteArrayImageInputStream;
import io.captioner.model.image.ImageDecodingException.Reason;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import javax.imageio.IIOException;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.stream.ImageInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns untrusted bytes into display-oriented 8-bit RGB pixels, or into an {@link
 * ImageDecodingException} whose {@link ImageDecodingException.Reason} a service can map to a
 * dead-letter reason code.
 *
 * <p>What it does, in order:
 *
 * <ol>
 *   <li>Refuses empty input ({@code UNSUPPORTED_FORMAT}) and input over {@code maxBytes} ({@code
 *       IMAGE_TOO_LARGE}).
 *   <li>Detects the format from magic bytes, never from a file name or a content type. JPEG, PNG,
 *       GIF and BMP are decoded; anything else, including recognised formats such as WebP, TIFF and
 *       HEIC, is {@code UNSUPPORTED_FORMAT}.
 *   <li>Reads only the header and refuses images whose declared width x height exceeds {@code
 *       maxPixels} with {@code IMAGE_TOO_LARGE} before any pixel is decoded or allocated, which is
 *       what stops decompression bombs (a tiny PNG declaring 20000x20000).
 *   <li>Decodes the pixels with ImageIO, preferring the TwelveMonkeys readers for JPEG (CMYK, YCCK,
 *       Adobe and progressive JPEGs) and BMP. GIF yields its first frame as stored.
 *   <li>Treats a truncated or cut-short image as {@code UNDECODABLE_IMAGE}, including the JPEG case
 *       where the reader only warns ("Premature end of JPEG file") and fills the rest with grey: a
 *       half-uploaded photo would otherwise be captioned as a grey blur. A baseline JPEG that only
 *       lacks its final EOI marker has all its pixels and is kept; a progressive one is refused,
 *       since a cut between scans leaves a blurred but complete-looking image. Other reader
 *       warnings (for example extraneous bytes before a marker, common in camera files) are logged
 *       at debug level and the image is kept.
 *   <li>Converts to {@code TYPE_INT_RGB}: grey is replicated into R, G and B, 16-bit samples are
 *       scaled to 8 bits, palettes are expanded, CMYK is converted by the reader, and alpha is
 *       composited onto white.
 *   <li>Applies the JPEG EXIF orientation (1 to 8), so the pixels are as a viewer shows them. A
 *       broken EXIF block is ignored (orientation 1) rather than failing the image.
 * </ol>
 *
 * <p>Memory. {@link #decode(byte[], int)} subsamples while reading, so a 40 MP photo decoded for a
 * 224-pixel model holds under 1 MP; every path (JPEG, PNG interlaced, 16-bit or palette, GIF, BMP,
 * the RGB conversion and the EXIF rotation) allocates pixels at the subsampled size only, plus a
 * row or two of the source width. Peak heap of one call is the encoded bytes plus at most {@link
 * ImageHeader#peakHeapBytes(int)}; {@link #probe(byte[])} reads it from the header before anything
 * is decoded, to budget a batch. One exception lives off the heap: a progressive JPEG keeps its
 * full-resolution DCT coefficients in the JPEG library while decoding (2 bytes per sample, {@link
 * ImageHeader#nativeDecodeBytes()}, about 120 MB for a 40 MP 4:2:0 photo), freed when the call
 * returns.
 *
 * <p>Instances are immutable and thread-safe; each call uses its own {@link ImageReader}, which is
 * always disposed.
 */
public final class ImageDecoder {
    private static final Logger LOG = LoggerFactory.getLogger(ImageDecoder.class);

    /** Default pixel limit, about 40 megapixels: above any phone camera, far below a bomb. */
    public static final long DEFAULT_MAX_PIXELS = 40_000_000L;

    /** Default byte limit, 20 MiB. */
    public static final long DEFAULT_MAX_BYTES = 20L * 1024 * 1024;

    /** Largest byte array a JVM reliably allocates. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8L;

    private static final String SUPPORTED = "jpeg, png, gif, bmp";
    private static final String TWELVEMONKEYS_PACKAGE = "com.twelvemonkeys.";

    static {
        // Plugins found by the thread context class loader are not always registered (application
        // servers, shaded jars with a different loader); scanning once makes TwelveMonkeys visible.
        ImageIO.scanForPlugins();
    }

    private final long maxPixels;
    private final long maxBytes;
    private final int subsamplingTarget;
    private final Map<ImageFormat, ImageReaderSpi> readers;

    private ImageDecoder(Builder builder, Map<ImageFormat, ImageReaderSpi> readers) {
        this.maxPixels = builder.maxPixels;
        this.maxBytes = builder.maxBytes;
        this.subsamplingTarget = builder.subsamplingTarget;
        this.readers = readers;
    }

    /**
     * Starts a builder with the defaults: 40 MP, 20 MiB and no subsampling.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the largest accepted declared width x height.
     *
     * @return the pixel limit
     */
    public long maxPixels() {
        return maxPixels;
    }

    /**
     * Returns the largest accepted input size in bytes.
     *
     * @return the byte limit
     */
    public long maxBytes() {
        return maxBytes;
    }

    /**
     * Returns the shorter side that subsampling keeps at least, or 0 when subsampling is off.
     *
     * @return the subsampling target in pixels
     */
    public int subsamplingTarget() {
        return subsamplingTarget;
    }

    /**
     * Decodes an encoded image held in memory, the form in which Kafka delivers it, subsampled to
     * the builder's {@link Builder#optSubsamplingTarget(int) subsampling target}.
     *
     * @param bytes the encoded image; not modified and not retained
     * @return the oriented RGB pixels and what the file declared
     * @throws ImageDecodingException if the bytes are empty, too large, not a supported format, or
     *     broken
     */
    public DecodedImage decode(byte[] bytes) throws ImageDecodingException {
        return decode(bytes, subsamplingTarget);
    }

    /**
     * Decodes an encoded image, keeping its shorter side at least {@code minShortSide} pixels: when
     * the image is at least twice that, the reader keeps only every n-th pixel of every n-th row, n
     * the largest power of two that keeps the shorter side at or above the target (so it ends
     * between one and two times the target), and memory follows the output, not the declared size.
     * A 40 MP photo decoded for a 224-pixel model with {@code minShortSide} 448 holds under 1 MP.
     *
     * <p>Subsampling picks pixels without filtering; pass at least twice the size the model resizes
     * to ({@link ImagePreprocessor#minDecodeShortSide()}), so the later resize smooths the
     * aliasing. Which target to use depends on the model being served, hence per call.
     *
     * @param bytes the encoded image; not modified and not retained
     * @param minShortSide the shorter side to keep at least, or 0 for full resolution
     * @return the oriented RGB pixels (subsampled) and what the file declared
     * @throws ImageDecodingException if the bytes are empty, too large, not a supported format, or
     *     broken
     */
    public DecodedImage decode(byte[] bytes, int minShortSide) throws ImageDecodingException {
        checkTarget(minShortSide);
        ImageFormat format = checkInput(bytes);
        int orientation =
                format == ImageFormat.JPEG ? ExifOrientation.read(bytes) : ExifOrientation.NORMAL;
        boolean progressive = format == ImageFormat.JPEG && ImageFormat.isProgressiveJpeg(bytes);
        Read<BufferedImage> read =
                withReader(
                        format,
                        bytes,
                        (reader, width, height) ->
                                readPixels(
                                        reader,
                                        format,
                                        width,
                                        height,
                                        progressive,
                                        subsamplingFactor(width, height, minShortSide)));
        int width = read.width();
        int height = read.height();
        BufferedImage rgb = RgbConversion.toRgb(read.result());
        read = null; // the raw pixels are garbage from here on, before the rotated copy exists
        BufferedImage oriented = ExifOrientation.apply(rgb, orientation);
        return new DecodedImage(oriented, format.formatName(), width, height, orientation);
    }

    /**
     * Reads what an image declares without decoding a pixel: the same checks as {@link
     * #decode(byte[], int)} up to the header (empty, too many bytes, unsupported format, a broken
     * header, over the pixel limit), so a caller can budget a batch's memory from {@link
     * ImageHeader#decodedPixels(int)} before it decodes.
     *
     * @param bytes the encoded image; not modified and not retained
     * @return the declared format, size, orientation and native memory of a decode
     * @throws ImageDecodingException for the same input a decode would refuse from its header
     */
    public ImageHeader probe(byte[] bytes) throws ImageDecodingException {
        ImageFormat format = checkInput(bytes);
        Read<Void> header = withReader(format, bytes, (reader, width, height) -> null);
        int width = header.width();
        int height = header.height();
        int orientation = ExifOrientation.NORMAL;
        boolean progressive = false;
        long nativeBytes = 0;
        if (format == ImageFormat.JPEG) {
            orientation = ExifOrientation.read(bytes);
            ImageFormat.JpegFrame frame = ImageFormat.jpegFrame(bytes);
            if (frame != null) {
                progressive = frame.progressive();
                nativeBytes = frame.coefficientBytes(width, height);
            }
        }
        return new ImageHeader(
                format.formatName(), width, height, orientation, progressive, nativeBytes);
    }

    /** What {@link #withReader} read: the declared size and the task's result. */
    private record Read<T>(int width, int height, T result) {}

    /** Work done with a reader positioned after the header of an image of the given size. */
    @FunctionalInterface
    private interface ReaderTask<T> {
        T run(ImageReader reader, int width, int height) throws ImageDecodingException;
    }

    /**
     * Opens a reader on {@code bytes}, reads and checks the declared size (refusing images over
     * {@code maxPixels} before any pixel is read), runs {@code task} and disposes the reader.
     */
    private <T> Read<T> withReader(ImageFormat format, byte[] bytes, ReaderTask<T> task)
            throws ImageDecodingException {
        ImageReader reader = newReader(format);
        ImageInputStream in = new ByteArrayImageInputStream(bytes);
        try {
            // seekForwardOnly and ignoreMetadata: one pass, no metadata trees (EXIF is read apart).
            reader.setInput(in, true, true);
            int width = readWidth(reader, format);
            int height = readHeight(reader, format);
            checkSize(format, width, height);
            return new Read<>(width, height, task.run(reader, width, height));
        } finally {
            reader.dispose();
            closeQuietly(in);
        }
    }

    /** Refuses empty, oversized, unrecognised and undecodable input; returns its format. */
    private ImageFormat checkInput(byte[] bytes) throws ImageDecodingException {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length == 0) {
            throw new ImageDecodingException(Reason.UNSUPPORTED_FORMAT, "input is empty (0 bytes)");
        }
        if (bytes.length > maxBytes) {
            throw new ImageDecodingException(
                    Reason.IMAGE_TOO_LARGE,
                    "input is "
                            + bytes.length
                            + " bytes, over the limit of "
                            + maxBytes
                            + " bytes");
        }
        ImageFormat format = ImageFormat.sniff(bytes);
        if (format == null) {
            throw new ImageDecodingException(
                    Reason.UNSUPPORTED_FORMAT,
                    "unrecognised image format ("
                            + bytes.length
                            + " bytes starting with "
                            + ImageFormat.describeHead(bytes)
                            + "); supported: "
                            + SUPPORTED);
        }
        if (!format.decodable()) {
            throw new ImageDecodingException(
                    Reason.UNSUPPORTED_FORMAT,
                    "image format "
                            + format.formatName()
                            + " is not supported; supported: "
                            + SUPPORTED);
        }
        return format;
    }

    private static int readWidth(ImageReader reader, ImageFormat format)
            throws ImageDecodingException {
        try {
            return reader.getWidth(0);
        } catch (IOException | RuntimeException e) {
            throw headerFailure(format, e);
        }
    }

    private static int readHeight(ImageReader reader, ImageFormat format)
            throws ImageDecodingException {
        try {
            return reader.getHeight(0);
        } catch (IOException | RuntimeException e) {
            throw headerFailure(format, e);
        }
    }

    private static ImageDecodingException headerFailure(ImageFormat format, Exception e) {
        return new ImageDecodingException(
                Reason.UNDECODABLE_IMAGE,
                "cannot read " + format.formatName() + " header: " + describe(e),
                e);
    }

    private static void checkTarget(int minShortSide) {
        if (minShortSide < 0) {
            throw new IllegalArgumentException("minShortSide must be >= 0 but was " + minShortSide);
        }
    }

    /**
     * Reads at most {@code maxBytes + 1} bytes from a stream and decodes them; the stream is left
     * open for the caller to close.
     *
     * @param in the encoded image
     * @return the oriented RGB pixels and what the file declared
     * @throws IOException if reading the stream fails, which is not a property of the image
     * @throws ImageDecodingException if the content is empty, too large, unsupported or broken
     */
    public DecodedImage decode(InputStream in) throws IOException, ImageDecodingException {
        Objects.requireNonNull(in, "in");
        // One byte past the limit is enough to know the stream is too large.
        byte[] bytes = in.readNBytes((int) Math.min(maxBytes + 1, MAX_ARRAY));
        if (bytes.length > maxBytes) {
            throw new ImageDecodingException(
                    Reason.IMAGE_TOO_LARGE, "input is over the limit of " + maxBytes + " bytes");
        }
        return decode(bytes);
    }

    /**
     * Decodes an image file, refusing files over {@code maxBytes} before reading them.
     *
     * @param path the image file
     * @return the oriented RGB pixels and what the file declared
     * @throws IOException if the file cannot be read
     * @throws ImageDecodingException if the content is empty, too large, unsupported or broken
     */
    public DecodedImage decode(Path path) throws IOException, ImageDecodingException {
        Objects.requireNonNull(path, "path");
        long size = Files.size(path);
        if (size > maxBytes) {
            throw new ImageDecodingException(
                    Reason.IMAGE_TOO_LARGE,
                    "file "
                            + path
                            + " is "
                            + size
                            + " bytes, over the limit of "
                            + maxBytes
                            + " bytes");
        }
        try (InputStream in = Files.newInputStream(path)) {
            return decode(in);
        }
    }

    private void checkSize(ImageFormat format, int width, int height)
            throws ImageDecodingException {
        if (width <= 0 || height <= 0) {
            throw new ImageDecodingException(
                    Reason.UNDECODABLE_IMAGE,
                    format.formatName()
                            + " header declares an empty image: "
                            + width
                            + "x"
                            + height);
        }
        long pixels = (long) width * height;
        if (pixels > maxPixels) {
            throw new ImageDecodingException(
                    Reason.IMAGE_TOO_LARGE,
                    "image is "
                            + width
                            + "x"
                            + height
                            + " = "
                            + pixels
                            + " pixels, over the limit of "
                            + maxPixels);
        }
    }

    private BufferedImage readPixels(
            ImageReader reader,
            ImageFormat format,
            int width,
            int height,
            boolean progressive,
            int factor)
            throws ImageDecodingException {
        TruncationListener truncation = new TruncationListener();
        reader.addIIOReadWarningListener(truncation);
        BufferedImage raw;
        try {
            ImageReadParam param = reader.getDefaultReadParam();
            if (factor > 1) {
                param.setSourceSubsampling(factor, factor, 0, 0);
            }
            raw = reader.read(0, param);
        } catch (IOException | RuntimeException e) {
            // Readers signal corrupt data with IIOException but also with EOFException,
            // IndexOutOfBounds, IllegalArgument or IllegalState; all mean "this file is broken".
            throw new ImageDecodingException(
                    Reason.UNDECODABLE_IMAGE,
                    "cannot decode "
                            + format.formatName()
                            + " image of "
                            + width
                            + "x"
                            + height
                            + ": "
                            + describe(e),
                    e);
        }
        String truncated = truncation.verdict(progressive);
        if (truncated != null) {
            throw new ImageDecodingException(
                    Reason.UNDECODABLE_IMAGE,
                    format.formatName()
                            + " image of "
                            + width
                            + "x"
                            + height
                            + " is truncated or corrupt: "
                            + truncated);
        }
        if (raw == null) {
            throw new ImageDecodingException(
                    Reason.UNDECODABLE_IMAGE,
                    "the " + format.formatName() + " reader returned no image");
        }
        return raw;
    }

    /**
     * Largest power of two keeping the shorter side at or above the target; 1 when off or when the
     * image is smaller than twice the target. A power of two puts the subsampled image on the
     * halving chain of {@link ImagePreprocessor#resize}, so both reach the model's size through the
     * same intermediate sizes: a factor of 3 or 6 would leave a different last bilinear step and
     * twice the error against a full decode.
     */
    static int subsamplingFactor(int width, int height, int minShortSide) {
        if (minShortSide <= 0) {
            return 1;
        }
        return Integer.highestOneBit(Math.max(1, Math.min(width, height) / minShortSide));
    }

    private ImageReader newReader(ImageFormat format) {
        ImageReaderSpi spi = readers.get(format);
        try {
            return spi.createReaderInstance();
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot create ImageIO reader " + spi.getClass().getName(), e);
        }
    }

    /**
     * Returns the class of the reader this decoder uses for a format, for diagnostics and tests.
     */
    String readerClassName(ImageFormat format) {
        return readers.get(format).getPluginClassName();
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        if (e instanceof IIOException
                && e.getCause() != null
                && e.getCause().getMessage() != null) {
            message = message + " (" + e.getCause().getMessage() + ")";
        }
        return message == null ? e.getClass().getSimpleName() : message;
    }

    private static void closeQuietly(ImageInputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            LOG.debug("Ignoring failure to close an in-memory image stream", e);
        }
    }

    /**
     * Picks one reader provider per decodable format, preferring TwelveMonkeys when both it and the
     * JDK offer one: the JDK JPEG reader fails on CMYK/YCCK and several Adobe JPEGs.
     */
    private static Map<ImageFormat, ImageReaderSpi> resolveReaders() {
        Map<ImageFormat, ImageReaderSpi> chosen = new EnumMap<>(ImageFormat.class);
        for (ImageFormat format : ImageFormat.values()) {
            if (!format.decodable()) {
                continue;
            }
            Iterator<ImageReaderSpi> providers =
                    IIORegistry.getDefaultInstance()
                            .getServiceProviders(
                                    ImageReaderSpi.class,
                                    spi -> handles((ImageReaderSpi) spi, format),
                                    true);
            ImageReaderSpi best = null;
            while (providers.hasNext()) {
                ImageReaderSpi spi = providers.next();
                if (best == null || (isTwelveMonkeys(spi) && !isTwelveMonkeys(best))) {
                    best = spi;
                }
            }
            if (best == null) {
                throw new IllegalStateException(
                        "no ImageIO reader installed for " + format.formatName());
            }
            if ((format == ImageFormat.JPEG || format == ImageFormat.BMP)
                    && !isTwelveMonkeys(best)) {
                LOG.warn(
                        "TwelveMonkeys {} reader not found; using {} (CMYK JPEGs will fail)",
                        format.formatName(),
                        best.getPluginClassName());
            }
            chosen.put(format, best);
        }
        return Collections.unmodifiableMap(chosen);
    }

    private static boolean handles(ImageReaderSpi spi, ImageFormat format) {
        for (String name : spi.getFormatNames()) {
            if (name.toLowerCase(Locale.ROOT).equals(format.formatName())) {
                return true;
            }
        }
        return false;
    }

    private static boolean isTwelveMonkeys(ImageReaderSpi spi) {
        return spi.getClass().getName().startsWith(TWELVEMONKEYS_PACKAGE);
    }

    @Override
    public String toString() {
        return "ImageDecoder{maxPixels="
                + maxPixels
                + ", maxBytes="
                + maxBytes
                + ", subsamplingTarget="
                + subsamplingTarget
                + '}';
    }

    /**
     * Decides from reader warnings whether the pixel data ended before the image did.
     *
     * <p>libjpeg says "premature end" when the entropy-coded data ran out and it filled the rest of
     * the image with grey: fatal. A file that only lacks its final EOI marker ("Truncated File -
     * Missing EOI marker" and nothing else) is a baseline JPEG whose data ran to the end: every
     * pixel is there and viewers show it, so it is kept. A missing EOI is fatal together with any
     * other warning (a cut inside the SOS header is reported as "Invalid SOS parameters") and in a
     * progressive JPEG, where a cut between two scans leaves a complete-looking but blurred image.
     */
    private static final class TruncationListener implements IIOReadWarningListener {
        private String fatal;
        private boolean missingEoi;
        private String other;

        @Override
        public void warningOccurred(ImageReader source, String message) {
            LOG.debug("ImageIO warning from {}: {}", source.getClass().getName(), message);
            String m = message == null ? "" : message.toLowerCase(Locale.ROOT);
            if (m.contains("premature end") || m.contains("unexpected end")) {
                if (fatal == null) {
                    fatal = message;
                }
            } else if (m.contains("missing eoi")) {
                missingEoi = true;
            } else if (other == null) {
                other = message;
            }
        }

        /** Returns why the image is truncated, or null when it is complete. */
        String verdict(boolean progressive) {
            if (fatal != null) {
                return fatal;
            }
            if (missingEoi && other != null) {
                return "missing EOI marker after " + other;
            }
            if (missingEoi && progressive) {
                return "progressive JPEG without EOI marker, later scans may be missing";
            }
            return null;
        }
    }

    /** Configures an {@link ImageDecoder}; every option has a safe default. */
    public static final class Builder {
        private long maxPixels = DEFAULT_MAX_PIXELS;
        private long maxBytes = DEFAULT_MAX_BYTES;
        private int subsamplingTarget;

        private Builder() {}

        /**
         * Sets the largest declared width x height to decode; larger images are refused from their
         * header with {@code IMAGE_TOO_LARGE}.
         *
         * @param maxPixels 1 to {@link Integer#MAX_VALUE}; default {@link #DEFAULT_MAX_PIXELS}
         * @return this builder
         */
        public Builder optMaxPixels(long maxPixels) {
            this.maxPixels = maxPixels;
            return this;
        }

        /**
         * Sets the largest encoded input to accept; larger input is refused with {@code
         * IMAGE_TOO_LARGE} before it is parsed.
         *
         * @param maxBytes 1 to {@code Integer.MAX_VALUE - 9}; default {@link #DEFAULT_MAX_BYTES}
         * @return this builder
         */
        public Builder optMaxBytes(long maxBytes) {
            this.maxBytes = maxBytes;
            return this;
        }

        /**
         * Sets the default target of {@link ImageDecoder#decode(byte[])}: big photos are subsampled
         * while decoding so that their shorter side stays at least {@code shortSide} (see {@link
         * ImageDecoder#decode(byte[], int)}, which takes the target per call). This saves memory
         * and work in the later resize, though little decode CPU for JPEG, whose blocks are all
         * still entropy-decoded. The result's size then differs from the original size in {@link
         * DecodedImage}.
         *
         * @param shortSide minimum shorter side in pixels, or 0 to decode at full resolution (the
         *     default)
         * @return this builder
         */
        public Builder optSubsamplingTarget(int shortSide) {
            this.subsamplingTarget = shortSide;
            return this;
        }

        /**
         * Validates the options and creates the decoder.
         *
         * @return an immutable, thread-safe decoder
         * @throws IllegalArgumentException if an option is out of range
         * @throws IllegalStateException if ImageIO has no reader for a supported format
         */
        public ImageDecoder build() {
            if (maxPixels < 1 || maxPixels > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(
                        "maxPixels must be in 1.." + Integer.MAX_VALUE + " but was " + maxPixels);
            }
            // Below MAX_ARRAY so that reading maxBytes + 1 bytes from a stream stays possible.
            if (maxBytes < 1 || maxBytes >= MAX_ARRAY) {
                throw new IllegalArgumentException(
                        "maxBytes must be in 1.." + (MAX_ARRAY - 1) + " but was " + maxBytes);
            }
            if (subsamplingTarget < 0) {
                throw new IllegalArgumentException(
                        "subsamplingTarget must be >= 0 but was " + subsamplingTarget);
            }
            return new ImageDecoder(this, resolveReaders());
        }
    }
}
