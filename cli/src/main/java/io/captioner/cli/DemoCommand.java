package io.captioner.cli;

import io.captioner.events.TrainingRun;
import io.captioner.model.AttentionMap;
import io.captioner.model.data.CaptionedImage;
import io.captioner.model.data.SyntheticDataset;
import io.captioner.modeltopic.ModelVerificationException;
import io.captioner.schemas.Topics;
import io.captioner.stack.LocalStack;
import io.captioner.streams.CaptioningApp;
import io.captioner.streams.config.StreamsAppConfig;
import io.captioner.streams.model.ServingModel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The embedded demo, the project's main job: a real Kafka broker and schema registry, the
 * captioning streams app serving a model from the models topic, images in and captions out, a
 * second model version trained and hot-swapped while images keep flowing, and a report to look at.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the whole system in one JVM: a temporary Kafka + schema registry, the training"
                    + " service and the captioning streams app. Publishes synthetic labeled pairs;"
                    + " the service trains, evaluates and publishes a first version, which the app"
                    + " hot-swaps in; held-out images and two broken ones are captioned or"
                    + " dead-lettered; more pairs and a train-now command make a second version,"
                    + " swapped in while images keep flowing. Prints each caption beside a"
                    + " reference as it arrives and a summary, and writes an HTML report."
        })
public final class DemoCommand implements Callable<Integer> {

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(
            names = {"--data-dir", "--work-dir"},
            description =
                    "Where the demo keeps its temporary broker, streams state and training cache"
                            + " while it runs, deleted at the end (default: ~/.captioner/demo,"
                            + " whatever the working directory).")
    Path dataDir;

    @Option(
            names = "--train-images",
            defaultValue = "1000",
            description =
                    "Labeled pairs published first; the service trains the first version once"
                            + " they are in, its pair trigger (default: ${DEFAULT-VALUE}).")
    int trainImages;

    @Option(
            names = "--more-images",
            defaultValue = "800",
            description =
                    "Further labeled pairs published for the second version, which a train-now"
                            + " command starts; fewer than --train-images, so the pair trigger"
                            + " does not start it early (default: ${DEFAULT-VALUE}).")
    int moreImages;

    @Option(
            names = "--epochs",
            defaultValue = "10",
            description = "Training epochs per run (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(
            names = "--decoder",
            defaultValue = "lstm",
            description =
                    "Decoder the training service trains: lstm (default, the faster) or attention"
                            + " (about 3x the training time; the report then shows where the model"
                            + " looked for each word).")
    String decoder;

    @Option(
            names = "--images",
            defaultValue = "24",
            description =
                    "Held-out images published once the first version is served, and again after"
                            + " the second is (default: ${DEFAULT-VALUE}).")
    int images;

    @Option(
            names = "--rate",
            defaultValue = "2",
            description =
                    "Images per second published while the second version trains (default:"
                            + " ${DEFAULT-VALUE}).")
    double rate;

    @Option(
            names = "--timeout",
            defaultValue = "900",
            description =
                    "Seconds to wait for each stage: a training run, a swap, every outcome"
                            + " (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Option(
            names = "--report",
            defaultValue = "demo-report.html",
            description = "The HTML report to write (default: ${DEFAULT-VALUE}).")
    Path reportFile;

    @Option(names = "--json", description = "Print the summary as one JSON object, last line.")
    boolean json;

    @Option(
            names = "--device",
            paramLabel = "DEVICE",
            description = "Where the demo trains and serves: " + DeviceOption.DESCRIPTION)
    String device;

    private static final long TRAIN_SEED = 1;
    private static final long HELD_OUT_SEED = 2026;
    private static final long FLOW_SEED = 2027;
    private static final int STAGES = 6;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        if (!"lstm".equals(decoder) && !"attention".equals(decoder)) {
            throw new UserException("demo: --decoder must be lstm or attention");
        }
        if (trainImages < 20 || epochs < 1 || images < 1 || rate <= 0) {
            throw new UserException(
                    "demo: --train-images must be >= 20, --epochs and --images >= 1, --rate > 0");
        }
        if (moreImages < 1 || moreImages >= trainImages) {
            throw new UserException(
                    "demo: --more-images must be between 1 and --train-images - 1, so that the"
                            + " pair trigger (--train-images) does not start the second run early");
        }
        // Ctrl-C runs the shutdown hooks: interrupt the demo and let it close what it opened
        // (app, stack, producers) before the JVM goes.
        Thread demo = Thread.currentThread();
        CountDownLatch finished = new CountDownLatch(1);
        AtomicBoolean stopping = new AtomicBoolean();
        Thread hook =
                new Thread(
                        () -> {
                            stopping.set(true);
                            demo.interrupt();
                            try {
                                finished.await(30, TimeUnit.SECONDS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        "demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return run(spec.commandLine().getOut(), err);
        } catch (Exception e) {
            // Interrupted anywhere (a client may wrap the interrupt in its own exception).
            if (!stopping.get() && !(e instanceof InterruptedException)) {
                throw e;
            }
            err.println("demo: interrupted; the services and the stack were shut down");
            Thread.currentThread().interrupt();
            return 130;
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // The JVM is already shutting down; the hook is running.
            }
        }
    }

    private int run(PrintWriter out, PrintWriter err) throws Exception {
        long started = System.nanoTime();
        DeviceOption.applyToProcess(device);
        Path dir =
                dataDir != null
                        ? dataDir
                        : Path.of(System.getProperty("user.home"), ".captioner", "demo");
        Path runDir = dir.resolve("run");
        deleteDirectory(runDir);
        Files.createDirectories(runDir);
        try {
            stage(err, 1, "starting Kafka and the schema registry (state in " + runDir + ")");
            try (LocalStack stack =
                    LocalStack.builder()
                            .optDataDir(runDir.resolve("stack"))
                            .optKafkaPort(0)
                            .optRegistryPort(0)
                            .build()) {
                stack.start();
                err.printf(
                        Locale.ROOT,
                        "stack: bootstrap=%s registry=%s%n",
                        stack.bootstrapServers(),
                        stack.registryUrl());
                Topics topics = Topics.create(Map.of("schema.registry.url", stack.registryUrl()));
                return serve(out, err, started, runDir, stack, topics);
            }
        } finally {
            deleteDirectory(runDir);
        }
    }

    private int serve(
            PrintWriter out,
            PrintWriter err,
            long started,
            Path runDir,
            LocalStack stack,
            Topics topics)
            throws Exception {
        stage(err, 2, "the training service and the captioning streams app");
        Map<String, List<String>> references = new ConcurrentHashMap<>();
        StreamsAppConfig config =
                StreamsAppConfig.of(
                        Map.of(
                                StreamsAppConfig.BOOTSTRAP_SERVERS,
                                stack.bootstrapServers(),
                                StreamsAppConfig.SCHEMA_REGISTRY_URL,
                                stack.registryUrl(),
                                StreamsAppConfig.APPLICATION_ID,
                                "captioner-demo",
                                StreamsAppConfig.DATA_DIR,
                                runDir.resolve("app").toString(),
                                StreamsAppConfig.MODEL_NAME,
                                DemoTrainer.MODEL_NAME,
                                StreamsAppConfig.HTTP_PORT,
                                0));
        List<TrainingRun> runs = new ArrayList<>();
        try (DemoTrainer trainer =
                        DemoTrainer.start(
                                stack,
                                topics,
                                runDir.resolve("training"),
                                trainImages,
                                epochs,
                                decoder);
                CaptioningApp app = CaptioningApp.start(config);
                DemoPairs pairs = new DemoPairs(stack.bootstrapServers(), topics);
                DemoFeed feed = new DemoFeed(stack.bootstrapServers(), topics);
                DemoCollector collector =
                        DemoCollector.start(
                                stack.bootstrapServers(),
                                topics,
                                c -> DemoSummary.printCaption(out, c, references))) {
            err.printf(
                    Locale.ROOT,
                    "training service: ops http://127.0.0.1:%d/status; streams app: ops"
                            + " http://127.0.0.1:%d/metrics (waiting for a model)%n",
                    trainer.httpPort(),
                    app.httpPort());

            stage(err, 3, trainImages + " labeled pairs; the service trains the first version");
            SyntheticDataset training =
                    SyntheticDataset.builder()
                            .setSeed(TRAIN_SEED)
                            .setImages(trainImages + moreImages)
                            .build();
            pairs.publish(training, 0, trainImages, err);
            TrainingRun first = awaitRun(trainer, null, null, err);
            if (first == null) {
                return 1;
            }
            runs.add(first);
            if (first.getVersion() == null || !awaitServing(app, first.getVersion())) {
                err.println(
                        "demo: no first version was published and served: "
                                + DemoSummary.describe(first));
                return finish(out, err, started, feed, collector, runs, null, Map.of());
            }
            err.printf(Locale.ROOT, "swap: the app serves %s now%n", first.getVersion());

            stage(err, 4, images + " held-out images and 2 broken ones");
            SyntheticDataset heldOut =
                    SyntheticDataset.builder().setSeed(HELD_OUT_SEED).setImages(images).build();
            out.println("captions as they arrive (version | image | caption | a reference):");
            for (int i = 0; i < images; i++) {
                send(feed, heldOut.get(i), "held-out", references);
            }
            feed.sendBroken();
            awaitOutcomes(feed, collector, err);

            stage(
                    err,
                    5,
                    moreImages
                            + " more pairs and train-now; images keep flowing while the second"
                            + " version trains");
            pairs.publish(training, trainImages, trainImages + moreImages, err);
            trainer.trainNow();
            String swapped = flowUntilSwap(app, feed, trainer, first, runs, references, err);
            awaitOutcomes(feed, collector, err);
            Map<String, AttentionMap> attention =
                    swapped == null || !"attention".equals(decoder)
                            ? Map.of()
                            : attention(stack, topics, runDir, swapped, feed, collector, err);
            return finish(out, err, started, feed, collector, runs, swapped, attention);
        }
    }

    private int finish(
            PrintWriter out,
            PrintWriter err,
            long started,
            DemoFeed feed,
            DemoCollector collector,
            List<TrainingRun> runs,
            String swapped,
            Map<String, AttentionMap> attention)
            throws IOException {
        stage(err, 6, "summary");
        DemoResults results =
                DemoSummary.results(
                        feed,
                        collector,
                        DemoSummary.versions(runs),
                        attention,
                        (System.nanoTime() - started) / 1e9);
        DemoReport.write(results, reportFile);
        DemoSummary.printSummary(out, results);
        err.printf(Locale.ROOT, "report: %s%n", reportFile.toAbsolutePath());
        if (json) {
            Map<String, Object> summary = results.summary();
            summary.put("report", reportFile.toAbsolutePath().toString());
            out.println(TopicTailCommand.JSON.writeValueAsString(summary));
        }
        out.flush();
        boolean complete =
                results.lost() == 0
                        && results.duplicated() == 0
                        && results.captioned() == results.expected()
                        && results.failures().size() == DemoFeed.BROKEN.size()
                        && swapped != null;
        return complete ? 0 : 1;
    }

    /** The attention maps of the captions {@code version} wrote, for the report's overlays. */
    private static Map<String, AttentionMap> attention(
            LocalStack stack,
            Topics topics,
            Path runDir,
            String version,
            DemoFeed feed,
            DemoCollector collector,
            PrintWriter err) {
        Map<String, String> captions = new LinkedHashMap<>();
        Map<String, byte[]> pngs = new LinkedHashMap<>();
        Map<String, DemoCollector.Arrival> arrived = collector.captions();
        for (DemoFeed.Sent s : feed.sent()) {
            DemoCollector.Arrival a = arrived.get(s.image().id());
            if (a != null && version.equals(a.event().getModelVersion())) {
                captions.put(s.image().id(), a.event().getCaption());
                pngs.put(s.image().id(), s.png());
            }
        }
        try {
            Map<String, AttentionMap> maps =
                    DemoAttention.of(
                            stack.bootstrapServers(),
                            topics,
                            DemoTrainer.MODEL_NAME,
                            version,
                            captions,
                            pngs,
                            runDir.resolve("attention"));
            err.printf(Locale.ROOT, "attention: %d caption(s) with their weights%n", maps.size());
            return maps;
        } catch (IOException | ModelVerificationException | RuntimeException e) {
            // The overlays are a view; the report is still written without them.
            err.println("demo: no attention overlays: " + e.getMessage());
            return Map.of();
        }
    }

    private void awaitOutcomes(DemoFeed feed, DemoCollector collector, PrintWriter err)
            throws InterruptedException {
        List<String> awaited = new ArrayList<>(feed.sentIds());
        awaited.addAll(DemoFeed.BROKEN);
        if (!collector.awaitOutcomes(awaited, Duration.ofSeconds(timeoutSeconds))) {
            err.printf(
                    Locale.ROOT,
                    "demo: not every image had an outcome within %d s%n",
                    timeoutSeconds);
        }
    }

    /**
     * Waits for the service to finish a run after {@code previous}, printing its progress; while
     * waiting, publishes a flowing image every {@code 1 / --rate} seconds when {@code feed} is set.
     */
    private TrainingRun awaitRun(
            DemoTrainer trainer, TrainingRun previous, Runnable flow, PrintWriter err)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        long pauseMillis = flow == null ? 1000 : Math.max(1, Math.round(1000 / rate));
        long nextStatus = 0;
        long nextRepeat = 0;
        String lastLine = "";
        String previousId = previous == null ? null : previous.getRunId();
        while (System.nanoTime() < deadline) {
            Optional<TrainingRun> done = trainer.runAfter(previousId);
            if (done.isPresent()) {
                err.println("training service: " + DemoSummary.describe(done.get()));
                return done.get();
            }
            if (System.nanoTime() >= nextStatus) {
                // A line when the phase or epoch changes, else one every 30 s with the ETA.
                String line = trainer.progressLine();
                String key = line.replaceAll(" ETA .*", "");
                if (!line.isEmpty() && (!key.equals(lastLine) || System.nanoTime() >= nextRepeat)) {
                    err.println(line);
                    err.flush();
                    lastLine = key;
                    nextRepeat = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                }
                nextStatus = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            }
            if (flow != null) {
                flow.run();
            }
            Thread.sleep(pauseMillis);
        }
        err.printf(
                Locale.ROOT,
                "demo: the training service finished no run within %d s%n",
                timeoutSeconds);
        return null;
    }

    /**
     * Publishes images at {@code --rate} while the second version trains; when the service
     * publishes it, waits until the app serves it, then publishes {@code --images} more.
     *
     * @return the swapped-in version, or null if it was rejected, failed or never served
     */
    private String flowUntilSwap(
            CaptioningApp app,
            DemoFeed feed,
            DemoTrainer trainer,
            TrainingRun first,
            List<TrainingRun> runs,
            Map<String, List<String>> references,
            PrintWriter err)
            throws InterruptedException {
        SyntheticDataset flow =
                SyntheticDataset.builder().setSeed(FLOW_SEED).setImages(1_000_000).build();
        int[] next = {0};
        String[] stage = {"while v2 trained"};
        Runnable sendOne = () -> send(feed, flow.get(next[0]++), stage[0], references);
        TrainingRun second = awaitRun(trainer, first, sendOne, err);
        if (second == null) {
            return null;
        }
        runs.add(second);
        String version = second.getVersion();
        if (version == null) {
            err.println("demo: the second run published nothing: " + DemoSummary.describe(second));
            return null;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        long pauseMillis = Math.max(1, Math.round(1000 / rate));
        while (!serves(app, version)) {
            if (System.nanoTime() > deadline) {
                err.printf(
                        Locale.ROOT,
                        "demo: the app did not serve %s within %d s%n",
                        version,
                        timeoutSeconds);
                return null;
            }
            sendOne.run();
            Thread.sleep(pauseMillis);
        }
        err.printf(Locale.ROOT, "swap: the app serves %s now%n", version);
        stage[0] = "after the swap";
        for (int i = 0; i < images; i++) {
            sendOne.run();
            Thread.sleep(pauseMillis);
        }
        return version;
    }

    private static void send(
            DemoFeed feed, CaptionedImage image, String stage, Map<String, List<String>> refs) {
        refs.put(image.id(), image.captions());
        feed.send(image, stage);
    }

    private boolean awaitServing(CaptioningApp app, String version) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (System.nanoTime() < deadline) {
            if (serves(app, version)) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    private static boolean serves(CaptioningApp app, String version) {
        return app.models()
                .current()
                .map(ServingModel::version)
                .filter(version::equals)
                .isPresent();
    }

    private static void stage(PrintWriter err, int n, String what) {
        err.printf(Locale.ROOT, "[%d/%d] %s%n", n, STAGES, what);
        err.flush();
    }

    /** Deletes {@code dir} and everything under it; nothing when it does not exist. */
    private static void deleteDirectory(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
