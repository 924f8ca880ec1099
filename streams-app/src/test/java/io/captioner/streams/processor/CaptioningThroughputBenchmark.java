package io.captioner.streams.processor;

import io.captioner.events.ImageEvent;
import io.captioner.schemas.Topics;
import io.captioner.streams.Fixtures;
import io.captioner.streams.config.StreamsAppConfig;
import io.captioner.streams.model.ModelHolder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Time to caption 64 inline PNGs through the topology (deserialize, buffer, decode, model,
 * serialize) by batch size, on the tiny test model. Run with {@code java -cp <test classpath>
 * org.openjdk.jmh.Main CaptioningThroughputBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class CaptioningThroughputBenchmark {

    private static final int IMAGES = 64;

    /** Images per forward pass. */
    @Param({"1", "8", "32"})
    public int batchSize;

    private Path dir;
    private ModelHolder models;
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> input;
    private TestOutputTopic<byte[], byte[]> output;
    private final List<byte[]> keys = new ArrayList<>();
    private final List<byte[]> values = new ArrayList<>();

    /** Builds the model, the topology and the serialized images once. */
    @Setup
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("captioning-benchmark");
        Map<String, Object> props = new HashMap<>();
        props.put(StreamsAppConfig.SCHEMA_REGISTRY_URL, "mock://" + UUID.randomUUID());
        props.put(StreamsAppConfig.PROCESSING_GUARANTEE, StreamsConfig.AT_LEAST_ONCE);
        props.put(StreamsAppConfig.BUFFER_STORE, StreamsAppConfig.BUFFER_STORE_MEMORY);
        props.put(StreamsAppConfig.BATCH_MAX_SIZE, batchSize);
        props.put(StreamsAppConfig.BATCH_MAX_WAIT_MS, 1000);
        props.put(StreamsAppConfig.STATE_DIR, dir.resolve("state").toString());
        StreamsAppConfig config = StreamsAppConfig.of(props);
        models = ModelHolder.load(Fixtures.tinyModel(dir));
        Topics topics = CaptioningTopology.topics(config);
        driver =
                new TopologyTestDriver(
                        CaptioningTopology.build(config, models, CaptioningMetrics.standalone()),
                        config.streamsProperties());
        input =
                driver.createInputTopic(
                        topics.images().name(),
                        new ByteArraySerializer(),
                        new ByteArraySerializer());
        output =
                driver.createOutputTopic(
                        topics.captions().name(),
                        new ByteArrayDeserializer(),
                        new ByteArrayDeserializer());
        for (int i = 0; i < IMAGES; i++) {
            ImageEvent event = Fixtures.inline("img-" + i, Fixtures.png(i));
            keys.add(event.getImageId().getBytes(StandardCharsets.UTF_8));
            values.add(
                    topics.images()
                            .valueSerde()
                            .serializer()
                            .serialize(topics.images().name(), event));
        }
    }

    /** Pipes 64 images and flushes the partial rest; returns the number of captions. */
    @Benchmark
    public int caption64Images() {
        for (int i = 0; i < IMAGES; i++) {
            input.pipeInput(keys.get(i), values.get(i));
        }
        driver.advanceWallClockTime(Duration.ofMillis(1100));
        return output.readRecordsToList().size();
    }

    /** Releases the driver and the model. */
    @TearDown
    public void tearDown() {
        driver.close();
        models.close();
    }
}
