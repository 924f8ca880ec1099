package io.captioner.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.captioner.events.CaptionEvent;
import io.captioner.events.CaptionFailure;
import io.captioner.events.FailureReason;
import io.captioner.events.ImageEvent;
import io.captioner.model.Captioner;
import io.captioner.schemas.Topics;
import io.captioner.stack.LocalStack;
import io.captioner.streams.config.StreamsAppConfig;
import io.captioner.streams.processor.CaptioningTopology;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The app on an embedded broker and registry: one stack for the class, one topic prefix per test.
 */
class CaptioningAppIT {

    @TempDir static Path dir;
    private static LocalStack stack;
    private static Path modelFile;
    private static Path imagesDir;

    @BeforeAll
    static void startStack() throws Exception {
        stack = LocalStack.builder().optTemporary().optKafkaPort(0).optRegistryPort(0).build();
        stack.start();
        modelFile = Fixtures.tinyModel(dir);
        imagesDir = Files.createDirectories(dir.resolve("images"));
        Files.write(imagesDir.resolve("claim.png"), Fixtures.png(42));
        Files.writeString(dir.resolve("secret.txt"), "secret");
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    private static StreamsAppConfig config(String prefix, int threads) {
        Map<String, Object> props = new HashMap<>();
        props.put(StreamsAppConfig.BOOTSTRAP_SERVERS, stack.bootstrapServers());
        props.put(StreamsAppConfig.SCHEMA_REGISTRY_URL, stack.registryUrl());
        props.put(StreamsAppConfig.APPLICATION_ID, prefix + "app");
        props.put(StreamsAppConfig.TOPIC_PREFIX, prefix);
        props.put(StreamsAppConfig.NUM_STREAM_THREADS, threads);
        props.put(StreamsAppConfig.DATA_DIR, dir.resolve("data-" + prefix).toString());
        props.put(StreamsAppConfig.MODEL_PATH, modelFile.toString());
        props.put(StreamsAppConfig.HTTP_PORT, 0);
        props.put(StreamsAppConfig.HTTP_BIND_ADDRESS, "127.0.0.1");
        props.put(StreamsAppConfig.BATCH_MAX_SIZE, 8);
        props.put(StreamsAppConfig.BATCH_MAX_WAIT_MS, 200);
        props.put(StreamsAppConfig.FETCH_ALLOWED_DIRS, imagesDir.toString());
        return StreamsAppConfig.of(props);
    }

    private static List<ConsumerRecord<String, CaptionFailure>> deadLetters(
            StreamsAppConfig config, int expected) {
        Topics topics = CaptioningTopology.topics(config);
        return KafkaTestSupport.readCommitted(
                stack.bootstrapServers(),
                topics.captionsDlq().name(),
                topics.captionsDlq().valueSerde().deserializer(),
                Duration.ofSeconds(60),
                read -> read.size() >= expected);
    }

    private static StreamsAppConfig withoutModel(StreamsAppConfig config) {
        Map<String, Object> props = new HashMap<>(config.originals());
        props.remove(StreamsAppConfig.MODEL_PATH);
        return StreamsAppConfig.of(props);
    }

    private static List<ImageEvent> goodImages(String prefix, int count) {
        List<ImageEvent> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(Fixtures.inline(prefix + "img-" + i, Fixtures.png(i)));
        }
        return events;
    }

    private static List<ConsumerRecord<String, CaptionEvent>> captions(
            StreamsAppConfig config, int expected) {
        Topics topics = CaptioningTopology.topics(config);
        return KafkaTestSupport.readCommitted(
                stack.bootstrapServers(),
                topics.captions().name(),
                topics.captions().valueSerde().deserializer(),
                Duration.ofSeconds(60),
                read -> read.size() >= expected);
    }

    @Test
    void shouldCaptionEveryImageExactlyOnceAndServeTheOpsEndpoint() throws Exception {
        StreamsAppConfig config = config("e2e-", 1);
        Topics topics = CaptioningTopology.topics(config);
        List<ImageEvent> events = goodImages("e2e-", 30);
        try (CaptioningApp app = CaptioningApp.start(config)) {
            KafkaTestSupport.sendRaw(
                    stack.bootstrapServers(),
                    topics.images().name(),
                    KafkaTestSupport.serialize(topics, events));

            assertThat(captions(config, 30)).hasSize(30);
            // Read again for a fixed time, so a duplicate would have time to show up.
            List<ConsumerRecord<String, CaptionEvent>> out =
                    KafkaTestSupport.readCommitted(
                            stack.bootstrapServers(),
                            topics.captions().name(),
                            topics.captions().valueSerde().deserializer(),
                            Duration.ofSeconds(3),
                            read -> false);

            assertThat(out)
                    .extracting(ConsumerRecord::key)
                    .containsExactlyInAnyOrderElementsOf(
                            events.stream().map(ImageEvent::getImageId).toList());
            for (ConsumerRecord<String, CaptionEvent> r : out) {
                assertThat(r.value().getImageId()).isEqualTo(r.key());
                assertThat(r.value().getModelName()).isEqualTo("tiny");
            }
            assertThat(app.awaitRunning(Duration.ofSeconds(30))).isTrue();
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + app.httpPort();
            assertThat(get(http, base + "/ready").statusCode()).isEqualTo(200);
            assertThat(get(http, base + "/health").statusCode()).isEqualTo(200);
            HttpResponse<String> model = get(http, base + "/model");
            assertThat(model.statusCode()).isEqualTo(200);
            assertThat(model.body()).contains("\"name\":\"tiny\"");
            HttpResponse<String> scrape = get(http, base + "/metrics");
            assertThat(scrape.headers().firstValue("Content-Type"))
                    .hasValue("text/plain; version=0.0.4; charset=utf-8");
            assertScrapedNames(scrape.body());
            assertThat(scrape.body())
                    .contains("\ncaptioner_captions_total 30.0\n")
                    .contains("\ncaptioner_streams_running 1.0\n")
                    .contains("captioner_model_info{name=\"tiny\"")
                    .contains("# TYPE captioner_batch_size histogram\n")
                    .contains("# TYPE captioner_inference_seconds histogram\n")
                    .contains("# TYPE captioner_end_to_end_latency_seconds histogram\n")
                    .contains("# TYPE captioner_model_load_seconds histogram\n")
                    .contains("captioner_batch_size_count ")
                    .contains("captioner_inference_seconds_count ")
                    .contains("captioner_end_to_end_latency_seconds_count 30\n");
        }
    }

    /**
     * The names users scrape (kept from before the move to Micrometer), the JVM families and the
     * Kafka families of the streams client and of the models topic watcher's consumer.
     */
    private static void assertScrapedNames(String scrape) {
        Set<String> names =
                scrape.lines()
                        .filter(line -> !line.startsWith("#") && !line.isBlank())
                        .map(line -> line.split("[{ ]", 2)[0])
                        .collect(Collectors.toSet());
        assertThat(names)
                .contains(
                        "captioner_captions_total",
                        "captioner_failures_total",
                        "captioner_batch_size_bucket",
                        "captioner_batch_size_count",
                        "captioner_batch_size_sum",
                        "captioner_inference_seconds_bucket",
                        "captioner_end_to_end_latency_seconds_bucket",
                        "captioner_buffered_images",
                        "captioner_model_info",
                        "captioner_model_swaps_total",
                        "captioner_models_refused_total",
                        "captioner_model_load_seconds_bucket",
                        "captioner_streams_running",
                        "jvm_memory_used_bytes",
                        "jvm_gc_memory_allocated_bytes_total",
                        "jvm_threads_live_threads",
                        "process_uptime_seconds",
                        "kafka_consumer_fetch_manager_records_lag_max",
                        "kafka_consumer_coordinator_rebalance_total",
                        "kafka_stream_thread_commit_latency_avg");
        for (FailureReason reason : FailureReason.values()) {
            assertThat(scrape).contains("captioner_failures_total{reason=\"" + reason + "\"}");
        }
        assertThat(scrape)
                .contains("captioner_models_refused_total{reason=\"BAD_SIGNATURE\"} 0.0")
                .contains(
                        "kafka_consumer_fetch_manager_records_lag_max{client_id=\"captioner-model-reader-");
    }

    @Test
    void shouldDeadLetterPoisonWithItsReasonWhileGoodImagesKeepFlowing() throws Exception {
        StreamsAppConfig config = config("poison-", 1);
        Topics topics = CaptioningTopology.topics(config);
        byte[] random = new byte[300];
        new Random(3).nextBytes(random);
        byte[] good =
                KafkaTestSupport.serialize(topics, List.of(Fixtures.inline("x", Fixtures.png(1))))
                        .get(0)
                        .getValue();
        byte[] wrongMagic = good.clone();
        wrongMagic[0] = 1;

        Map<String, FailureReason> expected = new LinkedHashMap<>();
        List<Map.Entry<String, byte[]>> records = new ArrayList<>();
        List<String> goodIds = new ArrayList<>();
        Map<String, byte[]> poison = new LinkedHashMap<>();
        poison.put(
                "truncated",
                serialized(topics, Fixtures.inline("truncated", Fixtures.truncatedJpeg())));
        expected.put("truncated", FailureReason.UNDECODABLE_IMAGE);
        poison.put("random", random);
        expected.put("random", FailureReason.DESERIALIZATION_ERROR);
        poison.put("zero", new byte[0]);
        expected.put("zero", FailureReason.DESERIALIZATION_ERROR);
        poison.put(
                "bomb",
                serialized(topics, Fixtures.inline("bomb", Fixtures.pngHeaderOnly(20000, 20000))));
        expected.put("bomb", FailureReason.IMAGE_TOO_LARGE);
        poison.put("magic", wrongMagic);
        expected.put("magic", FailureReason.DESERIALIZATION_ERROR);
        poison.put(
                "forbidden",
                serialized(
                        topics,
                        Fixtures.byUri("forbidden", dir.resolve("secret.txt").toUri().toString())));
        expected.put("forbidden", FailureReason.FORBIDDEN_URI);
        poison.put(
                "traversal",
                serialized(
                        topics,
                        Fixtures.byUri("traversal", imagesDir.toUri() + "%2e%2e/secret.txt")));
        expected.put("traversal", FailureReason.FORBIDDEN_URI);
        int i = 0;
        for (Map.Entry<String, byte[]> p : poison.entrySet()) {
            records.add(p);
            String id = "poison-good-" + i;
            goodIds.add(id);
            records.add(Map.entry(id, serialized(topics, Fixtures.inline(id, Fixtures.png(i++)))));
        }
        records.add(
                Map.entry(
                        "claim",
                        serialized(
                                topics,
                                Fixtures.byUri(
                                        "claim",
                                        imagesDir.resolve("claim.png").toUri().toString()))));
        goodIds.add("claim");

        try (CaptioningApp app = CaptioningApp.start(config)) {
            KafkaTestSupport.sendRaw(stack.bootstrapServers(), topics.images().name(), records);

            List<ConsumerRecord<String, CaptionEvent>> out = captions(config, goodIds.size());
            List<ConsumerRecord<String, CaptionFailure>> letters =
                    deadLetters(config, expected.size());

            assertThat(out)
                    .extracting(ConsumerRecord::key)
                    .containsExactlyInAnyOrderElementsOf(goodIds);
            Map<String, FailureReason> actual =
                    letters.stream()
                            .collect(
                                    Collectors.toMap(
                                            r ->
                                                    new String(
                                                            r.value().getOriginalKey().array(),
                                                            StandardCharsets.UTF_8),
                                            r -> r.value().getReason()));
            assertThat(actual).containsExactlyInAnyOrderEntriesOf(expected);
            for (ConsumerRecord<String, CaptionFailure> r : letters) {
                assertThat(r.value().getSourceTopic()).isEqualTo(topics.images().name());
                assertThat(r.value().getSourceOffset()).isNotNull();
                assertThat(r.value().getOriginalValue()).isNotNull();
            }
            assertThat(app.state().isRunningOrRebalancing()).isTrue();
        }
    }

    @Test
    void shouldWaitWithoutAModelNotReadyAndCaptionOnceOneIsInstalled() throws Exception {
        StreamsAppConfig config = withoutModel(config("nomodel-", 1));
        Topics topics = CaptioningTopology.topics(config);
        List<ImageEvent> events = goodImages("nomodel-", 5);
        try (CaptioningApp app = CaptioningApp.start(config)) {
            KafkaTestSupport.sendRaw(
                    stack.bootstrapServers(),
                    topics.images().name(),
                    KafkaTestSupport.serialize(topics, events));
            assertThat(app.awaitRunning(Duration.ofSeconds(60))).isTrue();
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + app.httpPort();
            HttpResponse<String> ready = get(http, base + "/ready");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("no model loaded");
            assertThat(get(http, base + "/model").statusCode()).isEqualTo(404);
            List<ConsumerRecord<String, CaptionFailure>> letters =
                    KafkaTestSupport.readCommitted(
                            stack.bootstrapServers(),
                            topics.captionsDlq().name(),
                            topics.captionsDlq().valueSerde().deserializer(),
                            Duration.ofSeconds(3),
                            read -> false);
            assertThat(letters).as("no model is no reason to fail an image").isEmpty();

            app.models().install(Captioner.load(modelFile));

            assertThat(captions(config, 5))
                    .extracting(ConsumerRecord::key)
                    .containsExactlyInAnyOrderElementsOf(
                            events.stream().map(ImageEvent::getImageId).toList());
            assertThat(get(http, base + "/ready").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void shouldProduceTheSameCaptionsWithTwoStreamThreadsAsWithOne() throws Exception {
        Set<String> one = captionIds("one-", 1, 24);
        Set<String> two = captionIds("two-", 2, 24);

        assertThat(one).hasSize(24);
        assertThat(two).isEqualTo(one);
    }

    @Test
    void shouldCaptionEachImageOnceWhenTwoInstancesShareThePartitions() throws Exception {
        StreamsAppConfig first = config("pair-", 1);
        Map<String, Object> secondProps = new HashMap<>(first.originals());
        secondProps.put(StreamsAppConfig.DATA_DIR, dir.resolve("data-pair-2").toString());
        StreamsAppConfig second = StreamsAppConfig.of(secondProps);
        Topics topics = CaptioningTopology.topics(first);
        List<ImageEvent> events = goodImages("pair-", 24);
        try (CaptioningApp a = CaptioningApp.start(first);
                CaptioningApp b = CaptioningApp.start(second)) {
            assertThat(a.awaitRunning(Duration.ofSeconds(60))).isTrue();
            assertThat(b.awaitRunning(Duration.ofSeconds(60))).isTrue();
            KafkaTestSupport.sendRaw(
                    stack.bootstrapServers(),
                    topics.images().name(),
                    KafkaTestSupport.serialize(topics, events));

            List<ConsumerRecord<String, CaptionEvent>> out = captions(first, 24);
            List<ConsumerRecord<String, CaptionEvent>> settled =
                    KafkaTestSupport.readCommitted(
                            stack.bootstrapServers(),
                            topics.captions().name(),
                            topics.captions().valueSerde().deserializer(),
                            Duration.ofSeconds(3),
                            read -> false);

            assertThat(out).hasSize(24);
            assertThat(settled)
                    .extracting(ConsumerRecord::key)
                    .containsExactlyInAnyOrderElementsOf(
                            events.stream().map(ImageEvent::getImageId).toList());
            assertThat(a.metrics().captions() + b.metrics().captions()).isEqualTo(24.0);
        }
    }

    private Set<String> captionIds(String prefix, int threads, int count) throws Exception {
        StreamsAppConfig config = config(prefix, threads);
        Topics topics = CaptioningTopology.topics(config);
        List<ImageEvent> events = goodImages("", count);
        try (CaptioningApp app = CaptioningApp.start(config)) {
            KafkaTestSupport.sendRaw(
                    stack.bootstrapServers(),
                    topics.images().name(),
                    KafkaTestSupport.serialize(topics, events));
            List<ConsumerRecord<String, CaptionEvent>> out = captions(config, count);
            assertThat(out).hasSize(count);
            return out.stream()
                    .map(ConsumerRecord::key)
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static byte[] serialized(Topics topics, ImageEvent event) {
        return KafkaTestSupport.serialize(topics, List.of(event)).get(0).getValue();
    }

    @Test
    void shouldDeadLetterBufferedImagesWhoseRecordsTheTopicNoLongerHas() throws Exception {
        // Given images buffered (as references) by an app without a model, which then stops
        StreamsAppConfig noModel = withoutModel(config("gone-", 1));
        Topics topics = CaptioningTopology.topics(noModel);
        List<ImageEvent> events = goodImages("gone-", 4);
        String images = topics.images().name();
        try (CaptioningApp app = CaptioningApp.start(noModel);
                Admin admin = admin()) {
            KafkaTestSupport.sendRaw(
                    stack.bootstrapServers(), images, KafkaTestSupport.serialize(topics, events));
            Map<TopicPartition, Long> ends = endOffsets(admin, images);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!committed(admin, "gone-app").entrySet().containsAll(ends.entrySet())) {
                assertThat(System.nanoTime()).as("the app commits its input").isLessThan(deadline);
                Thread.sleep(200);
            }
        }
        // And retention (here deleteRecords) removes their records while it is down
        try (Admin admin = admin()) {
            Map<TopicPartition, RecordsToDelete> all = new HashMap<>();
            endOffsets(admin, images)
                    .forEach((tp, end) -> all.put(tp, RecordsToDelete.beforeOffset(end)));
            admin.deleteRecords(all).all().get();
        }

        // When it restarts with a model
        try (CaptioningApp app = CaptioningApp.start(config("gone-", 1))) {
            List<ConsumerRecord<String, CaptionFailure>> letters = deadLetters(noModel, 4);

            // Then each image is dead-lettered with its coordinates and why, none is lost
            assertThat(letters)
                    .extracting(ConsumerRecord::key)
                    .containsExactlyInAnyOrderElementsOf(
                            events.stream().map(ImageEvent::getImageId).toList());
            assertThat(letters)
                    .allSatisfy(
                            r -> {
                                assertThat(r.value().getReason())
                                        .isEqualTo(FailureReason.INTERNAL_ERROR);
                                assertThat(r.value().getMessage())
                                        .contains("is no longer in the topic");
                                assertThat(r.value().getSourceTopic()).isEqualTo(images);
                                assertThat(r.value().getSourceOffset()).isNotNull();
                            });
            assertThat(
                            KafkaTestSupport.readCommitted(
                                    stack.bootstrapServers(),
                                    topics.captions().name(),
                                    topics.captions().valueSerde().deserializer(),
                                    Duration.ofSeconds(2),
                                    read -> false))
                    .isEmpty();
        }
    }

    private static Admin admin() {
        return Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()));
    }

    private static Map<TopicPartition, Long> endOffsets(Admin admin, String topic)
            throws Exception {
        int partitions =
                admin.describeTopics(List.of(topic))
                        .allTopicNames()
                        .get()
                        .get(topic)
                        .partitions()
                        .size();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(latest).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
        ends.values().removeIf(end -> end == 0);
        return ends;
    }

    private static Map<TopicPartition, Long> committed(Admin admin, String group) throws Exception {
        Map<TopicPartition, Long> out = new HashMap<>();
        admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get()
                .forEach((tp, om) -> out.put(tp, om.offset()));
        return out;
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
