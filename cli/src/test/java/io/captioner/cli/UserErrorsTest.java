package io.captioner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The mistakes a new user makes get one clear line on stderr and a non-zero exit code, never a
 * stack trace; a real bug still shows its cause.
 */
class UserErrorsTest {

    @TempDir Path dir;

    @Test
    void shouldExplainAMissingDatasetDirectoryInOneLine() {
        CliRun run = train("--dataset", "flickr8k:" + dir.resolve("nope"));

        assertOneLine(run, 2, "dataset directory does not exist: " + dir.resolve("nope"));
    }

    @Test
    void shouldExplainAMissingCaptionsFileInOneLine() {
        CliRun run = train("--dataset", "flickr8k:" + dir);

        assertOneLine(run, 2, "no captions in " + dir + ": expected captions.txt");
    }

    @Test
    void shouldExplainThatResnetNeedsWeightsBeforeLoadingAnything() {
        CliRun run = train("--dataset", "synthetic:1", "--encoder", "resnet50");

        assertOneLine(run, 2, "--encoder resnet50 is a frozen pretrained network");
        assertThat(run.err()).contains("--encoder-weights FILE");
    }

    @Test
    void shouldNameTheKnownDecodersForAnUnknownOneBeforeLoadingAnything() {
        CliRun run = train("--dataset", "synthetic:1", "--decoder", "transformer");

        assertOneLine(
                run,
                2,
                "--decoder: unknown decoder 'transformer', expected one of lstm, attention");
    }

    @Test
    void shouldRefuseAGpuThisHostDoesNotHave() {
        String missing = "gpu" + Engine.getInstance().getGpuCount();

        CliRun train = train("--dataset", "synthetic:1", "--device", missing);
        CliRun evaluate =
                CliRun.of(
                        "evaluate",
                        "--model",
                        dir.resolve("m.zip").toString(),
                        "--dataset",
                        "synthetic:1",
                        "--device",
                        "tpu");

        assertOneLine(train, 2, "--device " + missing + ": ");
        assertThat(train.err()).contains("use --device cpu");
        assertOneLine(evaluate, 2, "--device must be cpu, gpu or gpuN");
    }

    @Test
    void shouldAcceptDeviceWhereverAModelRuns() {
        for (String command : new String[] {"train", "evaluate", "caption", "streams", "demo"}) {
            CommandLine sub = CaptionerCli.commandLine().getSubcommands().get(command);
            assertThat(sub.getCommandSpec().findOption("--device")).as(command).isNotNull();
        }
    }

    @Test
    void shouldExplainARegistryUrlWithoutScheme() {
        CliRun run = CliRun.of("captions", "--registry", "127.0.0.1:8081");

        assertOneLine(run, 2, "did you mean http://127.0.0.1:8081?");
    }

    @Test
    void shouldExplainABadTrainingServiceSettingInOneLineBeforeTouchingKafka() throws Exception {
        Path bad =
                Files.writeString(
                        dir.resolve("training.properties"),
                        "captioner.training.gate.metric=accuracy\n");

        assertOneLine(
                CliRun.of("training", "--config", bad.toString()),
                2,
                "captioner.training.gate.metric");
        assertOneLine(
                CliRun.of("training", "--config", dir.resolve("missing.properties").toString()),
                2,
                "cannot read configuration file");
    }

    @Test
    void shouldExitNonZeroWhenPublishFindsNoImage() throws Exception {
        Path readme = Files.writeString(dir.resolve("README.md"), "# not an image\n");

        CliRun run = CliRun.of("publish", readme.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("not an image").contains("nothing to publish");
        assertThat(run.err()).doesNotContain("\tat ");
    }

    @Test
    void shouldExplainBadImportArgumentsBeforeTouchingKafka() {
        assertOneLine(
                CliRun.of("import", "imagenet", dir.toString()), 2, "expected synthetic:SEED");
        assertOneLine(
                CliRun.of("import", "flickr30k", dir.resolve("nope").toString()),
                2,
                "dataset directory does not exist");
        assertOneLine(
                CliRun.of("import", "karpathy", dir.resolve("d.json").toString()),
                2,
                "karpathy:DATASET.json:IMAGEDIR needs");
    }

    @Test
    void shouldRefuseReplayOptionsWithoutReplay() {
        assertOneLine(CliRun.of("failures", "--reason", "FETCH_FAILED"), 2, "go with --replay");
        assertOneLine(
                CliRun.of("failures", "--replay", "--follow"), 2, "--follow and --max-records");
    }

    @Test
    void shouldShowTheCauseOfARealBug() {
        // given a command with a bug, under the tool's exception handler
        CommandLine cl = new CommandLine(new Buggy());
        cl.setExecutionExceptionHandler(new UserErrorHandler());

        // when
        CliRun run = CliRun.of(cl);

        // then
        assertThat(run.exitCode()).isEqualTo(UserErrorHandler.EXIT_BUG);
        assertThat(run.err())
                .contains("buggy: unexpected error (a bug; please report it):")
                .contains("java.lang.IllegalStateException: the cause")
                .contains("\tat io.captioner.cli.UserErrorsTest$Buggy.call");
    }

    @CommandLine.Command(name = "buggy")
    static final class Buggy implements Callable<Integer> {
        @Override
        public Integer call() {
            throw new IllegalStateException("the cause");
        }
    }

    private CliRun train(String... args) {
        String[] all = new String[args.length + 5];
        all[0] = "train";
        all[1] = "--images";
        all[2] = "4";
        all[3] = "--out";
        all[4] = dir.resolve("model.zip").toString();
        System.arraycopy(args, 0, all, 5, args.length);
        return CliRun.of(all);
    }

    private static void assertOneLine(CliRun run, int exitCode, String text) {
        assertThat(run.exitCode()).as(run.err()).isEqualTo(exitCode);
        assertThat(run.err().strip().lines())
                .as(run.err())
                .singleElement()
                .asString()
                .contains(text);
    }
}
