package io.captioner.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.captioner.events.LabeledPair;
import io.captioner.events.TrainingDecision;
import io.captioner.events.TrainingRun;
import io.captioner.model.data.CaptionedImage;
import io.captioner.model.data.SyntheticDataset;
import io.captioner.modeltopic.ChunkStorage;
import io.captioner.modeltopic.ModelCatalog;
import io.captioner.modeltopic.ModelTopicReader;
import io.captioner.schemas.Topics;
import io.captioner.stack.LocalStack;
import io.captioner.training.config.TrainingServiceConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service in its own JVM is killed with SIGKILL while training: nothing is recorded or
 * activated, and a restarted service runs again on the same trigger and publishes.
 */
class TrainingServiceCrashIT {

    private static final String PREFIX = "crash.";
    private static final int IMAGES = 200;

    @TempDir static Path dir;
    private static LocalStack stack;
    private static Topics topics;

    @BeforeAll
    static void startStack() {
        stack = LocalStack.builder().optTemporary().optKafkaPort(0).optRegistryPort(0).build();
        stack.start();
        topics =
                Topics.builder()
                        .setSerdeConfig(Map.of("schema.registry.url", stack.registryUrl()))
                        .optNamePrefix(PREFIX)
                        .build();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    private static Map<String, Object> config(int epochs) {
        Map<String, Object> props = new HashMap<>();
        props.put(TrainingServiceConfig.BOOTSTRAP_SERVERS, stack.bootstrapServers());
        props.put(TrainingServiceConfig.SCHEMA_REGISTRY_URL, stack.registryUrl());
        props.put(TrainingServiceConfig.TOPIC_PREFIX, PREFIX);
        props.put(TrainingServiceConfig.DATA_DIR, dir.resolve("training").toString());
        props.put(TrainingServiceConfig.HTTP_PORT, 0);
        props.put(TrainingServiceConfig.TRIGGER_PAIRS, IMAGES);
        props.put(TrainingServiceConfig.EMBED_SIZE, 16);
        props.put(TrainingServiceConfig.HIDDEN_SIZE, 32);
        props.put(TrainingServiceConfig.EPOCHS, epochs);
        return props;
    }

    private static String status(int port) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/status"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    @Test
    void shouldLeaveNoRunAndNoVersionWhenKilledWhileTrainingAndRunAgainAfterARestart()
            throws Exception {
        // Given: pairs on the topic and a service in its own JVM, slowed down by many epochs
        List<CaptionedImage> data =
                SyntheticDataset.builder()
                        .setSeed(3)
                        .setImages(IMAGES)
                        .optImageSize(64)
                        .build()
                        .generate();
        Map<String, Object> producerProps = new HashMap<>();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        try (KafkaProducer<String, LabeledPair> producer =
                new KafkaProducer<>(
                        producerProps,
                        new StringSerializer(),
                        topics.labeledPairs().valueSerde().serializer())) {
            for (CaptionedImage image : data) {
                producer.send(
                        new ProducerRecord<>(
                                topics.labeledPairs().name(),
                                image.id(),
                                LabeledPair.newBuilder()
                                        .setImageId(image.id())
                                        .setImageBytes(
                                                ByteBuffer.wrap(
                                                        TrainingServiceIT.png(image.image())))
                                        .setReferences(image.captions())
                                        .build()));
            }
        }
        Path file = dir.resolve("service.properties");
        Properties props = new Properties();
        config(200).forEach((k, v) -> props.setProperty(k, String.valueOf(v)));
        try (var out = Files.newOutputStream(file)) {
            props.store(out, null);
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Dai.djl.offline=true");
        command.add("-Dai.djl.pytorch.num_threads=1");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ServiceProcess.class.getName());
        command.add(file.toString());
        Process process =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve("service.log").toFile())
                        .start();
        try {
            Path portFile = dir.resolve("service.properties.port");
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (!Files.exists(portFile)) {
                assertThat(process.isAlive()).as("service process alive").isTrue();
                assertThat(System.nanoTime()).as("service start").isLessThan(deadline);
                Thread.sleep(200);
            }
            int port = Integer.parseInt(Files.readString(portFile).trim());
            while (!status(port).contains("\"epoch\":2")) {
                assertThat(System.nanoTime()).as("training epoch 2").isLessThan(deadline);
                Thread.sleep(200);
            }

            // When: SIGKILL in the middle of training
            process.destroyForcibly();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            process.destroyForcibly();
        }

        // Then: no run recorded, nothing published
        assertThat(
                        TrainingRunLog.readAll(
                                stack.bootstrapServers(), Map.of(), topics.trainingRuns()))
                .isEmpty();
        try (ModelCatalog catalog =
                ModelTopicReader.builder()
                        .setBootstrapServers(stack.bootstrapServers())
                        .setTopics(topics)
                        .optChunkStorage(ChunkStorage.METADATA_ONLY)
                        .build()
                        .readToEnd()) {
            assertThat(catalog.activeVersion("captioner")).isEmpty();
        }

        // When: the service restarts (in process, two epochs)
        try (TrainingService service =
                new TrainingService(TrainingServiceConfig.of(config(2))).start()) {
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            List<TrainingRun> runs = List.of();
            while (runs.isEmpty()) {
                assertThat(System.nanoTime()).as("a run after the restart").isLessThan(deadline);
                Thread.sleep(1000);
                runs =
                        TrainingRunLog.readAll(
                                stack.bootstrapServers(), Map.of(), topics.trainingRuns());
            }

            // Then: the same trigger runs again and completes
            assertThat(runs).hasSize(1);
            assertThat(runs.get(0).getDecision()).isEqualTo(TrainingDecision.PUBLISHED);
            assertThat(runs.get(0).getTrigger().name()).isEqualTo("PAIRS");
        }
    }
}
