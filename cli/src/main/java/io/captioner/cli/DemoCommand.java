package io.captioner.cli;

import io.captioner.cli.DemoResults.FailureResult;
import io.captioner.cli.DemoResults.ImageResult;
import io.captioner.cli.DemoResults.VersionResult;
import io.captioner.cli.DemoTraining.Trained;
import io.captioner.events.CaptionEvent;
import io.captioner.events.CaptionFailure;
import io.captioner.model.Captioner;
import io.captioner.model.data.CaptionedImage;
import io.captioner.model.data.SyntheticDataset;
import io.captioner.model.metrics.MetricScores;
import io.captioner.modeltopic.ManifestInfo;
import io.captioner.modeltopic.ModelPublisher;
import io.captioner.release.CaptionerArtifacts;
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
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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
            "Runs the whole system in one JVM: a temporary Kafka + schema registry, a first tiny-cnn"
                    + " model version published to the models topic, the captioning streams app,"
                    + " held-out images and two broken ones, then a second version trained on more"
                    + " data and hot-swapped while images keep flowing. Prints each caption beside"
                    + " a reference as it arrives and a summary, and writes an HTML report."
        })
public final class DemoCommand implements Callable<Integer> {

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(
            names = {"--data-dir", "--work-dir"},
            description =
                    "Where the demo keeps its trained versions between runs and its temporary"
                            + " broker while it runs (default: ~/.captioner/demo, whatever the"
                            + " working directory).")
    Path dataDir;

    @Option(
            names = "--model",
            description =
                    "Serve this model artifact as the first version instead of training one"
                            + " (the second version warm-starts from it when compatible).")
    Path model;

    @Option(
            names = "--retrain",
            description = "Train both versions again even when an earlier run saved them.")
    boolean retrain;

    @Option(
            names = "--train-images",
            defaultValue = "600",
            description =
                    "Synthetic images the first version trains on (default: ${DEFAULT-VALUE});"
                            + " a changed value trains new versions.")
    int trainImages;

    @Option(
            names = "--more-images",
            defaultValue = "1200",
            description =
                    "Further synthetic images the second version also trains on (default:"
                            + " ${DEFAULT-VALUE}).")
    int moreImages;

    @Option(
            names = "--epochs",
            defaultValue = "6",
            description =
                    "Training epochs of the first version (default: ${DEFAULT-VALUE}); a changed"
                            + " value trains new versions.")
    int epochs;

    @Option(
            names = "--more-epochs",
            defaultValue = "15",
            description =
                    "Training epochs of the second version, warm-started from the first (default:"
                            + " ${DEFAULT-VALUE}).")
    int moreEpochs;

    @Option(
            names = "--images",
            defaultValue = "24",
            description =
                    "Held-out images published after the first version is served, and again after"
                            + " the swap (default: ${DEFAULT-VALUE}).")
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
            defaultValue = "300",
            description =
                    "Seconds to wait for each stage's captions, failures and swap (default:"
                            + " ${DEFAULT-VALUE}).")
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

    private static final long HELD_OUT_SEED = 2026;
    private static final long FLOW_SEED = 2027;
    private static final int STAGES = 6;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        if (trainImages < 20
                || moreImages < 0
                || epochs < 1
                || moreEpochs < 1
                || images < 1
                || rate <= 0) {
            throw new UserException(
                    "demo: --train-images must be >= 20, --more-images >= 0, --epochs,"
                            + " --more-epochs and --images >= 1, and --rate > 0");
        }
        if (model != null && !Files.isRegularFile(model)) {
            throw new UserException("demo: --model " + model + " is not a file");
        }
        // Ctrl-C runs the shutdown hooks: interrupt the demo and let it close what it opened
        // (app, stack, producers) before the JVM goes.
        Thread demo = Thread.currentThread();
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook =
                new Thread(
                        () -> {
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
        } catch (InterruptedException e) {
            err.println("demo: interrupted; the stack and the app were shut down");
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
        DemoTraining training = new DemoTraining(dir.resolve("models"), retrain, err);
        // Training runs on its own thread so that Ctrl-C (an interrupt of this one) stops the
        // demo at once, whatever the trainer is doing.
        ExecutorService background =
                Executors.newSingleThreadExecutor(
                        r -> {
                            Thread t = new Thread(r, "demo-training");
                            t.setDaemon(true);
                            return t;
                        });
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
                        "stack: bootstrap=%s registry=%s%n",
                        stack.bootstrapServers(), stack.registryUrl());
                Topics topics = Topics.create(Map.of("schema.registry.url", stack.registryUrl()));
                return serve(out, err, started, runDir, training, background, stack, topics);
            }
        } finally {
            background.shutdownNow();
            deleteDirectory(runDir);
        }
    }

    private int serve(
            PrintWriter out,
            PrintWriter err,
            long started,
            Path runDir,
            DemoTraining training,
            ExecutorService background,
            LocalStack stack,
            Topics topics)
            throws Exception {
        stage(err, 2, "the first model version");
        Trained first =
                model != null
                        ? new Trained(model, "given with --model", validated(training, model), 0)
                        : trained(
                                background.submit(
                                        () -> training.train("v1", trainImages, epochs, null)));
        ManifestInfo firstInfo = publish(stack, topics, first.file(), null);
        List<VersionResult> versions = new ArrayList<>();
        versions.add(
                new VersionResult(
                        firstInfo.version(),
                        first.training(),
                        first.validation().asMap(),
                        "PUBLISHED: nothing was served yet",
                        first.seconds()));
        err.printf(
                "model: published %s %s to '%s' and activated it (validation %s)%n",
                firstInfo.modelName(),
                firstInfo.version(),
                topics.models().name(),
                scores(first.validation()));

        stage(err, 3, "the captioning streams app");
        Map<String, List<String>> references = new ConcurrentHashMap<>();
        StreamsAppConfig config =
                StreamsAppConfig.of(
                        Map.of(
                                StreamsAppConfig.BOOTSTRAP_SERVERS, stack.bootstrapServers(),
                                StreamsAppConfig.SCHEMA_REGISTRY_URL, stack.registryUrl(),
                                StreamsAppConfig.APPLICATION_ID, "captioner-demo",
                                StreamsAppConfig.DATA_DIR, runDir.resolve("app").toString(),
                                StreamsAppConfig.MODEL_NAME, firstInfo.modelName(),
                                StreamsAppConfig.HTTP_PORT, 0));
        try (CaptioningApp app = CaptioningApp.start(config);
                DemoFeed feed = new DemoFeed(stack.bootstrapServers(), topics);
                DemoCollector collector =
                        DemoCollector.start(
                                stack.bootstrapServers(),
                                topics,
                                c -> printCaption(out, c, references))) {
            if (!app.awaitRunning(Duration.ofSeconds(timeoutSeconds))
                    || !awaitServing(app, firstInfo.version())) {
                err.println("demo: the streams app did not start serving " + firstInfo.version());
                return 1;
            }
            err.printf(
                    "streams app: serving %s, ops endpoint http://127.0.0.1:%d/metrics%n",
                    firstInfo.version(), app.httpPort());

            stage(err, 4, images + " held-out images and 2 broken ones");
            SyntheticDataset heldOut =
                    SyntheticDataset.builder().setSeed(HELD_OUT_SEED).setImages(images).build();
            out.println("captions as they arrive (version | image | caption | a reference):");
            for (int i = 0; i < images; i++) {
                send(feed, heldOut.get(i), "held-out", references);
            }
            feed.sendBroken();
            List<String> awaited = new ArrayList<>(feed.sentIds());
            awaited.addAll(DemoFeed.BROKEN);
            if (!collector.awaitOutcomes(awaited, Duration.ofSeconds(timeoutSeconds))) {
                err.println("demo: not every held-out image had an outcome in time");
            }

            stage(err, 5, "a second version trained on more data while images keep flowing");
            Future<Trained> secondTraining =
                    background.submit(
                            () ->
                                    training.train(
                                            "v2", trainImages + moreImages, moreEpochs, first));
            String swapped =
                    flowUntilSwap(
                            app,
                            feed,
                            secondTraining,
                            first,
                            firstInfo,
                            stack,
                            topics,
                            versions,
                            references,
                            err);
            List<String> all = new ArrayList<>(feed.sentIds());
            all.addAll(DemoFeed.BROKEN);
            if (!collector.awaitOutcomes(all, Duration.ofSeconds(timeoutSeconds))) {
                err.println("demo: not every image had an outcome in time");
            }
            if (swapped == null) {
                err.println("demo: the second version was not swapped in");
            }

            stage(err, 6, "summary");
            DemoResults results =
                    results(feed, collector, versions, (System.nanoTime() - started) / 1e9);
            DemoReport.write(results, reportFile);
            printSummary(out, results);
            err.printf("report: %s%n", reportFile.toAbsolutePath());
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
    }

    /**
     * Publishes images at {@code --rate} while the second version trains; publishes it when it
     * beats the first on the validation set, waits until the app serves it, then publishes {@code
     * --images} more.
     *
     * @return the swapped-in version, or null if it was rejected or never served
     */
    private String flowUntilSwap(
            CaptioningApp app,
            DemoFeed feed,
            Future<Trained> secondTraining,
            Trained first,
            ManifestInfo firstInfo,
            LocalStack stack,
            Topics topics,
            List<VersionResult> versions,
            Map<String, List<String>> references,
            PrintWriter err)
            throws Exception {
        SyntheticDataset flow =
                SyntheticDataset.builder().setSeed(FLOW_SEED).setImages(1_000_000).build();
        long pauseMillis = Math.max(1, Math.round(1000 / rate));
        int next = 0;
        String candidate = null;
        boolean decided = false;
        int afterSwap = -1;
        long deadline = Long.MAX_VALUE;
        while (afterSwap < images) {
            if (!decided && secondTraining.isDone()) {
                decided = true;
                deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
                Trained second = trained(secondTraining);
                double before = first.validation().cider();
                double after = second.validation().cider();
                if (after > before) {
                    ManifestInfo info = publish(stack, topics, second.file(), firstInfo.version());
                    candidate = info.version();
                    versions.add(
                            new VersionResult(
                                    candidate,
                                    second.training(),
                                    second.validation().asMap(),
                                    String.format(
                                            Locale.ROOT,
                                            "PUBLISHED: validation CIDEr %.3f > %.3f",
                                            after,
                                            before),
                                    second.seconds()));
                    err.printf(
                            "model: published %s and activated it (validation %s); the app swaps"
                                    + " between batches%n",
                            candidate, scores(second.validation()));
                } else {
                    err.printf(
                            "model: the second version is not better (validation CIDEr %.3f <="
                                    + " %.3f); not published%n",
                            after, before);
                    return null;
                }
            }
            if (candidate != null && afterSwap < 0 && serves(app, candidate)) {
                err.printf("swap: the app serves %s now%n", candidate);
                afterSwap = 0;
            }
            if (System.nanoTime() > deadline && afterSwap < 0) {
                return null;
            }
            send(
                    feed,
                    flow.get(next++),
                    afterSwap < 0 ? "while v2 trained" : "after the swap",
                    references);
            if (afterSwap >= 0) {
                afterSwap++;
            }
            Thread.sleep(pauseMillis);
        }
        return candidate;
    }

    private static Trained trained(Future<Trained> training) throws Exception {
        try {
            return training.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    private static MetricScores validated(DemoTraining training, Path file) throws IOException {
        try (Captioner captioner = Captioner.load(file)) {
            return training.validate(captioner);
        }
    }

    private static void send(
            DemoFeed feed, CaptionedImage image, String stage, Map<String, List<String>> refs) {
        refs.put(image.id(), image.captions());
        feed.send(image, stage);
    }

    private static ManifestInfo publish(
            LocalStack stack, Topics topics, Path file, String parentVersion) throws IOException {
        ManifestInfo info;
        try {
            info = CaptionerArtifacts.manifestInfo(file, parentVersion);
        } catch (IllegalArgumentException e) {
            throw new UserException("demo: cannot publish " + file + ": " + e.getMessage());
        }
        try (ModelPublisher publisher =
                ModelPublisher.builder()
                        .setBootstrapServers(stack.bootstrapServers())
                        .setTopics(topics)
                        .build()) {
            publisher.publish(file, info, true);
        }
        return info;
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

    private static void printCaption(
            PrintWriter out, CaptionEvent c, Map<String, List<String>> references) {
        List<String> refs = references.get(c.getImageId());
        out.printf(
                "  %s | %s | %s | %s%n",
                c.getModelVersion(),
                c.getImageId(),
                c.getCaption(),
                refs == null || refs.isEmpty() ? "" : refs.get(0));
        out.flush();
    }

    private static DemoResults results(
            DemoFeed feed, DemoCollector collector, List<VersionResult> versions, double seconds) {
        Map<String, DemoCollector.Arrival> captions = collector.captions();
        List<ImageResult> images = new ArrayList<>();
        for (DemoFeed.Sent s : feed.sent()) {
            DemoCollector.Arrival a = captions.get(s.image().id());
            images.add(
                    new ImageResult(
                            s.image().id(),
                            s.png(),
                            s.image().captions(),
                            a == null ? null : a.event().getCaption(),
                            a == null ? null : a.event().getModelVersion(),
                            a == null ? -1 : a.receivedMillis() - s.sentMillis(),
                            s.stage()));
        }
        List<FailureResult> failures = new ArrayList<>();
        for (Map.Entry<String, CaptionFailure> f : collector.failures().entrySet()) {
            failures.add(
                    new FailureResult(
                            f.getKey(),
                            String.valueOf(f.getValue().getReason()),
                            f.getValue().getMessage()));
        }
        return new DemoResults(
                images,
                failures,
                versions,
                collector.duplicates(),
                collector.unreadable(),
                seconds);
    }

    private static void printSummary(PrintWriter out, DemoResults r) {
        out.println("dead-lettered (key | reason | message):");
        for (FailureResult f : r.failures()) {
            out.printf("  %s | %s | %s%n", f.key(), f.reason(), f.message());
        }
        out.println("versions (version | training | decision | captions | served BLEU_4, CIDEr):");
        for (VersionResult v : r.versions()) {
            MetricScores served = r.servedScores(v.version());
            out.printf(
                    Locale.ROOT,
                    "  %s | %s | %s | %d | %s%n",
                    v.version(),
                    v.training(),
                    v.decision(),
                    r.captionedBy(v.version()),
                    served == null
                            ? "-"
                            : String.format(
                                    Locale.ROOT, "%.3f, %.3f", served.bleu4(), served.cider()));
        }
        out.printf(
                Locale.ROOT,
                "captioned %d of %d, lost %d, duplicated %d, dead-lettered %d, %.0f s%n",
                r.captioned(),
                r.expected(),
                r.lost(),
                r.duplicated(),
                r.failures().size(),
                r.seconds());
    }

    private static String scores(MetricScores s) {
        return String.format(Locale.ROOT, "BLEU_4 %.3f, CIDEr %.3f", s.bleu4(), s.cider());
    }

    private static void stage(PrintWriter err, int n, String what) {
        err.printf("[%d/%d] %s%n", n, STAGES, what);
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
