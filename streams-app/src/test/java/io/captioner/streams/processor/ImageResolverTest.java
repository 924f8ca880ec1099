package io.captioner.streams.processor;

import static org.assertj.core.api.Assertions.assertThat;

import io.captioner.events.ImageEvent;
import io.captioner.model.image.ImageDecoder;
import io.captioner.model.image.ImagePreprocessor;
import io.captioner.streams.fetch.ImageFetcher;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The resolver decodes inline and claim-checked images at the size the served model needs. */
class ImageResolverTest {

    private static byte[] png;

    @TempDir Path dir;

    @BeforeAll
    static void makeImage() throws Exception {
        BufferedImage image = new BufferedImage(1200, 900, BufferedImage.TYPE_INT_RGB);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        png = out.toByteArray();
    }

    private static ImageEvent.Builder event() {
        return ImageEvent.newBuilder().setImageId("img-1").setEventTime(Instant.EPOCH);
    }

    @Test
    void shouldDecodeInlineImagesForTheModelInputOrAtFullSize() throws Exception {
        ImageEvent inline = event().setImageBytes(ByteBuffer.wrap(png)).build();
        int target = ImagePreprocessor.imagenet(224).minDecodeShortSide();
        try (ImageFetcher fetcher = ImageFetcher.builder().build()) {
            ImageResolver resolver = new ImageResolver(fetcher, ImageDecoder.builder().build());

            BufferedImage forModel = resolver.resolve(inline, target);
            BufferedImage full = resolver.resolve(inline);

            // 900 / 448 = 2: every second pixel of every second row.
            assertThat(forModel.getWidth()).isEqualTo(600);
            assertThat(forModel.getHeight()).isEqualTo(450);
            assertThat(full.getWidth()).isEqualTo(1200);
        }
    }

    @Test
    void shouldDecodeClaimCheckedImagesAtTheTargetToo() throws Exception {
        Path file = Files.write(dir.resolve("big.png"), png);
        ImageEvent byUri = event().setImageUri(file.toUri().toString()).build();
        try (ImageFetcher fetcher = ImageFetcher.builder().optAllowedDirectory(dir).build()) {
            ImageResolver resolver = new ImageResolver(fetcher, ImageDecoder.builder().build());

            BufferedImage image = resolver.resolve(byUri, 128);

            assertThat(Math.min(image.getWidth(), image.getHeight())).isBetween(128, 255);
        }
    }
}
