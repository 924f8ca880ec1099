package io.captioner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code captioner stack} as a user runs it: a separate JVM, stopped with SIGTERM. */
class StackCommandIT {

    private static final Pattern READY =
            Pattern.compile("READY bootstrap=(\\S+):(\\d+) registry=(http://\\S+)");

    @Test
    void shouldPrintOneReadyLineServeTheRegistryAndExitZeroOnSigterm(@TempDir Path dir)
            throws Exception {
        Path stdout = dir.resolve("stdout.txt");
        Path stderr = dir.resolve("stderr.txt");
        Process process =
                new ProcessBuilder(
                                Paths.get(System.getProperty("java.home"), "bin", "java")
                                        .toString(),
                                // The CLI's own logging setup (logs on stderr), not the tests'.
                                "-Dlogback.configurationFile=logback.xml",
                                "-cp",
                                System.getProperty("java.class.path"),
                                CaptionerCli.class.getName(),
                                "stack",
                                "--data-dir",
                                dir.resolve("data").toString(),
                                "--kafka-port",
                                "0",
                                "--registry-port",
                                "0")
                        .redirectOutput(stdout.toFile())
                        .redirectError(stderr.toFile())
                        .start();
        try {
            String first = awaitFirstLine(stdout, process);
            Matcher ready = READY.matcher(first);
            assertThat(ready.matches()).as("first stdout line: %s", first).isTrue();

            HttpResponse<String> registered =
                    HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(
                                                    URI.create(
                                                            ready.group(3)
                                                                    + "/subjects/cli-value/versions"))
                                            .header(
                                                    "Content-Type",
                                                    "application/vnd.schemaregistry.v1+json")
                                            .POST(
                                                    HttpRequest.BodyPublishers.ofString(
                                                            "{\"schema\":\"\\\"string\\\"\"}"))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
            assertThat(registered.statusCode()).isEqualTo(200);
            assertThat(registered.body()).isEqualTo("{\"id\":1}");

            process.destroy(); // SIGTERM
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).isZero();
        } finally {
            process.destroyForcibly();
        }
        List<String> out = Files.readAllLines(stdout, StandardCharsets.UTF_8);
        assertThat(out).hasSize(1);
        String errors = Files.readString(stderr, StandardCharsets.UTF_8);
        assertThat(errors).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(errors).contains("captioner stack: stopped");
    }

    private static String awaitFirstLine(Path stdout, Process process) throws Exception {
        // A JVM start plus a cold broker can take a while on a loaded machine.
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            String text = Files.readString(stdout, StandardCharsets.UTF_8);
            int newline = text.indexOf('\n');
            if (newline >= 0) {
                return text.substring(0, newline);
            }
            if (!process.isAlive()) {
                return "(exited with " + process.exitValue() + " before printing a line)";
            }
            Thread.sleep(100);
        }
        return "(no line within 120 s)";
    }
}
