package io.captioner.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.io.UncheckedIOException;
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
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service in its own JVM is killed with SIGKILL while training and while publishing: no
 * half-published version is ever active, and a restarted service runs again and publishes; an
 * ingest thread that dies ends the service's termination future with the cause; a train-now run
 * includes every pair sent before the command.
 */
class TrainingServiceCrashIT {

    private static final int IMAGES = 200;
    private static final String MODEL = "captioner";

    @TempDir static Path dir;
    private static LocalStack stack;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void startStack() {
        stack = LocalStack.builder().optTemporary().optKafkaPort(0).optRegistryPort(0).build();
        stack.start();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    private static Topics topics(String prefix) {
        return Topics.builder()
                .setSerdeConfig(Map.of("schema.registry.url", stack.registryUrl()))
                .optNamePrefix(prefix)
                .build();
    }

    private static Map<String, Object> config(String prefix, int epochs) {
        Map<String, Object> props = new HashMap<>();
        props.put(TrainingServiceConfig.BOOTSTRAP_SERVERS, stack.bootstrapServers());
        props.put(TrainingServiceConfig.SCHEMA_REGISTRY_URL, stack.registryUrl());
        props.put(TrainingServiceConfig.TOPIC_PREFIX, prefix);
        props.put(TrainingServiceConfig.DATA_DIR, dir.resolve(prefix + "training").toString());
        props.put(TrainingServiceConfig.HTTP_PORT, 0);
        props.put(TrainingServiceConfig.TRIGGER_PAIRS, IMAGES);
        props.put(TrainingServiceConfig.EMBED_SIZE, 16);
        props.put(TrainingServiceConfig.HIDDEN_SIZE, 32);
        props.put(TrainingServiceConfig.EPOCHS, epochs);
        return props;
    }

    private static void publishPairs(Topics topics) {
        List<CaptionedImage> data =
                SyntheticDataset.builder()
                        .setSeed(3)
                        .setImages(IMAGES)
                        .optImageSize(64)
                        .build()
                        .generate();
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        try (KafkaProducer<String, LabeledPair> producer =
                new KafkaProducer<>(
                        props,
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
    }

    private static String status(int port) {
        try {
            return HTTP.send(
                            HttpRequest.newBuilder(
                                            URI.create("http://127.0.0.1:" + port + "/status"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
        } catch (Exception e) {
            return "";
        }
    }

    /**
     * Starts the service in its own JVM and SIGKILLs it as soon as {@code /status} contains {@code
     * fragment}; returns whether it was seen before the process recorded a run.
     */
    private static boolean killWhen(String prefix, int epochs, String fragment, long pollMillis)
            throws Exception {
        Path file = dir.resolve(prefix + "service.properties");
        Properties props = new Properties();
        config(prefix, epochs).forEach((k, v) -> props.setProperty(k, String.valueOf(v)));
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
                        .redirectOutput(dir.resolve(prefix + "service.log").toFile())
                        .start();
        try {
            Path portFile = file.resolveSibling(file.getFileName() + ".port");
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (!Files.exists(portFile)) {
                assertThat(process.isAlive()).as("service process alive").isTrue();
                assertThat(System.nanoTime()).as("service start").isLessThan(deadline);
                Thread.sleep(100);
            }
            int port = Integer.parseInt(Files.readString(portFile).trim());
            while (true) {
                String body = status(port);
                if (body.contains(fragment)) {
                    process.destroyForcibly();
                    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
                    return true;
                }
                if (body.contains("\"last_run\":{")) {
                    return false;
                }
                assertThat(System.nanoTime()).as("waiting for " + fragment).isLessThan(deadline);
                Thread.sleep(pollMillis);
            }
        } finally {
            process.destroyForcibly();
        }
    }

    private static Optional<String> active(Topics topics) {
        try (ModelCatalog catalog =
                ModelTopicReader.builder()
                        .setBootstrapServers(stack.bootstrapServers())
                        .setTopics(topics)
                        .optChunkStorage(ChunkStorage.METADATA_ONLY)
                        .build()
                        .readToEnd()) {
            return catalog.activeVersion(MODEL);
        }
    }

    private static List<TrainingRun> runs(Topics topics) {
        return TrainingRunLog.readAll(stack.bootstrapServers(), Map.of(), topics.trainingRuns());
    }

    /** Restarts the service in process and waits for its run; returns every recorded run. */
    private static List<TrainingRun> restartAndRun(String prefix, int before) throws Exception {
        Topics topics = topics(prefix);
        try (TrainingService service =
                new TrainingService(TrainingServiceConfig.of(config(prefix, 2))).start()) {
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            List<TrainingRun> runs = runs(topics);
            while (runs.size() <= before) {
                assertThat(System.nanoTime()).as("a run after the restart").isLessThan(deadline);
                Thread.sleep(500);
                runs = runs(topics);
            }
            return runs;
        }
    }

    @Test
    void shouldLeaveNoRunAndNoVersionWhenKilledWhileTrainingAndRunAgainAfterARestart()
            throws Exception {
        // Given: pairs on the topic and a service in its own JVM, slowed down by many epochs
        String prefix = "train-kill.";
        Topics topics = topics(prefix);
        publishPairs(topics);

        // When: SIGKILL in the middle of training
        assertThat(killWhen(prefix, 200, "\"epoch\":2", 200)).isTrue();

        // Then: no run recorded, nothing published
        assertThat(runs(topics)).isEmpty();
        assertThat(active(topics)).isEmpty();

        // When: the service restarts
        List<TrainingRun> runs = restartAndRun(prefix, 0);

        // Then: the same trigger runs again and completes
        assertThat(runs).hasSize(1);
        assertThat(runs.get(0).getDecision()).isEqualTo(TrainingDecision.PUBLISHED);
        assertThat(runs.get(0).getTrigger().name()).isEqualTo("PAIRS");
        assertThat(active(topics)).contains(runs.get(0).getVersion());
    }

    @Test
    void shouldNeverActivateAHalfPublishedVersionWhenKilledWhilePublishing() throws Exception {
        // Given
        String prefix = "publish-kill.";
        Topics topics = topics(prefix);
        publishPairs(topics);

        // When: SIGKILL as soon as the run is publishing (the transaction is open)
        boolean killed = killWhen(prefix, 2, "\"phase\":\"PUBLISHING\"", 10);
        Assumptions.assumeTrue(
                killed, "the publishing phase ended before /status showed it; nothing to check");

        // Then: all or nothing: a recorded run has its version active, otherwise nothing is
        List<TrainingRun> before = runs(topics);
        if (before.isEmpty()) {
            assertThat(active(topics)).isEmpty();
        } else {
            assertThat(active(topics)).contains(before.get(0).getVersion());
        }

        // When: the service restarts (its publisher fences the dead one's transaction); a run
        // that did commit needs a new trigger
        if (!before.isEmpty()) {
            TrainingRunLog.trainNow(
                    stack.bootstrapServers(),
                    Map.of(),
                    topics.trainingControl(),
                    MODEL,
                    true,
                    "it");
        }
        List<TrainingRun> runs = restartAndRun(prefix, before.size());

        // Then: the run completes and its version is the active one
        TrainingRun last = runs.get(runs.size() - 1);
        assertThat(last.getDecision()).isEqualTo(TrainingDecision.PUBLISHED);
        assertThat(active(topics)).contains(last.getVersion());
    }

    @Test
    void shouldEndTheTerminationWithTheCauseWhenTheIngestThreadDies() throws Exception {
        // Given: a running service whose image cache can no longer be written (a file in its place)
        String prefix = "ingest-death.";
        Topics topics = topics(prefix);
        TrainingServiceConfig config = TrainingServiceConfig.of(config(prefix, 1));
        try (TrainingService service = new TrainingService(config).start()) {
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (!service.isReady()) {
                assertThat(System.nanoTime()).as("service ready").isLessThan(deadline);
                Thread.sleep(100);
            }
            try (var files = Files.walk(config.cacheDirectory())) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
            Files.writeString(config.cacheDirectory(), "not a directory");

            // When: a pair arrives
            publishPairs(topics);

            // Then: the termination future fails with the cause, and failure() names it
            assertThatThrownBy(() -> service.termination().get(60, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(UncheckedIOException.class);
            assertThat(service.failure()).containsInstanceOf(UncheckedIOException.class);
        }
    }

    @Test
    void shouldIncludeEveryPairSentBeforeATrainNowCommand() throws Exception {
        // Given: a running service, caught up on an empty dataset, with no pairs trigger in reach
        String prefix = "command-wait.";
        Topics topics = topics(prefix);
        Map<String, Object> props = config(prefix, 1);
        props.put(TrainingServiceConfig.TRIGGER_PAIRS, 100 * IMAGES);
        // One record batch per partition and fetch: the command (one record) arrives while most
        // pairs are still unread, which is the case the service must wait out.
        props.put("max.partition.fetch.bytes", 1);
        try (TrainingService service =
                new TrainingService(TrainingServiceConfig.of(props)).start()) {
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (!service.isReady()) {
                assertThat(System.nanoTime()).as("service ready").isLessThan(deadline);
                Thread.sleep(100);
            }

            // When: pairs on all partitions are sent and flushed, then train-now right after
            publishPairs(topics);
            TrainingRunLog.trainNow(
                    stack.bootstrapServers(),
                    Map.of(),
                    topics.trainingControl(),
                    MODEL,
                    false,
                    "it");

            // Then: the command's run trains on all of them, not on those read when it arrived
            deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            List<TrainingRun> runs = runs(topics);
            while (runs.isEmpty()) {
                assertThat(System.nanoTime()).as("the command's run").isLessThan(deadline);
                Thread.sleep(500);
                runs = runs(topics);
            }
            assertThat(runs.get(0).getTrigger().name()).isEqualTo("COMMAND");
            assertThat(runs.get(0).getPairsTrain() + runs.get(0).getPairsValidation())
                    .isEqualTo(IMAGES);
        }
    }
}
