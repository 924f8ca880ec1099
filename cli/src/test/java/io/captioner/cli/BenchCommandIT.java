package io.captioner.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.captioner.model.Captioner;
import io.captioner.model.data.DatasetSpec;
import io.captioner.model.train.CaptionTrainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny whole bench run: a small model, a dozen images, a two-second steady state, on the real
 * embedded stack. Checks the report's shape and arithmetic, never its speed.
 */
class BenchCommandIT {

    @TempDir static Path dir;
    private static Path modelFile;

    @BeforeAll
    static void trainTinyModel() throws Exception {
        modelFile = dir.resolve("tiny.captioner");
        try (Captioner captioner =
                CaptionTrainer.builder()
                        .setEncoder("tiny-cnn")
                        .optEmbedSize(16)
                        .optHiddenSize(32)
                        .optBatchSize(8)
                        .optEpochs(1)
                        .optSeed(3)
                        .build()
                        .train(
                                DatasetSpec.parse("synthetic:1").load(24),
                                DatasetSpec.parse("synthetic:2").load(4))) {
            captioner.save(modelFile);
        }
    }

    @Test
    void shouldMeasureEveryStageAndReportThemAsOneJsonLineAChartAndAFile() throws Exception {
        Path out = dir.resolve("out");

        CliRun run =
                CliRun.of(
                        "bench",
                        "--model",
                        modelFile.toString(),
                        "--images",
                        "12",
                        "--image-size",
                        "64",
                        "--batch-size",
                        "4",
                        "--sweep",
                        "1,2,64",
                        "--stage-seconds",
                        "0.2",
                        "--warm-up",
                        "1",
                        // The JIT of a test JVM need not go quiet: the warm-up's length is not
                        // what this test checks.
                        "--warm-up-max",
                        "2",
                        "--instances",
                        "2",
                        "--duration",
                        "2",
                        "--rate",
                        "5",
                        "--threads",
                        "1",
                        "--app-config",
                        "captioner.decoding.max.length=6",
                        "--app-config",
                        "captioner.batch.max.wait.ms=100",
                        "--data-dir",
                        dir.resolve("data").toString(),
                        "--out",
                        out.toString(),
                        "--json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> lines = run.outLines();
        JsonNode json = new ObjectMapper().readTree(lines.get(lines.size() - 1));
        for (String key :
                List.of(
                        "raw_images_per_s",
                        "seed_style_images_per_s",
                        "e2e_images_per_s",
                        "e2e_over_raw",
                        "e2e_over_seed_style",
                        "avg_batch_size",
                        "p50_ms",
                        "p99_ms",
                        "steady_rate_per_s",
                        "steady_p50_ms",
                        "steady_p99_ms",
                        "rss_start_mb",
                        "rss_after_warm_up_mb",
                        "warm_up_s",
                        "rss_end_mb",
                        "gflop_per_image")) {
            assertThat(json.get(key)).as(key).isNotNull();
            assertThat(json.get(key).isNumber()).as(key + " = " + json.get(key)).isTrue();
            assertThat(json.get(key).asDouble()).as(key).isPositive();
        }
        assertThat(json.get("rss_growth_mb").isNumber()).isTrue();
        assertThat(json.get("encoder").asText()).isEqualTo("tiny-cnn");
        assertThat(json.get("batch_size").asInt()).isEqualTo(4);
        assertThat(json.get("threads").asInt()).isEqualTo(1);
        assertThat(json.get("app_threads").asInt()).isEqualTo(1);
        assertThat(json.get("stream_threads").asInt()).isEqualTo(1);
        assertThat(json.get("instances").asInt()).isEqualTo(2);
        // The raw stage runs the model as the app does: its inference threads side by side.
        assertThat(json.get("raw_workers").asInt())
                .isEqualTo(Runtime.getRuntime().availableProcessors() > 1 ? 2 : 1);
        assertThat(json.get("raw_intra_op_threads").asInt()).isEqualTo(1);
        assertThat(json.get("host_cores").asInt())
                .isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(json.get("images").asInt()).isEqualTo(12);
        assertThat(json.get("max_caption_length").asInt()).isEqualTo(6);
        assertThat(json.get("duplicate_captions").asInt()).isZero();
        // Two seconds at 5 images/s, scheduled open loop.
        assertThat(json.get("steady_images").asInt()).isEqualTo(10);
        assertThat(json.get("steady_rate_per_s").asDouble()).isEqualTo(5.0);
        // The app batches by size and by time, so it never exceeds the configured size.
        assertThat(json.get("avg_batch_size").asDouble()).isBetween(1.0, 4.0);
        assertThat(json.get("p99_ms").asDouble())
                .isGreaterThanOrEqualTo(json.get("p50_ms").asDouble());
        assertThat(json.get("e2e_over_raw").asDouble())
                .isCloseTo(
                        json.get("e2e_images_per_s").asDouble()
                                / json.get("raw_images_per_s").asDouble(),
                        within(0.05 * json.get("e2e_over_raw").asDouble() + 0.002));
        assertThat(json.get("e2e_over_seed_style").asDouble())
                .isCloseTo(
                        json.get("e2e_images_per_s").asDouble()
                                / json.get("seed_style_images_per_s").asDouble(),
                        within(0.05 * json.get("e2e_over_seed_style").asDouble() + 0.002));
        // The chart's batch sizes: the sweep below --images plus the app's own.
        List<Integer> sizes = new ArrayList<>();
        json.get("sweep").forEach(p -> sizes.add(p.get("batch_size").asInt()));
        assertThat(sizes).containsExactly(1, 2, 4);

        JsonNode file = new ObjectMapper().readTree(out.resolve("bench.json").toFile());
        assertThat(file.get("e2e_images_per_s")).isEqualTo(json.get("e2e_images_per_s"));
        assertThat(file.get("rss_samples_s_mb").size()).isPositive();
        byte[] png = Files.readAllBytes(out.resolve("bench.png"));
        assertThat(png).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');

        assertThat(run.err())
                .contains("bench: seed-style: batch 1")
                .contains("bench: raw: batch 4")
                .contains("bench: end to end: 12 images")
                .contains("bench: steady state: p50")
                .contains("bench: raw (again, after the pipeline): batch 4");
        // The raw figure is the faster of the stage before the pipeline and its repeat after it.
        assertThat(json.get("raw_images_per_s").asDouble())
                .isEqualTo(
                        Math.max(
                                json.get("raw_first_images_per_s").asDouble(),
                                json.get("raw_again_images_per_s").asDouble()));
        // The temporary stack and app state are gone; nothing but the kept run is left.
        try (var left = Files.list(dir.resolve("data"))) {
            assertThat(left.map(p -> p.getFileName().toString())).isEmpty();
        }
    }
}
