package io.captioner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench's option checks: each mistake is one line and exit code 2, before anything starts. */
class BenchCommandTest {

    @TempDir Path dir;

    private CliRun bench(String... args) {
        String[] all = new String[args.length + 3];
        all[0] = "bench";
        all[1] = "--data-dir";
        all[2] = dir.resolve("data").toString();
        System.arraycopy(args, 0, all, 3, args.length);
        return CliRun.of(all);
    }

    private void assertRefused(CliRun run, String expected) {
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.err().strip()).startsWith("bench: ").contains(expected).doesNotContain("\n");
        assertThat(run.out()).isEmpty();
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void shouldListTheStagesAndEveryOptionInTheHelp() {
        CliRun run = CliRun.of("bench", "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out())
                .contains("raw", "seed-style", "end to end", "steady state", "e2e_over_raw")
                .contains("untrained decoder")
                .contains(
                        "--encoder",
                        "--model",
                        "--images",
                        "--batch-size",
                        "--threads",
                        "--warm-up",
                        "--instances",
                        "--duration",
                        "--rate",
                        "--sweep",
                        "--app-config",
                        "--data-dir",
                        "--out",
                        "--json");
    }

    @Test
    void shouldRefuseNumbersOutOfRange() {
        assertRefused(bench("--images", "0"), "--images must be >= 1");
        assertRefused(bench("--batch-size", "0"), "--batch-size must be between 1 and 4096");
        assertRefused(bench("--sweep", "1,0,4"), "--sweep sizes must be between 1 and 4096");
        assertRefused(bench("--threads", "0"), "--threads must be >= 1");
        assertRefused(bench("--duration", "0"), "--duration must be > 0");
        assertRefused(bench("--warm-up", "-1"), "--warm-up must be >= 0");
        assertRefused(bench("--instances", "0"), "--instances must be between 1 and 16");
        assertRefused(bench("--rate", "-1"), "--rate must be > 0");
        assertRefused(bench("--stage-seconds", "0"), "--stage-seconds must be > 0");
        assertRefused(bench("--image-size", "10"), "--image-size must be between 64 and 4096");
    }

    @Test
    void shouldRefuseAnUnknownEncoder() {
        assertRefused(bench("--encoder", "vgg16"), "--encoder must be one of");
    }

    @Test
    void shouldRefuseAModelThatIsMissingNotAModelOrGivenWithAnEncoder() throws Exception {
        Path notAModel = Files.writeString(dir.resolve("notes.txt"), "hello");

        assertRefused(bench("--model", dir.resolve("missing.zip").toString()), "not found");
        assertRefused(bench("--model", notAModel.toString()), "not a model artifact");
        assertRefused(
                bench("--model", notAModel.toString(), "--encoder", "tiny-cnn"),
                "--encoder and --model exclude each other");
    }

    @Test
    void shouldRefuseAppSettingsTheBenchOwnsNamingTheOptionToUse() {
        assertRefused(bench("--app-config", "captioner.batch.max.size=8"), "use --batch-size");
        assertRefused(bench("--app-config", "bootstrap.servers=broker:9092"), "own stack");
        assertRefused(bench("--app-config", "captioner.model.path=m.zip"), "use --model");
    }

    @Test
    void shouldRefuseAnInvalidAppSettingWithItsKey() {
        assertRefused(bench("--app-config", "num.stream.threads=0"), "num.stream.threads");
        assertRefused(
                bench("--app-config", "captioner.decoding.beam.size=lots"),
                "captioner.decoding.beam.size");
    }
}
