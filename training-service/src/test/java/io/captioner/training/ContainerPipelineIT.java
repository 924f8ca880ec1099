package io.captioner.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.captioner.events.CaptionEvent;
import io.captioner.events.CaptionFailure;
import io.captioner.events.FailureReason;
import io.captioner.events.ImageEvent;
import io.captioner.events.LabeledPair;
import io.captioner.events.TrainingDecision;
import io.captioner.events.TrainingRun;
import io.captioner.model.data.CaptionedImage;
import io.captioner.model.data.SyntheticDataset;
import io.captioner.schemas.Topic;
import io.captioner.schemas.Topics;
import io.captioner.streams.CaptioningApp;
import io.captioner.streams.config.StreamsAppConfig;
import io.captioner.streams.model.ServingModel;
import io.captioner.training.config.TrainingServiceConfig;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The whole pipeline against Apache Kafka and Confluent's Schema Registry in containers (the images
 * of docker-compose.yml): labeled pairs in, the training service trains and publishes a version,
 * the streams app hot-swaps to it and captions held-out images, and bad images become dead letters
 * with their reasons. Skipped where no Docker engine runs (as on the project's CI machines).
 */
@Testcontainers(disabledWithoutDocker = true)
class ContainerPipelineIT {

    private static final Logger LOG = LoggerFactory.getLogger(ContainerPipelineIT.class);

    // The same tags as docker-compose.yml.
    private static final DockerImageName KAFKA = DockerImageName.parse("apache/kafka:4.1.0");
    private static final DockerImageName REGISTRY =
            DockerImageName.parse("confluentinc/cp-schema-registry:7.9.0");

    // A small run (tiny-cnn, as DemoCommandIT's 120 pairs x 2 epochs): enough for the service to
    // publish a first version, which is what this test is about; caption quality is
    // TrainingServiceIT's concern.
    private static final int PAIRS = 160;
    private static final int EPOCHS = 2;
    private static final int HELD_OUT = 5;
    private static final String TRUNCATED = "broken-truncated-png";
    private static final String FORBIDDEN = "broken-forbidden-uri";

    @TempDir static Path dir;
    private static Network network;
    private static KafkaContainer kafka;
    private static GenericContainer<?> registry;
    private static Topics topics;

    @BeforeAll
    static void startContainers() {
        network = Network.newNetwork();
        kafka =
                new KafkaContainer(KAFKA)
                        .withNetwork(network)
                        .withNetworkAliases("kafka")
                        .withListener("kafka:19092");
        kafka.start();
        registry =
                new GenericContainer<>(REGISTRY)
                        .withNetwork(network)
                        .withExposedPorts(8081)
                        .withEnv("SCHEMA_REGISTRY_HOST_NAME", "schema-registry")
                        .withEnv("SCHEMA_REGISTRY_LISTENERS", "http://0.0.0.0:8081")
                        .withEnv(
                                "SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS",
                                "PLAINTEXT://kafka:19092")
                        .waitingFor(
                                Wait.forHttp("/subjects")
                                        .forStatusCode(200)
                                        .withStartupTimeout(Duration.ofMinutes(2)));
        registry.start();
        topics = Topics.create(Map.of("schema.registry.url", registryUrl()));
    }

    @AfterAll
    static void stopContainers() {
        if (registry != null) {
            registry.stop();
        }
        if (kafka != null) {
            kafka.stop();
        }
        if (network != null) {
            network.close();
        }
    }

    private static String registryUrl() {
        return "http://" + registry.getHost() + ":" + registry.getMappedPort(8081);
    }

    private static StreamsAppConfig streamsConfig() {
        Map<String, Object> props = new HashMap<>();
        props.put(StreamsAppConfig.BOOTSTRAP_SERVERS, kafka.getBootstrapServers());
        props.put(StreamsAppConfig.SCHEMA_REGISTRY_URL, registryUrl());
        props.put(StreamsAppConfig.APPLICATION_ID, "captioner-containers-it");
        props.put(StreamsAppConfig.NUM_STREAM_THREADS, 1);
        props.put(StreamsAppConfig.DATA_DIR, dir.resolve("streams").toString());
        props.put(StreamsAppConfig.HTTP_PORT, 0);
        props.put(StreamsAppConfig.BATCH_MAX_WAIT_MS, 200);
        return StreamsAppConfig.of(props);
    }

    private static TrainingServiceConfig trainingConfig() {
        Map<String, Object> props = new HashMap<>();
        props.put(TrainingServiceConfig.BOOTSTRAP_SERVERS, kafka.getBootstrapServers());
        props.put(TrainingServiceConfig.SCHEMA_REGISTRY_URL, registryUrl());
        props.put(TrainingServiceConfig.DATA_DIR, dir.resolve("training").toString());
        props.put(TrainingServiceConfig.HTTP_PORT, 0);
        props.put(TrainingServiceConfig.TRIGGER_PAIRS, PAIRS);
        props.put(TrainingServiceConfig.ENCODER, "tiny-cnn");
        props.put(TrainingServiceConfig.EPOCHS, EPOCHS);
        return TrainingServiceConfig.of(props);
    }

    private static <V> void send(Topic<String, V> topic, Map<String, V> records) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (KafkaProducer<String, V> producer =
                new KafkaProducer<>(
                        props, topic.keySerde().serializer(), topic.valueSerde().serializer())) {
            records.forEach((k, v) -> producer.send(new ProducerRecord<>(topic.name(), k, v)));
            producer.flush();
        }
    }

    private static ImageEvent inline(String id, byte[] bytes) {
        return ImageEvent.newBuilder()
                .setImageId(id)
                .setImageBytes(ByteBuffer.wrap(bytes))
                .setContentType("image/png")
                .setEventTime(Instant.now())
                .build();
    }

    private static <T> T await(String what, Duration timeout, Supplier<Optional<T>> probe)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Optional<T> value = probe.get();
        while (value.isEmpty()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(500);
            value = probe.get();
        }
        return value.get();
    }

    @Test
    void shouldTrainOnPairsServeTheNewVersionAndDeadLetterBadImages() throws Exception {
        try (CaptioningApp app = CaptioningApp.start(streamsConfig());
                TrainingService service = new TrainingService(trainingConfig()).start()) {
            // Given: synthetic labeled pairs published, as many as the service's trigger
            SyntheticDataset training =
                    SyntheticDataset.builder().setSeed(1).setImages(PAIRS).optImageSize(64).build();
            Map<String, LabeledPair> pairs = new LinkedHashMap<>();
            for (CaptionedImage image : training.generate()) {
                pairs.put(
                        image.id(),
                        LabeledPair.newBuilder()
                                .setImageId(image.id())
                                .setImageBytes(
                                        ByteBuffer.wrap(TrainingServiceIT.png(image.image())))
                                .setContentType("image/png")
                                .setReferences(image.captions())
                                .setSourceDataset("synthetic")
                                .build());
            }
            send(topics.labeledPairs(), pairs);
            long sent = System.nanoTime();

            // When: the service trains on them
            TrainingRun run =
                    await("the first training run", Duration.ofMinutes(10), service::lastRun);

            // Then: it published a version, recorded on training-runs, and the app serves it
            assertThat(run.getDecision()).as(run.toString()).isEqualTo(TrainingDecision.PUBLISHED);
            assertThat(run.getVersion()).isNotNull();
            assertThat(run.getPairsTrain() + run.getPairsValidation()).isEqualTo(PAIRS);
            assertThat(
                            TrainingRunLog.readAll(
                                    kafka.getBootstrapServers(), Map.of(), topics.trainingRuns()))
                    .extracting(TrainingRun::getRunId)
                    .containsExactly(run.getRunId());
            String version = run.getVersion();
            await(
                    "the app serving " + version,
                    Duration.ofMinutes(2),
                    () ->
                            app.models()
                                    .current()
                                    .map(ServingModel::version)
                                    .filter(version::equals));
            LOG.info(
                    "run {}: {} pairs, {} epochs in {} s; {} s from the last pair to serving {}",
                    run.getRunId(),
                    PAIRS,
                    run.getEpochs(),
                    run.getTrainingSeconds(),
                    (System.nanoTime() - sent) / 1_000_000_000L,
                    version);

            // When: held-out images and two bad ones arrive on images
            List<CaptionedImage> heldOut =
                    SyntheticDataset.builder()
                            .setSeed(2)
                            .setImages(HELD_OUT)
                            .optImageSize(64)
                            .build()
                            .generate();
            Map<String, ImageEvent> images = new LinkedHashMap<>();
            for (CaptionedImage image : heldOut) {
                images.put(image.id(), inline(image.id(), TrainingServiceIT.png(image.image())));
            }
            byte[] png = TrainingServiceIT.png(heldOut.get(0).image());
            images.put(TRUNCATED, inline(TRUNCATED, Arrays.copyOf(png, png.length / 2)));
            images.put(
                    FORBIDDEN,
                    ImageEvent.newBuilder()
                            .setImageId(FORBIDDEN)
                            .setImageUri("file:///etc/passwd")
                            .setEventTime(Instant.now())
                            .build());
            send(topics.images(), images);
            Map<String, CaptionEvent> captions = new HashMap<>();
            Map<String, CaptionFailure> failures = new HashMap<>();
            collect(captions, failures, images.size(), Duration.ofMinutes(2));

            // Then: every held-out image has a caption by the published version...
            assertThat(captions.keySet())
                    .containsExactlyInAnyOrderElementsOf(
                            heldOut.stream().map(CaptionedImage::id).toList());
            assertThat(captions.values())
                    .allSatisfy(
                            c -> {
                                assertThat(c.getModelVersion()).isEqualTo(version);
                                assertThat(c.getCaption()).isNotBlank();
                            });
            // ...and each bad one a dead letter with its reason
            assertThat(failures.keySet()).containsExactlyInAnyOrder(TRUNCATED, FORBIDDEN);
            assertThat(failures.get(TRUNCATED).getReason())
                    .isEqualTo(FailureReason.UNDECODABLE_IMAGE);
            assertThat(failures.get(FORBIDDEN).getReason()).isEqualTo(FailureReason.FORBIDDEN_URI);
            assertThat(failures.values()).allSatisfy(f -> assertThat(f.getMessage()).isNotBlank());
        }
    }

    /** Reads captions and dead letters (read_committed) until {@code expected} ids have one. */
    private static void collect(
            Map<String, CaptionEvent> captions,
            Map<String, CaptionFailure> failures,
            int expected,
            Duration timeout) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.getBootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "containers-it-" + System.nanoTime());
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topics.captions().name(), topics.captionsDlq().name()));
            long deadline = System.nanoTime() + timeout.toNanos();
            Deserializer<CaptionEvent> captionReader =
                    topics.captions().valueSerde().deserializer();
            Deserializer<CaptionFailure> failureReader =
                    topics.captionsDlq().valueSerde().deserializer();
            while (captions.size() + failures.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.topic().equals(topics.captions().name())) {
                        captions.put(r.key(), captionReader.deserialize(r.topic(), r.value()));
                    } else {
                        failures.put(r.key(), failureReader.deserialize(r.topic(), r.value()));
                    }
                }
            }
        }
    }
}
