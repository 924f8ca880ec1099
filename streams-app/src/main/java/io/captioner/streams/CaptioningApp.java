package io.captioner.streams;

import io.captioner.model.EngineThreads;
import io.captioner.modeltopic.CatalogLimits;
import io.captioner.modeltopic.ModelCatalog;
import io.captioner.modeltopic.ModelTopicReader;
import io.captioner.modeltopic.ModelTopicWatcher;
import io.captioner.modeltopic.TrustedKeys;
import io.captioner.ops.HealthStatus;
import io.captioner.ops.OpsResponse;
import io.captioner.ops.OpsServer;
import io.captioner.ops.ServiceMetrics;
import io.captioner.schemas.Topics;
import io.captioner.streams.config.ServingPlan;
import io.captioner.streams.config.StreamsAppConfig;
import io.captioner.streams.model.ModelHolder;
import io.captioner.streams.model.ModelSwapMetrics;
import io.captioner.streams.model.ModelSwapper;
import io.captioner.streams.model.ServingModel;
import io.captioner.streams.processor.CaptioningMetrics;
import io.captioner.streams.processor.CaptioningPipeline;
import io.captioner.streams.processor.CaptioningTopology;
import io.captioner.streams.processor.ProcessorSettings;
import io.micrometer.core.instrument.Gauge;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.CloseOptions.GroupMembershipOperation;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running streams app: the model, the Kafka Streams client of the captioning topology and the
 * ops HTTP endpoint, started together by {@link #start} and stopped together by {@link #close}.
 *
 * <p>The model comes from {@link StreamsAppConfig#MODEL_PATH} and/or the models topic: with the
 * topic followed (the default), start waits until the topic's active version is loaded, and every
 * later activation is loaded and warmed on the watcher's thread and swapped in between batches.
 *
 * <p>Readiness ({@code /ready}) means Kafka Streams is {@code RUNNING} and a model is loaded;
 * liveness ({@code /health}) fails once Streams is in {@code ERROR} or stopped for good, or the
 * model topic watcher died.
 */
public final class CaptioningApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CaptioningApp.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final StreamsAppConfig config;
    private final ModelHolder models;
    private final CaptioningMetrics metrics;
    private final ModelSwapMetrics swapMetrics;
    private final ModelTopicWatcher watcher;
    private final KafkaStreams streams;
    private final ServiceMetrics serviceMetrics;
    private final OpsServer ops;
    private final CaptioningPipeline pipeline;
    private final CrashLoopMonitor crashLoop;
    private final ServingPlan plan;
    private final DeadMemberRemover remover;

    private CaptioningApp(
            StreamsAppConfig config,
            ModelHolder models,
            CaptioningMetrics metrics,
            ModelSwapMetrics swapMetrics,
            ModelTopicWatcher watcher,
            KafkaStreams streams,
            ServiceMetrics serviceMetrics,
            OpsServer ops,
            CaptioningPipeline pipeline,
            CrashLoopMonitor crashLoop,
            ServingPlan plan,
            DeadMemberRemover remover) {
        this.config = config;
        this.models = models;
        this.metrics = metrics;
        this.swapMetrics = swapMetrics;
        this.watcher = watcher;
        this.streams = streams;
        this.serviceMetrics = serviceMetrics;
        this.ops = ops;
        this.pipeline = pipeline;
        this.crashLoop = crashLoop;
        this.plan = plan;
        this.remover = remover;
    }

    /**
     * Loads the configured model, creates missing topics, starts Kafka Streams and the ops
     * endpoint. Without a configured model the app starts not ready and its buffers wait.
     *
     * @throws IOException if the model cannot be loaded or the ops port cannot be bound
     * @throws CaptioningAppException if the topics cannot be created
     */
    public static CaptioningApp start(StreamsAppConfig config) throws IOException {
        Objects.requireNonNull(config, "config");
        ModelHolder models =
                config.modelPath().isPresent()
                        ? ModelHolder.load(config.modelPath().get())
                        : new ModelHolder();
        return start(config, models);
    }

    /**
     * Like {@link #start(StreamsAppConfig)} with a model holder the caller prepared (an embedding
     * application's own model, a decorated one); the app takes ownership and closes it.
     */
    public static CaptioningApp start(StreamsAppConfig config, ModelHolder models)
            throws IOException {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(models, "models");
        if (models.current().isEmpty()
                && config.modelPath().isEmpty()
                && !config.modelTopicEnabled()) {
            LOG.warn(
                    "Neither {} nor {} is set: images wait until a model is installed",
                    StreamsAppConfig.MODEL_PATH,
                    StreamsAppConfig.MODEL_TOPIC_ENABLED);
        }
        ModelTopicWatcher watcher = null;
        KafkaStreams streams = null;
        ServiceMetrics serviceMetrics = null;
        OpsServer ops = null;
        CaptioningPipeline pipeline = null;
        DeadMemberRemover remover = null;
        try {
            Files.createDirectories(config.dataDirectory());
            ServingPlan plan = plan(config);
            if (config.createTopics()) {
                createTopics(config);
            }
            serviceMetrics = ServiceMetrics.builder().build();
            CaptioningMetrics metrics = new CaptioningMetrics(serviceMetrics.registry());
            metrics.registerModelInfo(models);
            ModelSwapMetrics swapMetrics = new ModelSwapMetrics(serviceMetrics.registry());
            if (config.modelTopicEnabled()) {
                watcher = watchModelTopic(config, models, swapMetrics);
                watcher.bindConsumer(serviceMetrics::bindKafkaClient);
            }
            Topics topics = CaptioningTopology.topics(config);
            pipeline =
                    CaptioningPipeline.builder(config, topics)
                            .setModels(models)
                            .setMetrics(metrics)
                            .optInputThreads(plan.inputThreads())
                            .optInferenceThreads(plan.inferenceThreads())
                            .optMaxModelBackoffMs(
                                    config.getLong(StreamsAppConfig.MODEL_FAILURE_MAX_BACKOFF_MS))
                            .build();
            ProcessorSettings settings = ProcessorSettings.of(config, plan);
            Topology topology = CaptioningTopology.build(topics, settings, pipeline);
            LOG.info("Topology:\n{}", topology.describe());
            String instance =
                    config.staticMembership()
                            ? config.instanceName()
                                    .orElseGet(
                                            () ->
                                                    InstanceName.inDataDirectory(
                                                            config.dataDirectory()))
                            : null;
            LOG.info(
                    "Serving plan: {}; instance {}, state in {}",
                    plan.describe(),
                    instance == null ? "(dynamic membership)" : instance,
                    config.stateDirectory());
            streams = new KafkaStreams(topology, config.streamsProperties(instance));
            remover =
                    instance == null
                            ? null
                            : new DeadMemberRemover(
                                    config.adminConfig(), config.applicationId(), instance);
            DeadMemberRemover runningRemover = remover;
            CrashLoopMonitor crashLoop =
                    new CrashLoopMonitor(
                            config.getInt(StreamsAppConfig.HEALTH_MAX_REPLACEMENTS),
                            Duration.ofMillis(
                                    config.getLong(StreamsAppConfig.HEALTH_REPLACEMENT_WINDOW_MS)),
                            System::currentTimeMillis);
            streams.setUncaughtExceptionHandler(
                    e -> {
                        crashLoop.replaced(e);
                        metrics.threadReplaced();
                        if (runningRemover != null) {
                            // The replacement joins under a new id; let the dead one go now.
                            runningRemover.removeMemberOf(Thread.currentThread().getName());
                        }
                        LOG.error(
                                "Stream thread failed; replacing it ({} replacement(s) so far)",
                                crashLoop.total(),
                                e);
                        return StreamThreadExceptionResponse.REPLACE_THREAD;
                    });
            serviceMetrics.bindKafkaStreams(streams);
            KafkaStreams running = streams;
            ModelTopicWatcher runningWatcher = watcher;
            CaptioningPipeline runningPipeline = pipeline;
            Gauge.builder(
                            "captioner.streams.running",
                            streams,
                            s -> s.state() == KafkaStreams.State.RUNNING ? 1 : 0)
                    .description("1 while Kafka Streams is RUNNING.")
                    .strongReference(true)
                    .register(serviceMetrics.registry());
            ops =
                    OpsServer.builder()
                            .setMetrics(serviceMetrics.registry())
                            .setPort(config.httpPort())
                            .optBindAddress(config.httpBindAddress())
                            .optLiveness(
                                    () ->
                                            liveness(
                                                    running,
                                                    runningWatcher,
                                                    crashLoop,
                                                    runningPipeline))
                            .optReadiness(() -> readiness(running, models, runningPipeline))
                            .optEndpoint(
                                    "/model",
                                    request ->
                                            models.currentManifest()
                                                    .map(OpsResponse::json)
                                                    .orElseGet(
                                                            () ->
                                                                    OpsResponse.error(
                                                                            404,
                                                                            "no model loaded")))
                            .build();
            ops.start();
            streams.start();
            return new CaptioningApp(
                    config,
                    models,
                    metrics,
                    swapMetrics,
                    watcher,
                    streams,
                    serviceMetrics,
                    ops,
                    pipeline,
                    crashLoop,
                    plan,
                    remover);
        } catch (IOException | RuntimeException e) {
            if (remover != null) {
                remover.close();
            }
            if (ops != null) {
                ops.close();
            }
            if (streams != null) {
                streams.close(CLOSE_TIMEOUT);
            }
            if (pipeline != null) {
                pipeline.close();
            }
            if (watcher != null) {
                watcher.close();
            }
            if (serviceMetrics != null) {
                serviceMetrics.close();
            }
            models.close();
            throw e;
        }
    }

    /**
     * The serving plan on this host, with PyTorch's intra-op threads set to it (unless {@code
     * -Dai.djl.pytorch.num_threads} was given and the key was not).
     */
    private static ServingPlan plan(StreamsAppConfig config) {
        ServingPlan plan =
                config.servingPlan(
                        Runtime.getRuntime().availableProcessors(), EngineThreads.gpuAvailable());
        int intraOp = plan.intraOpThreads();
        if (config.getInt(StreamsAppConfig.INFERENCE_INTRA_OP_THREADS) == 0
                && Integer.getInteger(EngineThreads.PROPERTY) != null) {
            intraOp = Integer.getInteger(EngineThreads.PROPERTY);
        }
        EngineThreads.setIntraOpThreads(intraOp);
        return new ServingPlan(
                plan.batchSize(),
                plan.inferenceThreads(),
                intraOp,
                plan.inputThreads(),
                plan.inflightBatches(),
                plan.cores(),
                plan.gpu());
    }

    /**
     * Starts following the models topic and waits (up to {@link
     * StreamsAppConfig#MODEL_STARTUP_WAIT_MS}) until its active version is loaded, so a restarted
     * app serves that version from its first batch rather than the file model or none.
     */
    private static ModelTopicWatcher watchModelTopic(
            StreamsAppConfig config, ModelHolder models, ModelSwapMetrics swapMetrics) {
        ModelTopicReader.Builder reader =
                ModelTopicReader.builder()
                        .setBootstrapServers(config.bootstrapServers())
                        .setTopics(CaptioningTopology.topics(config))
                        .optConsumerConfig(config.modelTopicConsumerConfig());
        config.trustedKeysDirectory()
                .ifPresent(dir -> reader.optTrustedKeys(TrustedKeys.fromDirectory(dir)));
        config.modelWorkDirectory().ifPresent(reader::optWorkDirectory);
        reader.optLimits(CatalogLimits.of(config.modelMaxArtifactBytes()));
        ModelSwapper swapper =
                new ModelSwapper(models, config.modelName(), config.decodingOptions(), swapMetrics);
        ModelTopicWatcher watcher = reader.build().watch(swapper);
        try {
            if (watcher.awaitCaughtUp(config.modelStartupWait())) {
                LOG.info(
                        "Read the models topic; serving {}",
                        models.current().map(ServingModel::toString).orElse("no model yet"));
            } else {
                LOG.warn(
                        "The models topic was not read within {}; starting with {} and swapping"
                                + " when its active version is loaded",
                        config.modelStartupWait(),
                        models.current().map(ServingModel::toString).orElse("no model"));
            }
            return watcher;
        } catch (InterruptedException e) {
            // Close first: with the interrupt flag set, close() could not wait for the thread.
            watcher.close();
            Thread.currentThread().interrupt();
            throw new CaptioningAppException("interrupted while reading the models topic", e);
        }
    }

    private static HealthStatus liveness(
            KafkaStreams streams,
            ModelTopicWatcher watcher,
            CrashLoopMonitor crashLoop,
            CaptioningPipeline pipeline) {
        KafkaStreams.State state = streams.state();
        if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING) {
            return HealthStatus.down("Kafka Streams is " + state);
        }
        Optional<String> looping = crashLoop.crashLoop();
        if (looping.isPresent()) {
            return HealthStatus.down(looping.get());
        }
        Optional<String> modelFailure = pipeline.modelFailure();
        if (modelFailure.isPresent()) {
            // Images are kept and retried; a restart may clear a device fault.
            return HealthStatus.down(modelFailure.get());
        }
        if (watcher != null && watcher.failure().isPresent()) {
            // A dead watcher would silently stop hot swaps; a restart recovers it.
            return HealthStatus.down("model topic watcher stopped: " + watcher.failure().get());
        }
        return HealthStatus.up();
    }

    private static HealthStatus readiness(
            KafkaStreams streams, ModelHolder models, CaptioningPipeline pipeline) {
        KafkaStreams.State state = streams.state();
        if (state != KafkaStreams.State.RUNNING) {
            return HealthStatus.down("Kafka Streams is " + state);
        }
        if (models.currentManifest().isEmpty()) {
            return HealthStatus.down("no model loaded");
        }
        if (pipeline.modelFailure().isPresent()) {
            return HealthStatus.down(pipeline.modelFailure().get());
        }
        return HealthStatus.up();
    }

    /**
     * Creates the images, captions and captions-dlq topics (and models, when followed) that do not
     * exist yet, with their recommended layout, and raises an existing buffer changelog's message
     * size to what the largest accepted image needs.
     *
     * @throws CaptioningAppException if the broker refuses or does not answer
     */
    public static void createTopics(StreamsAppConfig config) {
        TopicSetup.ensure(config);
    }

    /**
     * Waits until Kafka Streams is RUNNING.
     *
     * @return whether it got there within {@code timeout}
     */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            KafkaStreams.State state = streams.state();
            if (state == KafkaStreams.State.RUNNING) {
                return true;
            }
            if (!state.isRunningOrRebalancing() && state != KafkaStreams.State.CREATED) {
                return false;
            }
            Thread.sleep(50);
        }
        return false;
    }

    /** Whether Streams is RUNNING and a model is loaded (what {@code /ready} reports). */
    public boolean isReady() {
        return readiness(streams, models, pipeline).isUp();
    }

    /** The bound port of the ops endpoint. */
    public int httpPort() {
        return ops.port();
    }

    /** The model holder (what serves now; installs from the models topic go through it). */
    public ModelHolder models() {
        return models;
    }

    /** The app's metrics. */
    public CaptioningMetrics metrics() {
        return metrics;
    }

    /**
     * The live catalog of the models topic (versions, completeness, activations) while the topic is
     * followed; empty when {@link StreamsAppConfig#MODEL_TOPIC_ENABLED} is off.
     */
    public Optional<ModelCatalog> modelCatalog() {
        return watcher == null ? Optional.empty() : Optional.of(watcher.catalog());
    }

    /** The hot-swap metrics: swaps, refused versions, load-and-warm time. */
    public ModelSwapMetrics swapMetrics() {
        return swapMetrics;
    }

    /** How this instance spends its host (batch size, threads). */
    public ServingPlan plan() {
        return plan;
    }

    /** Stream-thread replacements since start. */
    public long threadReplacements() {
        return crashLoop.total();
    }

    /** What {@code /health} reports now. */
    public HealthStatus health() {
        return liveness(streams, watcher, crashLoop, pipeline);
    }

    /** The configuration the app runs with. */
    public StreamsAppConfig config() {
        return config;
    }

    /** The state of Kafka Streams. */
    public KafkaStreams.State state() {
        return streams.state();
    }

    /** A one-line summary of what runs, for logs and the CLI's READY line. */
    public String describe() {
        Optional<String> model = models.current().map(m -> m.name() + "/" + m.version());
        return "http="
                + httpPort()
                + " bootstrap="
                + config.bootstrapServers()
                + " application.id="
                + config.applicationId()
                + " model="
                + model.orElse("none");
    }

    /**
     * Stops Streams (committing what is done), then the model topic watcher, the ops endpoint, the
     * metrics binders and the model.
     */
    @Override
    public void close() {
        try {
            CloseOptions options =
                    CloseOptions.timeout(CLOSE_TIMEOUT)
                            .withGroupMembershipOperation(
                                    config.leaveGroupOnClose()
                                            ? GroupMembershipOperation.LEAVE_GROUP
                                            : GroupMembershipOperation.REMAIN_IN_GROUP);
            if (!streams.close(options)) {
                LOG.warn("Kafka Streams did not stop within {}", CLOSE_TIMEOUT);
            }
            pipeline.close();
            if (remover != null) {
                remover.close();
            }
        } finally {
            try {
                if (watcher != null) {
                    watcher.close();
                }
            } finally {
                try {
                    ops.close();
                } finally {
                    try {
                        serviceMetrics.close();
                    } finally {
                        models.close();
                    }
                }
            }
        }
    }
}
