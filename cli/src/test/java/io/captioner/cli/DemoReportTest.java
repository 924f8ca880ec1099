package io.captioner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.captioner.cli.DemoResults.FailureResult;
import io.captioner.cli.DemoResults.ImageResult;
import io.captioner.cli.DemoResults.VersionResult;
import io.captioner.model.AttentionMap;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoReportTest {

    @TempDir Path dir;

    private static DemoResults results() {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 7};
        return new DemoResults(
                List.of(
                        new ImageResult(
                                "img-1",
                                png,
                                List.of("a <red> circle & a square"),
                                "a red circle",
                                "20261202T000000Z-abc",
                                55,
                                "held-out"),
                        new ImageResult(
                                "img-2", png, List.of("a blue square"), null, null, -1, "flow")),
                List.of(new FailureResult("broken-uri", "FORBIDDEN_URI", "file:///etc/passwd")),
                List.of(
                        new VersionResult(
                                "20261202T000000Z-abc",
                                "600 images, 6 epochs, cold start",
                                Map.of("BLEU_4", 0.61, "CIDEr", 2.5),
                                "PUBLISHED: nothing was served yet",
                                42)),
                0,
                0,
                100);
    }

    @Test
    void shouldEmbedEveryImageSoTheFileStandsAlone() throws Exception {
        Path file = dir.resolve("sub/report.html");

        DemoReport.write(results(), file);

        String html = Files.readString(file);
        String data =
                Base64.getEncoder().encodeToString(new byte[] {(byte) 0x89, 'P', 'N', 'G', 7});
        assertThat(html).contains("data-image-id=\"img-1\"", "data-image-id=\"img-2\"");
        assertThat(html).contains("data:image/png;base64," + data);
        assertThat(html).doesNotContain("<script", "http://", "https://");
    }

    @Test
    void shouldShowCaptionsReferencesVersionsAndFailures() {
        String html = DemoReport.html(results());

        assertThat(html).contains("a red circle", "20261202T000000Z-abc", "(no caption)");
        assertThat(html).contains("FORBIDDEN_URI", "file:///etc/passwd");
        assertThat(html).contains("600 images, 6 epochs, cold start", "0.610", "2.500");
        assertThat(html).contains("1 of 2 images captioned, 1 lost");
    }

    @Test
    void shouldEscapeTextFromTheTopics() {
        String html = DemoReport.html(results());

        assertThat(html).contains("a &lt;red&gt; circle &amp; a square");
        assertThat(html).doesNotContain("<red>");
    }

    @Test
    void shouldOverlayWhereTheModelLookedForEachWord() {
        // given a caption of two words over a 2x2 grid, the first word all on the top left cell
        AttentionMap map =
                new AttentionMap(
                        2,
                        2,
                        List.of("red", "circle"),
                        List.of(
                                new float[] {1f, 0f, 0f, 0f},
                                new float[] {0.25f, 0.25f, 0.25f, 0.25f}));
        DemoResults r =
                new DemoResults(
                        List.of(
                                new ImageResult(
                                        "img-a",
                                        new byte[] {1, 2, 3},
                                        List.of("a red circle"),
                                        "red circle",
                                        "v1",
                                        5,
                                        "flow",
                                        map)),
                        List.of(),
                        List.of(),
                        0,
                        0,
                        1);

        // when
        String html = DemoReport.html(r);

        // then one small image per word, its cells shaded by weight relative to the word's largest
        assertThat(html)
                .contains("<figcaption>red</figcaption>", "<figcaption>circle</figcaption>");
        assertThat(html.split("class=\"cell\"", -1).length - 1).isEqualTo(8);
        assertThat(html).contains("left:0.00%;top:0.00%;width:50.00%;height:50.00%;opacity:0.70");
        assertThat(html).contains("left:50.00%;top:0.00%;width:50.00%;height:50.00%;opacity:0.00");
    }

    @Test
    void shouldShowNoOverlayForAnLstmCaption() {
        assertThat(DemoReport.html(results())).doesNotContain("class=\"attn\"");
    }
}
