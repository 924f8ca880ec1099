package io.captioner.model.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.EnumMap;
import java.util.Map;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Decoding to a per-call target size: the output is as small as the target allows, the header probe
 * predicts it exactly, and it matches a full decode + resize closely enough to caption.
 */
class ImageDecoderSubsamplingTest {

    private static final int W = 1280;
    private static final int H = 960;
    private static final ImageDecoder DECODER = ImageDecoder.builder().build();

    /** Every decoding path: formats, depths, interlacing, palettes, RLE and EXIF rotation. */
    enum Fixture {
        JPEG,
        PROGRESSIVE_JPEG_ROTATED,
        PNG_RGB8,
        PNG_RGBA16_INTERLACED,
        PNG_PALETTE,
        GIF,
        BMP_RGB24,
        BMP_RLE8
    }

    private static final Map<Fixture, byte[]> FILES = new EnumMap<>(Fixture.class);

    @BeforeAll
    static void makeFixtures() throws IOException {
        BufferedImage photo = DecoderFixtures.photo(W, H, true);
        BufferedImage indexed = paletteImage();
        FILES.put(Fixture.JPEG, DecoderFixtures.jpeg(photo, 0.9f, false));
        FILES.put(
                Fixture.PROGRESSIVE_JPEG_ROTATED,
                DecoderFixtures.withExifOrientation(
                        DecoderFixtures.jpeg(photo, 0.9f, true), 6, true));
        FILES.put(Fixture.PNG_RGB8, DecoderFixtures.write(photo, "png"));
        FILES.put(Fixture.PNG_RGBA16_INTERLACED, png(StreamingPng.Kind.RGBA16, true));
        FILES.put(Fixture.PNG_PALETTE, png(StreamingPng.Kind.PALETTE8, false));
        FILES.put(Fixture.GIF, DecoderFixtures.write(indexed, "gif"));
        FILES.put(Fixture.BMP_RGB24, DecoderFixtures.write(photo, "bmp"));
        FILES.put(Fixture.BMP_RLE8, rle8Bmp(indexed));
    }

    /**
     * The photo in the 6x7x6 colour cube, each pixel its nearest entry. Not dithered on purpose:
     * dithering is a pixel-level pattern that subsampling aliases (see the decoder's docs).
     */
    private static BufferedImage paletteImage() {
        int n = 6 * 7 * 6;
        byte[] r = new byte[n];
        byte[] g = new byte[n];
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            int rgb = StreamingPng.paletteColour(i);
            r[i] = (byte) (rgb >> 16);
            g[i] = (byte) (rgb >> 8);
            b[i] = (byte) rgb;
        }
        BufferedImage img =
                new BufferedImage(
                        W, H, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(8, n, r, g, b));
        byte[] data = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                data[y * W + x] =
                        (byte)
                                StreamingPng.paletteIndex(
                                        DecoderFixtures.photoRgb(x, y, W, H, true));
            }
        }
        return img;
    }

    private static byte[] png(StreamingPng.Kind kind, boolean interlaced) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        StreamingPng.write(
                out, W, H, kind, interlaced, (x, y) -> DecoderFixtures.photoRgb(x, y, W, H, true));
        return out.toByteArray();
    }

    private static byte[] rle8Bmp(BufferedImage indexed) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("bmp").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionType("BI_RLE8");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream ios = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(ios);
            writer.write(null, new IIOImage(indexed, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    @ParameterizedTest
    @EnumSource(Fixture.class)
    void shouldPredictFromTheHeaderExactlyHowManyPixelsADecodeHolds(Fixture fixture)
            throws ImageDecodingException {
        byte[] bytes = FILES.get(fixture);
        ImageHeader header = DECODER.probe(bytes);

        assertThat(header.width()).isEqualTo(W);
        assertThat(header.height()).isEqualTo(H);
        for (int target : new int[] {128, 448}) {
            DecodedImage decoded = DECODER.decode(bytes, target);

            assertThat(decoded.pixelCount())
                    .as("target %d", target)
                    .isEqualTo(header.decodedPixels(target));
            int shortSide = Math.min(decoded.width(), decoded.height());
            assertThat(shortSide)
                    .as("target %d", target)
                    .isGreaterThanOrEqualTo(Math.min(target, H));
            if (target * 2 <= H) {
                assertThat(shortSide).as("target %d", target).isLessThan(2 * target);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = Fixture.class,
            names = {"JPEG", "PROGRESSIVE_JPEG_ROTATED", "PNG_RGB8"})
    void shouldDifferFromAFullDecodeAndResizeNoMoreThanAOnePixelShiftDoes(Fixture fixture)
            throws ImageDecodingException {
        byte[] bytes = FILES.get(fixture);
        BufferedImage full = DECODER.decode(bytes, 0).image();
        BufferedImage shifted = full.getSubimage(1, 1, full.getWidth() - 1, full.getHeight() - 1);

        for (int modelInput : new int[] {64, 224}) {
            ImagePreprocessor preprocessor = ImagePreprocessor.imagenet(modelInput);
            BufferedImage subsampled =
                    DECODER.decode(bytes, preprocessor.minDecodeShortSide()).image();
            byte[] expected = preprocessor.resize(full);

            double subsamplingError =
                    meanAbsoluteDifference(expected, preprocessor.resize(subsampled));
            // What cropping one pixel off the photo changes, a change no captioner may care about.
            double onePixelShift = meanAbsoluteDifference(expected, preprocessor.resize(shifted));

            assertThat(subsamplingError)
                    .as(
                            "%s for a %d px model, decoded at %dx%d (one-pixel shift: %.2f)",
                            fixture,
                            modelInput,
                            subsampled.getWidth(),
                            subsampled.getHeight(),
                            onePixelShift)
                    .isLessThanOrEqualTo(onePixelShift)
                    .isLessThan(4.0);
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = Fixture.class,
            names = {
                "PNG_RGB8",
                "PNG_RGBA16_INTERLACED",
                "PNG_PALETTE",
                "GIF",
                "BMP_RGB24",
                "BMP_RLE8"
            })
    void shouldKeepExactlyEveryNthPixelOfEveryNthRowOfALosslessImage(Fixture fixture)
            throws ImageDecodingException {
        int target = ImagePreprocessor.imagenet(64).minDecodeShortSide();
        int factor = DECODER.probe(FILES.get(fixture)).subsamplingFactor(target);
        boolean palette =
                fixture == Fixture.PNG_PALETTE
                        || fixture == Fixture.GIF
                        || fixture == Fixture.BMP_RLE8;

        BufferedImage decoded = DECODER.decode(FILES.get(fixture), target).image();

        assertThat(factor).isEqualTo(4); // 960 / 128 = 7.5, down to a power of two
        for (int y = 0; y < decoded.getHeight(); y++) {
            for (int x = 0; x < decoded.getWidth(); x++) {
                int source = DecoderFixtures.photoRgb(x * factor, y * factor, W, H, true);
                int expected =
                        palette
                                ? StreamingPng.paletteColour(StreamingPng.paletteIndex(source))
                                : source;
                if ((decoded.getRGB(x, y) & 0xFFFFFF) != expected) {
                    throw new AssertionError(
                            String.format(
                                    "%s pixel (%d, %d) is %06x, source pixel (%d, %d) is %06x",
                                    fixture,
                                    x,
                                    y,
                                    decoded.getRGB(x, y) & 0xFFFFFF,
                                    x * factor,
                                    y * factor,
                                    expected));
                }
            }
        }
    }

    @Test
    void shouldTakeTheTargetPerCallOverTheBuildersDefault() throws ImageDecodingException {
        byte[] png = FILES.get(Fixture.PNG_RGB8);
        ImageDecoder subsamplingByDefault =
                ImageDecoder.builder().optSubsamplingTarget(400).build();

        assertThat(DECODER.decode(png).width()).isEqualTo(W);
        assertThat(DECODER.decode(png, 400).width()).isEqualTo(W / 2);
        assertThat(subsamplingByDefault.decode(png).width()).isEqualTo(W / 2);
        assertThat(subsamplingByDefault.decode(png, 0).width()).isEqualTo(W);
        assertThatThrownBy(() -> DECODER.decode(png, -1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldKeepTwiceTheModelInputWhenDecodingForIt() {
        assertThat(ImagePreprocessor.imagenet(224).minDecodeShortSide()).isEqualTo(448);
        assertThat(ImagePreprocessor.imagenet(64).minDecodeShortSide()).isEqualTo(128);
    }

    @Test
    void shouldProbeOnlyTheHeader() throws ImageDecodingException {
        // A PNG that has a header and no pixel data at all: decoding fails, probing does not.
        byte[] headerOnly = DecoderFixtures.pngHeaderOnly(6000, 4000);

        ImageHeader header = DECODER.probe(headerOnly);

        assertThat(header.format()).isEqualTo("png");
        assertThat(header.pixels()).isEqualTo(24_000_000L);
        assertThat(header.decodedPixels(448)).isEqualTo(750L * 500); // factor 8
        assertThat(header.decodedPixels(0)).isEqualTo(24_000_000L);
        assertThat(header.peakHeapBytes(448)).isEqualTo(750L * 500 * 16);
        assertThat(header.nativeDecodeBytes()).isZero();
        assertThat(
                        catchThrowableOfType(
                                ImageDecodingException.class, () -> DECODER.decode(headerOnly)))
                .isNotNull();
    }

    @Test
    void shouldRefuseFromTheHeaderWhatADecodeWouldRefuse() {
        ImageDecodingException bomb =
                catchThrowableOfType(
                        ImageDecodingException.class,
                        () -> DECODER.probe(DecoderFixtures.pngHeaderOnly(20_000, 20_000)));
        ImageDecodingException text =
                catchThrowableOfType(
                        ImageDecodingException.class, () -> DECODER.probe("hello".getBytes()));

        assertThat(bomb.reason()).isEqualTo(ImageDecodingException.Reason.IMAGE_TOO_LARGE);
        assertThat(text.reason()).isEqualTo(ImageDecodingException.Reason.UNSUPPORTED_FORMAT);
    }

    @Test
    void shouldEstimateTheNativeCoefficientMemoryOfAProgressiveJpeg()
            throws ImageDecodingException {
        ImageHeader progressive = DECODER.probe(FILES.get(Fixture.PROGRESSIVE_JPEG_ROTATED));
        ImageHeader baseline = DECODER.probe(FILES.get(Fixture.JPEG));

        // The JDK writer subsamples chroma 2x2 (4:2:0): luma 160x120 blocks, chroma 80x60 each,
        // 64 coefficients of 2 bytes per block.
        assertThat(progressive.progressive()).isTrue();
        assertThat(progressive.exifOrientation()).isEqualTo(6);
        assertThat(progressive.nativeDecodeBytes()).isEqualTo((160L * 120 + 2 * 80 * 60) * 128);
        assertThat(baseline.progressive()).isFalse();
        assertThat(baseline.nativeDecodeBytes()).isZero();
    }

    private static double meanAbsoluteDifference(byte[] a, byte[] b) {
        assertThat(a).hasSameSizeAs(b);
        long sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += Math.abs((a[i] & 0xFF) - (b[i] & 0xFF));
        }
        return (double) sum / a.length;
    }
}
