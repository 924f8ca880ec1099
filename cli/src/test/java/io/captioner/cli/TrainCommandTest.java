package io.captioner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.captioner.model.artifact.ModelArtifact;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class TrainCommandTest {

    @TempDir Path dir;

    private static TrainCommand parse(String... extra) {
        TrainCommand command = new TrainCommand();
        String[] args = new String[6 + extra.length];
        System.arraycopy(
                new String[] {"--dataset", "synthetic:1", "--images", "10", "--out", "m.zip"},
                0,
                args,
                0,
                6);
        System.arraycopy(extra, 0, args, 6, extra.length);
        new CommandLine(command).parseArgs(args);
        return command;
    }

    @Test
    void shouldDefaultToTheAttentionDecoderWithItsEpochBudget() {
        assertThat(parse().decoder).isEqualTo("attention");
        assertThat(parse().maxEpochs()).isEqualTo(TrainCommand.ATTENTION_EPOCHS);
        assertThat(parse("--decoder", "lstm").maxEpochs()).isEqualTo(30);
        assertThat(parse("--epochs", "7").maxEpochs()).isEqualTo(7);
    }

    @Test
    void shouldRecordTheDecoderInTheArtifactAndTheJsonSummary() throws Exception {
        Path out = dir.resolve("tiny.zip");
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        CommandLine cl = CaptionerCli.commandLine();
        cl.setOut(new PrintWriter(stdout, true));
        cl.setErr(new PrintWriter(stderr, true));

        int code =
                cl.execute(
                        "train",
                        "--dataset",
                        "synthetic:1",
                        "--images",
                        "12",
                        "--epochs",
                        "1",
                        "--embed-size",
                        "8",
                        "--hidden-size",
                        "8",
                        "--out",
                        out.toString(),
                        "--json");

        assertThat(code).as(stderr.toString()).isZero();
        String[] lines = stdout.toString().strip().split("\n");
        JsonNode json = new ObjectMapper().readTree(lines[lines.length - 1]);
        assertThat(json.get("decoder").asText()).isEqualTo("attention");
        assertThat(ModelArtifact.readManifest(out).architecture().decoder()).isEqualTo("attention");
    }
}
