package io.captioner.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Flickr8kLayoutTest {

    @TempDir Path dir;

    private static List<CaptionedImage> synthetic(int n) {
        return SyntheticDataset.builder().setSeed(9).setImages(n).build().generate();
    }

    @Test
    void shouldRoundTripImagesAndCaptionsThroughRealFiles() throws Exception {
        // given synthetic images plus one whose captions need CSV quoting
        List<CaptionedImage> original = new ArrayList<>(synthetic(6));
        original.add(
                new CaptionedImage(
                        "zz-tricky",
                        synthetic(1).get(0).image(),
                        List.of(
                                "a dog, a cat, and a bird",
                                "the \"big\" dog",
                                "\"quoted\" at the start",
                                "plain caption .")));

        // when exported and imported again
        ExportSummary summary = Flickr8kLayout.export(original, dir);
        ImportResult result = Flickr8kLayout.read(dir, 100);

        // then ids are the file names, captions survive verbatim and pixels nearly so
        assertThat(summary.images()).isEqualTo(7);
        assertThat(summary.captions()).isEqualTo(6 * 5 + 4);
        assertThat(result.skipped()).isZero();
        assertThat(result.images()).hasSize(original.size());
        for (int i = 0; i < original.size(); i++) {
            CaptionedImage in = original.get(i);
            CaptionedImage out = result.images().get(i);
            assertThat(out.id()).isEqualTo(in.id() + ".jpg");
            assertThat(out.captions()).isEqualTo(in.captions());
            assertThat(out.image().getWidth()).isEqualTo(in.image().getWidth());
            assertThat(out.image().getHeight()).isEqualTo(in.image().getHeight());
            assertThat(meanAbsoluteDifference(in.image(), out.image())).isLessThan(6.0);
        }
    }

    @Test
    void shouldWriteKaggleCaptionsFileWithHeaderAndQuotedCommas() throws Exception {
        CaptionedImage image =
                new CaptionedImage(
                        "one.jpg",
                        synthetic(1).get(0).image(),
                        List.of("a red circle", "a red circle, alone", "a \"red\" circle"));

        Flickr8kLayout.export(List.of(image), dir);

        assertThat(Files.readAllLines(dir.resolve("captions.txt"), StandardCharsets.UTF_8))
                .containsExactly(
                        "image,caption",
                        "one.jpg,a red circle",
                        "one.jpg,\"a red circle, alone\"",
                        "one.jpg,\"a \"\"red\"\" circle\"");
        assertThat(ImageIO.read(dir.resolve("Images/one.jpg").toFile())).isNotNull();
    }

    @Test
    void shouldLimitToTheFirstImagesSortedByFileName() {
        List<CaptionedImage> images = synthetic(4);
        List<CaptionedImage> shuffled =
                List.of(
                        rename(images.get(0), "c"),
                        rename(images.get(1), "a"),
                        rename(images.get(2), "d"),
                        rename(images.get(3), "b"));
        Flickr8kLayout.export(shuffled, dir);

        ImportResult result = Flickr8kLayout.read(dir, 2);

        assertThat(result.images())
                .extracting(CaptionedImage::id)
                .containsExactly("a.jpg", "b.jpg");
        assertThat(result.images().get(0).captions()).isEqualTo(images.get(1).captions());
    }

    @Test
    void shouldSkipAndReportMissingAndUndecodableImages() throws Exception {
        Flickr8kLayout.export(synthetic(2), dir);
        Files.writeString(dir.resolve("Images/broken.jpg"), "not a jpeg at all");
        Files.writeString(
                dir.resolve("captions.txt"),
                "broken.jpg,a broken file\nghost.jpg,an image that is not there\n",
                StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.APPEND);

        ImportResult result = Flickr8kLayout.read(dir, 10);

        assertThat(result.images()).hasSize(2);
        assertThat(result.undecodable()).containsExactly("broken.jpg");
        assertThat(result.missing()).containsExactly("ghost.jpg");
        assertThat(result.skipped()).isEqualTo(2);
    }

    @Test
    void shouldKeepLoadingPastSkippedImagesUntilTheLimit() throws Exception {
        Flickr8kLayout.export(synthetic(2), dir);
        Files.writeString(
                dir.resolve("captions.txt"),
                "a-ghost.jpg,listed first but missing\n",
                StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.APPEND);

        ImportResult result = Flickr8kLayout.read(dir, 2);

        assertThat(result.images()).hasSize(2);
        assertThat(result.missing()).containsExactly("a-ghost.jpg");
    }

    @Test
    void shouldFailWhenNoListedImageCanBeLoaded() throws Exception {
        Files.createDirectories(dir.resolve("Images"));
        Files.writeString(dir.resolve("captions.txt"), "image,caption\nghost.jpg,a ghost\n");

        assertThatThrownBy(() -> Flickr8kLayout.read(dir, 5))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("no image could be loaded")
                .hasMessageContaining("1 missing");
    }

    @Test
    void shouldToleratePandasStyleUnquotedCommasAndQuotedImageNames() throws Exception {
        Flickr8kLayout.export(List.of(rename(synthetic(1).get(0), "x")), dir);
        Files.writeString(
                dir.resolve("captions.txt"),
                "\uFEFFimage,caption\nx.jpg,a dog, running fast .\n\"x.jpg\",\"a cat\"\n\n");

        Map<String, List<String>> captions = Flickr8kLayout.readCaptions(dir);

        assertThat(captions).containsOnlyKeys("x.jpg");
        assertThat(captions.get("x.jpg")).containsExactly("a dog, running fast .", "a cat");
    }

    @Test
    void shouldReadTheOriginalFlickr8kTokenFormat() throws Exception {
        List<CaptionedImage> images = synthetic(2);
        Path imagesDir = Files.createDirectories(dir.resolve("Flicker8k_Dataset"));
        for (int i = 0; i < images.size(); i++) {
            ImageIO.write(images.get(i).image(), "png", imagesDir.resolve(i + ".jpg").toFile());
        }
        Path text = Files.createDirectories(dir.resolve("Flickr8k_text"));
        Files.writeString(
                text.resolve("Flickr8k.token.txt"),
                "1.jpg#0\tA cat sits .\n0.jpg#0\tA dog runs .\n0.jpg#1\tA dog , running .\n");

        ImportResult result = Flickr8kLayout.read(dir, 10);

        assertThat(result.images())
                .extracting(CaptionedImage::id)
                .containsExactly("0.jpg", "1.jpg");
        assertThat(result.images().get(0).captions())
                .containsExactly("A dog runs .", "A dog , running .");
        assertThat(result.images().get(1).image().getWidth()).isEqualTo(128);
    }

    @Test
    void shouldRejectRowsWithoutCommaNamingFileAndLine() throws Exception {
        Files.createDirectories(dir.resolve("Images"));
        Files.writeString(dir.resolve("captions.txt"), "image,caption\na.jpg,ok\nb.jpg a dog\n");

        assertThatThrownBy(() -> Flickr8kLayout.read(dir, 5))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("captions.txt line 3")
                .hasMessageContaining("b.jpg a dog");
    }

    @Test
    void shouldRejectMalformedRows() throws Exception {
        Files.createDirectories(dir.resolve("Images"));
        assertRowRejected("a.jpg,\"unterminated caption\n", "unterminated quoted field");
        assertRowRejected("a.jpg,\"quoted\" then text\n", "after the closing quote");
        assertRowRejected("a.jpg,   \n", "empty caption");
        assertRowRejected(",a caption\n", "empty image");
        assertRowRejected("../etc/passwd,a caption\n", "not a plain file name");
    }

    private void assertRowRejected(String row, String message) throws Exception {
        Files.writeString(dir.resolve("captions.txt"), "image,caption\n" + row);
        assertThatThrownBy(() -> Flickr8kLayout.readCaptions(dir))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("line 2")
                .hasMessageContaining(message);
    }

    @Test
    void shouldRejectMissingHeaderCaptionsFileOrDirectories() throws Exception {
        assertThatThrownBy(() -> Flickr8kLayout.read(dir.resolve("nope"), 5))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> Flickr8kLayout.read(dir, 5))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("captions.txt");

        Files.writeString(dir.resolve("captions.txt"), "image,caption\na.jpg,a dog\n");
        assertThatThrownBy(() -> Flickr8kLayout.read(dir, 5))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("no images directory");

        Files.writeString(dir.resolve("captions.txt"), "a.jpg,a dog\n");
        assertThatThrownBy(() -> Flickr8kLayout.readCaptions(dir))
                .isInstanceOf(DatasetException.class)
                .hasMessageContaining("expected header 'image,caption'");

        assertThatThrownBy(() -> Flickr8kLayout.read(dir, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRejectExportsThatCannotRoundTrip() {
        BufferedImage pixels = synthetic(1).get(0).image();
        assertThatThrownBy(
                        () ->
                                Flickr8kLayout.export(
                                        List.of(new CaptionedImage("a/b", pixels, List.of("x"))),
                                        dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("plain file name");
        assertThatThrownBy(
                        () ->
                                Flickr8kLayout.export(
                                        List.of(
                                                new CaptionedImage(
                                                        "a", pixels, List.of("two\nlines"))),
                                        dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line break");
        CaptionedImage once = new CaptionedImage("a", pixels, List.of("x"));
        assertThatThrownBy(() -> Flickr8kLayout.export(List.of(once, once), dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("duplicate");
    }

    private static CaptionedImage rename(CaptionedImage image, String id) {
        return new CaptionedImage(id, image.image(), image.captions());
    }

    private static double meanAbsoluteDifference(BufferedImage a, BufferedImage b) {
        long sum = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    sum += Math.abs(((p >> shift) & 0xff) - ((q >> shift) & 0xff));
                }
            }
        }
        return sum / (3.0 * a.getWidth() * a.getHeight());
    }
}
