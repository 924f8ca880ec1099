package io.captioner.streams;

import io.captioner.schemas.Topic;
import io.captioner.schemas.Topics;
import io.captioner.streams.config.StreamsAppConfig;
import io.captioner.streams.model.ModelHolder;
import io.captioner.streams.ops.HealthStatus;
import io.captioner.streams.ops.MetricsRegistry;
import io.captioner.streams.ops.OpsHttpServer;
import io.captioner.streams.processor.CaptioningMetrics;
import io.captioner.streams.processor.CaptioningTopology;
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
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running streams app: the model, the Kafka Streams client of the captioning topology and the
 * ops HTTP endpoint, started together by {@link #start} and stopped together by {@link #close}.
 *
 * <p>Readiness ({@code /ready}) means Kafka Streams is {@code RUNNING} and a model is loaded;
 * liveness ({@code /health}) fails once Streams is in {@code ERROR} or stopped for good.
 */
public final class CaptioningApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CaptioningApp.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final StreamsAppConfig config;
    private final ModelHolder models;
    private final CaptioningMetrics metrics;
    private final KafkaStreams streams;
    private final OpsHttpServer ops;

    private CaptioningApp(
            StreamsAppConfig config,
            ModelHolder models,
            CaptioningMetrics metrics,
            KafkaStreams streams,
            OpsHttpServer ops) {
        this.config = config;
        this.models = models;
        this.metrics = metrics;
        this.streams = streams;
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
        if (config.modelPath().isEmpty()) {
            LOG.warn(
                    "No {} configured; images wait until a model is loaded",
                    StreamsAppConfig.MODEL_PATH);
        }
        KafkaStreams streams = null;
        OpsHttpServer ops = null;
        try {
            if (config.createTopics()) {
                createTopics(config);
            }
            CaptioningMetrics metrics = new CaptioningMetrics(new MetricsRegistry());
            metrics.registerModelInfo(models);
            Topology topology = CaptioningTopology.build(config, models, metrics);
            LOG.info("Topology:\n{}", topology.describe());
            streams = new KafkaStreams(topology, config.streamsProperties());
            streams.setUncaughtExceptionHandler(
                    e -> {
                        LOG.error("Stream thread failed; replacing it", e);
                        return StreamThreadExceptionResponse.REPLACE_THREAD;
                    });
            KafkaStreams running = streams;
            metrics.registry()
                    .supplierGauge(
                            "captioner_streams_running",
                            "1 while Kafka Streams is RUNNING.",
                            () -> running.state() == KafkaStreams.State.RUNNING ? 1 : 0);
            ops =
                    OpsHttpServer.builder()
                            .setMetrics(metrics.registry())
                            .optPort(config.httpPort())
                            .optLiveness(() -> liveness(running))
                            .optReadiness(() -> readiness(running, models))
                            .optModelManifest(() -> models.currentManifest().map(m -> (Object) m))
                            .build();
            ops.start();
            streams.start();
            return new CaptioningApp(config, models, metrics, streams, ops);
        } catch (IOException | RuntimeException e) {
            if (ops != null) {
                ops.close();
            }
            if (streams != null) {
                streams.close(CLOSE_TIMEOUT);
            }
            models.close();
            throw e;
        }
    }

    private static HealthStatus liveness(KafkaStreams streams) {
        KafkaStreams.State state = streams.state();
        return state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING
                ? HealthStatus.down("Kafka Streams is " + state)
                : HealthStatus.up();
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
     * Creates the images, captions and captions-dlq topics that do not exist yet, with their
     * recommended layout.
     *
     * @throws CaptioningAppException if the broker refuses or does not answer
     */
    public static void createTopics(StreamsAppConfig config) {
        Topics topics = CaptioningTopology.topics(config);
        List<Topic<String, ?>> needed =
                List.of(topics.images(), topics.captions(), topics.captionsDlq());
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

    /** The model holder, so a later issue can install models from the model topic. */
    public ModelHolder models() {
        return models;
    }

    /** The app's metrics. */
    public CaptioningMetrics metrics() {
        return metrics;
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

    /** Stops Streams (committing what is done), then the ops endpoint, then the model. */
    @Override
    public void close() {
        try {
            if (!streams.close(CLOSE_TIMEOUT)) {
                LOG.warn("Kafka Streams did not stop within {}", CLOSE_TIMEOUT);
            }
        } finally {
            ops.close();
            models.close();
        }
    }
}
