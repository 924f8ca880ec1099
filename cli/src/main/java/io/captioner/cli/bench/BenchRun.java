package io.captioner.cli.bench;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import io.captioner.model.Captioner;
import io.captioner.model.DecodingOptions;
import io.captioner.model.EngineThreads;
import io.captioner.model.image.ImageDecoder;
import io.captioner.schemas.Topics;
import io.captioner.stack.LocalStack;
import io.captioner.streams.CaptioningApp;
import io.captioner.streams.config.ServingPlan;
import io.captioner.streams.config.StreamsAppConfig;
import io.captioner.streams.processor.CaptioningTopology;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Runs the bench's stages in order, on one set of images, and collects their figures: the model in
 * process (seed-style, then the batch sizes of the chart), then the streams app on a temporary
 * embedded stack (a warm-up, the end-to-end backlog, the open-loop steady state), with resident
 * memory sampled throughout.
 */
public final class BenchRun {

    /** Below this many cores of JIT work over a window, the warm-up has done its job. */
    public static final double JIT_QUIET_CORES = 0.05;

    /** The window over which the JIT's work is averaged during the warm-up. */
    public static final int JIT_WINDOW_SECONDS = 10;

    /** The app's batch-size histogram on {@code /metrics}. */
    static final String BATCH_SIZE_METRIC = "captioner_batch_size";

    private final BenchSettings settings;
    private final Consumer<String> progress;

    /** A run of {@code settings} reporting one line per step to {@code progress}. */
    public BenchRun(BenchSettings settings, Consumer<String> progress) {
        this.settings = settings;
        this.progress = progress;
    }

    /**
     * The app configuration the bench runs with: the user's extra keys, then the bench's own
     * (connection, model, batch size, state), which the command refuses to take from the user.
     */
    public static Map<String, Object> appConfig(
            BenchSettings settings, String bootstrap, String registry, Path model, Path stateDir) {
        Map<String, Object> config = new HashMap<>(settings.appConfig());
        config.put(StreamsAppConfig.BOOTSTRAP_SERVERS, bootstrap);
        config.put(StreamsAppConfig.SCHEMA_REGISTRY_URL, registry);
        config.put(StreamsAppConfig.APPLICATION_ID, "captioner-bench");
        config.put(StreamsAppConfig.STATE_DIR, stateDir.resolve("streams").toString());
        // Also the instance name's home: never the user's own app's data dir.
        config.put(StreamsAppConfig.DATA_DIR, stateDir.toString());
        config.put(StreamsAppConfig.MODEL_PATH, model.toString());
        config.putIfAbsent(StreamsAppConfig.MODEL_TOPIC_ENABLED, "false");
        config.put(StreamsAppConfig.MODEL_WORK_DIR, stateDir.resolve("models").toString());
        config.put(StreamsAppConfig.BATCH_MAX_SIZE, settings.batchSize());
        config.put(StreamsAppConfig.HTTP_PORT, 0);
        return config;
    }

    /** Runs every stage; the figures of a stage that cannot finish end the run as a failure. */
    public BenchResults run() throws IOException, InterruptedException {
        double loadStart = systemLoad();
        try (RssSampler rss = RssSampler.start(1000)) {
            rss.mark("start");
            int threads = applyThreads();
            Path modelFile =
                    settings.model().isPresent()
                            ? settings.model().get()
                            : PreparedModels.prepare(
                                    settings.dataDir(),
                                    settings.encoder(),
                                    settings.retrain(),
                                    progress);
            BenchImages images =
                    BenchImages.generate(
                            settings.images(), settings.imageSize(), BenchSettings.IMAGE_SEED);
            progress.accept(
                    String.format(
                            Locale.ROOT,
                            "images: %d synthetic %dx%d PNGs, %.1f KB on average (seed %d)",
                            images.size(),
                            images.imageSize(),
                            images.imageSize(),
                            images.meanBytes() / 1024,
                            images.seed()));
            Files.createDirectories(settings.dataDir());
            Path runDir = Files.createTempDirectory(settings.dataDir(), "run-");
            try {
                // Validated by the command already; only the connection is still a placeholder.
                DecodingOptions options =
                        StreamsAppConfig.of(
                                        appConfig(
                                                settings,
                                                "127.0.0.1:9092",
                                                "http://127.0.0.1:8081",
                                                modelFile,
                                                runDir))
                                .decodingOptions();
                InProcess inProcess = inProcess(modelFile, images, options);
                Pipeline pipeline = pipeline(modelFile, images, runDir, inProcess, rss);
                InProcessResult rawAgain = rawAgain(modelFile, images, options);
                return new BenchResults(
                        settings,
                        modelFile,
                        inProcess.modelName,
                        inProcess.modelVersion,
                        inProcess.encoder,
                        threads,
                        Runtime.getRuntime().availableProcessors(),
                        images.size(),
                        images.meanBytes(),
                        options,
                        inProcess.seedStyle,
                        inProcess.sweep,
                        Optional.of(rawAgain),
                        inProcess.gflopPerImage,
                        pipeline.streamThreads,
                        pipeline.appIntraOpThreads,
                        pipeline.partitions,
                        pipeline.e2e,
                        pipeline.avgBatchSize,
                        pipeline.steady,
                        pipeline.duplicates,
                        rss.markOf("start"),
                        rss.markOf("after_warm_up"),
                        rss.markOf("after_e2e"),
                        rss.markOf("end"),
                        rss.maxBytes(),
                        rss.samples(),
                        HostPeak.detect(Runtime.getRuntime().availableProcessors()),
                        loadStart,
                        systemLoad(),
                        pipeline.warmUp,
                        pipeline.e2eCpu,
                        pipeline.steadyCpu);
            } finally {
                deleteRecursively(runDir);
            }
        }
    }

    /**
     * The host's one-minute load average, -1 where unknown: above the core count, other processes
     * competed for the CPU and the figures are low.
     */
    private static double systemLoad() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /** Sets PyTorch's intra-op threads when asked, and returns the number in effect. */
    private int applyThreads() {
        settings.threads()
                .ifPresent(
                        t -> System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(t)));
        Engine.getEngine("PyTorch");
        // The property only takes effect when the engine starts; setting the count directly also
        // covers an engine this JVM had started before (and stream threads inherit it).
        settings.threads().ifPresent(JniUtils::setNumThreads);
        return JniUtils.getNumThreads();
    }

    private InProcess inProcess(Path modelFile, BenchImages images, DecodingOptions options)
            throws IOException {
        InProcess result = new InProcess();
        ImageDecoder decoder = ImageDecoder.builder().build();
        try (Captioner captioner = Captioner.load(modelFile)) {
            result.modelName = captioner.manifest().name();
            result.modelVersion = captioner.manifest().version();
            result.encoder = captioner.architecture().encoder();
            InProcessBench bench = new InProcessBench(captioner, decoder, images);
            // The seed decodes greedily; with a greedy app the batch-1 point of the chart is the
            // same measurement, so it is not run twice.
            DecodingOptions greedy =
                    options.beamSize() == 1
                            ? options
                            : DecodingOptions.greedy().withMaxLength(options.maxLength());
            warmUpInProcess(bench, greedy, options);
            result.seedStyle = bench.run(1, greedy, settings.stageCap());
            progress.accept(
                    "seed-style: " + describe(result.seedStyle) + " (one image at a time, greedy)");
            // The chart and the raw figure run the model as the app will: its inference threads
            // side by side, each with its intra-op threads (one thread with every core waits at
            // OpenMP barriers and would understate the model's limit).
            ServingPlan plan = appPlan();
            int seedThreads = JniUtils.getNumThreads();
            EngineThreads.setIntraOpThreads(settings.threads().orElse(plan.intraOpThreads()));
            TreeSet<Integer> sizes = new TreeSet<>(settings.sweep());
            sizes.add(settings.batchSize());
            try {
                for (int size : sizes) {
                    if (size > images.size() && size != settings.batchSize()) {
                        continue;
                    }
                    result.sweep.add(
                            timedRaw(
                                    bench,
                                    size,
                                    options,
                                    plan,
                                    size == settings.batchSize() ? "raw: " : "raw (chart): "));
                }
            } finally {
                EngineThreads.setIntraOpThreads(seedThreads);
            }
            InProcessResult raw = result.raw(settings.batchSize());
            result.gflopPerImage = ModelFlops.gflopPerImage(captioner, raw.meanTokens());
        }
        return result;
    }

    /**
     * The raw stage once more, after the stack has gone, in the JVM the stages through Kafka ran
     * in; the report takes the faster of the two raw figures.
     */
    private InProcessResult rawAgain(Path modelFile, BenchImages images, DecodingOptions options)
            throws IOException {
        ServingPlan plan = appPlan();
        int before = JniUtils.getNumThreads();
        EngineThreads.setIntraOpThreads(settings.threads().orElse(plan.intraOpThreads()));
        try (Captioner captioner = Captioner.load(modelFile)) {
            InProcessBench bench =
                    new InProcessBench(captioner, ImageDecoder.builder().build(), images);
            return timedRaw(
                    bench,
                    settings.batchSize(),
                    options,
                    plan,
                    "raw (again, after the pipeline): ");
        } finally {
            EngineThreads.setIntraOpThreads(before);
        }
    }

    /**
     * One raw measurement at {@code size} with the app's inference threads side by side, reported
     * as a progress line with the JIT's cores meanwhile.
     */
    private InProcessResult timedRaw(
            InProcessBench bench,
            int size,
            DecodingOptions options,
            ServingPlan plan,
            String label) {
        CpuUsage.Snapshot cpu = CpuUsage.take();
        InProcessResult r = bench.run(size, options, settings.stageCap(), plan.inferenceThreads());
        OptionalDouble jit = CpuUsage.take().jitCoresSince(cpu);
        progress.accept(
                label
                        + describe(r)
                        + (jit.isPresent()
                                ? String.format(
                                        Locale.ROOT, ", the JIT at %.2f cores", jit.getAsDouble())
                                : ""));
        return r;
    }

    private Pipeline pipeline(
            Path modelFile, BenchImages images, Path runDir, InProcess inProcess, RssSampler rss)
            throws IOException, InterruptedException {
        Pipeline result = new Pipeline();
        try (LocalStack stack =
                LocalStack.builder()
                        .optDataDir(runDir.resolve("kafka"))
                        .optKafkaPort(0)
                        .optRegistryPort(0)
                        .build()) {
            stack.start();
            progress.accept(
                    "stack: embedded Kafka "
                            + stack.bootstrapServers()
                            + ", schema registry "
                            + stack.registryUrl());
            List<StreamsAppConfig> configs = new ArrayList<>();
            for (int i = 0; i < settings.instances(); i++) {
                configs.add(
                        StreamsAppConfig.of(
                                appConfig(
                                        settings,
                                        stack.bootstrapServers(),
                                        stack.registryUrl(),
                                        modelFile,
                                        i == 0 ? runDir : runDir.resolve("instance-" + i))));
            }
            StreamsAppConfig config = configs.get(0);
            Topics topics = CaptioningTopology.topics(config);
            List<CaptioningApp> apps = new ArrayList<>();
            try {
                for (StreamsAppConfig c : configs) {
                    apps.add(CaptioningApp.start(c));
                }
                for (CaptioningApp app : apps) {
                    if (!app.awaitRunning(Duration.ofSeconds(120)) || !app.isReady()) {
                        throw new BenchException(
                                "the streams app was not ready within 120 s (state "
                                        + app.state()
                                        + ")");
                    }
                }
                result.streamThreads = config.getInt(StreamsAppConfig.NUM_STREAM_THREADS);
                // The app may choose its own intra-op threads at start (process-wide in PyTorch).
                result.appIntraOpThreads = JniUtils.getNumThreads();
                result.partitions = partitions(stack.bootstrapServers(), topics.images().name());
                progress.accept(
                        String.format(
                                Locale.ROOT,
                                "app: running, %d instance(s) of %d stream thread(s), %d PyTorch"
                                        + " thread(s), %d partitions on '%s', batch size %d",
                                apps.size(),
                                result.streamThreads,
                                result.appIntraOpThreads,
                                result.partitions,
                                topics.images().name(),
                                settings.batchSize()));
                HttpClient http = HttpClient.newHttpClient();
                double seedRate = inProcess.seedStyle.imagesPerSecond();
                try (CaptionTracker tracker =
                                CaptionTracker.start(
                                        stack.bootstrapServers(),
                                        topics.captions().name(),
                                        topics.captionsDlq().name(),
                                        topics.captionsDlq().valueSerde().deserializer(),
                                        Duration.ofSeconds(60));
                        PipelineBench load =
                                new PipelineBench(
                                        stack.bootstrapServers(),
                                        topics.images(),
                                        images,
                                        tracker)) {
                    result.warmUp = warmUp(load, seedRate);
                    rss.mark("after_warm_up");
                    AppMetrics before = scrape(http, apps);
                    int n = settings.images();
                    CpuUsage.Snapshot cpu = CpuUsage.take();
                    result.e2e = load.backlog("end to end", "bench-e2e-", n, timeout(n, seedRate));
                    result.e2eCpu = CpuUsage.take().coresSince(cpu);
                    rss.mark("after_e2e");
                    AppMetrics after = scrape(http, apps);
                    result.avgBatchSize = after.meanSince(before, BATCH_SIZE_METRIC);
                    progress.accept(
                            String.format(
                                    Locale.ROOT,
                                    "end to end: %d images in %.1f s: %.1f images/s, p50 %.0f ms,"
                                            + " p99 %.0f ms, average batch %s",
                                    result.e2e.images(),
                                    result.e2e.seconds(),
                                    result.e2e.imagesPerSecond(),
                                    result.e2e.latency().percentileMillis(50),
                                    result.e2e.latency().percentileMillis(99),
                                    result.avgBatchSize.isPresent()
                                            ? String.format(
                                                    Locale.ROOT,
                                                    "%.1f",
                                                    result.avgBatchSize.getAsDouble())
                                            : "unknown (no "
                                                    + BATCH_SIZE_METRIC
                                                    + " on /metrics)"));
                    double rate =
                            settings.steadyRate()
                                    .orElse(
                                            BenchSettings.DEFAULT_STEADY_FRACTION
                                                    * result.e2e.imagesPerSecond());
                    OpenLoopSchedule schedule =
                            new OpenLoopSchedule(rate, settings.steadyDuration());
                    progress.accept(
                            String.format(
                                    Locale.ROOT,
                                    "steady state: %.1f images/s for %d s (%d images, open loop)...",
                                    rate,
                                    settings.steadyDuration().toSeconds(),
                                    schedule.count()));
                    cpu = CpuUsage.take();
                    result.steady =
                            load.openLoop(
                                    "steady state",
                                    "bench-steady-",
                                    schedule,
                                    timeout(Math.max(settings.batchSize(), 1), seedRate));
                    result.steadyCpu = CpuUsage.take().coresSince(cpu);
                    progress.accept(
                            String.format(
                                    Locale.ROOT,
                                    "steady state: p50 %.0f ms, p99 %.0f ms, max %.0f ms (sender at"
                                            + " most %.0f ms late)",
                                    result.steady.latency().percentileMillis(50),
                                    result.steady.latency().percentileMillis(99),
                                    result.steady.latency().maxMillis(),
                                    result.steady.maxSendLagMillis()));
                    result.duplicates = tracker.duplicates();
                    // Before anything closes: the end of the run as a long-running app sees it.
                    rss.mark("end");
                }
            } finally {
                for (CaptioningApp app : apps) {
                    app.close();
                }
            }
        }
        return result;
    }

    /**
     * Runs backlogs through the app for at least the warm-up time (at least one backlog of two
     * batches), then on until the JIT is quiet or the longest warm-up has passed: a JVM holding
     * broker, clients and app compiles for a minute or more, and figures taken meanwhile measure
     * the JIT, not the pipeline.
     */
    private BenchResults.WarmUp warmUp(PipelineBench load, double seedRate)
            throws InterruptedException {
        int round = Math.max(8, 2 * settings.batchSize());
        // Rounds the size of the measured backlog: a longer backlog fills the buffers and blocks
        // the producer, code that smaller rounds never make hot and the JIT would compile while
        // the end-to-end stage is timed.
        int backlog = Math.max(round, settings.images());
        long start = System.nanoTime();
        long minUntil = start + settings.warmUp().toNanos();
        long maxUntil = start + settings.warmUpMax().toNanos();
        long windowNanos = TimeUnit.SECONDS.toNanos(JIT_WINDOW_SECONDS);
        CpuUsage.Snapshot window = CpuUsage.take();
        OptionalDouble jit = OptionalDouble.empty();
        int images = 0;
        int rounds = 0;
        while (true) {
            int count = rounds == 0 ? round : backlog;
            load.backlog("warm-up", "bench-warm-" + rounds + "-", count, timeout(count, seedRate));
            images += count;
            rounds++;
            CpuUsage.Snapshot now = CpuUsage.take();
            if (now.atNanos() - window.atNanos() >= windowNanos) {
                jit = now.jitCoresSince(window);
                window = now;
            }
            if (now.atNanos() < minUntil) {
                continue;
            }
            // Where the JIT cannot be read, the minimum is all there is to go by.
            boolean quiet =
                    !window.hiddenRead() || jit.isPresent() && jit.getAsDouble() < JIT_QUIET_CORES;
            if (quiet || now.atNanos() >= maxUntil) {
                break;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        progress.accept(
                String.format(
                        Locale.ROOT,
                        "warm-up: %d images through the app in %.1f s, %s",
                        images,
                        seconds,
                        jit.isEmpty()
                                ? "JIT not measured"
                                : String.format(
                                        Locale.ROOT,
                                        "the JIT at %.2f cores over the last %d s%s",
                                        jit.getAsDouble(),
                                        JIT_WINDOW_SECONDS,
                                        jit.getAsDouble() < JIT_QUIET_CORES
                                                ? ""
                                                : " (not quiet within --warm-up-max)")));
        return new BenchResults.WarmUp(seconds, images, jit);
    }

    /**
     * How long a stage of {@code images} may take before the bench gives up: a minute plus ten
     * times what the seed-style path would need. Only a broken pipeline is that slow.
     */
    private static Duration timeout(int images, double seedStyleImagesPerSecond) {
        return Duration.ofSeconds(60)
                .plusMillis((long) (10_000.0 * images / seedStyleImagesPerSecond));
    }

    /** The serving plan the app will make on this host with the bench's settings. */
    private ServingPlan appPlan() {
        return StreamsAppConfig.of(
                        appConfig(
                                settings,
                                "127.0.0.1:9092",
                                "http://127.0.0.1:8081",
                                Path.of("model"),
                                settings.dataDir()))
                .servingPlan(
                        Runtime.getRuntime().availableProcessors(), EngineThreads.gpuAvailable());
    }

    /**
     * Runs untimed passes at batch 1 and at the batch size first (together at most the warm-up, and
     * 10 s): the JIT compiles the Java decoder and the model's glue through the first seconds of
     * the JVM, and a seed-style figure taken meanwhile made the pipeline's gain over it look
     * larger.
     */
    private void warmUpInProcess(
            InProcessBench bench, DecodingOptions greedy, DecodingOptions options) {
        Duration each =
                (settings.warmUp().compareTo(Duration.ofSeconds(10)) < 0
                                ? settings.warmUp()
                                : Duration.ofSeconds(10))
                        .dividedBy(2);
        if (each.isZero()) {
            return;
        }
        InProcessResult one = bench.run(1, greedy, each);
        InProcessResult batch = bench.run(settings.batchSize(), options, each);
        progress.accept(
                String.format(
                        Locale.ROOT,
                        "in-process warm-up: %d images at batch 1, %d at batch %d (untimed)",
                        one.images(),
                        batch.images(),
                        settings.batchSize()));
    }

    private static AppMetrics scrape(HttpClient http, List<CaptioningApp> apps)
            throws IOException, InterruptedException {
        List<AppMetrics> scrapes = new ArrayList<>();
        for (CaptioningApp app : apps) {
            scrapes.add(AppMetrics.scrape(http, app.httpPort()));
        }
        return AppMetrics.sum(scrapes);
    }

    private static int partitions(String bootstrap, String topic) {
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            return admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get(30, TimeUnit.SECONDS)
                    .get(topic)
                    .partitions()
                    .size();
        } catch (ExecutionException | TimeoutException e) {
            throw new BenchException("cannot describe topic " + topic + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted while describing topic " + topic, e);
        }
    }

    private static String describe(InProcessResult r) {
        return String.format(
                Locale.ROOT,
                "batch %d: %d images in %.1f s on %d thread(s) x %d intra-op: %.1f images/s, %.0f"
                        + " ms per batch (p50), %.0f%% decoding PNGs, %.1f words per caption",
                r.batchSize(),
                r.images(),
                r.seconds(),
                r.workers(),
                r.intraOpThreads(),
                r.imagesPerSecond(),
                r.batchLatency().percentileMillis(50),
                100 * r.decodeShare(),
                r.meanTokens());
    }

    private static void deleteRecursively(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(
                            p -> {
                                try {
                                    Files.deleteIfExists(p);
                                } catch (IOException e) {
                                    // best effort: the next run uses a fresh directory anyway
                                }
                            });
        } catch (IOException e) {
            // best effort
        }
    }

    /** What the in-process stages found. */
    private static final class InProcess {
        String modelName;
        String modelVersion;
        String encoder;
        InProcessResult seedStyle;
        final List<InProcessResult> sweep = new ArrayList<>();
        OptionalDouble gflopPerImage = OptionalDouble.empty();

        InProcessResult raw(int batchSize) {
            return sweep.stream().filter(r -> r.batchSize() == batchSize).findFirst().orElseThrow();
        }
    }

    /** What the stages through Kafka found. */
    private static final class Pipeline {
        int streamThreads;
        int appIntraOpThreads;
        int partitions;
        PipelineBench.BacklogResult e2e;
        OptionalDouble avgBatchSize = OptionalDouble.empty();
        PipelineBench.SteadyResult steady;
        long duplicates;
        BenchResults.WarmUp warmUp;
        Map<String, Double> e2eCpu = Map.of();
        Map<String, Double> steadyCpu = Map.of();
    }
}
