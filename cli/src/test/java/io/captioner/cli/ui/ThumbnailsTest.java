package io.captioner.cli.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ThumbnailsTest {

    @Test
    void shouldShrinkAnImageToAJpegThumbnailKeepingItsAspect() throws IOException {
        Thumbnails thumbnails = new Thumbnails(4);

        boolean added = thumbnails.add("wide", png(800, 400));

        assertThat(added).isTrue();
        BufferedImage thumb =
                ImageIO.read(new ByteArrayInputStream(thumbnails.get("wide").orElseThrow()));
        assertThat(thumb.getWidth()).isEqualTo(Thumbnails.SIZE);
        assertThat(thumb.getHeight()).isEqualTo(Thumbnails.SIZE / 2);
    }

    @Test
    void shouldKeepOnlyTheMostRecentImages() throws IOException {
        Thumbnails thumbnails = new Thumbnails(2);
        byte[] image = png(32, 32);

        thumbnails.add("a", image);
        thumbnails.add("b", image);
        thumbnails.add("c", image);

        assertThat(thumbnails.size()).isEqualTo(2);
        assertThat(thumbnails.get("a")).isEmpty();
        assertThat(thumbnails.get("b")).isPresent();
        assertThat(thumbnails.get("c")).isPresent();
    }

    @Test
    void shouldSkipBytesThatAreNotAnImage() {
        Thumbnails thumbnails = new Thumbnails(2);

        assertThat(thumbnails.add("junk", "not an image".getBytes())).isFalse();
        assertThat(thumbnails.get("junk")).isEmpty();
    }

    static byte[] png(int width, int height) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.ORANGE);
        g.fillRect(0, 0, width, height);
        g.dispose();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(image, "png", bytes);
        return bytes.toByteArray();
    }
}
