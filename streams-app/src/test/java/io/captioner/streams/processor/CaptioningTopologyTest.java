package io.captioner.streams.processor;

import static org.assertj.core.api.Assertions.assertThat;

import io.captioner.events.CaptionEvent;
import io.captioner.events.CaptionFailure;
import io.captioner.events.DecodingStrategy;
import io.captioner.events.FailureReason;
import io.captioner.events.ImageEvent;
import io.captioner.model.Captioner;
import io.captioner.schemas.Topics;
import io.captioner.streams.Fixtures;
import io.captioner.streams.config.StreamsAppConfig;
import io.captioner.streams.model.ModelHolder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptioningTopologyTest {

    @TempDir static Path shared;
    private static Path modelFile;
    private static Path otherModelFile;
    private static Path allowedDir;

    private TopologyTestDriver driver;
    private ModelHolder models;
    private CaptioningMetrics metrics;
    private Topics topics;
    private TestInputTopic<byte[], byte[]> images;
    private TestOutputTopic<String, CaptionEvent> captions;
    private TestOutputTopic<String, CaptionFailure> dlq;

    @BeforeAll
    static void createModel() throws Exception {
        modelFile = Fixtures.tinyModel(shared);
        otherModelFile = Fixtures.tinyModel(shared, 11);
        allowedDir = Files.createDirectories(shared.resolve("images"));
        Files.write(allowedDir.resolve("good.png"), Fixtures.png(3));
        Files.writeString(shared.resolve("secret.txt"), "not for you");
    }

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
        if (models != null) {
            models.close();
        }
    }

    private void start(Map<String, Object> overrides, boolean withModel) throws Exception {
        Map<String, Object> props = new HashMap<>();
        props.put(StreamsAppConfig.SCHEMA_REGISTRY_URL, "mock://" + UUID.randomUUID());
        props.put(StreamsAppConfig.PROCESSING_GUARANTEE, StreamsConfig.AT_LEAST_ONCE);
        props.put(StreamsAppConfig.FETCH_ALLOWED_DIRS, allowedDir.toString());
        props.put(StreamsAppConfig.BATCH_MAX_SIZE, 4);
        props.put(StreamsAppConfig.BATCH_MAX_WAIT_MS, 1000);
        props.putAll(overrides);
        StreamsAppConfig config = StreamsAppConfig.of(props);
        models = withModel ? ModelHolder.load(modelFile) : new ModelHolder();
        metrics = CaptioningMetrics.standalone();
        topics = CaptioningTopology.topics(config);
        Properties driverProps = config.streamsProperties();
        driver =
                new TopologyTestDriver(
                        CaptioningTopology.build(config, models, metrics), driverProps);
        images =
                driver.createInputTopic(
                        topics.images().name(),
                        new ByteArraySerializer(),
                        new ByteArraySerializer());
        captions =
                driver.createOutputTopic(
                        topics.captions().name(),
                        new StringDeserializer(),
                        topics.captions().valueSerde().deserializer());
        dlq =
                driver.createOutputTopic(
                        topics.captionsDlq().name(),
                        new StringDeserializer(),
                        topics.captionsDlq().valueSerde().deserializer());
    }

    private byte[] serialize(ImageEvent event) {
        return topics.images().valueSerde().serializer().serialize(topics.images().name(), event);
    }

    private void pipe(ImageEvent event) {
        images.pipeInput(event.getImageId().getBytes(StandardCharsets.UTF_8), serialize(event));
    }

    @Test
    void shouldCaptionAFullBatchAtOnceWithoutWaitingForTheClock() throws Exception {
        start(Map.of(StreamsAppConfig.BATCH_MAX_WAIT_MS, 60_000), true);

        for (int i = 0; i < 3; i++) {
            pipe(Fixtures.inline("img-" + i, Fixtures.png(i)));
        }
        assertThat(captions.isEmpty()).as("three images do not fill a batch of four").isTrue();
        pipe(Fixtures.inline("img-3", Fixtures.png(3)));

        List<TestRecord<String, CaptionEvent>> out = captions.readRecordsToList();
        assertThat(out)
                .extracting(TestRecord::key)
                .containsExactly("img-0", "img-1", "img-2", "img-3");
        CaptionEvent first = out.get(0).value();
        assertThat(first.getImageId()).isEqualTo("img-0");
        assertThat(first.getModelName()).isEqualTo("tiny");
        assertThat(first.getModelVersion()).isEqualTo(models.current().orElseThrow().version());
        assertThat(first.getDecodingStrategy()).isEqualTo(DecodingStrategy.GREEDY);
        assertThat(first.getBeamSize()).isEqualTo(1);
        assertThat(first.getAlternatives()).isEmpty();
        assertThat(first.getScore()).isLessThanOrEqualTo(0.0);
        assertThat(first.getLatencyMillis())
                .isEqualTo(
                        first.getCaptionedTime().toEpochMilli()
                                - first.getImageEventTime().toEpochMilli());
        assertThat(metrics.batches()).isEqualTo(1);
        assertThat(metrics.batchedImages()).isEqualTo(4.0);
        assertThat(dlq.isEmpty()).isTrue();
    }

    @Test
    void shouldCaptionAPartialBatchOnceItsOldestImageWaitedMaxWait() throws Exception {
        start(
                Map.of(
                        StreamsAppConfig.BATCH_MAX_WAIT_MS,
                        1000,
                        StreamsAppConfig.BUFFER_STORE,
                        StreamsAppConfig.BUFFER_STORE_MEMORY),
                true);

        pipe(Fixtures.inline("a", Fixtures.png(1)));
        pipe(Fixtures.inline("b", Fixtures.png(2)));
        driver.advanceWallClockTime(Duration.ofMillis(900));
        assertThat(captions.isEmpty()).isTrue();
        driver.advanceWallClockTime(Duration.ofMillis(150));

        assertThat(captions.readKeyValuesToMap()).containsOnlyKeys("a", "b");
        assertThat(metrics.batches()).isEqualTo(1);
    }

    @Test
    void shouldSplitABacklogIntoBatchesOfAtMostMaxSize() throws Exception {
        start(Map.of(StreamsAppConfig.BATCH_MAX_SIZE, 2), true);

        for (int i = 0; i < 5; i++) {
            pipe(Fixtures.inline("img-" + i, Fixtures.png(i)));
        }
        assertThat(captions.readRecordsToList()).hasSize(4);
        driver.advanceWallClockTime(Duration.ofMillis(1100));

        assertThat(captions.readRecordsToList())
                .extracting(TestRecord::key)
                .containsExactly("img-4");
        assertThat(metrics.batches()).isEqualTo(3);
        assertThat(metrics.batchedImages()).isEqualTo(5.0);
    }

    @Test
    void shouldDeadLetterEveryPoisonWithItsReasonWhileGoodImagesFlow() throws Exception {
        start(Map.of(StreamsAppConfig.BATCH_MAX_SIZE, 3), true);
        byte[] valid = serialize(Fixtures.inline("x", Fixtures.png(9)));
        byte[] wrongMagic = valid.clone();
        wrongMagic[0] = 7;
        byte[] unknownSchema = valid.clone();
        unknownSchema[1] = 0x7f;
        byte[] random = new byte[200];
        new Random(1).nextBytes(random);
        ImageEvent both = Fixtures.inline("both", Fixtures.png(1));
        both.setImageUri("file:///x.png");

        Map<String, byte[]> values = new LinkedHashMap<>();
        Map<String, FailureReason> expected = new LinkedHashMap<>();
        addPoison(
                values,
                expected,
                "truncated",
                serialize(Fixtures.inline("truncated", Fixtures.truncatedJpeg())),
                FailureReason.UNDECODABLE_IMAGE);
        addPoison(
                values,
                expected,
                "noise",
                serialize(Fixtures.inline("noise", random)),
                FailureReason.UNSUPPORTED_FORMAT);
        addPoison(
                values,
                expected,
                "bomb",
                serialize(Fixtures.inline("bomb", Fixtures.pngHeaderOnly(20000, 20000))),
                FailureReason.IMAGE_TOO_LARGE);
        addPoison(values, expected, "garbage", random, FailureReason.DESERIALIZATION_ERROR);
        addPoison(values, expected, "zero", new byte[0], FailureReason.DESERIALIZATION_ERROR);
        addPoison(values, expected, "magic", wrongMagic, FailureReason.DESERIALIZATION_ERROR);
        addPoison(values, expected, "schema", unknownSchema, FailureReason.DESERIALIZATION_ERROR);
        addPoison(values, expected, "both", serialize(both), FailureReason.INVALID_EVENT);
        addPoison(
                values,
                expected,
                "outside",
                serialize(
                        Fixtures.byUri("outside", shared.resolve("secret.txt").toUri().toString())),
                FailureReason.FORBIDDEN_URI);
        addPoison(
                values,
                expected,
                "traversal",
                serialize(Fixtures.byUri("traversal", allowedDir.toUri() + "../secret.txt")),
                FailureReason.FORBIDDEN_URI);
        addPoison(
                values,
                expected,
                "http",
                serialize(Fixtures.byUri("http", "http://127.0.0.1:1/x.png")),
                FailureReason.FORBIDDEN_URI);
        addPoison(
                values,
                expected,
                "missing",
                serialize(
                        Fixtures.byUri(
                                "missing", allowedDir.resolve("missing.png").toUri().toString())),
                FailureReason.FETCH_FAILED);

        List<String> good = new ArrayList<>();
        int n = 0;
        for (Map.Entry<String, byte[]> poison : values.entrySet()) {
            images.pipeInput(poison.getKey().getBytes(StandardCharsets.UTF_8), poison.getValue());
            String id = "good-" + n++;
            good.add(id);
            pipe(Fixtures.inline(id, Fixtures.png(n)));
        }
        pipe(Fixtures.byUri("by-uri", allowedDir.resolve("good.png").toUri().toString()));
        good.add("by-uri");
        driver.advanceWallClockTime(Duration.ofMillis(1100));

        assertThat(captions.readKeyValuesToMap().keySet())
                .containsExactlyInAnyOrderElementsOf(good);
        List<TestRecord<String, CaptionFailure>> letters = dlq.readRecordsToList();
        Map<String, FailureReason> actual = new LinkedHashMap<>();
        for (TestRecord<String, CaptionFailure> letter : letters) {
            CaptionFailure f = letter.value();
            String originalKey = new String(f.getOriginalKey().array(), StandardCharsets.UTF_8);
            actual.put(originalKey, f.getReason());
            assertThat(letter.key()).isEqualTo(originalKey);
            assertThat(f.getSourceTopic()).isEqualTo(topics.images().name());
            assertThat(f.getSourcePartition()).isZero();
            assertThat(f.getSourceOffset()).isNotNull();
            assertThat(toArray(f.getOriginalValue())).isEqualTo(values.get(originalKey));
            assertThat(f.getMessage()).isNotBlank();
        }
        assertThat(actual).containsExactlyInAnyOrderEntriesOf(expected);
        assertThat(metrics.failures(FailureReason.DESERIALIZATION_ERROR)).isEqualTo(4.0);
        assertThat(metrics.failures(FailureReason.FORBIDDEN_URI)).isEqualTo(3.0);
    }

    @Test
    void shouldCaptionOddButValidImagesInsteadOfFailingThem() throws Exception {
        start(Map.of(), true);
        Map<String, byte[]> odd = Fixtures.oddImages();

        for (Map.Entry<String, byte[]> image : odd.entrySet()) {
            pipe(Fixtures.inline(image.getKey(), image.getValue()));
        }
        driver.advanceWallClockTime(Duration.ofMillis(1100));

        assertThat(dlq.readValuesToList()).isEmpty();
        assertThat(captions.readKeyValuesToMap().keySet())
                .containsExactlyInAnyOrderElementsOf(odd.keySet());
    }

    @Test
    void shouldDeadLetterATombstoneAsDeserializationError() throws Exception {
        start(Map.of(), true);

        images.pipeInput("gone".getBytes(StandardCharsets.UTF_8), (byte[]) null);

        CaptionFailure f = dlq.readValue();
        assertThat(f.getReason()).isEqualTo(FailureReason.DESERIALIZATION_ERROR);
        assertThat(f.getOriginalValue()).isNull();
        assertThat(f.getSourceOffset()).isZero();
    }

    @Test
    void shouldRefuseImagesOverTheByteLimitAsTooLarge() throws Exception {
        start(Map.of(StreamsAppConfig.IMAGE_MAX_BYTES, 100), true);

        pipe(Fixtures.inline("big", Fixtures.png(1)));
        driver.advanceWallClockTime(Duration.ofMillis(1100));

        CaptionFailure f = dlq.readValue();
        assertThat(f.getReason()).isEqualTo(FailureReason.IMAGE_TOO_LARGE);
        assertThat(f.getImageId()).isEqualTo("big");
        assertThat(captions.isEmpty()).isTrue();
    }

    @Test
    void shouldWaitWithoutAModelAndCaptionOnceOneIsInstalled() throws Exception {
        start(Map.of(), false);

        pipe(Fixtures.inline("a", Fixtures.png(1)));
        pipe(Fixtures.inline("b", Fixtures.png(2)));
        driver.advanceWallClockTime(Duration.ofSeconds(5));
        assertThat(captions.isEmpty()).isTrue();
        assertThat(dlq.isEmpty()).as("no model is no reason to fail an image").isTrue();
        assertThat(metrics.buffered()).isEqualTo(2.0);

        models.install(Captioner.load(modelFile));
        driver.advanceWallClockTime(Duration.ofMillis(300));

        assertThat(captions.readKeyValuesToMap()).containsOnlyKeys("a", "b");
        assertThat(metrics.buffered()).isZero();
    }

    @Test
    void shouldCaptionWithTheNewModelAfterAHotSwapBetweenBatches() throws Exception {
        start(Map.of(StreamsAppConfig.BATCH_MAX_SIZE, 2), true);
        String before = models.current().orElseThrow().version();

        pipe(Fixtures.inline("a", Fixtures.png(1)));
        pipe(Fixtures.inline("b", Fixtures.png(2)));
        models.install(Captioner.load(otherModelFile));
        String after = models.current().orElseThrow().version();
        pipe(Fixtures.inline("c", Fixtures.png(3)));
        pipe(Fixtures.inline("d", Fixtures.png(4)));

        assertThat(after).isNotEqualTo(before);
        Map<String, String> versions = new LinkedHashMap<>();
        for (CaptionEvent c : captions.readValuesToList()) {
            versions.put(c.getImageId(), c.getModelVersion());
        }
        assertThat(versions)
                .containsExactly(
                        Map.entry("a", before),
                        Map.entry("b", before),
                        Map.entry("c", after),
                        Map.entry("d", after));
    }

    @Test
    void shouldDeadLetterImagesTheModelFailsOnAsModelErrorAndKeepRunning() throws Exception {
        start(Map.of(StreamsAppConfig.BATCH_MAX_SIZE, 2), false);
        Captioner broken = Captioner.load(modelFile);
        models.install(broken);
        // Freed weights make every forward pass fail, like a model that breaks at runtime.
        broken.close();

        pipe(Fixtures.inline("a", Fixtures.png(1)));
        pipe(Fixtures.inline("b", Fixtures.png(2)));

        assertThat(captions.isEmpty()).isTrue();
        List<CaptionFailure> letters = dlq.readValuesToList();
        assertThat(letters).extracting(CaptionFailure::getImageId).containsExactly("a", "b");
        assertThat(letters)
                .extracting(CaptionFailure::getReason)
                .containsOnly(FailureReason.MODEL_ERROR);
        assertThat(letters.get(0).getMessage()).contains("closed");

        models.install(Captioner.load(modelFile));
        pipe(Fixtures.inline("c", Fixtures.png(3)));
        pipe(Fixtures.inline("d", Fixtures.png(4)));
        assertThat(captions.readKeyValuesToMap()).containsOnlyKeys("c", "d");
    }

    @Test
    void shouldCarryBeamSearchAlternatives() throws Exception {
        start(
                Map.of(
                        StreamsAppConfig.DECODING_BEAM_SIZE, 3,
                        StreamsAppConfig.DECODING_ALTERNATIVES, 2,
                        StreamsAppConfig.DECODING_MAX_LENGTH, 6),
                true);

        pipe(Fixtures.inline("a", Fixtures.png(1)));
        driver.advanceWallClockTime(Duration.ofMillis(1100));

        CaptionEvent caption = captions.readValue();
        assertThat(caption.getDecodingStrategy()).isEqualTo(DecodingStrategy.BEAM);
        assertThat(caption.getBeamSize()).isEqualTo(3);
        assertThat(caption.getAlternatives()).hasSizeBetween(1, 2);
        assertThat(caption.getAlternatives().get(0).getScore()).isLessThanOrEqualTo(0.0);
    }

    private static void addPoison(
            Map<String, byte[]> values,
            Map<String, FailureReason> expected,
            String key,
            byte[] value,
            FailureReason reason) {
        values.put(key, value);
        expected.put(key, reason);
    }

    private static byte[] toArray(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
