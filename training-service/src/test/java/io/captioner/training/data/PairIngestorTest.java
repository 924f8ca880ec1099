package io.captioner.training.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.captioner.events.LabeledPair;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PairIngestorTest {

    @TempDir Path dir;
    private ImageCache cache;
    private PairIngestor ingestor;
    private Path allowed;

    @BeforeEach
    void setUp() throws IOException {
        cache = new ImageCache(dir.resolve("cache"), "tiny-cnn", 16);
        allowed = Files.createDirectories(dir.resolve("images"));
        ingestor = new PairIngestor(cache, 10_000, 40, List.of(allowed.toAbsolutePath()));
    }

    static byte[] png(Color color) throws IOException {
        BufferedImage image = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, 32, 32);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    private static LabeledPair inline(String id, byte[] bytes, String... captions) {
        return LabeledPair.newBuilder()
                .setImageId(id)
                .setImageBytes(ByteBuffer.wrap(bytes))
                .setReferences(List.of(captions))
                .build();
    }

    private static LabeledPair uri(String id, String uri) {
        return LabeledPair.newBuilder()
                .setImageId(id)
                .setImageUri(uri)
                .setReferences(List.of("a caption"))
                .build();
    }

    @Test
    void shouldCacheTheResizedImageOnceAndKeyTheEntryByItsContent() throws IOException {
        // given
        byte[] red = png(Color.RED);

        // when
        PairIngestor.Outcome first = ingestor.ingest(inline("a", red, "a red square"));
        PairIngestor.Outcome same = ingestor.ingest(inline("b", red, "red"));

        // then
        assertThat(first.accepted()).isTrue();
        assertThat(same.entry().contentSha256()).isEqualTo(first.entry().contentSha256());
        BufferedImage cached = cache.get(first.entry().contentSha256());
        assertThat(cached.getWidth()).isEqualTo(16);
        assertThat(cached.getRGB(8, 8) & 0xffffff).isEqualTo(0xff0000);
        try (var files = Files.walk(cache.directory())) {
            assertThat(files.filter(Files::isRegularFile).count()).isEqualTo(1);
        }
    }

    @Test
    void shouldSkipBadPairsWithTheirReasons() throws IOException {
        byte[] ok = png(Color.BLUE);

        assertThat(ingestor.ingest(inline("e", ok, " ")).reason())
                .isEqualTo(SkipReason.EMPTY_CAPTION);
        assertThat(ingestor.ingest(inline("l", ok, "x".repeat(41))).reason())
                .isEqualTo(SkipReason.CAPTION_TOO_LONG);
        assertThat(ingestor.ingest(inline("u", new byte[] {1, 2, 3, 4}, "noise")).reason())
                .isEqualTo(SkipReason.UNDECODABLE_IMAGE);
        assertThat(ingestor.ingest(inline("o", new byte[10_001], "big")).reason())
                .isEqualTo(SkipReason.OVERSIZED_IMAGE);
        assertThat(ingestor.ingest(uri("h", "https://example.com/a.png")).reason())
                .isEqualTo(SkipReason.FORBIDDEN_URI);
        assertThat(
                        ingestor.ingest(uri("f", dir.resolve("outside.png").toUri().toString()))
                                .reason())
                .isEqualTo(SkipReason.FORBIDDEN_URI);
        assertThat(
                        ingestor.ingest(uri("m", allowed.resolve("missing.png").toUri().toString()))
                                .reason())
                .isEqualTo(SkipReason.FETCH_FAILED);
    }

    @Test
    void shouldReadFileUrisInsideTheAllowedDirectories() throws IOException {
        Path file = allowed.resolve("g.png");
        Files.write(file, png(Color.GREEN));

        PairIngestor.Outcome outcome = ingestor.ingest(uri("g", file.toUri().toString()));

        assertThat(outcome.accepted()).isTrue();
        assertThat(cache.contains(outcome.entry().contentSha256())).isTrue();
    }

    @Test
    void shouldRebuildADeletedCacheFromThePairs() throws IOException {
        // given
        PairIngestor.Outcome first = ingestor.ingest(inline("a", png(Color.RED), "red"));
        try (var files = Files.walk(cache.directory())) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }

        // when: the service restarts and reads the topic again
        ImageCache rebuilt = new ImageCache(dir.resolve("cache"), "tiny-cnn", 16);
        new PairIngestor(rebuilt, 10_000, 40, List.of()).ingest(inline("a", png(Color.RED), "red"));

        // then
        assertThat(rebuilt.get(first.entry().contentSha256())).isNotNull();
    }
}
