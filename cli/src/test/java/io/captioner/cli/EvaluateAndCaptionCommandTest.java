package io.captioner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.captioner.model.Captioner;
import io.captioner.model.data.CaptionedImage;
import io.captioner.model.data.DatasetSpec;
import io.captioner.model.data.Flickr8kLayout;
import io.captioner.model.train.CaptionTrainer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Runs evaluate and caption end to end on a tiny model trained on synthetic images. */
class EvaluateAndCaptionCommandTest {

    @TempDir static Path dir;
    private static Path modelFile;
    private static Path attentionFile;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeAll
    static void trainTinyModel() throws Exception {
        List<CaptionedImage> train = DatasetSpec.parse("synthetic:1").load(24);
        List<CaptionedImage> validation = DatasetSpec.parse("synthetic:2").load(4);
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
                        .train(train, validation)) {
            captioner.save(modelFile);
        }
        attentionFile = dir.resolve("attention.captioner");
        try (Captioner captioner =
                CaptionTrainer.builder()
                        .setEncoder("tiny-cnn")
                        .optDecoder("attention")
                        .optEmbedSize(16)
                        .optHiddenSize(32)
                        .optBatchSize(8)
                        .optEpochs(1)
                        .optSeed(3)
                        .build()
                        .train(train, validation)) {
            captioner.save(attentionFile);
        }
    }

    @Test
    void shouldWriteTheAttentionWeightsOfEveryWordOnRequest() throws Exception {
        Path data = dir.resolve("attention-images");
        Flickr8kLayout.export(DatasetSpec.parse("synthetic:6").load(1), data);
        Path image = data.resolve("Images/synthetic-6-00000.jpg");

        int code =
                run(
                        "caption",
                        "--model",
                        attentionFile.toString(),
                        "--beam",
                        "2",
                        "--attention",
                        image.toString());

        assertThat(code).as(err.toString()).isZero();
        JsonNode line = new ObjectMapper().readTree(out.toString().strip());
        JsonNode attention = line.get("attention");
        assertThat(attention.get("rows").asInt()).isEqualTo(4);
        assertThat(attention.get("columns").asInt()).isEqualTo(4);
        JsonNode words = attention.get("words");
        assertThat(words.size()).isEqualTo(line.get("tokens").size());
        for (int w = 0; w < words.size(); w++) {
            JsonNode word = words.get(w);
            assertThat(word.get("word").asText()).isEqualTo(line.get("tokens").get(w).asText());
            double sum = 0;
            for (JsonNode row : word.get("weights")) {
                assertThat(row.size()).isEqualTo(4);
                for (JsonNode weight : row) {
                    sum += weight.asDouble();
                }
            }
            assertThat(sum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
        }
    }

    @Test
    void shouldRefuseAttentionWeightsFromAnLstmModel() throws Exception {
        Path data = dir.resolve("lstm-images");
        Flickr8kLayout.export(DatasetSpec.parse("synthetic:6").load(1), data);

        int code =
                run(
                        "caption",
                        "--model",
                        modelFile.toString(),
                        "--attention",
                        data.resolve("Images/synthetic-6-00000.jpg").toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--attention needs a model with the attention decoder");
    }

    private int run(String... args) {
        CommandLine cl = CaptionerCli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void shouldPrintMetricsAsOneJsonObjectOnTheLastLine() throws Exception {
        int code =
                run(
                        "evaluate",
                        "--model",
                        modelFile.toString(),
                        "--dataset",
                        "synthetic:9",
                        "--images",
                        "6",
                        "--batch-size",
                        "4",
                        "--json");

        assertThat(code).as(err.toString()).isZero();
        String[] lines = out.toString().strip().split("\n");
        JsonNode json = new ObjectMapper().readTree(lines[lines.length - 1]);
        for (String key : List.of("BLEU_1", "BLEU_2", "BLEU_3", "BLEU_4", "ROUGE_L", "CIDEr")) {
            assertThat(json.get(key).isNumber()).as(key).isTrue();
            assertThat(json.get(key).asDouble()).as(key).isGreaterThanOrEqualTo(0.0);
        }
        assertThat(json.get("images").asInt()).isEqualTo(6);
        assertThat(json.get("seconds").asDouble()).isPositive();
        assertThat(json.get("beam").asInt()).isEqualTo(1);
        assertThat(err.toString())
                .contains("example synthetic-9-00000")
                .contains("  generated: ")
                .contains("  reference: ");
    }

    @Test
    void shouldPrintAHumanTableAndAcceptBeamSearchOnFlickr8kLayout() throws Exception {
        Path data = dir.resolve("flickr");
        Flickr8kLayout.export(DatasetSpec.parse("synthetic:4").load(3), data);

        int code =
                run(
                        "evaluate",
                        "--model",
                        modelFile.toString(),
                        "--dataset",
                        "flickr8k:" + data,
                        "--beam",
                        "3");

        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString())
                .contains("(3 images)")
                .contains("beam 3")
                .containsPattern("BLEU_4 +\\d\\.\\d{4}")
                .containsPattern("CIDEr +\\d+\\.\\d{4}");
    }

    @Test
    void shouldRejectBadDatasetAndMissingModelWithUsageCode() {
        assertThat(run("evaluate", "--model", modelFile.toString(), "--dataset", "imagenet:1"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("expected synthetic:SEED, flickr8k:DIR, flickr30k:DIR");
        assertThat(
                        run(
                                "evaluate",
                                "--model",
                                dir.resolve("nope").toString(),
                                "--dataset",
                                "synthetic:1"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("model file not found");
    }

    @Test
    void shouldCaptionEachImageAndReportUndecodableFiles() throws Exception {
        Path data = dir.resolve("images");
        Flickr8kLayout.export(DatasetSpec.parse("synthetic:6").load(2), data);
        Path a = data.resolve("Images/synthetic-6-00000.jpg");
        Path b = data.resolve("Images/synthetic-6-00001.jpg");
        Path broken = Files.writeString(dir.resolve("broken.jpg"), "not an image");

        int code =
                run(
                        "caption",
                        "--model",
                        modelFile.toString(),
                        a.toString(),
                        broken.toString(),
                        b.toString());

        assertThat(code).isEqualTo(1);
        List<String> lines = out.toString().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith(a + "\t");
        assertThat(lines.get(1)).startsWith(b + "\t");
        assertThat(err.toString()).contains(broken.toString());
    }

    @Test
    void shouldCaptionAsJsonLinesWithBeamSearch() throws Exception {
        Path data = dir.resolve("json");
        Flickr8kLayout.export(DatasetSpec.parse("synthetic:7").load(1), data);
        Path a = data.resolve("Images/synthetic-7-00000.jpg");

        int code =
                run(
                        "caption",
                        "--model",
                        modelFile.toString(),
                        "--beam",
                        "2",
                        "--json",
                        a.toString());

        assertThat(code).as(err.toString()).isZero();
        JsonNode json = new ObjectMapper().readTree(out.toString().strip());
        assertThat(json.get("image").asText()).isEqualTo(a.toString());
        assertThat(json.get("caption").isTextual()).isTrue();
        assertThat(json.get("tokens").isArray()).isTrue();
        assertThat(json.get("logProbability").isNumber()).isTrue();
    }
}
