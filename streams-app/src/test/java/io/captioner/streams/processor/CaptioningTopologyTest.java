package io.captioner.streams.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.captioner.events.CaptionEvent;
import io.captioner.events.CaptionFailure;
import io.captioner.events.DecodingStrategy;
import io.captioner.events.FailureReason;
import io.captioner.events.ImageEvent;
import io.captioner.model.Captioner;
import io.captioner.schemas.Topics;
import io.captioner.schemas.serde.AvroSerializer;
import io.captioner.streams.Fixtures;
import io.captioner.streams.TestSessions;
import io.captioner.streams.config.ServingPlan;
import io.captioner.streams.config.StreamsAppConfig;
import io.captioner.streams.model.ModelHolder;
import io.captioner.streams.model.ServingModel;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
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
    private CaptioningPipeline pipeline;
    private CaptioningMetrics metrics;
    private Topics topics;
    private TestInputTopic<byte[], byte[]> images;
    private TestOutputTopic<String, CaptionEvent> captions;
    private TestOutputTopic<String, CaptionFailure> dlq;
    private final FailureTracker tracker = new FailureTracker();
    private StreamsAppConfig config;
    private Deserializer<ImageEvent> failingOn;
    private byte[] failingValue;
    private final List<CaptionEvent> captionsRead = new ArrayList<>();
    private final List<TestRecord<String, CaptionFailure>> lettersRead = new ArrayList<>();

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
        if (pipeline != null) {
            pipeline.close();
        }
        if (models != null) {
            models.close();
        }
    }

    private void start(Map<String, Object> overrides, boolean withModel) throws Exception {
        start(overrides, withModel ? ServingModel.of(Captioner.load(modelFile)) : null);
    }

    private void start(Map<String, Object> overrides, ServingModel model) throws Exception {
        StreamsAppConfig config = config(overrides);
        models = new ModelHolder();
        if (model != null) {
            models.install(model);
        }
        metrics = CaptioningMetrics.standalone();
        topics = CaptioningTopology.topics(config);
        startDriver(config);
    }

    private static StreamsAppConfig config(Map<String, Object> overrides) {
        Map<String, Object> props = new HashMap<>();
        props.put(StreamsAppConfig.SCHEMA_REGISTRY_URL, "mock://" + UUID.randomUUID());
        props.put(StreamsAppConfig.PROCESSING_GUARANTEE, StreamsConfig.AT_LEAST_ONCE);
        props.put(StreamsAppConfig.FETCH_ALLOWED_DIRS, allowedDir.toString());
        props.put(StreamsAppConfig.BATCH_MAX_SIZE, 4);
        props.put(StreamsAppConfig.BATCH_MAX_WAIT_MS, 1000);
        props.put(StreamsAppConfig.DATA_DIR, shared.resolve("data").toString());
        props.putAll(overrides);
        return StreamsAppConfig.of(props);
    }

    /** A driver (as a replaced stream thread would be) over the same model, metrics and tracker. */
    private void startDriver(StreamsAppConfig config) {
        this.config = config;
        ServingPlan plan = config.servingPlan(2, false);
        Deserializer<ImageEvent> real = topics.images().valueSerde().deserializer();
        Deserializer<ImageEvent> deserializer =
                failingValue == null
                        ? real
                        : (topic, data) -> {
                            if (Arrays.equals(data, failingValue)) {
                                throw new StackOverflowError("deep in a broken record");
                            }
                            return real.deserialize(topic, data);
                        };
        pipeline =
                CaptioningPipeline.builder(config, topics)
                        .setModels(models)
                        .setDeserializer(deserializer, topics.images().name())
                        .setMetrics(metrics)
                        .optInputThreads(plan.inputThreads())
                        .optInferenceThreads(plan.inferenceThreads())
                        .build();
        driver =
                new TopologyTestDriver(
                        CaptioningTopology.build(
                                topics, ProcessorSettings.of(config, plan), pipeline, tracker),
                        config.streamsProperties());
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

    /**
     * Lets the pipeline work (real time) and the processor forward (20 ms steps of the driver's
     * clock, each a punctuation) until {@code done} holds; fails after 20 s.
     */
    private void awaitOutputs(java.util.function.BooleanSupplier done) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            captionsRead.addAll(captions.readValuesToList());
            lettersRead.addAll(dlq.readRecordsToList());
            if (done.getAsBoolean()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "outputs did not arrive: "
                                + captionsRead.size()
                                + " caption(s), "
                                + lettersRead.size()
                                + " dead letter(s)");
            }
            Thread.sleep(10);
            driver.advanceWallClockTime(Duration.ofMillis(20));
        }
    }

    private void awaitCaptions(int n) throws Exception {
        awaitOutputs(() -> captionsRead.size() >= n);
    }

    private List<String> captionIds() {
        return captionsRead.stream().map(CaptionEvent::getImageId).toList();
    }

    /** Real time for the input threads, then one punctuation without moving the clock much. */
    private void settle() throws Exception {
        Thread.sleep(300);
        driver.advanceWallClockTime(Duration.ofMillis(20));
        captionsRead.addAll(captions.readValuesToList());
        lettersRead.addAll(dlq.readRecordsToList());
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
        settle();
        assertThat(captionsRead).as("three images do not fill a batch of four").isEmpty();
        pipe(Fixtures.inline("img-3", Fixtures.png(3)));
        awaitCaptions(4);

        assertThat(captionIds()).containsExactly("img-0", "img-1", "img-2", "img-3");
        CaptionEvent first = captionsRead.get(0);
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
        assertThat(metrics.buffered()).isZero();
        assertThat(lettersRead).isEmpty();
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
        driver.advanceWallClockTime(Duration.ofMillis(880));
        settle();
        assertThat(captionsRead).isEmpty();
        driver.advanceWallClockTime(Duration.ofMillis(150));
        awaitCaptions(2);

        assertThat(captionIds()).containsExactlyInAnyOrder("a", "b");
        assertThat(metrics.batches()).isEqualTo(1);
    }

    @Test
    void shouldSplitABacklogIntoBatchesOfAtMostMaxSize() throws Exception {
        start(Map.of(StreamsAppConfig.BATCH_MAX_SIZE, 2), true);

        for (int i = 0; i < 5; i++) {
            pipe(Fixtures.inline("img-" + i, Fixtures.png(i)));
        }
        awaitCaptions(4);
        // Different keys: an image whose decoding finished first may be batched first, so which
        // four make the two full batches depends on the input threads.
        assertThat(captionIds()).hasSize(4).doesNotHaveDuplicates();
        assertThat(metrics.batches()).isEqualTo(2);
        driver.advanceWallClockTime(Duration.ofMillis(1100));
        awaitCaptions(5);

        assertThat(captionIds())
                .containsExactlyInAnyOrder("img-0", "img-1", "img-2", "img-3", "img-4");
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
        awaitOutputs(
                () -> captionsRead.size() >= good.size() && lettersRead.size() >= values.size());

        assertThat(captionIds()).containsExactlyInAnyOrderElementsOf(good);
        Map<String, FailureReason> actual = new LinkedHashMap<>();
        for (TestRecord<String, CaptionFailure> letter : lettersRead) {
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
        assertThat(metrics.buffered()).isZero();
    }

    @Test
    void shouldCaptionOddButValidImagesInsteadOfFailingThem() throws Exception {
        start(Map.of(), true);
        Map<String, byte[]> odd = Fixtures.oddImages();

        for (Map.Entry<String, byte[]> image : odd.entrySet()) {
            pipe(Fixtures.inline(image.getKey(), image.getValue()));
        }
        driver.advanceWallClockTime(Duration.ofMillis(1100));
        awaitCaptions(odd.size());

        assertThat(lettersRead).isEmpty();
        assertThat(captionIds()).containsExactlyInAnyOrderElementsOf(odd.keySet());
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
    void shouldRefuseImagesOverTheByteLimitAsTooLargeBeforeBufferingThem() throws Exception {
        start(Map.of(StreamsAppConfig.IMAGE_MAX_BYTES, 100), true);

        pipe(Fixtures.inline("big", Fixtures.png(1)));

        CaptionFailure f = dlq.readValue();
        assertThat(f.getReason()).isEqualTo(FailureReason.IMAGE_TOO_LARGE);
        assertThat(f.getImageId()).isEqualTo("big");
        assertThat(metrics.buffered()).isZero();
        settle();
        assertThat(captionsRead).isEmpty();
    }

    @Test
    void shouldWaitWithoutAModelAndCaptionOnceOneIsInstalled() throws Exception {
        start(Map.of(), false);

        pipe(Fixtures.inline("a", Fixtures.png(1)));
        pipe(Fixtures.inline("b", Fixtures.png(2)));
        driver.advanceWallClockTime(Duration.ofSeconds(5));
        settle();
        assertThat(captionsRead).isEmpty();
        assertThat(lettersRead).as("no model is no reason to fail an image").isEmpty();
        assertThat(metrics.buffered()).isEqualTo(2.0);

        models.install(Captioner.load(modelFile));
        awaitCaptions(2);

        assertThat(captionIds()).containsExactlyInAnyOrder("a", "b");
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
        awaitCaptions(4);

        assertThat(after).isNotEqualTo(before);
        Map<String, String> versions = new LinkedHashMap<>();
        for (CaptionEvent c : captionsRead) {
            versions.put(c.getImageId(), c.getModelVersion());
        }
        assertThat(versions)
                .containsOnly(
                        Map.entry("a", before),
                        Map.entry("b", before),
                        Map.entry("c", after),
                        Map.entry("d", after));
    }

    @Test
    void shouldServeAnAttentionModelHotSwappedInForTheLstmModel() throws Exception {
        start(Map.of(StreamsAppConfig.BATCH_MAX_SIZE, 2), true);
        Path attentionFile = Fixtures.attentionModel(shared, 5);

        pipe(Fixtures.inline("a", Fixtures.png(1)));
        pipe(Fixtures.inline("b", Fixtures.png(2)));
        models.install(Captioner.load(attentionFile));
        String attention = models.current().orElseThrow().version();
        pipe(Fixtures.inline("c", Fixtures.png(3)));
        pipe(Fixtures.inline("d", Fixtures.png(4)));
        awaitCaptions(4);

        Map<String, String> versions = new LinkedHashMap<>();
        for (CaptionEvent c : captionsRead) {
            versions.put(c.getImageId(), c.getModelVersion());
        }
        assertThat(versions).containsEntry("c", attention).containsEntry("d", attention);
        assertThat(lettersRead).isEmpty();
    }

    @Test
    void shouldDeadLetterOnlyTheImageTheModelFailsOnAsModelError() throws Exception {
        int poison = 0xff00ff;
        start(
                Map.of(StreamsAppConfig.BATCH_MAX_SIZE, 3),
                ServingModel.of(
                        Captioner.load(modelFile),
                        TestSessions.failingOn(
                                image -> Fixtures.startsWith(image, poison),
                                () -> new IllegalArgumentException("bad input for this model"))));

        pipe(Fixtures.inline("a", Fixtures.png(1)));
        pipe(Fixtures.inline("bad", Fixtures.solid(poison)));
        pipe(Fixtures.inline("c", Fixtures.png(3)));
        awaitOutputs(() -> captionsRead.size() >= 2 && lettersRead.size() >= 1);

        assertThat(captionIds()).containsExactlyInAnyOrder("a", "c");
        CaptionFailure letter = lettersRead.get(0).value();
        assertThat(letter.getImageId()).isEqualTo("bad");
        assertThat(letter.getReason()).isEqualTo(FailureReason.MODEL_ERROR);
        assertThat(letter.getMessage()).contains("bad input for this model");
        assertThat(pipeline.modelFailure()).isEmpty();
    }

    @Test
    void shouldKeepImagesAndReportTheModelWhenItFailsAsAWhole() throws Exception {
        start(
                Map.of(StreamsAppConfig.BATCH_MAX_SIZE, 2),
                ServingModel.of(Captioner.load(modelFile), TestSessions.broken()));

        pipe(Fixtures.inline("a", Fixtures.png(1)));
        pipe(Fixtures.inline("b", Fixtures.png(2)));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (pipeline.modelFailure().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        settle();

        assertThat(pipeline.modelFailure())
                .hasValueSatisfying(r -> assertThat(r).contains("device out of memory"));
        assertThat(lettersRead).as("a broken model is not the images' fault").isEmpty();
        assertThat(metrics.buffered()).isEqualTo(2.0);

        models.install(Captioner.load(modelFile));
        awaitCaptions(2);

        assertThat(captionIds()).containsExactlyInAnyOrder("a", "b");
        assertThat(lettersRead).isEmpty();
        assertThat(pipeline.modelFailure()).isEmpty();
    }

    @Test
    void shouldDeadLetterAnImageFailingUnexpectedlyAfterItsAttemptsWhileOthersFlow()
            throws Exception {
        int poison = 0xff00ff;
        AtomicInteger tries = new AtomicInteger();
        start(
                Map.of(StreamsAppConfig.BATCH_MAX_SIZE, 2, StreamsAppConfig.RETRY_MAX_ATTEMPTS, 3),
                ServingModel.of(
                        Captioner.load(modelFile),
                        TestSessions.failingOn(
                                image -> Fixtures.startsWith(image, poison),
                                () -> {
                                    tries.incrementAndGet();
                                    return new OutOfMemoryError("simulated");
                                })));

        pipe(Fixtures.inline("a", Fixtures.png(1)));
        pipe(Fixtures.inline("poison", Fixtures.solid(poison)));
        pipe(Fixtures.inline("c", Fixtures.png(3)));
        pipe(Fixtures.inline("d", Fixtures.png(4)));
        awaitOutputs(() -> captionsRead.size() >= 3 && lettersRead.size() >= 1);

        assertThat(captionIds()).containsExactlyInAnyOrder("a", "c", "d");
        CaptionFailure letter = lettersRead.get(0).value();
        assertThat(letter.getImageId()).isEqualTo("poison");
        assertThat(letter.getReason()).isEqualTo(FailureReason.INTERNAL_ERROR);
        assertThat(letter.getMessage()).contains("3 time(s)").contains("simulated");
        assertThat(metrics.buffered()).isZero();
    }

    @Test
    void shouldDeadLetterARecordThatKilledTheStreamThreadOnEveryAttempt() throws Exception {
        StreamsAppConfig config =
                config(
                        Map.of(
                                StreamsAppConfig.RETRY_MAX_ATTEMPTS,
                                2,
                                StreamsAppConfig.BATCH_MAX_SIZE,
                                1));
        models = new ModelHolder();
        models.install(Captioner.load(modelFile));
        metrics = CaptioningMetrics.standalone();
        topics = CaptioningTopology.topics(config);
        // A value whose deserialization blows the stack; each new driver is a replaced stream
        // thread meeting the same record at the same offset again.
        byte[] poison = serialize(Fixtures.inline("p", Fixtures.png(1)));
        failingValue = poison;
        for (int attempt = 1; attempt <= 2; attempt++) {
            startDriver(config);
            assertThatThrownBy(() -> images.pipeInput("p".getBytes(StandardCharsets.UTF_8), poison))
                    .satisfies(
                            t ->
                                    assertThat(
                                                    t.getCause() == null
                                                            ? t
                                                            : org.assertj.core.util.Throwables
                                                                    .getRootCause(t))
                                            .isInstanceOf(StackOverflowError.class));
            driver.close();
            pipeline.close();
        }
        startDriver(config);
        images.pipeInput("p".getBytes(StandardCharsets.UTF_8), poison);

        CaptionFailure letter = dlq.readValue();
        assertThat(letter.getReason()).isEqualTo(FailureReason.INTERNAL_ERROR);
        assertThat(letter.getMessage()).contains("2 time(s)").contains("StackOverflowError");
        assertThat(letter.getSourceOffset()).isZero();
        pipe(Fixtures.inline("next", Fixtures.png(2)));
        awaitCaptions(1);
        assertThat(captionIds()).containsExactly("next");
    }

    @Test
    void shouldCaptionAnEventWrittenWithAnEvolvedSchema() throws Exception {
        start(Map.of(StreamsAppConfig.BATCH_MAX_SIZE, 1), true);
        Schema evolved =
                SchemaBuilder.record("ImageEvent")
                        .namespace("io.captioner.events")
                        .fields()
                        .requiredString("imageId")
                        .name("imageBytes")
                        .type()
                        .unionOf()
                        .nullType()
                        .and()
                        .bytesType()
                        .endUnion()
                        .nullDefault()
                        .name("imageUri")
                        .type()
                        .unionOf()
                        .nullType()
                        .and()
                        .stringType()
                        .endUnion()
                        .nullDefault()
                        .name("contentType")
                        .type()
                        .unionOf()
                        .nullType()
                        .and()
                        .stringType()
                        .endUnion()
                        .nullDefault()
                        .name("source")
                        .type()
                        .unionOf()
                        .nullType()
                        .and()
                        .stringType()
                        .endUnion()
                        .nullDefault()
                        .name("attributes")
                        .type()
                        .unionOf()
                        .nullType()
                        .and()
                        .map()
                        .values()
                        .stringType()
                        .endUnion()
                        .nullDefault()
                        .name("eventTime")
                        .type(
                                LogicalTypes.timestampMillis()
                                        .addToSchema(Schema.create(Schema.Type.LONG)))
                        .noDefault()
                        .name("priority")
                        .type()
                        .unionOf()
                        .nullType()
                        .and()
                        .intType()
                        .endUnion()
                        .nullDefault()
                        .endRecord();
        GenericRecord event = new GenericData.Record(evolved);
        event.put("imageId", "evolved");
        event.put("imageBytes", ByteBuffer.wrap(Fixtures.png(5)));
        event.put("eventTime", System.currentTimeMillis());
        event.put("priority", 7);
        byte[] value = evolvedSerializer().serialize(topics.images().name(), event);

        images.pipeInput("evolved".getBytes(StandardCharsets.UTF_8), value);
        awaitCaptions(1);

        assertThat(captionIds()).containsExactly("evolved");
    }

    @Test
    void shouldGiveKeyMismatchesLongIdsAndFutureTimesTheirDefinedOutcomes() throws Exception {
        start(
                Map.of(
                        StreamsAppConfig.BATCH_MAX_SIZE, 1,
                        StreamsAppConfig.IMAGE_ID_MAX_BYTES, 16,
                        StreamsAppConfig.EVENT_TIME_MAX_AHEAD_MS, 60_000),
                true);

        images.pipeInput(
                "other".getBytes(StandardCharsets.UTF_8),
                serialize(Fixtures.inline("mismatch", Fixtures.png(1))));
        images.pipeInput((byte[]) null, serialize(Fixtures.inline("keyless", Fixtures.png(2))));
        String longId = "x".repeat(17);
        pipe(Fixtures.inline(longId, Fixtures.png(3)));
        ImageEvent farAhead = Fixtures.inline("far-ahead", Fixtures.png(4));
        farAhead.setEventTime(Instant.now().plus(Duration.ofHours(1)));
        pipe(farAhead);
        ImageEvent slightlyAhead = Fixtures.inline("skewed", Fixtures.png(5));
        slightlyAhead.setEventTime(Instant.now().plus(Duration.ofSeconds(30)));
        pipe(slightlyAhead);
        awaitOutputs(() -> captionsRead.size() >= 2 && lettersRead.size() >= 3);

        assertThat(captionIds()).containsExactlyInAnyOrder("keyless", "skewed");
        CaptionEvent skewed =
                captionsRead.stream()
                        .filter(c -> c.getImageId().equals("skewed"))
                        .findFirst()
                        .orElseThrow();
        assertThat(skewed.getLatencyMillis()).isZero();
        Map<String, CaptionFailure> byMessage = new LinkedHashMap<>();
        for (TestRecord<String, CaptionFailure> letter : lettersRead) {
            assertThat(letter.value().getReason()).isEqualTo(FailureReason.INVALID_EVENT);
            byMessage.put(String.valueOf(letter.value().getImageId()), letter.value());
        }
        assertThat(byMessage.get("mismatch").getMessage()).contains("differs from imageId");
        assertThat(byMessage.get("far-ahead").getMessage()).contains("ahead of this app's clock");
        CaptionFailure tooLong = byMessage.get("null");
        assertThat(tooLong.getMessage()).contains("over the limit of 16");
        assertThat(tooLong.getImageId()).as("an over-long id is not echoed").isNull();
        assertThat(new String(tooLong.getOriginalKey().array(), StandardCharsets.UTF_8))
                .isEqualTo(longId);
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
        awaitCaptions(1);

        CaptionEvent caption = captionsRead.get(0);
        assertThat(caption.getDecodingStrategy()).isEqualTo(DecodingStrategy.BEAM);
        assertThat(caption.getBeamSize()).isEqualTo(3);
        assertThat(caption.getAlternatives()).hasSizeBetween(1, 2);
        assertThat(caption.getAlternatives().get(0).getScore()).isLessThanOrEqualTo(0.0);
    }

    private Serializer<Object> evolvedSerializer() {
        AvroSerializer serializer = new AvroSerializer();
        serializer.configure(config.serdeConfig(), false);
        return serializer;
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
