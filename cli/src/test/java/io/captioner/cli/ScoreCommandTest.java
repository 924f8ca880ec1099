package io.captioner.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ScoreCommandTest {

    private static final String REFS =
            "{\"1\": [\"am i a boy ?\"], \"2\": [\"is she a girl ?\"], \"3\": [\"a dog\"]}";
    private static final String HYPS = "{\"1\": \"i am a boy\", \"2\": \"she is a girl\"}";

    @TempDir Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = CaptionerCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        List<String> all = new ArrayList<>(List.of("score"));
        all.addAll(List.of(args));
        return cli.execute(all.toArray(String[]::new));
    }

    private Path write(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content);
    }

    @Test
    void shouldPrintToolkitScoresAsOneJsonObject() throws IOException {
        Path refs = write("refs.json", REFS);
        Path hyps = write("hyps.json", HYPS);

        int code = run("--refs", refs.toString(), "--hyps", hyps.toString());

        assertThat(code).isZero();
        String stdout = out.toString().strip();
        assertThat(stdout.lines()).hasSize(1);
        JsonNode json = new ObjectMapper().readTree(stdout);
        List<String> keys = new ArrayList<>();
        json.fieldNames().forEachRemaining(keys::add);
        assertThat(keys)
                .containsExactly("BLEU_1", "BLEU_2", "BLEU_3", "BLEU_4", "ROUGE_L", "CIDEr");
        assertThat(json.get("BLEU_1").asDouble()).isCloseTo(1.0, within(1e-6));
        assertThat(json.get("BLEU_2").asDouble()).isCloseTo(0.5773502690, within(1e-6));
        assertThat(json.get("ROUGE_L").asDouble()).isCloseTo(0.75, within(1e-6));
        assertThat(json.get("CIDEr").asDouble()).isCloseTo(3.3333333333, within(1e-6));
        assertThat(err.toString()).contains("1 of 3 reference images have no hypothesis");
    }

    @Test
    void shouldFailWithUsageCodeWhenFileIsMissing() throws IOException {
        Path hyps = write("hyps.json", HYPS);

        int code = run("--refs", dir.resolve("nope.json").toString(), "--hyps", hyps.toString());

        assertThat(code).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("nope.json").contains("no such file");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void shouldFailWithUsageCodeOnBadJson() throws IOException {
        Path refs = write("refs.json", "{\"1\": [\"a dog\"");
        Path hyps = write("hyps.json", HYPS);

        int code = run("--refs", refs.toString(), "--hyps", hyps.toString());

        assertThat(code).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("not valid JSON");
    }

    @Test
    void shouldRejectHypothesisThatIsNotOneString() throws IOException {
        Path refs = write("refs.json", REFS);
        Path hyps = write("hyps.json", "{\"1\": [\"i am a boy\", \"a boy\"]}");

        int code = run("--refs", refs.toString(), "--hyps", hyps.toString());

        assertThat(code).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("hypothesis of image 1 must be exactly one string");
    }

    @Test
    void shouldRejectHypothesisIdsWithoutReferences() throws IOException {
        Path refs = write("refs.json", REFS);
        Path hyps = write("hyps.json", "{\"1\": \"i am a boy\", \"42\": \"a cat\"}");

        int code = run("--refs", refs.toString(), "--hyps", hyps.toString());

        assertThat(code).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("without reference captions").contains("[42]");
    }

    @Test
    void shouldRejectRepeatedImageId() throws IOException {
        Path refs = write("refs.json", REFS);
        Path hyps = write("hyps.json", "{\"1\": \"i am a boy\", \"1\": \"a boy\"}");

        int code = run("--refs", refs.toString(), "--hyps", hyps.toString());

        assertThat(code).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("Duplicate field '1'");
    }

    @Test
    void shouldRequireBothFiles() {
        assertThat(run("--refs", "x.json")).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("--hyps");
    }
}
