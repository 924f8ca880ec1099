package io.captioner.model.image;

import static io.captioner.model.image.DecoderFixtures.BLACK;
import static io.captioner.model.image.DecoderFixtures.BLUE;
import static io.captioner.model.image.DecoderFixtures.GREEN;
import static io.captioner.model.image.DecoderFixtures.RED;
import static io.captioner.model.image.DecoderFixtures.WHITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.captioner.model.image.ImageDecodingException.Reason;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ImageDecoderTest {
    private static byte[] photo;

    private final ImageDecoder decoder = ImageDecoder.builder().build();

    /** A 4000x3000 quadrant JPEG, encoded once because encoding 12 MP takes a second. */
    private static synchronized byte[] twelveMegapixelJpeg() {
        if (photo == null) {
            photo = DecoderFixtures.jpeg(DecoderFixtures.quadrants(4000, 3000), 0.8f, false);
        }
        return photo;
    }

    @Nested
    class SupportedFormats {
        @ParameterizedTest
        @ValueSource(strings = {"png", "gif", "bmp"})
        void shouldDecodeLosslessFormatsToExactRgbPixels(String format)
                throws ImageDecodingException {
            byte[] bytes = DecoderFixtures.write(DecoderFixtures.quadrants(40, 30), format);

            DecodedImage decoded = decoder.decode(bytes);

            assertThat(decoded.format()).isEqualTo(format);
            assertThat(decoded.image().getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
            assertThat(decoded.width()).isEqualTo(40);
            assertThat(decoded.height()).isEqualTo(30);
            assertThat(decoded.originalWidth()).isEqualTo(40);
            assertThat(decoded.originalHeight()).isEqualTo(30);
            assertThat(decoded.exifOrientation()).isEqualTo(1);
            assertCorners(decoded.image(), 0, RED, GREEN, BLUE, WHITE);
        }

        @Test
        void shouldDecodeBaselineJpegWithApproximatelyRightColours() throws ImageDecodingException {
            byte[] bytes = DecoderFixtures.jpeg(DecoderFixtures.quadrants(64, 48), 0.95f, false);

            DecodedImage decoded = decoder.decode(bytes);

            assertThat(decoded.format()).isEqualTo("jpeg");
            assertThat(decoded.image().getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
            assertThat(decoded.width()).isEqualTo(64);
            assertThat(decoded.height()).isEqualTo(48);
            assertCorners(decoded.image(), 12, RED, GREEN, BLUE, WHITE);
        }

        @Test
        void shouldDecodeProgressiveJpegWrittenByImageIo() throws ImageDecodingException {
            byte[] bytes = DecoderFixtures.jpeg(DecoderFixtures.quadrants(64, 48), 0.95f, true);

            DecodedImage decoded = decoder.decode(bytes);

            assertThat(decoded.width()).isEqualTo(64);
            assertCorners(decoded.image(), 12, RED, GREEN, BLUE, WHITE);
        }

        @Test
        void shouldDecodeProgressiveJpegMadeByImageMagick() throws ImageDecodingException {
            DecodedImage decoded =
                    decoder.decode(DecoderFixtures.resource("quadrants-progressive.jpg"));

            assertThat(decoded.format()).isEqualTo("jpeg");
            assertThat(decoded.width()).isEqualTo(64);
            assertThat(decoded.height()).isEqualTo(48);
            assertCorners(decoded.image(), 12, RED, GREEN, BLUE, WHITE);
        }

        @Test
        void shouldDecodeCmykAdobeJpeg() throws ImageDecodingException {
            DecodedImage decoded =
                    decoder.decode(DecoderFixtures.resource("quadrants-cmyk-adobe.jpg"));

            assertThat(decoded.format()).isEqualTo("jpeg");
            assertThat(decoded.image().getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
            assertThat(decoded.width()).isEqualTo(64);
            assertThat(decoded.height()).isEqualTo(48);
            assertCorners(decoded.image(), 16, RED, GREEN, BLUE, WHITE);
        }

        @Test
        void shouldPreferTwelveMonkeysReadersForJpegAndBmp() {
            assertThat(decoder.readerClassName(ImageFormat.JPEG)).startsWith("com.twelvemonkeys.");
            assertThat(decoder.readerClassName(ImageFormat.BMP)).startsWith("com.twelvemonkeys.");
        }

        @Test
        void shouldDecodeFirstFrameOfAnimatedGif() throws ImageDecodingException {
            byte[] gif = DecoderFixtures.animatedGif(8, 6, RED, BLUE);

            DecodedImage decoded = decoder.decode(gif);

            assertThat(decoded.format()).isEqualTo("gif");
            assertThat(decoded.image().getRGB(0, 0) & 0xFFFFFF).isEqualTo(RED);
            assertThat(decoded.image().getRGB(7, 5) & 0xFFFFFF).isEqualTo(RED);
        }

        @Test
        void shouldDecodeRle8PaletteBmp() throws ImageDecodingException {
            DecodedImage decoded = decoder.decode(DecoderFixtures.resource("quadrants-rle8.bmp"));

            assertThat(decoded.format()).isEqualTo("bmp");
            assertThat(decoded.width()).isEqualTo(64);
            assertThat(decoded.height()).isEqualTo(48);
            assertCorners(decoded.image(), 0, RED, GREEN, BLUE, WHITE);
        }

        @Test
        void shouldDecodeOneBitBmp() throws ImageDecodingException {
            DecodedImage decoded = decoder.decode(DecoderFixtures.resource("black-white-1bit.bmp"));

            assertThat(decoded.image().getRGB(0, 0) & 0xFFFFFF).isEqualTo(BLACK);
            assertThat(decoded.image().getRGB(63, 47) & 0xFFFFFF).isEqualTo(WHITE);
        }

        @Test
        void shouldCompositeHalfTransparentV5BmpOntoWhite() throws ImageDecodingException {
            DecodedImage decoded =
                    decoder.decode(DecoderFixtures.resource("quadrants-argb-half-alpha-v5.bmp"));

            BufferedImage img = decoded.image();
            assertThat(img.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
            // 50% red over white is light red; 50% white over white stays white.
            assertColor(img.getRGB(0, 0), 0xFF8080, 2);
            assertColor(img.getRGB(63, 0), 0x80FF80, 2);
            assertColor(img.getRGB(0, 47), 0x8080FF, 2);
            assertColor(img.getRGB(63, 47), WHITE, 0);
        }

        @Test
        void shouldDecodeOnePixelImage() throws ImageDecodingException {
            byte[] png =
                    DecoderFixtures.write(
                            DecoderFixtures.filled(1, 1, BufferedImage.TYPE_INT_RGB, 0x123456),
                            "png");

            DecodedImage decoded = decoder.decode(png);

            assertThat(decoded.width()).isEqualTo(1);
            assertThat(decoded.height()).isEqualTo(1);
            assertThat(decoded.image().getRGB(0, 0) & 0xFFFFFF).isEqualTo(0x123456);
        }

        @Test
        void shouldDecodeTwelveMegapixelPhotoAtFullResolution() throws ImageDecodingException {
            byte[] jpeg = twelveMegapixelJpeg();

            DecodedImage decoded = decoder.decode(jpeg);

            assertThat(decoded.width()).isEqualTo(4000);
            assertThat(decoded.height()).isEqualTo(3000);
            assertThat(decoded.image().getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
            assertCorners(decoded.image(), 16, RED, GREEN, BLUE, WHITE);
        }

        @Test
        void shouldSubsampleLargePhotoWhenTargetIsSet() throws ImageDecodingException {
            ImageDecoder subsampling = ImageDecoder.builder().optSubsamplingTarget(500).build();
            byte[] jpeg = twelveMegapixelJpeg();

            DecodedImage decoded = subsampling.decode(jpeg);

            // 3000 / 500 = 6, rounded down to a power of two: factor 4.
            assertThat(decoded.width()).isEqualTo(1000);
            assertThat(decoded.height()).isEqualTo(750);
            assertThat(decoded.originalWidth()).isEqualTo(4000);
            assertThat(decoded.originalHeight()).isEqualTo(3000);
            assertCorners(decoded.image(), 16, RED, GREEN, BLUE, WHITE);
        }

        @Test
        void shouldNotSubsampleImagesBelowTwiceTheTarget() throws ImageDecodingException {
            ImageDecoder subsampling = ImageDecoder.builder().optSubsamplingTarget(500).build();
            byte[] png = DecoderFixtures.write(DecoderFixtures.quadrants(1200, 999), "png");

            DecodedImage decoded = subsampling.decode(png);

            assertThat(decoded.width()).isEqualTo(1200);
            assertThat(decoded.height()).isEqualTo(999);
        }

        @Test
        void shouldDecodeFromStreamAndPath(@TempDir Path dir) throws Exception {
            byte[] png = DecoderFixtures.write(DecoderFixtures.quadrants(10, 8), "png");
            Path file = dir.resolve("image.bin");
            Files.write(file, png);

            DecodedImage fromStream = decoder.decode(new ByteArrayInputStream(png));
            DecodedImage fromPath = decoder.decode(file);

            assertThat(fromStream.width()).isEqualTo(10);
            assertThat(fromPath.height()).isEqualTo(8);
            assertCorners(fromPath.image(), 0, RED, GREEN, BLUE, WHITE);
        }

        @Test
        void shouldDecodeConcurrentlyWithOneSharedDecoder() throws Exception {
            byte[] jpeg = DecoderFixtures.jpeg(DecoderFixtures.texture(300, 200), 0.9f, false);
            int[] expected = pixels(decoder.decode(jpeg).image());
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<int[]>> results = new ArrayList<>();
                for (int i = 0; i < 16; i++) {
                    results.add(pool.submit(() -> pixels(decoder.decode(jpeg).image())));
                }
                for (Future<int[]> result : results) {
                    assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo(expected);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Nested
    class ColourConversion {
        @Test
        void shouldCompositeAlphaOntoWhite() throws ImageDecodingException {
            BufferedImage argb = new BufferedImage(3, 1, BufferedImage.TYPE_INT_ARGB);
            argb.setRGB(0, 0, 0xFFFF0000); // opaque red
            argb.setRGB(1, 0, 0x00FF0000); // fully transparent red
            argb.setRGB(2, 0, 0x80000000); // half-transparent black

            DecodedImage decoded = decoder.decode(DecoderFixtures.write(argb, "png"));

            assertThat(decoded.image().getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
            assertThat(decoded.image().getRGB(0, 0) & 0xFFFFFF).isEqualTo(RED);
            assertThat(decoded.image().getRGB(1, 0) & 0xFFFFFF).isEqualTo(WHITE);
            assertColor(decoded.image().getRGB(2, 0), 0x7F7F7F, 1);
        }

        @Test
        void shouldScaleSixteenBitPngToEightBits() throws ImageDecodingException {
            // 32896 / 65535 * 255 = 128 and 16448 / 65535 * 255 = 64 exactly.
            byte[] png =
                    DecoderFixtures.write(DecoderFixtures.rgb16(4, 3, 65535, 32896, 16448), "png");
            assertThat(png[24]).as("PNG bit depth").isEqualTo((byte) 16);

            DecodedImage decoded = decoder.decode(png);

            assertThat(decoded.image().getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
            assertColor(decoded.image().getRGB(3, 2), 0xFF8040, 1);
        }

        @Test
        void shouldKeepGreyValuesWhenExpandingEightBitGreyToRgb() throws ImageDecodingException {
            byte[] png = DecoderFixtures.write(DecoderFixtures.gray(5, 5, 100), "png");

            DecodedImage decoded = decoder.decode(png);

            // Grey 100 must stay 100: treating it as linear light would brighten it to ~170.
            assertThat(decoded.image().getRGB(2, 2) & 0xFFFFFF).isEqualTo(0x646464);
        }

        @Test
        void shouldScaleSixteenBitGreyPng() throws ImageDecodingException {
            BufferedImage gray16 = new BufferedImage(2, 2, BufferedImage.TYPE_USHORT_GRAY);
            gray16.getRaster().setSample(0, 0, 0, 32896);
            gray16.getRaster().setSample(1, 1, 0, 65535);
            byte[] png = DecoderFixtures.write(gray16, "png");
            assertThat(png[24]).as("PNG bit depth").isEqualTo((byte) 16);

            DecodedImage decoded = decoder.decode(png);

            assertThat(decoded.image().getRGB(0, 0) & 0xFFFFFF).isEqualTo(0x808080);
            assertThat(decoded.image().getRGB(1, 1) & 0xFFFFFF).isEqualTo(WHITE);
            assertThat(decoded.image().getRGB(1, 0) & 0xFFFFFF).isEqualTo(BLACK);
        }

        @Test
        void shouldCompositeGreyAlphaOntoWhite() throws ImageDecodingException {
            byte[] png =
                    DecoderFixtures.write(
                            DecoderFixtures.grayAlpha(new int[][] {{100, 255}, {0, 0}, {0, 128}}),
                            "png");
            assertThat(png[25]).as("PNG colour type grey + alpha").isEqualTo((byte) 4);

            DecodedImage decoded = decoder.decode(png);

            assertThat(decoded.image().getRGB(0, 0) & 0xFFFFFF).isEqualTo(0x646464);
            assertThat(decoded.image().getRGB(1, 0) & 0xFFFFFF).isEqualTo(WHITE);
            // 0 * 128/255 + 255 * (1 - 128/255) = 127
            assertThat(decoded.image().getRGB(2, 0) & 0xFFFFFF).isEqualTo(0x7F7F7F);
        }

        @Test
        void shouldExpandPaletteAndCompositeTransparentIndexOntoWhite()
                throws ImageDecodingException {
            byte[] png =
                    DecoderFixtures.write(DecoderFixtures.palette(new int[] {0, 1, 2, 3}), "png");
            assertThat(png[25]).as("PNG colour type palette").isEqualTo((byte) 3);

            DecodedImage decoded = decoder.decode(png);

            BufferedImage img = decoded.image();
            assertThat(img.getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
            assertThat(img.getRGB(0, 0) & 0xFFFFFF).isEqualTo(RED);
            assertThat(img.getRGB(1, 0) & 0xFFFFFF).isEqualTo(GREEN);
            assertThat(img.getRGB(2, 0) & 0xFFFFFF).isEqualTo(BLUE);
            assertThat(img.getRGB(3, 0) & 0xFFFFFF).isEqualTo(WHITE);
        }

        @Test
        void shouldDecodeAdam7InterlacedPng() throws ImageDecodingException {
            DecodedImage decoded =
                    decoder.decode(DecoderFixtures.resource("quadrants-adam7-interlaced.png"));

            assertThat(decoded.width()).isEqualTo(64);
            assertCorners(decoded.image(), 0, RED, GREEN, BLUE, WHITE);
        }

        @Test
        void shouldCompositeSixteenBitRgbaPngOntoWhite() throws ImageDecodingException {
            byte[] png = DecoderFixtures.resource("quadrants-rgba16-half-alpha.png");
            assertThat(png[24]).as("PNG bit depth").isEqualTo((byte) 16);
            assertThat(png[25]).as("PNG colour type RGBA").isEqualTo((byte) 6);

            DecodedImage decoded = decoder.decode(png);

            assertThat(decoded.image().getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
            assertCorners(decoded.image(), 2, 0xFF8080, 0x80FF80, 0x8080FF, WHITE);
        }

        @Test
        void shouldExpandGreyscaleJpeg() throws ImageDecodingException {
            byte[] jpeg = DecoderFixtures.jpeg(DecoderFixtures.gray(16, 16, 100), 0.95f, false);

            DecodedImage decoded = decoder.decode(jpeg);

            assertColor(decoded.image().getRGB(8, 8), 0x646464, 2);
        }
    }

    @Nested
    class ExifOrientationHandling {
        // Source 40x20: red top-left, green top-right, blue bottom-left, white bottom-right.
        // Expected display corners (TL, TR, BL, BR) per EXIF 2.3, e.g. 6 = "rotate 90 CW".
        @ParameterizedTest(name = "orientation {0}")
        @CsvSource({
            "1, 40, 20, FF0000, 00FF00, 0000FF, FFFFFF",
            "2, 40, 20, 00FF00, FF0000, FFFFFF, 0000FF",
            "3, 40, 20, FFFFFF, 0000FF, 00FF00, FF0000",
            "4, 40, 20, 0000FF, FFFFFF, FF0000, 00FF00",
            "5, 20, 40, FF0000, 0000FF, 00FF00, FFFFFF",
            "6, 20, 40, 0000FF, FF0000, FFFFFF, 00FF00",
            "7, 20, 40, FFFFFF, 00FF00, 0000FF, FF0000",
            "8, 20, 40, 00FF00, FFFFFF, FF0000, 0000FF"
        })
        void shouldRotateAndFlipAsExifOrientationSays(
                int orientation,
                int width,
                int height,
                String topLeft,
                String topRight,
                String bottomLeft,
                String bottomRight)
                throws ImageDecodingException {
            byte[] plain = DecoderFixtures.jpeg(DecoderFixtures.quadrants(40, 20), 0.95f, false);
            byte[] jpeg = DecoderFixtures.withExifOrientation(plain, orientation, true);

            DecodedImage decoded = decoder.decode(jpeg);

            assertThat(decoded.exifOrientation()).isEqualTo(orientation);
            assertThat(decoded.width()).isEqualTo(width);
            assertThat(decoded.height()).isEqualTo(height);
            assertThat(decoded.originalWidth()).isEqualTo(40);
            assertThat(decoded.originalHeight()).isEqualTo(20);
            assertCorners(
                    decoded.image(),
                    12,
                    Integer.parseInt(topLeft, 16),
                    Integer.parseInt(topRight, 16),
                    Integer.parseInt(bottomLeft, 16),
                    Integer.parseInt(bottomRight, 16));
        }

        @Test
        void shouldReadLittleEndianExif() throws ImageDecodingException {
            byte[] plain = DecoderFixtures.jpeg(DecoderFixtures.quadrants(40, 20), 0.95f, false);

            DecodedImage decoded =
                    decoder.decode(DecoderFixtures.withExifOrientation(plain, 6, false));

            assertThat(decoded.exifOrientation()).isEqualTo(6);
            assertThat(decoded.width()).isEqualTo(20);
            assertCorners(decoded.image(), 12, BLUE, RED, WHITE, GREEN);
        }

        @Test
        void shouldIgnoreOutOfRangeOrientation() throws ImageDecodingException {
            byte[] plain = DecoderFixtures.jpeg(DecoderFixtures.quadrants(40, 20), 0.95f, false);

            DecodedImage decoded =
                    decoder.decode(DecoderFixtures.withExifOrientation(plain, 9, true));

            assertThat(decoded.exifOrientation()).isEqualTo(1);
            assertThat(decoded.width()).isEqualTo(40);
            assertCorners(decoded.image(), 12, RED, GREEN, BLUE, WHITE);
        }

        @Test
        void shouldKeepImageWhenExifBlockIsGarbage() throws ImageDecodingException {
            byte[] plain = DecoderFixtures.jpeg(DecoderFixtures.quadrants(40, 20), 0.95f, false);
            byte[] garbage =
                    DecoderFixtures.concat(
                            "Exif\0\0".getBytes(StandardCharsets.US_ASCII),
                            new byte[] {'M', 'M', 0, 42, 0x7F, 0x7F, 0x7F, 0x7F, 1, 2, 3});

            DecodedImage decoded = decoder.decode(DecoderFixtures.withApp1(plain, garbage));

            assertThat(decoded.exifOrientation()).isEqualTo(1);
            assertCorners(decoded.image(), 12, RED, GREEN, BLUE, WHITE);
        }
    }

    @Nested
    class UnsupportedInput {
        @Test
        void shouldRefuseEmptyInput() {
            ImageDecodingException e = decodeFailure(new byte[0]);

            assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED_FORMAT);
            assertThat(e).hasMessage("input is empty (0 bytes)");
        }

        @Test
        void shouldRefuseAllZeroBytes() {
            ImageDecodingException e = decodeFailure(new byte[1024]);

            assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED_FORMAT);
            assertThat(e)
                    .hasMessage(
                            "unrecognised image format (1024 bytes starting with 00 00 00 00 00"
                                    + " 00 00 00); supported: jpeg, png, gif, bmp");
        }

        @Test
        void shouldRefuseRandomBytes() {
            byte[] random = new byte[4096];
            new Random(42).nextBytes(random);

            assertThat(decodeFailure(random).reason()).isEqualTo(Reason.UNSUPPORTED_FORMAT);
        }

        @Test
        void shouldRefuseTextEvenWhenItStartsWithBmpMagic() {
            byte[] text =
                    "BMW is a car maker, not a bitmap; this is plain text of some length.\n"
                            .getBytes(StandardCharsets.US_ASCII);

            assertThat(decodeFailure(text).reason()).isEqualTo(Reason.UNSUPPORTED_FORMAT);
        }

        @Test
        void shouldNameRecognisedButUnsupportedFormats() {
            byte[] webp = new byte[32];
            System.arraycopy("RIFF".getBytes(StandardCharsets.US_ASCII), 0, webp, 0, 4);
            System.arraycopy("WEBPVP8 ".getBytes(StandardCharsets.US_ASCII), 0, webp, 8, 8);

            ImageDecodingException e = decodeFailure(webp);

            assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED_FORMAT);
            assertThat(e)
                    .hasMessage(
                            "image format webp is not supported; supported: jpeg, png, gif, bmp");
        }
    }

    @Nested
    class BrokenInput {
        @Test
        void shouldRefuseTruncatedJpegAsUndecodable() {
            byte[] jpeg = DecoderFixtures.jpeg(DecoderFixtures.texture(256, 256), 0.9f, false);
            byte[] firstHalf = Arrays.copyOf(jpeg, jpeg.length / 2);

            ImageDecodingException e = decodeFailure(firstHalf);

            assertThat(e.reason()).isEqualTo(Reason.UNDECODABLE_IMAGE);
            assertThat(e)
                    .hasMessageStartingWith("jpeg image of 256x256 is truncated or corrupt: ")
                    .hasMessageContaining("premature end");
        }

        @Test
        void shouldRefuseJpegCutInsideItsScanHeaderAsUndecodable() {
            // Cut inside the SOS header: libjpeg warns but returns an all-grey image.
            byte[] jpeg = DecoderFixtures.jpeg(DecoderFixtures.texture(48, 32), 0.9f, false);
            int sos = indexOf(jpeg, 0, (byte) 0xFF, (byte) 0xDA);

            for (int cut = sos + 4; cut < sos + 14; cut++) {
                ImageDecodingException e = decodeFailure(Arrays.copyOf(jpeg, cut));

                assertThat(e.reason()).as("cut at %d", cut).isEqualTo(Reason.UNDECODABLE_IMAGE);
            }
        }

        @Test
        void shouldRefuseProgressiveJpegCutBetweenScansAsUndecodable() {
            // A cut right before a later scan leaves a complete-looking, blurred image and only a
            // "missing EOI" warning.
            byte[] jpeg = DecoderFixtures.jpeg(DecoderFixtures.texture(48, 32), 0.9f, true);
            int firstScan = indexOf(jpeg, 0, (byte) 0xFF, (byte) 0xDA);
            int secondScan = indexOf(jpeg, firstScan + 2, (byte) 0xFF, (byte) 0xDA);

            ImageDecodingException e = decodeFailure(Arrays.copyOf(jpeg, secondScan));

            assertThat(e.reason()).isEqualTo(Reason.UNDECODABLE_IMAGE);
            assertThat(e)
                    .hasMessageEndingWith(
                            "progressive JPEG without EOI marker, later scans may be missing");
        }

        @Test
        void shouldKeepJpegThatOnlyLacksItsEndMarker() throws ImageDecodingException {
            // Given every pixel present but no EOI marker, as some cameras and uploaders write.
            byte[] jpeg = DecoderFixtures.jpeg(DecoderFixtures.texture(256, 256), 0.9f, false);
            byte[] withoutEoi = Arrays.copyOf(jpeg, jpeg.length - 2);

            DecodedImage decoded = decoder.decode(withoutEoi);

            assertThat(pixels(decoded.image())).isEqualTo(pixels(decoder.decode(jpeg).image()));
        }

        @Test
        void shouldRefuseTruncatedProgressiveJpegAsUndecodable() {
            byte[] jpeg = DecoderFixtures.jpeg(DecoderFixtures.texture(256, 256), 0.9f, true);

            ImageDecodingException e = decodeFailure(Arrays.copyOf(jpeg, jpeg.length / 2));

            assertThat(e.reason()).isEqualTo(Reason.UNDECODABLE_IMAGE);
        }

        @Test
        void shouldRefuseJpegCutInsideItsHeaderAsUndecodable() {
            byte[] jpeg = DecoderFixtures.jpeg(DecoderFixtures.texture(64, 64), 0.9f, false);

            ImageDecodingException e = decodeFailure(Arrays.copyOf(jpeg, 40));

            assertThat(e.reason()).isEqualTo(Reason.UNDECODABLE_IMAGE);
            assertThat(e).hasMessageStartingWith("cannot read jpeg header");
        }

        @ParameterizedTest
        @ValueSource(strings = {"png", "gif", "bmp"})
        void shouldRefuseTruncatedLosslessImagesAsUndecodable(String format) {
            byte[] bytes = DecoderFixtures.write(DecoderFixtures.texture(128, 128), format);

            ImageDecodingException e = decodeFailure(Arrays.copyOf(bytes, bytes.length / 2));

            assertThat(e.reason()).isEqualTo(Reason.UNDECODABLE_IMAGE);
        }

        @Test
        void shouldRefuseCorruptedPngAsUndecodable() {
            byte[] png = DecoderFixtures.write(DecoderFixtures.texture(128, 128), "png");
            byte[] corrupted = png.clone();
            // Overwrite the middle of the compressed IDAT stream; headers stay intact.
            Arrays.fill(corrupted, 100, png.length - 20, (byte) 0xFF);

            ImageDecodingException e = decodeFailure(corrupted);

            assertThat(e.reason()).isEqualTo(Reason.UNDECODABLE_IMAGE);
            assertThat(e).hasMessageStartingWith("cannot decode png image of 128x128");
        }
    }

    @Nested
    class SizeLimits {
        @Test
        void shouldRefusePngHeaderDeclaringTwentyThousandSquaredFromHeaderOnly() {
            // Given 20000x20000 declared with a valid IHDR but only a 64-byte body: decoding the
            // pixels would either fail on the short body (UNDECODABLE_IMAGE) or allocate 1.2 GB,
            // so IMAGE_TOO_LARGE proves the header check ran first.
            byte[] bomb = DecoderFixtures.pngHeaderOnly(20000, 20000);
            assertThat(bomb.length).isLessThan(200);

            ImageDecodingException e = decodeFailure(bomb);

            assertThat(e.reason()).isEqualTo(Reason.IMAGE_TOO_LARGE);
            assertThat(e)
                    .hasMessage(
                            "image is 20000x20000 = 400000000 pixels, over the limit of 40000000");
        }

        @Test
        void shouldRefuseJpegWhoseFrameHeaderDeclaresTooManyPixels() {
            byte[] jpeg = DecoderFixtures.jpeg(DecoderFixtures.quadrants(16, 16), 0.9f, false);

            ImageDecodingException e =
                    decodeFailure(DecoderFixtures.withJpegFrameSize(jpeg, 60000, 60000));

            assertThat(e.reason()).isEqualTo(Reason.IMAGE_TOO_LARGE);
            assertThat(e).hasMessageContaining("60000x60000 = 3600000000 pixels");
        }

        @Test
        void shouldRefuseBmpWhoseHeaderDeclaresTooManyPixels() {
            byte[] bmp = DecoderFixtures.write(DecoderFixtures.quadrants(16, 16), "bmp");

            ImageDecodingException e =
                    decodeFailure(DecoderFixtures.withBmpSize(bmp, 30000, 30000));

            assertThat(e.reason()).isEqualTo(Reason.IMAGE_TOO_LARGE);
        }

        @Test
        void shouldApplyConfiguredPixelLimit() throws ImageDecodingException {
            ImageDecoder small = ImageDecoder.builder().optMaxPixels(100).build();
            byte[] exactly100 = DecoderFixtures.write(DecoderFixtures.quadrants(10, 10), "png");
            byte[] over100 = DecoderFixtures.write(DecoderFixtures.quadrants(11, 10), "png");

            assertThat(small.decode(exactly100).width()).isEqualTo(10);
            ImageDecodingException e =
                    catchThrowableOfType(ImageDecodingException.class, () -> small.decode(over100));
            assertThat(e.reason()).isEqualTo(Reason.IMAGE_TOO_LARGE);
            assertThat(e).hasMessage("image is 11x10 = 110 pixels, over the limit of 100");
        }

        @Test
        void shouldRefuseInputOverByteLimit() {
            ImageDecoder small = ImageDecoder.builder().optMaxBytes(100).build();
            byte[] png = DecoderFixtures.write(DecoderFixtures.texture(64, 64), "png");

            ImageDecodingException e =
                    catchThrowableOfType(ImageDecodingException.class, () -> small.decode(png));

            assertThat(e.reason()).isEqualTo(Reason.IMAGE_TOO_LARGE);
            assertThat(e)
                    .hasMessage("input is " + png.length + " bytes, over the limit of 100 bytes");
        }

        @Test
        void shouldStopReadingStreamOneByteAfterTheLimit() {
            ImageDecoder small = ImageDecoder.builder().optMaxBytes(100).build();
            CountingStream stream = new CountingStream(new byte[10_000]);

            ImageDecodingException e =
                    catchThrowableOfType(ImageDecodingException.class, () -> small.decode(stream));

            assertThat(e.reason()).isEqualTo(Reason.IMAGE_TOO_LARGE);
            assertThat(stream.bytesRead).isEqualTo(101);
        }

        @Test
        void shouldRefuseFileOverByteLimit(@TempDir Path dir) throws IOException {
            ImageDecoder small = ImageDecoder.builder().optMaxBytes(100).build();
            Path file = dir.resolve("big.png");
            Files.write(file, new byte[101]);

            ImageDecodingException e =
                    catchThrowableOfType(ImageDecodingException.class, () -> small.decode(file));

            assertThat(e.reason()).isEqualTo(Reason.IMAGE_TOO_LARGE);
            assertThat(e).hasMessageEndingWith("is 101 bytes, over the limit of 100 bytes");
        }
    }

    @Nested
    class Configuration {
        @Test
        void shouldUseDocumentedDefaults() {
            assertThat(decoder.maxPixels()).isEqualTo(40_000_000L);
            assertThat(decoder.maxBytes()).isEqualTo(20L * 1024 * 1024);
            assertThat(decoder.subsamplingTarget()).isZero();
        }

        @Test
        void shouldRejectOutOfRangeOptions() {
            assertThatThrownBy(() -> ImageDecoder.builder().optMaxPixels(0).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("maxPixels");
            assertThatThrownBy(
                            () ->
                                    ImageDecoder.builder()
                                            .optMaxPixels(1L + Integer.MAX_VALUE)
                                            .build())
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(
                            () ->
                                    ImageDecoder.builder()
                                            .optMaxBytes(Integer.MAX_VALUE - 8L)
                                            .build())
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> ImageDecoder.builder().optMaxBytes(0).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("maxBytes");
            assertThatThrownBy(() -> ImageDecoder.builder().optSubsamplingTarget(-1).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("subsamplingTarget");
        }
    }

    private ImageDecodingException decodeFailure(byte[] bytes) {
        ImageDecodingException e =
                catchThrowableOfType(ImageDecodingException.class, () -> decoder.decode(bytes));
        assertThat(e).as("expected an ImageDecodingException").isNotNull();
        return e;
    }

    private static int indexOf(byte[] data, int from, byte first, byte second) {
        for (int i = from; i + 1 < data.length; i++) {
            if (data[i] == first && data[i + 1] == second) {
                return i;
            }
        }
        throw new IllegalArgumentException("marker not found");
    }

    private static int[] pixels(BufferedImage img) {
        return img.getRGB(0, 0, img.getWidth(), img.getHeight(), null, 0, img.getWidth());
    }

    /** Checks the four corners, {@code inset} pixels in, to stay clear of JPEG edge ringing. */
    private static void assertCorners(
            BufferedImage img, int tolerance, int tl, int tr, int bl, int br) {
        int inset = 3;
        int w = img.getWidth();
        int h = img.getHeight();
        assertColor(img.getRGB(inset, inset), tl, tolerance);
        assertColor(img.getRGB(w - 1 - inset, inset), tr, tolerance);
        assertColor(img.getRGB(inset, h - 1 - inset), bl, tolerance);
        assertColor(img.getRGB(w - 1 - inset, h - 1 - inset), br, tolerance);
    }

    private static void assertColor(int actual, int expected, int tolerance) {
        for (int shift = 0; shift <= 16; shift += 8) {
            int a = (actual >> shift) & 0xFF;
            int e = (expected >> shift) & 0xFF;
            assertThat(Math.abs(a - e))
                    .as(
                            "channel at bit %d of %06x, expected %06x +/- %d",
                            shift, actual & 0xFFFFFF, expected, tolerance)
                    .isLessThanOrEqualTo(tolerance);
        }
    }

    /** Asserts the channel at {@code shift} exceeds the other two by a clear margin. */
    private static void assertDominant(int rgb, int shift) {
        int main = (rgb >> shift) & 0xFF;
        for (int other = 0; other <= 16; other += 8) {
            if (other != shift) {
                assertThat(main - ((rgb >> other) & 0xFF))
                        .as("dominance of bit %d channel in %06x", shift, rgb & 0xFFFFFF)
                        .isGreaterThan(60);
            }
        }
    }

    /** A stream that counts how many bytes the decoder pulled from it. */
    private static final class CountingStream extends InputStream {
        private final byte[] data;
        private int bytesRead;

        CountingStream(byte[] data) {
            this.data = data;
        }

        @Override
        public int read() {
            return bytesRead < data.length ? data[bytesRead++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (bytesRead >= data.length) {
                return -1;
            }
            int n = Math.min(len, data.length - bytesRead);
            System.arraycopy(data, bytesRead, b, off, n);
            bytesRead += n;
            return n;
        }
    }
}
