package io.captioner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.captioner.cli.DemoResults.FailureResult;
import io.captioner.cli.DemoResults.ImageResult;
import io.captioner.cli.DemoResults.VersionResult;
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
}
