package io.captioner.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Node.js client of our topics ({@code kafkajs} + {@code @kafkajs/confluent-schema-registry}
 * from npm, driven by {@code src/test/node/interop.mjs}).
 *
 * <p>The npm packages (pinned by {@code src/test/node/package-lock.json}) are installed once into
 * {@code target/node-interop} and reused while the lock file is unchanged. {@link #assumeReady()}
 * skips the calling test, with the reason, where {@code node} or {@code npm} is missing or the npm
 * registry cannot be reached.
 */
final class NodeClient {

    /** Where the client runs and its packages are cached. */
    static final Path WORK = Path.of("target", "node-interop");

    private static final Path SOURCES = Path.of("src", "test", "node");
    private static final String STAMP = ".captioner-lock-sha256";
    private static final ObjectMapper JSON = new ObjectMapper();

    private NodeClient() {}

    /** Installs the client unless already there; skips the test where that is impossible. */
    static synchronized void assumeReady() throws Exception {
        requireTool("node");
        requireTool("npm");
        Files.createDirectories(WORK);
        for (String file : List.of("package.json", "package-lock.json", "interop.mjs")) {
            Files.copy(
                    SOURCES.resolve(file), WORK.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        String lock =
                HexFormat.of()
                        .formatHex(
                                MessageDigest.getInstance("SHA-256")
                                        .digest(
                                                Files.readAllBytes(
                                                        WORK.resolve("package-lock.json"))));
        Path stamp = WORK.resolve("node_modules").resolve(STAMP);
        if (Files.isRegularFile(stamp)
                && Files.readString(stamp, StandardCharsets.UTF_8).equals(lock)) {
            return;
        }
        Result install =
                run(
                        List.of(
                                "npm",
                                "ci",
                                "--no-audit",
                                "--no-fund",
                                "--ignore-scripts",
                                "--cache",
                                WORK.resolve(".npm-cache").toAbsolutePath().toString()),
                        Duration.ofSeconds(240));
        if (install.exitCode() != 0) {
            Assumptions.assumeFalse(
                    install.output()
                            .matches(
                                    "(?s).*(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT"
                                            + "|network).*"),
                    "npm registry unreachable, skipping the Node.js client test: "
                            + lastLine(install.output()));
            throw new AssertionError("npm ci failed: " + install.output());
        }
        Files.writeString(stamp, lock, StandardCharsets.UTF_8);
    }

    /** Runs {@code interop.mjs} with {@code args}; returns the JSON lines it printed. */
    static List<JsonNode> runInterop(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("node", "interop.mjs"));
        command.addAll(List.of(args));
        Result result = run(command, Duration.ofSeconds(60));
        assertThat(result.exitCode()).as("node interop.mjs: %s", result.output()).isZero();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : result.output().split("\n")) {
            if (line.startsWith("{")) {
                lines.add(JSON.readTree(line));
            }
        }
        return lines;
    }

    /** The line the client printed for {@code step}. */
    static JsonNode step(List<JsonNode> lines, String step) {
        return lines.stream()
                .filter(l -> step.equals(l.path("step").asText()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("node printed no '" + step + "': " + lines));
    }

    private static void requireTool(String tool) {
        boolean available;
        try {
            available = run(List.of(tool, "--version"), Duration.ofSeconds(30)).exitCode() == 0;
        } catch (IOException e) {
            available = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            available = false;
        }
        Assumptions.assumeTrue(
                available, tool + " is not installed, skipping the Node.js client test");
    }

    private record Result(int exitCode, String output) {}

    private static Result run(List<String> command, Duration timeout)
            throws IOException, InterruptedException {
        Process process =
                new ProcessBuilder(command)
                        .directory(Files.isDirectory(WORK) ? WORK.toFile() : null)
                        .redirectErrorStream(true)
                        .start();
        // Read while it runs, so a chatty process never blocks on a full pipe.
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Thread reader =
                new Thread(
                        () -> {
                            try {
                                process.getInputStream().transferTo(output);
                            } catch (IOException e) {
                                // The process died; what was read so far is reported.
                            }
                        },
                        "node-client-output");
        reader.start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            reader.join(5_000);
            throw new AssertionError(
                    command
                            + " did not finish within "
                            + timeout
                            + ": "
                            + output.toString(StandardCharsets.UTF_8));
        }
        reader.join(5_000);
        return new Result(process.exitValue(), output.toString(StandardCharsets.UTF_8));
    }

    private static String lastLine(String text) {
        String[] lines = text.strip().split("\n");
        return lines.length == 0 ? "" : lines[lines.length - 1];
    }
}
