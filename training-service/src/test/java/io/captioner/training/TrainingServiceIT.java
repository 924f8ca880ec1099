package io.captioner.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.captioner.events.CaptionEvent;
import io.captioner.events.ImageEvent;
import io.captioner.events.LabeledPair;
import io.captioner.events.TrainingDecision;
import io.captioner.events.TrainingRun;
import io.captioner.model.Captioner;
import io.captioner.model.data.CaptionedImage;
import io.captioner.model.data.SyntheticDataset;
import io.captioner.model.metrics.CaptionMetrics;
import io.captioner.model.metrics.MetricScores;
import io.captioner.model.train.CaptionTrainer;
import io.captioner.modeltopic.ChunkStorage;
import io.captioner.modeltopic.ModelCatalog;
import io.captioner.modeltopic.ModelPublisher;
import io.captioner.modeltopic.ModelSigning;
import io.captioner.modeltopic.ModelTopicReader;
import io.captioner.modeltopic.SigningKey;
import io.captioner.release.CaptionerArtifacts;
import io.captioner.schemas.Topics;
import io.captioner.stack.LocalStack;
import io.captioner.streams.CaptioningApp;
import io.captioner.streams.config.StreamsAppConfig;
import io.captioner.streams.model.ServingModel;
import io.captioner.training.config.TrainingServiceConfig;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training service end to end on an embedded broker and registry, beside a running streams app:
 * pairs in, a better version published and hot-swapped, captions of held-out images scored; then a
 * restart that does not retrain, a rejected run that publishes nothing, a rebuilt cache, and a
 * forced worse version rolled back. The tests share one stack and run in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TrainingServiceIT {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingServiceIT.class);
    private static final String PREFIX = "tsit.";
    private static final String MODEL = "captioner";

    // Small settings that reach BLEU_4 >= 0.5 on held-out synthetic images (tiny-cnn, embed 64,
    // hidden 128, greedy): 1500 images x 20 epochs gave held-out BLEU_4 0.52 in 77 s of training;
    // 1000 x 15 gave 0.45 and 800 x 25 gave 0.47 (probes on 100 images of seed 2).
    static final int IMAGES = Integer.getInteger("it.training.images", 1500);
    static final int EPOCHS = Integer.getInteger("it.training.epochs", 20);
    private static final int HELD_OUT = 60;

    @TempDir static Path dir;
    private static LocalStack stack;
    private static Topics topics;
    private static CaptioningApp app;
    private static String seedVersion;
    private static TrainingRun first;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void startStackAndServeASeedModel() throws Exception {
        stack = LocalStack.builder().optTemporary().optKafkaPort(0).optRegistryPort(0).build();
        stack.start();
        topics =
                Topics.builder()
                        .setSerdeConfig(Map.of("schema.registry.url", stack.registryUrl()))
                        .optNamePrefix(PREFIX)
                        .build();
        // A barely trained seed version (other sizes, so the service must start cold).
        List<CaptionedImage> few =
                SyntheticDataset.builder().setSeed(9).setImages(32).build().generate();
        Path seed = dir.resolve("seed.zip");
        try (Captioner c =
                CaptionTrainer.builder()
                        .setEncoder("tiny-cnn")
                        .optEmbedSize(16)
                        .optHiddenSize(32)
                        .optEpochs(1)
                        .optModelName(MODEL)
                        .build()
                        .train(few.subList(0, 24), few.subList(24, 32))) {
            c.save(seed);
        }
        try (ModelPublisher publisher = publisher("seed-publisher")) {
            seedVersion =
                    publisher
                            .publish(seed, CaptionerArtifacts.manifestInfo(seed, null), true)
                            .manifest()
                            .getVersion();
        }
        app = CaptioningApp.start(streamsConfig());
    }

    @AfterAll
    static void stopAll() {
        if (app != null) {
            app.close();
        }
        if (stack != null) {
            stack.close();
        }
    }

    private static ModelPublisher publisher(String id) {
        return ModelPublisher.builder()
                .setBootstrapServers(stack.bootstrapServers())
                .setTopics(topics)
                .optTransactionalId(PREFIX + id)
                .build();
    }

    private static StreamsAppConfig streamsConfig() {
        Map<String, Object> props = new HashMap<>();
        props.put(StreamsAppConfig.BOOTSTRAP_SERVERS, stack.bootstrapServers());
        props.put(StreamsAppConfig.SCHEMA_REGISTRY_URL, stack.registryUrl());
        props.put(StreamsAppConfig.APPLICATION_ID, PREFIX + "app");
        props.put(StreamsAppConfig.TOPIC_PREFIX, PREFIX);
        props.put(StreamsAppConfig.NUM_STREAM_THREADS, 1);
        props.put(StreamsAppConfig.DATA_DIR, dir.resolve("streams").toString());
        props.put(StreamsAppConfig.HTTP_PORT, 0);
        props.put(StreamsAppConfig.BATCH_MAX_SIZE, 16);
        props.put(StreamsAppConfig.BATCH_MAX_WAIT_MS, 200);
        props.put(StreamsAppConfig.MODEL_NAME, MODEL);
        return StreamsAppConfig.of(props);
    }

    private static TrainingServiceConfig serviceConfig(Map<String, Object> extra) {
        Map<String, Object> props = new HashMap<>();
        props.put(TrainingServiceConfig.BOOTSTRAP_SERVERS, stack.bootstrapServers());
        props.put(TrainingServiceConfig.SCHEMA_REGISTRY_URL, stack.registryUrl());
        props.put(TrainingServiceConfig.TOPIC_PREFIX, PREFIX);
        props.put(TrainingServiceConfig.DATA_DIR, dir.resolve("training").toString());
        props.put(TrainingServiceConfig.HTTP_PORT, 0);
        props.put(TrainingServiceConfig.TRIGGER_PAIRS, IMAGES + 2);
        props.put(TrainingServiceConfig.EMBED_SIZE, 64);
        props.put(TrainingServiceConfig.HIDDEN_SIZE, 128);
        props.put(TrainingServiceConfig.EPOCHS, EPOCHS);
        props.put(TrainingServiceConfig.LEARNING_RATE, 3e-3);
        props.putAll(extra);
        return TrainingServiceConfig.of(props);
    }

    static byte[] png(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static LabeledPair pair(String id, byte[] bytes, List<String> captions) {
        return LabeledPair.newBuilder()
                .setImageId(id)
                .setImageBytes(ByteBuffer.wrap(bytes))
                .setContentType("image/png")
                .setReferences(captions)
                .setSourceDataset("synthetic")
                .build();
    }

    private static <V> void send(
            String topic,
            org.apache.kafka.common.serialization.Serializer<V> serializer,
            Map<String, V> records) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024);
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            records.forEach(
                    (k, v) ->
                            producer.send(
                                    new ProducerRecord<>(
                                            topic, k, serializer.serialize(topic, v))));
            producer.flush();
        }
    }

    private static List<TrainingRun> runs() {
        return TrainingRunLog.readAll(stack.bootstrapServers(), Map.of(), topics.trainingRuns());
    }

    private static List<TrainingRun> awaitRuns(int count, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<TrainingRun> runs = runs();
        while (runs.size() < count) {
            assertThat(System.nanoTime()).as("waiting for run " + count).isLessThan(deadline);
            Thread.sleep(1000);
            runs = runs();
        }
        return runs;
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static String get(int port, String path) throws Exception {
        HttpResponse<String> response =
                HTTP.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        return response.body();
    }

    /** The body of {@code path}, or "" while it cannot be fetched (for awaiting it). */
    private static String getQuietly(int port, String path) {
        try {
            return get(port, path);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        } catch (Exception | AssertionError e) {
            return "";
        }
    }

    private static Optional<String> served() {
        return app.models().current().map(ServingModel::version);
    }

    private static ModelCatalog catalog() {
        return ModelTopicReader.builder()
                .setBootstrapServers(stack.bootstrapServers())
                .setTopics(topics)
                .optChunkStorage(ChunkStorage.METADATA_ONLY)
                .build()
                .readToEnd();
    }

    /** Captions of the held-out images by the streams app, by image id. */
    private static Map<String, CaptionEvent> caption(List<CaptionedImage> images, String idPrefix) {
        Map<String, ImageEvent> events = new LinkedHashMap<>();
        for (CaptionedImage image : images) {
            events.put(
                    idPrefix + image.id(),
                    ImageEvent.newBuilder()
                            .setImageId(idPrefix + image.id())
                            .setImageBytes(ByteBuffer.wrap(png(image.image())))
                            .setEventTime(Instant.now())
                            .build());
        }
        send(topics.images().name(), topics.images().valueSerde().serializer(), events);
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "it-captions-" + System.nanoTime());
        Map<String, CaptionEvent> out = new HashMap<>();
        try (KafkaConsumer<String, CaptionEvent> consumer =
                new KafkaConsumer<>(
                        props,
                        new StringDeserializer(),
                        topics.captions().valueSerde().deserializer())) {
            consumer.subscribe(List.of(topics.captions().name()));
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (!out.keySet().containsAll(events.keySet()) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, CaptionEvent> r :
                        consumer.poll(Duration.ofMillis(200))) {
                    if (events.containsKey(r.key())) {
                        out.put(r.key(), r.value());
                    }
                }
            }
        }
        return out;
    }

    @Test
    @Order(1)
    void shouldTrainOnPublishedPairsPublishTheBetterVersionAndServeIt() throws Exception {
        // Given: a synthetic dataset published as pairs, with two bad pairs among them
        List<CaptionedImage> data =
                SyntheticDataset.builder()
                        .setSeed(1)
                        .setImages(IMAGES)
                        .optImageSize(64)
                        .build()
                        .generate();
        Map<String, LabeledPair> pairs = new LinkedHashMap<>();
        for (CaptionedImage image : data) {
            pairs.put(image.id(), pair(image.id(), png(image.image()), image.captions()));
        }
        pairs.put("bad-bytes", pair("bad-bytes", new byte[] {1, 2, 3, 4}, List.of("noise")));
        pairs.put("bad-caption", pair("bad-caption", png(data.get(0).image()), List.of(" ")));
        send(topics.labeledPairs().name(), topics.labeledPairs().valueSerde().serializer(), pairs);
        long lastPairSent = System.nanoTime();
        assertThat(served()).contains(seedVersion);

        // When: the service runs with the trigger at the number of pairs published
        try (TrainingService service = new TrainingService(serviceConfig(Map.of())).start()) {
            first = awaitRuns(1, Duration.ofMinutes(10)).get(0);
            int port = service.httpPort();

            // Then: one run, published over the seed version, bad pairs skipped and counted
            assertThat(first.getDecision()).isEqualTo(TrainingDecision.PUBLISHED);
            assertThat(first.getWarmStart()).isFalse();
            assertThat(first.getParentVersion()).isEqualTo(seedVersion);
            assertThat(first.getPairsTrain() + first.getPairsValidation()).isEqualTo(IMAGES);
            assertThat(first.getPairsValidation()).isBetween(IMAGES / 20, IMAGES / 5);
            assertThat(first.getSkipped())
                    .containsEntry("UNDECODABLE_IMAGE", 1L)
                    .containsEntry("EMPTY_CAPTION", 1L);
            assertThat(first.getCandidateMetrics().get(MetricScores.CIDER))
                    .isGreaterThan(first.getActiveMetrics().get(MetricScores.CIDER));
            assertThat(first.getVersion()).isNotNull();
            // The service takes the run as its last one a poll after the record is on Kafka.
            await(
                    "/status showing the run",
                    Duration.ofSeconds(30),
                    () -> getQuietly(port, "/status").contains(first.getRunId()));
            assertThat(get(port, "/status")).contains("\"UNDECODABLE_IMAGE\":[\"bad-bytes\"]");
            await(
                    "/metrics counting the run",
                    Duration.ofSeconds(30),
                    () ->
                            getQuietly(port, "/metrics")
                                    .contains(
                                            "captioner_training_runs_total{decision=\"PUBLISHED\"}"
                                                    + " 1.0"));
            String metrics = get(port, "/metrics");
            assertThat(metrics)
                    .contains(
                            "captioner_training_pairs_skipped_total{reason=\"EMPTY_CAPTION\"} 1.0")
                    .contains("captioner_training_published_versions_total 1.0");
            assertThat(get(port, "/ready")).contains("READY");

            // And the running streams app hot-swaps to it and captions held-out images well
            await(
                    "the new version serving",
                    Duration.ofSeconds(60),
                    () -> served().equals(Optional.of(first.getVersion())));
            double toServing = (System.nanoTime() - lastPairSent) / 1e9;
            List<CaptionedImage> heldOut =
                    SyntheticDataset.builder()
                            .setSeed(2)
                            .setImages(HELD_OUT)
                            .optImageSize(64)
                            .build()
                            .generate();
            Map<String, CaptionEvent> captions = caption(heldOut, "held-");
            assertThat(captions).hasSize(HELD_OUT);
            assertThat(captions.values())
                    .allSatisfy(c -> assertThat(c.getModelVersion()).isEqualTo(first.getVersion()));
            Map<String, List<String>> refs = new HashMap<>();
            Map<String, String> hyps = new HashMap<>();
            for (CaptionedImage image : heldOut) {
                refs.put(image.id(), image.captions());
                hyps.put(image.id(), captions.get("held-" + image.id()).getCaption());
            }
            MetricScores scores = CaptionMetrics.score(refs, hyps);
            LOG.info(
                    "run {}: {} train / {} validation pairs, {} epochs in {} s; candidate {}, active {};"
                            + " {} s from the last pair to the new version serving; held-out {}",
                    first.getRunId(),
                    first.getPairsTrain(),
                    first.getPairsValidation(),
                    first.getEpochs(),
                    String.format(java.util.Locale.ROOT, "%.1f", first.getTrainingSeconds()),
                    first.getCandidateMetrics(),
                    first.getActiveMetrics(),
                    String.format(java.util.Locale.ROOT, "%.1f", toServing),
                    scores.asMap());
            assertThat(scores.bleu4()).isGreaterThanOrEqualTo(0.5);
        }
    }

    @Test
    @Order(2)
    void shouldNotRetrainOnRestartAndRejectAnUnbeatenCandidateWithoutPublishing() throws Exception {
        // Given: the cache deleted while the service was down, and a margin no run can beat
        Path cache = dir.resolve("training").resolve("cache");
        try (var files = Files.walk(cache)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        int versionsBefore;
        try (ModelCatalog catalog = catalog()) {
            versionsBefore = catalog.versions(MODEL).size();
        }
        Map<String, Object> strict =
                Map.of(TrainingServiceConfig.GATE_MARGIN, 100.0, TrainingServiceConfig.EPOCHS, 2);
        try (TrainingService service = new TrainingService(serviceConfig(strict)).start()) {
            // When: it restarts on unchanged data
            await("the dataset read", Duration.ofSeconds(60), service::isReady);

            // Then: nothing changed since the last run and nothing runs, so no trigger can come;
            // no new run, and the cache is rebuilt from the topic
            assertThat(get(service.httpPort(), "/status"))
                    .contains("\"pending_changes\":0")
                    .contains("\"phase\":\"IDLE\"");
            assertThat(runs()).hasSize(1);
            try (var files = Files.walk(cache)) {
                assertThat(files.filter(p -> p.toString().endsWith(".rgb")).count())
                        .isGreaterThanOrEqualTo(IMAGES);
            }

            // When: train-now asks for a run it cannot win
            TrainingRunLog.trainNow(
                    stack.bootstrapServers(),
                    Map.of(),
                    topics.trainingControl(),
                    MODEL,
                    false,
                    "it");
            TrainingRun second = awaitRuns(2, Duration.ofMinutes(5)).get(1);

            // Then: recorded as REJECTED, warm-started, and nothing published
            assertThat(second.getDecision()).isEqualTo(TrainingDecision.REJECTED);
            assertThat(second.getTrigger().name()).isEqualTo("COMMAND");
            assertThat(second.getWarmStart()).isTrue();
            assertThat(second.getParentVersion()).isEqualTo(first.getVersion());
            assertThat(second.getVersion()).isNull();
            assertThat(second.getPairsTrain()).isEqualTo(first.getPairsTrain());
            assertThat(second.getSkipped()).doesNotContainKey("NOT_CACHED");
            try (ModelCatalog catalog = catalog()) {
                assertThat(catalog.versions(MODEL)).hasSize(versionsBefore);
                assertThat(catalog.activeVersion(MODEL)).contains(first.getVersion());
            }
            LOG.info(
                    "run {}: {} ({}), candidate {}",
                    second.getRunId(),
                    second.getDecision(),
                    second.getReason(),
                    second.getCandidateMetrics());
        }
    }

    @Test
    @Order(3)
    void shouldPublishAForcedWorseVersionThatCanBeRolledBack() throws Exception {
        // Given: a service that trains one epoch from scratch (other sizes), signing what it
        // publishes, and a forced command
        SigningKey key = ModelSigning.generateKeys(dir.resolve("keys"));
        Map<String, Object> weak =
                Map.of(
                        TrainingServiceConfig.SIGNING_KEY,
                        dir.resolve("keys").resolve(ModelSigning.PRIVATE_KEY_FILE).toString(),
                        TrainingServiceConfig.EPOCHS,
                        1,
                        TrainingServiceConfig.HIDDEN_SIZE,
                        32,
                        TrainingServiceConfig.EMBED_SIZE,
                        16);
        try (TrainingService service = new TrainingService(serviceConfig(weak)).start()) {
            await("the dataset read", Duration.ofSeconds(60), service::isReady);

            // When
            TrainingRunLog.trainNow(
                    stack.bootstrapServers(),
                    Map.of(),
                    topics.trainingControl(),
                    MODEL,
                    true,
                    "it");
            TrainingRun forced = awaitRuns(3, Duration.ofMinutes(5)).get(2);

            // Then: published although worse, and served
            assertThat(forced.getDecision()).isEqualTo(TrainingDecision.PUBLISHED);
            assertThat(forced.getForced()).isTrue();
            assertThat(forced.getWarmStart()).isFalse();
            assertThat(forced.getReason()).startsWith("forced; CIDEr");
            try (ModelCatalog catalog = catalog()) {
                assertThat(catalog.version(MODEL, forced.getVersion()).orElseThrow().manifest())
                        .hasValueSatisfying(
                                m -> assertThat(m.getSignatureKeyId()).isEqualTo(key.keyId()));
            }
            await(
                    "the forced version serving",
                    Duration.ofSeconds(60),
                    () -> served().equals(Optional.of(forced.getVersion())));
        }

        // And: a rollback brings the first version back
        try (ModelPublisher publisher = publisher("rollback")) {
            publisher.rollback(MODEL);
        }
        await(
                "the first version serving again",
                Duration.ofSeconds(60),
                () -> served().equals(Optional.of(first.getVersion())));
        assertThat(runs())
                .extracting(TrainingRun::getDecision)
                .containsExactly(
                        TrainingDecision.PUBLISHED,
                        TrainingDecision.REJECTED,
                        TrainingDecision.PUBLISHED);
    }
}
