package io.captioner.streams;

import io.captioner.modeltopic.CatalogLimits;
import io.captioner.modeltopic.ModelCatalog;
import io.captioner.modeltopic.ModelTopicReader;
import io.captioner.modeltopic.ModelTopicWatcher;
import io.captioner.modeltopic.TrustedKeys;
import io.captioner.ops.HealthStatus;
import io.captioner.ops.OpsResponse;
import io.captioner.ops.OpsServer;
import io.captioner.ops.ServiceMetrics;
import io.captioner.schemas.Topic;
import io.captioner.schemas.Topics;
import io.captioner.streams.config.StreamsAppConfig;
import io.captioner.streams.model.ModelHolder;
import io.captioner.streams.model.ModelSwapMetrics;
import io.captioner.streams.model.ModelSwapper;
import io.captioner.streams.model.ServingModel;
import io.captioner.streams.processor.CaptioningMetrics;
import io.captioner.streams.processor.CaptioningTopology;
import io.micrometer.core.instrument.Gauge;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
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

    private CaptioningApp(
            StreamsAppConfig config,
            ModelHolder models,
            CaptioningMetrics metrics,
            ModelSwapMetrics swapMetrics,
            ModelTopicWatcher watcher,
            KafkaStreams streams,
            ServiceMetrics serviceMetrics,
            OpsServer ops) {
        this.config = config;
        this.models = models;
        this.metrics = metrics;
        this.swapMetrics = swapMetrics;
        this.watcher = watcher;
        this.streams = streams;
        this.serviceMetrics = serviceMetrics;
        this.ops = ops;
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
        if (config.modelPath().isEmpty() && !config.modelTopicEnabled()) {
            LOG.warn(
                    "Neither {} nor {} is set: images wait until a model is installed",
                    StreamsAppConfig.MODEL_PATH,
                    StreamsAppConfig.MODEL_TOPIC_ENABLED);
        }
        ModelTopicWatcher watcher = null;
        KafkaStreams streams = null;
        ServiceMetrics serviceMetrics = null;
        OpsServer ops = null;
        try {
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
            Topology topology = CaptioningTopology.build(config, models, metrics);
            LOG.info("Topology:\n{}", topology.describe());
            streams = new KafkaStreams(topology, config.streamsProperties());
            streams.setUncaughtExceptionHandler(
                    e -> {
                        LOG.error("Stream thread failed; replacing it", e);
                        return StreamThreadExceptionResponse.REPLACE_THREAD;
                    });
            serviceMetrics.bindKafkaStreams(streams);
            KafkaStreams running = streams;
            ModelTopicWatcher runningWatcher = watcher;
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
                            .optLiveness(() -> liveness(running, runningWatcher))
                            .optReadiness(() -> readiness(running, models))
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
                    config, models, metrics, swapMetrics, watcher, streams, serviceMetrics, ops);
        } catch (IOException | RuntimeException e) {
            if (ops != null) {
                ops.close();
            }
            if (streams != null) {
                streams.close(CLOSE_TIMEOUT);
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

    private static HealthStatus liveness(KafkaStreams streams, ModelTopicWatcher watcher) {
        KafkaStreams.State state = streams.state();
        if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING) {
            return HealthStatus.down("Kafka Streams is " + state);
        }
        if (watcher != null && watcher.failure().isPresent()) {
            // A dead watcher would silently stop hot swaps; a restart recovers it.
            return HealthStatus.down("model topic watcher stopped: " + watcher.failure().get());
        }
        return HealthStatus.up();
    }

    private static HealthStatus readiness(KafkaStreams streams, ModelHolder models) {
        KafkaStreams.State state = streams.state();
        if (state != KafkaStreams.State.RUNNING) {
            return HealthStatus.down("Kafka Streams is " + state);
        }
        if (models.currentManifest().isEmpty()) {
            return HealthStatus.down("no model loaded");
        }
        return HealthStatus.up();
    }

    /**
     * Creates the images, captions and captions-dlq topics (and models, when followed) that do not
     * exist yet, with their recommended layout.
     *
     * @throws CaptioningAppException if the broker refuses or does not answer
     */
    public static void createTopics(StreamsAppConfig config) {
        Topics topics = CaptioningTopology.topics(config);
        List<Topic<String, ?>> needed = new ArrayList<>();
        needed.addAll(List.of(topics.images(), topics.captions(), topics.captionsDlq()));
        if (config.modelTopicEnabled()) {
            needed.add(topics.models());
        }
        try (Admin admin = Admin.create(config.adminConfig())) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (Topic<String, ?> topic : needed) {
                if (!existing.contains(topic.name())) {
                    missing.add(topic.newTopic());
                }
            }
            if (missing.isEmpty()) {
                return;
            }
            try {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
                LOG.info("Created topics {}", missing.stream().map(NewTopic::name).toList());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new CaptioningAppException(
                    "cannot create topics on " + config.bootstrapServers(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CaptioningAppException("interrupted while creating topics", e);
        }
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
        return readiness(streams, models).isUp();
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
