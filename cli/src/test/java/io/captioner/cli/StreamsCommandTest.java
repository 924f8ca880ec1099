package io.captioner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class StreamsCommandTest {

    @TempDir Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = CaptionerCli.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        List<String> all = new ArrayList<>(List.of("streams"));
        all.addAll(List.of(args));
        return cli.execute(all.toArray(String[]::new));
    }

    @Test
    void shouldListItsOptionsInTheHelp() {
        int code = run("--help");

        assertThat(code).isZero();
        assertThat(out.toString())
                .contains("--config", "--http-port", "--model", "--bootstrap", "--registry");
    }

    @Test
    void shouldRefuseAnInvalidConfigurationWithTheKeyAndExitCode2() throws Exception {
        Path config =
                Files.writeString(dir.resolve("bad.properties"), "captioner.batch.max.size=-1\n");

        int code = run("--config", config.toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("captioner.batch.max.size");
        assertThat(out.toString()).doesNotContain("READY");
    }

    @Test
    void shouldFailToStartWithAMissingModelFileBeforeTouchingKafka() {
        int code =
                run(
                        "--model",
                        dir.resolve("missing.zip").toString(),
                        "--bootstrap",
                        "127.0.0.1:1",
                        "--http-port",
                        "0");

        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("cannot start").contains("missing.zip");
    }
}
