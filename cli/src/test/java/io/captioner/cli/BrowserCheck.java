package io.captioner.cli;

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
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real browser: Debian's {@code chromium} driven by {@code playwright-core} from npm through
 * {@code src/test/browser/check-page.js}; playwright-core never downloads a browser, it runs the
 * installed one.
 *
 * <p>The npm package (pinned by {@code src/test/browser/package-lock.json}) is installed once into
 * {@code target/ui-browser} and reused while the lock file is unchanged. {@link #assumeReady()}
 * skips the calling test, with the reason, where Chromium, {@code node} or {@code npm} is missing
 * or the npm registry cannot be reached. {@code CAPTIONER_CHROMIUM} names another Chromium.
 */
final class BrowserCheck {

    /** Where the script runs and its package is cached. */
    static final Path WORK = Path.of("target", "ui-browser");

    private static final Path SOURCES = Path.of("src", "test", "browser");
    private static final List<String> CHROMIUMS =
            List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome");
    private static final String STAMP = ".captioner-lock-sha256";
    private static final ObjectMapper JSON = new ObjectMapper();

    private BrowserCheck() {}

    /**
     * The Chromium to drive: {@code CAPTIONER_CHROMIUM}, else the first one installed, else null.
     */
    static String chromium() {
        String configured = System.getenv("CAPTIONER_CHROMIUM");
        if (configured != null && !configured.isBlank()) {
            return Files.isExecutable(Path.of(configured)) ? configured : null;
        }
        return CHROMIUMS.stream()
                .filter(p -> Files.isExecutable(Path.of(p)))
                .findFirst()
                .orElse(null);
    }

    /** Installs the script's package unless already there; skips the test where impossible. */
    static synchronized void assumeReady() throws Exception {
        Assumptions.assumeTrue(
                chromium() != null,
                "no Chromium installed (apt-get install chromium, or set CAPTIONER_CHROMIUM),"
                        + " skipping the browser test");
        requireTool("node");
        requireTool("npm");
        Files.createDirectories(WORK);
        for (String file : List.of("package.json", "package-lock.json", "check-page.js")) {
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
                    "npm registry unreachable, skipping the browser test: "
                            + lastLine(install.output()));
            throw new AssertionError("npm ci failed: " + install.output());
        }
        Files.writeString(stamp, lock, StandardCharsets.UTF_8);
    }

    /**
     * Opens {@code url} in headless Chromium and waits up to {@code timeout} until the captions of
     * {@code captionIds}, the dead letters of {@code failureIds} and an active model show; returns
     * what the page then shows (see {@code check-page.js}).
     */
    static JsonNode awaitPage(
            String url, Duration timeout, List<String> captionIds, List<String> failureIds)
            throws Exception {
        List<String> command =
                List.of(
                        "node",
                        "check-page.js",
                        url,
                        chromium(),
                        String.valueOf(timeout.toMillis()),
                        String.join(",", captionIds),
                        String.join(",", failureIds));
        Result result = run(command, timeout.plusSeconds(30));
        assertThat(result.exitCode()).as("node check-page.js: %s", result.output()).isZero();
        for (String line : result.output().split("\n")) {
            if (line.startsWith("{")) {
                return JSON.readTree(line);
            }
        }
        throw new AssertionError("check-page.js printed no JSON: " + result.output());
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
        Assumptions.assumeTrue(available, tool + " is not installed, skipping the browser test");
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
                        "browser-check-output");
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
