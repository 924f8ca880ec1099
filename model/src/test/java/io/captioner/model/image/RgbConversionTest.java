package io.captioner.model.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RgbConversionTest {

    @Test
    void shouldRepackOpaqueBgrBytesToTheColoursJava2dDraws() {
        // Given a 3-byte BGR image, what the PNG and JPEG readers return for colour images
        BufferedImage bgr = randomImage(BufferedImage.TYPE_3BYTE_BGR, 37, 23, 3);
        assertThat(RgbConversion.isCompactThreeByteBgr(bgr)).isTrue();

        // When it is converted
        BufferedImage rgb = RgbConversion.toRgb(bgr);

        // Then it is compact INT_RGB with the pixels Java2D's drawing gives
        assertThat(RgbConversion.isCompactIntRgb(rgb)).isTrue();
        assertThat(pixels(rgb)).isEqualTo(pixels(drawn(bgr)));
    }

    @Test
    void shouldConvertAViewIntoABgrImageThroughJava2d() {
        // Given a sub-image, whose raster starts inside a larger one (not compact)
        BufferedImage parent = randomImage(BufferedImage.TYPE_3BYTE_BGR, 40, 30, 5);
        BufferedImage view = parent.getSubimage(3, 4, 20, 10);
        assertThat(RgbConversion.isCompactThreeByteBgr(view)).isFalse();

        // When it is converted
        BufferedImage rgb = RgbConversion.toRgb(view);

        // Then the view's own pixels come out, not the parent's first rows
        assertThat(rgb.getWidth()).isEqualTo(20);
        assertThat(pixels(rgb)).isEqualTo(pixels(view));
    }

    @Test
    void shouldLeaveCompactIntRgbImagesAsTheyAre() {
        BufferedImage rgb = randomImage(BufferedImage.TYPE_INT_RGB, 9, 9, 1);

        assertThat(RgbConversion.toRgb(rgb)).isSameAs(rgb);
    }

    private static BufferedImage randomImage(int type, int width, int height, long seed) {
        Random random = new Random(seed);
        BufferedImage image = new BufferedImage(width, height, type);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, random.nextInt(1 << 24));
            }
        }
        return image;
    }

    private static BufferedImage drawn(BufferedImage source) {
        BufferedImage out =
                new BufferedImage(
                        source.getWidth(), source.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.drawImage(source, 0, 0, null);
        g.dispose();
        return out;
    }

    private static int[] pixels(BufferedImage image) {
        int[] out =
                image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
        for (int i = 0; i < out.length; i++) {
            out[i] &= 0xffffff;
        }
        return out;
    }
}
