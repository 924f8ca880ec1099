package io.captioner.model.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ImagePreprocessorTest {

    private final ImagePreprocessor preprocessor = ImagePreprocessor.imagenet(8);

    @Test
    void shouldNormalizeWithTheImagenetStatistics() {
        BufferedImage image = filled(20, 10, new Color(255, 128, 0));

        float[] chw = preprocessor.toChw(image);

        assertThat(chw).hasSize(3 * 8 * 8);
        assertThat(chw[0]).isCloseTo((1f - 0.485f) / 0.229f, within(1e-5f));
        assertThat(chw[64]).isCloseTo((128 / 255f - 0.456f) / 0.224f, within(1e-5f));
        // The seed's transform used 0.46 for blue; ImageNet's mean is 0.406.
        assertThat(chw[128]).isCloseTo((0f - 0.406f) / 0.225f, within(1e-5f));
    }

    @Test
    void shouldComputeTheSameTensorAsTheScalarPath() {
        BufferedImage image = gradient(50, 30);
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray tensor = preprocessor.toTensorFromImages(manager, List.of(image, image));

            assertThat(tensor.getShape()).isEqualTo(new Shape(2, 3, 8, 8));
            float[] expected = preprocessor.toChw(image);
            float[] actual = tensor.get(1).toFloatArray();
            for (int i = 0; i < expected.length; i++) {
                assertThat(actual[i]).isCloseTo(expected[i], within(1e-4f));
            }
        }
    }

    @Test
    void shouldShrinkLargeImagesByAveragingNotSampling() {
        // A fine checkerboard of black and white must come out mid-grey, not black or white.
        BufferedImage board = new BufferedImage(256, 256, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 256; y++) {
            for (int x = 0; x < 256; x++) {
                board.setRGB(x, y, (x + y) % 2 == 0 ? 0xffffff : 0);
            }
        }

        byte[] rgb = preprocessor.resize(board);

        for (byte b : rgb) {
            assertThat(b & 0xff).isBetween(100, 155);
        }
    }

    @Test
    void shouldGiveTheHalvedImageItselfWhenHalvingLandsOnTheSize() {
        // Given an image whose one halving step reaches the input size exactly
        BufferedImage image = noise(16, 16, 7);
        BufferedImage halved = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = halved.createGraphics();
        g.setRenderingHint(
                RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.drawImage(image, 0, 0, 8, 8, null);
        g.dispose();

        // When it is resized
        byte[] rgb = preprocessor.resize(image);

        // Then the bytes are the halved image's pixels, with no second drawing in between
        assertThat(rgb).isEqualTo(hwc(halved));
    }

    @Test
    void shouldKeepTheExactPixelsOfAnImageAlreadyAtTheSize() {
        BufferedImage image = noise(8, 8, 11);

        assertThat(preprocessor.resize(image)).isEqualTo(hwc(image));
    }

    @Test
    void shouldAcceptGrayscaleImages() {
        BufferedImage gray = new BufferedImage(16, 16, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = gray.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 16, 16);
        g.dispose();

        byte[] rgb = preprocessor.resize(gray);

        assertThat(rgb).hasSize(8 * 8 * 3);
        for (byte b : rgb) {
            assertThat(b & 0xff).isEqualTo(255);
        }
    }

    @Test
    void shouldRejectInvalidStatistics() {
        assertThatThrownBy(() -> new ImagePreprocessor(0, List.of(0f, 0f, 0f), List.of(1f, 1f, 1f)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ImagePreprocessor(8, List.of(0f, 0f, 0f), List.of(1f, 0f, 1f)))
                .hasMessageContaining("positive");
    }

    private static BufferedImage filled(int w, int h, Color color) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, w, h);
        g.dispose();
        return image;
    }

    private static BufferedImage gradient(int w, int h) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, new Color(x * 5, y * 8, (x + y) * 3).getRGB());
            }
        }
        return image;
    }

    private static BufferedImage noise(int width, int height, long seed) {
        Random random = new Random(seed);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        return image;
    }

    /** The image's pixels as row-major RGB bytes, read through the colour model. */
    private static byte[] hwc(BufferedImage image) {
        int w = image.getWidth();
        byte[] out = new byte[w * image.getHeight() * 3];
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < w; x++) {
                int p = image.getRGB(x, y);
                int i = 3 * (y * w + x);
                out[i] = (byte) (p >> 16);
                out[i + 1] = (byte) (p >> 8);
                out[i + 2] = (byte) p;
            }
        }
        return out;
    }
}
