package io.captioner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.captioner.events.LabeledPair;
import io.captioner.events.TrainingCommand;
import io.captioner.events.TrainingDecision;
import io.captioner.events.TrainingRun;
import io.captioner.events.TrainingTrigger;
import io.captioner.model.nn.EncoderType;
import io.captioner.schemas.Topics;
import io.captioner.stack.LocalStack;
import io.captioner.training.config.TrainingServiceConfig;
import io.captioner.training.data.ImageCache;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code models train-now}, {@code training runs} and {@code training} against a real broker and
 * registry.
 */
class TrainingCommandsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static LocalStack stack;

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

    private static CliRun cli(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(
                List.of(
                        "--bootstrap",
                        stack.bootstrapServers(),
                        "--registry",
                        stack.registryUrl()));
        return CliRun.of(all.toArray(new String[0]));
    }

    private static TrainingRun run(
            String id, Instant started, Map<String, Double> active, String version) {
        return TrainingRun.newBuilder()
                .setRunId(id)
                .setModelName("captioner")
                .setTrigger(TrainingTrigger.PAIRS)
                .setStartedTime(started)
                .setFinishedTime(started.plusMillis(12_500))
                .setPairsTrain(90)
                .setPairsValidation(10)
                .setSkipped(Map.of("EMPTY_CAPTION", 1L))
                .setCandidateMetrics(
                        Map.of(
                                "BLEU_1", 0.9, "BLEU_2", 0.8, "BLEU_3", 0.7, "BLEU_4", 0.6,
                                "ROUGE_L", 0.75, "CIDEr", 2.0))
                .setActiveMetrics(active)
                .setDecision(
                        version == null ? TrainingDecision.REJECTED : TrainingDecision.PUBLISHED)
                .setVersion(version)
                .build();
    }

    @Test
    void shouldPrintTheRunsOldestFirstWithTheIssuesJsonFields() throws Exception {
        // given: two runs written newest first
        Topics topics = topics("runs.");
        Instant t0 = Instant.parse("2026-12-02T06:00:00Z");
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        try (KafkaProducer<String, TrainingRun> producer =
                new KafkaProducer<>(
                        props,
                        new StringSerializer(),
                        topics.trainingRuns().valueSerde().serializer())) {
            producer.send(
                            new ProducerRecord<>(
                                    topics.trainingRuns().name(),
                                    "r2",
                                    run(
                                            "r2",
                                            t0.plusSeconds(60),
                                            Map.of("CIDEr", 2.5, "BLEU_4", 0.65),
                                            null)))
                    .get();
            producer.send(
                            new ProducerRecord<>(
                                    topics.trainingRuns().name(), "r1", run("r1", t0, null, "v1")))
                    .get();
        }

        // when
        CliRun json = cli("training", "runs", "--json", "--topic-prefix", "runs.");
        CliRun text = cli("training", "runs", "--topic-prefix", "runs.");

        // then
        assertThat(json.exitCode()).as(json.err()).isZero();
        List<String> lines = json.outLines();
        assertThat(lines).hasSize(2);
        JsonNode first = JSON.readTree(lines.get(0));
        JsonNode second = JSON.readTree(lines.get(1));
        assertThat(first.get("run_id").asText()).isEqualTo("r1");
        assertThat(first.get("trigger").asText()).isEqualTo("PAIRS");
        assertThat(first.get("pairs_train").asInt()).isEqualTo(90);
        assertThat(first.get("pairs_validation").asInt()).isEqualTo(10);
        assertThat(first.get("candidate").get("CIDEr").asDouble()).isEqualTo(2.0);
        assertThat(first.get("candidate").size()).isEqualTo(6);
        assertThat(first.get("active").isNull()).isTrue();
        assertThat(first.get("decision").asText()).isEqualTo("PUBLISHED");
        assertThat(first.get("version").asText()).isEqualTo("v1");
        assertThat(first.get("started").asText()).isEqualTo("2026-12-02T06:00:00Z");
        assertThat(first.get("seconds").asDouble()).isEqualTo(12.5);
        assertThat(second.get("active").get("BLEU_4").asDouble()).isEqualTo(0.65);
        assertThat(second.get("version").isNull()).isTrue();
        assertThat(second.get("decision").asText()).isEqualTo("REJECTED");
        assertThat(text.outLines()).hasSize(2);
        assertThat(text.outLines().get(0)).startsWith("r1").contains("PUBLISHED v1");
    }

    @Test
    void shouldSayWhenThereAreNoRuns() {
        CliRun none = cli("training", "runs", "--topic-prefix", "empty.");

        assertThat(none.exitCode()).as(none.err()).isZero();
        assertThat(none.outLines()).containsExactly("no training runs");
    }

    @Test
    void shouldSendATrainNowCommandTheServiceCanRead() {
        // when
        CliRun sent = cli("models", "train-now", "--force", "--topic-prefix", "cmd.");

        // then
        assertThat(sent.exitCode()).as(sent.err()).isZero();
        assertThat(sent.out()).startsWith("requested run ").contains("for captioner (force)");
        Topics topics = topics("cmd.");
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        List<ConsumerRecord<String, TrainingCommand>> read = new ArrayList<>();
        try (KafkaConsumer<String, TrainingCommand> consumer =
                new KafkaConsumer<>(
                        props,
                        new StringDeserializer(),
                        topics.trainingControl().valueSerde().deserializer())) {
            TopicPartition p = new TopicPartition(topics.trainingControl().name(), 0);
            consumer.assign(List.of(p));
            consumer.seekToBeginning(List.of(p));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (read.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(read::add);
            }
        }
        assertThat(read).hasSize(1);
        assertThat(read.get(0).key()).isEqualTo("captioner");
        assertThat(read.get(0).value().getForce()).isTrue();
        assertThat(sent.out()).contains(read.get(0).value().getCommandId());
    }

    @Test
    void shouldExitOneNamingTheCauseWhenTheIngestThreadDies(@TempDir Path dir) throws Exception {
        // given: a pair on the topic whose image the cache cannot store (a file where its
        // sub-directory goes)
        String prefix = "dies.";
        Path file = dir.resolve("training.properties");
        Files.writeString(
                file,
                TrainingServiceConfig.DATA_DIR
                        + "="
                        + dir.resolve("data").toString().replace("\\", "/")
                        + "\n"
                        + TrainingServiceConfig.TOPIC_PREFIX
                        + "="
                        + prefix
                        + "\n");
        TrainingServiceConfig config =
                TrainingServiceConfig.builder().optPropertiesFile(file).build();
        EncoderType encoder = EncoderType.fromId(config.hyperParameters().encoder());
        Path cache =
                new ImageCache(config.cacheDirectory(), encoder.id(), encoder.inputSize())
                        .directory();
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB), "png", png);
        byte[] bytes = png.toByteArray();
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        Files.writeString(cache.resolve(sha.substring(0, 2)), "not a directory");
        Topics topics = topics(prefix);
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        try (KafkaProducer<String, LabeledPair> producer =
                new KafkaProducer<>(
                        props,
                        new StringSerializer(),
                        topics.labeledPairs().valueSerde().serializer())) {
            producer.send(
                    new ProducerRecord<>(
                            topics.labeledPairs().name(),
                            "black",
                            LabeledPair.newBuilder()
                                    .setImageId("black")
                                    .setImageBytes(ByteBuffer.wrap(bytes))
                                    .setReferences(List.of("a black square"))
                                    .build()));
        }

        // when
        // (bounded: without the fix the command would wait for a stop signal forever)
        CliRun run =
                CompletableFuture.supplyAsync(
                                () ->
                                        cli(
                                                "training",
                                                "--config",
                                                file.toString(),
                                                "--http-port",
                                                "0"))
                        .get(2, TimeUnit.MINUTES);

        // then: exit 1 with one line naming the cause, after the READY line
        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        assertThat(run.out()).startsWith("READY http=");
        assertThat(run.err().strip())
                .doesNotContain("\n")
                .startsWith("captioner training: the ingest thread stopped: ")
                .contains("cannot write the image cache");
    }
}
