package io.captioner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo end to end at a small size: the training service trains and publishes two versions, the
 * streams app hot-swaps them while images flow, every image is accounted for and in the report; and
 * Ctrl-C shuts it all down cleanly.
 */
class DemoCommandIT {

    private static final String[] SMALL = {
        "--train-images",
        "120",
        "--more-images",
        "80",
        "--epochs",
        "2",
        "--images",
        "4",
        "--rate",
        "5",
        "--timeout",
        "240"
    };

    @Test
    void shouldCaptionEveryImageAcrossAHotSwapAndReportIt(@TempDir Path dir) throws Exception {
        Path report = dir.resolve("report.html");
        String[] args =
                concat(
                        new String[] {
                            "demo",
                            "--json",
                            "--data-dir",
                            dir.resolve("data").toString(),
                            "--report",
                            report.toString()
                        },
                        SMALL);

        CliRun run = CliRun.of(args);

        List<String> lines = run.outLines();
        JsonNode summary = new ObjectMapper().readTree(lines.get(lines.size() - 1));
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(summary.get("lost").asInt()).isZero();
        assertThat(summary.get("duplicated").asInt()).isZero();
        assertThat(summary.get("captioned").asInt())
                .isEqualTo(summary.get("expected").asInt())
                .isGreaterThanOrEqualTo(8);
        assertThat(summary.get("dlq").asInt()).isEqualTo(2);
        assertThat(summary.get("versions")).hasSize(2);
        assertThat(summary.get("BLEU_4").isNumber()).isTrue();
        assertThat(summary.get("CIDEr").isNumber()).isTrue();
        assertThat(summary.get("seconds").asDouble()).isPositive();
        String html = Files.readString(report);
        // Every captioned image is in the gallery; both versions wrote captions.
        int cards = html.split("data-image-id=", -1).length - 1;
        assertThat(cards).isEqualTo(summary.get("expected").asInt());
        for (JsonNode v : summary.get("versions")) {
            assertThat(v.get("captioned").asInt()).as(v.toString()).isPositive();
            assertThat(html).contains(v.get("version").asText());
        }
        assertThat(html).contains("broken-random-bytes", "broken-forbidden-uri");
        assertThat(dir.resolve("data/run")).doesNotExist();
    }

    @Test
    void shouldOverlayAttentionInTheReportWhenTheServiceTrainsTheAttentionDecoder(@TempDir Path dir)
            throws Exception {
        Path report = dir.resolve("report.html");
        String[] args =
                concat(
                        new String[] {
                            "demo",
                            "--json",
                            "--decoder",
                            "attention",
                            "--data-dir",
                            dir.resolve("data").toString(),
                            "--report",
                            report.toString()
                        },
                        SMALL);

        CliRun run = CliRun.of(args);

        List<String> lines = run.outLines();
        JsonNode summary = new ObjectMapper().readTree(lines.get(lines.size() - 1));
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(summary.get("lost").asInt()).isZero();
        String html = Files.readString(report);
        // Every caption of the final (attention) version carries one overlay per word.
        int captionedByFinal = summary.get("versions").get(1).get("captioned").asInt();
        assertThat(html.split("class=\"attn\"", -1).length - 1).isEqualTo(captionedByFinal);
        assertThat(html).contains("<figcaption>");
    }

    @Test
    void shouldShutDownCleanlyOnCtrlC(@TempDir Path dir) throws Exception {
        Path stderr = dir.resolve("stderr.txt");
        String[] command =
                concat(
                        new String[] {
                            Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                            "-Dlogback.configurationFile=logback.xml",
                            "-cp",
                            System.getProperty("java.class.path"),
                            CaptionerCli.class.getName(),
                            "demo",
                            "--data-dir",
                            dir.resolve("data").toString(),
                            "--report",
                            dir.resolve("report.html").toString()
                        },
                        SMALL);
        Process process =
                new ProcessBuilder(command)
                        .redirectOutput(dir.resolve("stdout.txt").toFile())
                        .redirectError(stderr.toFile())
                        .start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!(Files.exists(stderr) && Files.readString(stderr).contains("[2/6]"))
                    && System.nanoTime() < deadline
                    && process.isAlive()) {
                Thread.sleep(200);
            }
            assertThat(Files.readString(stderr)).contains("[2/6]");

            // SIGTERM runs the same shutdown hooks as Ctrl-C's SIGINT.
            process.destroy();

            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(Files.readString(stderr)).contains("demo: interrupted");
            assertThat(dir.resolve("data/run")).doesNotExist();
        } finally {
            process.destroyForcibly();
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
