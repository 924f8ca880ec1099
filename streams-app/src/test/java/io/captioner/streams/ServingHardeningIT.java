package io.captioner.streams;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.captioner.events.CaptionEvent;
import io.captioner.events.CaptionFailure;
import io.captioner.events.FailureReason;
import io.captioner.events.ImageEvent;
import io.captioner.model.Captioner;
import io.captioner.schemas.Topics;
import io.captioner.schemas.serde.AvroSerializer;
import io.captioner.stack.LocalStack;
import io.captioner.streams.config.StreamsAppConfig;
import io.captioner.streams.model.ModelHolder;
import io.captioner.streams.model.ServingModel;
import io.captioner.streams.processor.CaptioningTopology;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The serving path's hard cases on one embedded broker (one topic prefix per test): large inline
 * images, a hung claim-check server, a slow model on a backlog, a crash loop, and a schema change
 * while images are buffered across a restart.
 */
class ServingHardeningIT {

    @TempDir static Path dir;
    private static LocalStack stack;
    private static Path modelFile;

    @BeforeAll
    static void startStack() throws Exception {
        stack = LocalStack.builder().optTemporary().optKafkaPort(0).optRegistryPort(0).build();
        stack.start();
        modelFile = Fixtures.tinyModel(dir);
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    private static Map<String, Object> props(String prefix) {
        Map<String, Object> props = new HashMap<>();
        props.put(StreamsAppConfig.BOOTSTRAP_SERVERS, stack.bootstrapServers());
        props.put(StreamsAppConfig.SCHEMA_REGISTRY_URL, stack.registryUrl());
        props.put(StreamsAppConfig.APPLICATION_ID, prefix + "app");
        props.put(StreamsAppConfig.TOPIC_PREFIX, prefix);
        props.put(StreamsAppConfig.DATA_DIR, dir.resolve("data-" + prefix).toString());
        props.put(StreamsAppConfig.MODEL_PATH, modelFile.toString());
        props.put(StreamsAppConfig.MODEL_TOPIC_ENABLED, false);
        props.put(StreamsAppConfig.HTTP_PORT, 0);
        props.put(StreamsAppConfig.BATCH_MAX_SIZE, 8);
        props.put(StreamsAppConfig.BATCH_MAX_WAIT_MS, 200);
        props.put(StreamsAppConfig.IMAGES_PARTITIONS, 3);
        return props;
    }

    private static List<ConsumerRecord<String, CaptionEvent>> captions(
            Topics topics, int expected, Duration timeout) {
        return KafkaTestSupport.readCommitted(
                stack.bootstrapServers(),
                topics.captions().name(),
                topics.captions().valueSerde().deserializer(),
                timeout,
                read -> read.size() >= expected);
    }

    private static List<ConsumerRecord<String, CaptionFailure>> letters(
            Topics topics, int expected, Duration timeout) {
        return KafkaTestSupport.readCommitted(
                stack.bootstrapServers(),
                topics.captionsDlq().name(),
                topics.captionsDlq().valueSerde().deserializer(),
                timeout,
                read -> read.size() >= expected);
    }

    private static List<String> keys(List<? extends ConsumerRecord<String, ?>> records) {
        return records.stream().map(ConsumerRecord::key).toList();
    }

    private static List<ImageEvent> small(String prefix, int count) {
        List<ImageEvent> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(Fixtures.inline(prefix + i, Fixtures.png(i)));
        }
        return out;
    }

    @Test
    void shouldCaptionLargeInlineImagesUnderDefaultLimitsAndRaisedOnesWhileSmallOnesFlow()
            throws Exception {
        // Default limits: the images topic as the broker makes it (1 MiB).
        StreamsAppConfig config = StreamsAppConfig.of(props("large-"));
        Topics topics = CaptioningTopology.topics(config);
        List<ImageEvent> events = new ArrayList<>(small("large-small-", 6));
        byte[] kb600 = Fixtures.noisePng(450, 450, 1);
        byte[] kb850 = Fixtures.noisePng(535, 535, 2);
        assertThat(kb600.length).isBetween(580_000, 660_000);
        assertThat(kb850.length).isBetween(820_000, 900_000);
        events.add(2, Fixtures.inline("large-600k", kb600));
        events.add(4, Fixtures.inline("large-850k", kb850));
        events.addAll(small("large-after-", 6));
        try (CaptioningApp app = CaptioningApp.start(config)) {
            KafkaTestSupport.sendRaw(
                    stack.bootstrapServers(),
                    topics.images().name(),
                    KafkaTestSupport.serialize(topics, events));

            assertThat(keys(captions(topics, events.size(), Duration.ofSeconds(60))))
                    .containsExactlyInAnyOrderElementsOf(
                            events.stream().map(ImageEvent::getImageId).toList());
        }

        // Raised limits: an 8 MB images topic (created by the app) carries a 5 MB photo.
        Map<String, Object> raised = props("huge-");
        raised.put(StreamsAppConfig.IMAGES_MAX_MESSAGE_BYTES, 8 * 1024 * 1024);
        StreamsAppConfig hugeConfig = StreamsAppConfig.of(raised);
        Topics hugeTopics = CaptioningTopology.topics(hugeConfig);
        byte[] mb5 = Fixtures.noisePng(1300, 1300, 3);
        assertThat(mb5.length).isGreaterThan(5_000_000);
        List<ImageEvent> huge = new ArrayList<>(small("huge-small-", 4));
        huge.add(2, Fixtures.inline("huge-5mb", mb5));
        try (CaptioningApp app = CaptioningApp.start(hugeConfig)) {
            KafkaTestSupport.sendRaw(
                    stack.bootstrapServers(),
                    hugeTopics.images().name(),
                    KafkaTestSupport.serialize(hugeTopics, huge),
                    Map.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024));

            assertThat(keys(captions(hugeTopics, huge.size(), Duration.ofSeconds(60))))
                    .containsExactlyInAnyOrderElementsOf(
                            huge.stream().map(ImageEvent::getImageId).toList());
            assertThat(app.threadReplacements()).isZero();
        }
    }

    @Test
    void shouldFailANeverAnsweringUriAfterItsDeadlineWhileTheImagesBehindItAreCaptioned()
            throws Exception {
        List<Socket> held = new CopyOnWriteArrayList<>();
        try (ServerSocket silent = new ServerSocket(0)) {
            Thread acceptor =
                    new Thread(
                            () -> {
                                while (!silent.isClosed()) {
                                    try {
                                        held.add(silent.accept());
                                    } catch (IOException e) {
                                        return;
                                    }
                                }
                            });
            acceptor.setDaemon(true);
            acceptor.start();
            Map<String, Object> p = props("hung-");
            p.put(StreamsAppConfig.IMAGES_PARTITIONS, 1);
            p.put(StreamsAppConfig.FETCH_HTTP_ENABLED, true);
            p.put(StreamsAppConfig.FETCH_ALLOW_PRIVATE_NETWORKS, true);
            p.put(StreamsAppConfig.FETCH_READ_TIMEOUT_MS, 4000);
            StreamsAppConfig config = StreamsAppConfig.of(p);
            Topics topics = CaptioningTopology.topics(config);
            List<ImageEvent> events = new ArrayList<>();
            events.add(
                    Fixtures.byUri(
                            "hung", "http://127.0.0.1:" + silent.getLocalPort() + "/never.png"));
            events.addAll(small("behind-", 12));
            try (CaptioningApp app = CaptioningApp.start(config)) {
                KafkaTestSupport.sendRaw(
                        stack.bootstrapServers(),
                        topics.images().name(),
                        KafkaTestSupport.serialize(topics, events));

                List<ConsumerRecord<String, CaptionFailure>> failed =
                        letters(topics, 1, Duration.ofSeconds(60));
                List<ConsumerRecord<String, CaptionEvent>> captioned =
                        captions(topics, 12, Duration.ofSeconds(30));

                assertThat(failed).hasSize(1);
                CaptionFailure hung = failed.get(0).value();
                assertThat(hung.getImageId()).isEqualTo("hung");
                assertThat(hung.getReason()).isEqualTo(FailureReason.FETCH_FAILED);
                assertThat(keys(captioned))
                        .containsExactlyInAnyOrderElementsOf(
                                events.subList(1, events.size()).stream()
                                        .map(ImageEvent::getImageId)
                                        .toList());
                // The images behind it in its partition did not wait for its deadline.
                assertThat(captioned)
                        .allSatisfy(
                                c ->
                                        assertThat(c.value().getCaptionedTime())
                                                .isBefore(hung.getFailureTime()));
            }
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    @Test
    void shouldCaptionASlowModelsBacklogOnceWithoutFencingOrRework() throws Exception {
        Map<String, Object> p = props("slow-");
        p.remove(StreamsAppConfig.MODEL_PATH);
        p.put(StreamsAppConfig.TRANSACTION_TIMEOUT_MS, 4000);
        p.put(StreamsAppConfig.BUFFER_MAX_BLOCK_MS, 400);
        StreamsAppConfig config = StreamsAppConfig.of(p);
        Topics topics = CaptioningTopology.topics(config);
        CaptioningApp.createTopics(config);
        List<ImageEvent> backlog = small("slow-", 32);
        KafkaTestSupport.sendRaw(
                stack.bootstrapServers(),
                topics.images().name(),
                KafkaTestSupport.serialize(topics, backlog));
        AtomicInteger inferred = new AtomicInteger();
        ModelHolder models = new ModelHolder();
        // Every batch takes 2.5 s, more than half the 4 s transaction timeout.
        models.install(
                ServingModel.of(Captioner.load(modelFile), TestSessions.slow(2500, inferred)));
        long start = System.nanoTime();
        try (CaptioningApp app = CaptioningApp.start(config, models)) {
            List<ConsumerRecord<String, CaptionEvent>> out =
                    captions(topics, backlog.size(), Duration.ofSeconds(90));
            double seconds = (System.nanoTime() - start) / 1e9;
            List<ConsumerRecord<String, CaptionEvent>> settled =
                    KafkaTestSupport.readCommitted(
                            stack.bootstrapServers(),
                            topics.captions().name(),
                            topics.captions().valueSerde().deserializer(),
                            Duration.ofSeconds(3),
                            read -> false);

            assertThat(out).hasSize(backlog.size());
            Map<String, Long> perId =
                    settled.stream()
                            .collect(
                                    Collectors.groupingBy(
                                            ConsumerRecord::key, Collectors.counting()));
            assertThat(perId).hasSize(backlog.size()).allSatisfy((id, n) -> assertThat(n).isOne());
            double rework = inferred.get() / (double) settled.size();
            System.err.printf(
                    "slow-model backlog: %d images in %.1f s, inferred %d, committed %d, rework"
                            + " ratio %.2f%n",
                    backlog.size(), seconds, inferred.get(), settled.size(), rework);
            assertThat(inferred.get()).as("no image was captioned twice").isEqualTo(backlog.size());
            assertThat(app.threadReplacements()).isZero();
        }
    }

    @Test
    void shouldTurnHealthDownWhenStreamThreadsCrashLoop() throws Exception {
        // A registry that answers every request with 503: each record fails its stream thread
        // (a registry outage is not the record's fault), which Streams replaces, again and again.
        HttpServer broken = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        broken.createContext(
                "/",
                exchange -> {
                    exchange.sendResponseHeaders(503, -1);
                    exchange.close();
                });
        broken.start();
        try {
            Map<String, Object> p = props("loop-");
            StreamsAppConfig good = StreamsAppConfig.of(p);
            Topics topics = CaptioningTopology.topics(good);
            CaptioningApp.createTopics(good);
            KafkaTestSupport.sendRaw(
                    stack.bootstrapServers(),
                    topics.images().name(),
                    KafkaTestSupport.serialize(topics, small("loop-", 3)));
            p.put(
                    StreamsAppConfig.SCHEMA_REGISTRY_URL,
                    "http://127.0.0.1:" + broken.getAddress().getPort());
            p.put(StreamsAppConfig.HEALTH_MAX_REPLACEMENTS, 3);
            try (CaptioningApp app = CaptioningApp.start(StreamsAppConfig.of(p))) {
                long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                while (app.health().isUp() && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                }
                HttpResponse<String> health =
                        HttpClient.newHttpClient()
                                .send(
                                        HttpRequest.newBuilder(
                                                        URI.create(
                                                                "http://127.0.0.1:"
                                                                        + app.httpPort()
                                                                        + "/health"))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString());

                assertThat(app.threadReplacements()).isGreaterThanOrEqualTo(3);
                assertThat(health.statusCode()).isEqualTo(503);
                assertThat(health.body()).contains("crash loop").contains("503");
                assertThat(letters(topics, 1, Duration.ofSeconds(2)))
                        .as("an outage dead-letters nothing")
                        .isEmpty();
            }
        } finally {
            broken.stop(0);
        }
    }

    @Test
    void shouldCaptionBufferedImagesOfAnEvolvedSchemaAfterARestart() throws Exception {
        Map<String, Object> p = props("evolve-");
        p.remove(StreamsAppConfig.MODEL_PATH);
        StreamsAppConfig noModel = StreamsAppConfig.of(p);
        Topics topics = CaptioningTopology.topics(noModel);
        List<ImageEvent> before = small("evolve-v1-", 4);
        List<String> ids = new ArrayList<>(before.stream().map(ImageEvent::getImageId).toList());
        try (CaptioningApp app = CaptioningApp.start(noModel)) {
            assertThat(app.awaitRunning(Duration.ofSeconds(60))).isTrue();
            KafkaTestSupport.sendRaw(
                    stack.bootstrapServers(),
                    topics.images().name(),
                    KafkaTestSupport.serialize(topics, before));
            // A producer upgraded first writes with ImageEvent v2 (a new optional field).
            List<Map.Entry<String, byte[]>> evolved = new ArrayList<>();
            AvroSerializer serializer = new AvroSerializer();
            serializer.configure(noModel.serdeConfig(), false);
            Schema v2 = evolvedSchema();
            for (int i = 0; i < 4; i++) {
                GenericRecord event = new GenericData.Record(v2);
                event.put("imageId", "evolve-v2-" + i);
                event.put("imageBytes", ByteBuffer.wrap(Fixtures.png(40 + i)));
                event.put("eventTime", System.currentTimeMillis());
                event.put("priority", i);
                evolved.add(
                        Map.entry(
                                "evolve-v2-" + i,
                                serializer.serialize(topics.images().name(), event)));
                ids.add("evolve-v2-" + i);
            }
            KafkaTestSupport.sendRaw(stack.bootstrapServers(), topics.images().name(), evolved);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (app.metrics().buffered() < 8 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(app.metrics().buffered()).as("all eight wait for a model").isEqualTo(8.0);
        }

        p.put(StreamsAppConfig.MODEL_PATH, modelFile.toString());
        try (CaptioningApp app = CaptioningApp.start(StreamsAppConfig.of(p))) {
            assertThat(keys(captions(topics, ids.size(), Duration.ofSeconds(60))))
                    .containsExactlyInAnyOrderElementsOf(ids);
            assertThat(letters(topics, 1, Duration.ofSeconds(2))).isEmpty();
        }
    }

    /** ImageEvent as it is now plus an optional {@code priority}: a BACKWARD-compatible v2. */
    private static Schema evolvedSchema() {
        Schema current = ImageEvent.getClassSchema();
        List<Schema.Field> fields =
                current.getFields().stream()
                        .map(
                                (Function<Schema.Field, Schema.Field>)
                                        f -> new Schema.Field(f, f.schema()))
                        .collect(Collectors.toCollection(ArrayList::new));
        fields.add(
                new Schema.Field(
                        "priority",
                        Schema.createUnion(
                                Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.INT)),
                        "How urgent the caption is.",
                        Schema.Field.NULL_DEFAULT_VALUE));
        return Schema.createRecord(
                current.getName(), current.getDoc(), current.getNamespace(), false, fields);
    }
}
