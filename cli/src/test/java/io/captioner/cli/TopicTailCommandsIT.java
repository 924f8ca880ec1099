package io.captioner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.captioner.events.CaptionEvent;
import io.captioner.events.CaptionFailure;
import io.captioner.events.FailureReason;
import io.captioner.events.ImageEvent;
import io.captioner.schemas.Fixtures;
import io.captioner.schemas.Topic;
import io.captioner.schemas.Topics;
import io.captioner.stack.LocalStack;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code captioner captions} and {@code captioner failures} against a real embedded stack. */
class TopicTailCommandsIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static LocalStack stack;

    private final ExecutorService background = Executors.newSingleThreadExecutor();

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

    @AfterEach
    void stopBackground() {
        background.shutdownNow();
    }

    @Test
    void shouldPrintCommittedCaptionsAsJsonReportGarbageAndExitWhenCaughtUp() throws Exception {
        Topics topics = createTopics("json.");
        produceCommitted(topics.captions(), caption("img-1"), caption("img-2"));
        produceAborted(topics.captions(), caption("img-aborted"));
        long garbageOffset = produceGarbage(topics.captions().name());
        produceCommitted(topics.captions(), caption("img-3"));

        CliRun run = tail("captions", "json.", "--from-beginning", "--json");

        // a command that skipped what it could not read says so and exits non-zero
        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        assertThat(run.err()).contains("captions: 1 unreadable record was skipped");
        List<JsonNode> lines = parse(run.outLines());
        assertThat(lines)
                .extracting(n -> n.get("id").asText())
                .containsExactly("img-1", "img-2", "img-3");
        JsonNode first = lines.get(0);
        assertThat(first.get("caption").asText()).isEqualTo("a dog runs on the grass");
        assertThat(first.get("model_version").asText()).isEqualTo("v3");
        assertThat(first.get("model_name").asText()).isEqualTo("captioner");
        assertThat(first.get("score").asDouble()).isEqualTo(-3.25);
        assertThat(first.get("latency_ms").asLong()).isEqualTo(42);
        assertThat(first.get("alternatives")).hasSize(1);
        assertThat(first.get("alternatives").get(0).get("caption").asText())
                .isEqualTo("a dog on grass");
        assertThat(first.get("alternatives").get(0).get("score").asDouble()).isEqualTo(-4.5);
        assertThat(run.err())
                .contains("skipping unreadable record json.captions-0@" + garbageOffset);
    }

    @Test
    void shouldPrintCaptionsAsTabSeparatedLinesByDefault() throws Exception {
        Topics topics = createTopics("human.");
        produceCommitted(topics.captions(), caption("img-1"));

        CliRun run = tail("captions", "human.", "--from-beginning");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.outLines()).containsExactly("img-1\ta dog runs on the grass\tv3\t-3.2500");
    }

    @Test
    void shouldPrintNothingWithoutFromBeginningAndExitAtOnce() throws Exception {
        Topics topics = createTopics("end.");
        produceCommitted(topics.captions(), caption("img-old"));

        CliRun run = tail("captions", "end.");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).contains("nothing new on end.captions");
    }

    @Test
    void shouldFollowNewCaptionsUntilMaxRecords() throws Exception {
        Topics topics = createTopics("follow.");
        produceCommitted(topics.captions(), caption("img-1"));
        StringWriter out = new StringWriter();
        Future<Integer> exit =
                runInBackground(
                        "follow.",
                        new CommandLine(new CaptionsCommand()),
                        out,
                        "--from-beginning",
                        "--follow",
                        "--max-records",
                        "2");

        awaitOutput(out, "img-1");
        produceCommitted(topics.captions(), caption("img-2"));

        assertThat(exit.get(60, TimeUnit.SECONDS)).isZero();
        assertThat(out.toString().lines()).hasSize(2).last().asString().startsWith("img-2\t");
    }

    @Test
    void shouldStopFollowingCleanlyWhenStopped() throws Exception {
        Topics topics = createTopics("stop.");
        produceCommitted(topics.captions(), caption("img-1"));
        CaptionsCommand command = new CaptionsCommand();
        StringWriter out = new StringWriter();
        Future<Integer> exit =
                runInBackground(
                        "stop.", new CommandLine(command), out, "--from-beginning", "--follow");

        awaitOutput(out, "img-1");
        command.stop();

        assertThat(exit.get(60, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void shouldCloseTheConsumerAndExitOnSigtermWhileFollowing(@TempDir Path dir) throws Exception {
        Topics topics = createTopics("signal.");
        produceCommitted(topics.captions(), caption("img-1"));
        Path stdout = dir.resolve("stdout.txt");
        Path stderr = dir.resolve("stderr.txt");
        List<String> command =
                new ArrayList<>(
                        List.of(
                                Paths.get(System.getProperty("java.home"), "bin", "java")
                                        .toString(),
                                // The CLI's own logging setup (logs on stderr), not the tests'.
                                "-Dlogback.configurationFile=logback.xml",
                                "-cp",
                                System.getProperty("java.class.path"),
                                CaptionerCli.class.getName(),
                                "captions",
                                "--from-beginning",
                                "--follow"));
        command.addAll(connection("signal."));
        Process process =
                new ProcessBuilder(command)
                        .redirectOutput(stdout.toFile())
                        .redirectError(stderr.toFile())
                        .start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(stdout).contains("img-1")) {
                assertThat(process.isAlive())
                        .as("still running; stderr: %s", Files.readString(stderr))
                        .isTrue();
                assertThat(System.nanoTime()).as("waiting for the caption").isLessThan(deadline);
                Thread.sleep(100);
            }

            process.destroy(); // SIGTERM

            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            process.destroyForcibly();
        }
        // 128 + SIGTERM: the JVM reports the signal; the hook only closed the consumer first.
        assertThat(process.exitValue()).isEqualTo(143);
        assertThat(Files.readString(stdout).lines())
                .containsExactly("img-1\ta dog runs on the grass\tv3\t-3.2500");
        assertThat(Files.readString(stderr)).doesNotContain("Exception");
    }

    @Test
    void shouldEndAFollowNormallyAtTheTimeout() throws Exception {
        createTopics("timeout.");

        CliRun run = tail("captions", "timeout.", "--follow", "--timeout", "1");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEmpty();
    }

    @Test
    void shouldFailWhenTheTimeoutComesBeforeMaxRecords() throws Exception {
        Topics topics = createTopics("short.");
        produceCommitted(topics.captions(), caption("img-1"));

        CliRun run =
                tail(
                        "captions",
                        "short.",
                        "--from-beginning",
                        "--follow",
                        "--max-records",
                        "2",
                        "--timeout",
                        "2");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.outLines()).hasSize(1);
        assertThat(run.err()).contains("timed out after 2 s with 1 record printed of 2");
    }

    @Test
    void shouldWaitForAMissingTopicWhenFollowingUntilTheTimeout() {
        CliRun run = tail("failures", "later.", "--follow", "--timeout", "1");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err())
                .contains("waiting for topic later.captions-dlq to be created")
                .contains("timed out waiting for topic later.captions-dlq");
    }

    @Test
    void shouldPrintRecordsOfATopicCreatedWhileFollowingWaitedForIt() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Future<Integer> exit =
                runInBackground(
                        "created.",
                        new CommandLine(new CaptionsCommand()),
                        out,
                        err,
                        "--follow",
                        "--max-records",
                        "1");
        awaitOutput(err, "waiting for topic created.captions");

        Topics topics = createTopics("created.");
        produceCommitted(topics.captions(), caption("img-new"));

        assertThat(exit.get(60, TimeUnit.SECONDS)).as(err.toString()).isZero();
        assertThat(out.toString()).startsWith("img-new\t");
    }

    @Test
    void shouldFailWhenTheTopicDoesNotExist() {
        CliRun run = tail("captions", "absent.", "--from-beginning");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("topic absent.captions does not exist");
    }

    @Test
    void shouldPrintFailuresAsJsonWithAndWithoutImageId() throws Exception {
        Topics topics = createTopics("dlq.");
        CaptionFailure anonymous =
                CaptionFailure.newBuilder()
                        .setReason(FailureReason.DESERIALIZATION_ERROR)
                        .setMessage("unknown magic byte")
                        .setFailureTime(Fixtures.T0)
                        .build();
        produceCommitted(topics.captionsDlq(), Fixtures.failure());
        long garbageOffset = produceGarbage(topics.captionsDlq().name());
        try (KafkaProducer<String, CaptionFailure> producer =
                producer(topics.captionsDlq(), null)) {
            producer.send(new ProducerRecord<>(topics.captionsDlq().name(), null, anonymous)).get();
        }

        CliRun run = tail("failures", "dlq.", "--from-beginning", "--json");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        assertThat(run.err()).contains("failures: 1 unreadable record was skipped");
        List<JsonNode> lines = parse(run.outLines());
        assertThat(lines).hasSize(2);
        JsonNode known = lines.get(0);
        assertThat(known.get("id").asText()).isEqualTo("img-9");
        assertThat(known.get("reason").asText()).isEqualTo("UNDECODABLE_IMAGE");
        assertThat(known.get("message").asText()).isEqualTo("not a JPEG: bad SOI marker");
        assertThat(known.get("source_topic").asText()).isEqualTo("images");
        assertThat(known.get("source_partition").asInt()).isEqualTo(2);
        assertThat(known.get("source_offset").asLong()).isEqualTo(12345L);
        JsonNode unknown = lines.get(1);
        assertThat(unknown.has("id")).isFalse();
        assertThat(unknown.has("source_topic")).isFalse();
        assertThat(unknown.get("reason").asText()).isEqualTo("DESERIALIZATION_ERROR");
        assertThat(run.err())
                .contains("skipping unreadable record dlq.captions-dlq-0@" + garbageOffset);
    }

    @Test
    void shouldExitNonZeroWithOneLineWhenTheRegistryIsDown() throws Exception {
        // given captions on the topic and a registry URL where nothing listens
        Topics topics = createTopics("down.");
        produceCommitted(topics.captions(), caption("img-1"), caption("img-2"));
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        // when
        CliRun run =
                CliRun.of(
                        "captions",
                        "--bootstrap",
                        stack.bootstrapServers(),
                        "--registry",
                        "http://127.0.0.1:" + closedPort,
                        "--topic-prefix",
                        "down.",
                        "--from-beginning");

        // then one line, no stack trace, nothing printed as read
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err().strip().lines())
                .singleElement()
                .asString()
                .startsWith("captioner captions: cannot read down.captions-0@0 and the rest:")
                .contains("Schema registry unreachable")
                .contains("see --registry");
    }

    @Test
    void shouldPrintFailuresAsTabSeparatedLinesByDefault() throws Exception {
        Topics topics = createTopics("dlqhuman.");
        produceCommitted(topics.captionsDlq(), Fixtures.failure());

        CliRun run = tail("failures", "dlqhuman.", "--from-beginning");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.outLines())
                .containsExactly(
                        "img-9\tUNDECODABLE_IMAGE\tnot a JPEG: bad SOI marker\timages-2@12345");
    }

    @Test
    void shouldReplayEachDeadLetterOnceAcrossRunsWhetherFilteredByReasonOrNot() throws Exception {
        // given dead letters of two reasons, one whose original is only referenced (still on
        // images) and one whose referenced original is gone
        Topics topics = createTopics("replay.");
        String images = topics.images().name();
        try (Admin admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                stack.bootstrapServers()))) {
            admin.createTopics(List.of(topics.images().newTopic())).all().get();
        }
        byte[] a = imageBytes(topics, "img-a");
        byte[] b = imageBytes(topics, "img-b");
        byte[] big = imageBytes(topics, "img-big");
        long bigOffset = produceRaw(images, 0, "img-big", big);
        produceCommitted(
                topics.captionsDlq(),
                deadLetter("img-a", FailureReason.FETCH_FAILED, a, null),
                deadLetter("img-b", FailureReason.UNDECODABLE_IMAGE, b, null),
                deadLetter("img-big", FailureReason.FETCH_FAILED, null, images + "/0@" + bigOffset),
                deadLetter("img-gone", FailureReason.MODEL_ERROR, null, images + "/0@999"));

        // when / then: a filtered replay replays that reason only, the referenced one fetched
        CliRun fetchFailed = tail("failures", "replay.", "--replay", "--reason", "FETCH_FAILED");
        assertThat(fetchFailed.exitCode()).as(fetchFailed.err()).isZero();
        assertThat(fetchFailed.outLines())
                .extracting(line -> line.split("\t")[0])
                .containsExactly("img-a", "img-big");

        // and running it again replays nothing
        CliRun again = tail("failures", "replay.", "--replay", "--reason", "fetch_failed");
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(again.out()).isEmpty();
        assertThat(again.err()).contains("replayed 0 dead letters");

        // and an unfiltered replay does the rest once, reporting what it cannot replay
        CliRun rest = tail("failures", "replay.", "--replay");
        assertThat(rest.exitCode()).isEqualTo(1);
        assertThat(rest.outLines())
                .singleElement()
                .asString()
                .startsWith("img-b\tUNDECODABLE_IMAGE\treplay.captions-dlq-0@1\t" + images);
        assertThat(rest.err())
                .contains("cannot replay img-gone from replay.captions-dlq-0@3")
                .contains("no longer retained")
                .contains(
                        "replayed 1 dead letter to replay.images; 1 could not be replayed, 2"
                                + " replayed before");
        CliRun last = tail("failures", "replay.", "--replay", "--dry-run");
        assertThat(last.exitCode()).as(last.err()).isZero();
        assertThat(last.out()).isEmpty();

        // and images holds each original exactly once more, bytes unchanged
        Map<String, List<byte[]>> replayed = readRaw(images);
        assertThat(replayed.get("img-a")).singleElement().isEqualTo(a);
        assertThat(replayed.get("img-b")).singleElement().isEqualTo(b);
        assertThat(replayed.get("img-big"))
                .hasSize(2)
                .allSatisfy(v -> assertThat(v).isEqualTo(big));
    }

    private static byte[] imageBytes(Topics topics, String id) {
        ImageEvent event = ImageEvent.newBuilder(Fixtures.inlineImage()).setImageId(id).build();
        return topics.images().valueSerde().serializer().serialize(topics.images().name(), event);
    }

    private static CaptionFailure deadLetter(
            String id, FailureReason reason, byte[] original, String ref) {
        return CaptionFailure.newBuilder(Fixtures.failure())
                .setImageId(id)
                .setReason(reason)
                .setOriginalKey(ByteBuffer.wrap(id.getBytes(StandardCharsets.UTF_8)))
                .setOriginalValue(original == null ? null : ByteBuffer.wrap(original))
                .setOriginalValueRef(ref)
                .build();
    }

    private static long produceRaw(String topic, int partition, String key, byte[] value)
            throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            return producer.send(
                            new ProducerRecord<>(
                                    topic, partition, key.getBytes(StandardCharsets.UTF_8), value))
                    .get()
                    .offset();
        }
    }

    /** Committed values of every partition of {@code topic} by key. */
    private static Map<String, List<byte[]>> readRaw(String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        Map<String, List<byte[]>> values = new java.util.HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record :
                TopicRecords.readAll(
                        props, topic, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            values.computeIfAbsent(
                            new String(record.key(), StandardCharsets.UTF_8),
                            k -> new ArrayList<>())
                    .add(record.value());
        }
        return values;
    }

    private static CaptionEvent caption(String id) {
        return CaptionEvent.newBuilder(Fixtures.caption()).setImageId(id).build();
    }

    private static CliRun tail(String command, String prefix, String... args) {
        List<String> all = new ArrayList<>(List.of(command));
        all.addAll(connection(prefix));
        all.addAll(List.of(args));
        return CliRun.of(all.toArray(String[]::new));
    }

    private static List<String> connection(String prefix) {
        return List.of(
                "--bootstrap", stack.bootstrapServers(),
                "--registry", stack.registryUrl(),
                "--topic-prefix", prefix);
    }

    private Future<Integer> runInBackground(
            String prefix, CommandLine commandLine, StringWriter out, String... args) {
        return runInBackground(prefix, commandLine, out, new StringWriter(), args);
    }

    private Future<Integer> runInBackground(
            String prefix,
            CommandLine commandLine,
            StringWriter out,
            StringWriter err,
            String... args) {
        List<String> all = new ArrayList<>(connection(prefix));
        all.addAll(List.of(args));
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return background.submit(() -> commandLine.execute(all.toArray(String[]::new)));
    }

    private static void awaitOutput(StringWriter out, String text) throws InterruptedException {
        // Bounded so a broken command fails the test instead of hanging it.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!out.toString().contains(text)) {
            assertThat(System.nanoTime()).as("waiting for %s in output", text).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static Topics createTopics(String prefix) throws Exception {
        Topics topics =
                Topics.builder()
                        .setSerdeConfig(Map.of("schema.registry.url", stack.registryUrl()))
                        .optNamePrefix(prefix)
                        .build();
        try (Admin admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                stack.bootstrapServers()))) {
            admin.createTopics(
                            List.of(topics.captions().newTopic(), topics.captionsDlq().newTopic()))
                    .all()
                    .get();
        }
        return topics;
    }

    /** Writes in one committed transaction, as the exactly-once captioner does. */
    @SafeVarargs
    private static <V> void produceCommitted(Topic<String, V> topic, V... values) throws Exception {
        try (KafkaProducer<String, V> producer =
                producer(topic, "tx-" + topic.name() + "-" + System.nanoTime())) {
            producer.initTransactions();
            producer.beginTransaction();
            for (V value : values) {
                producer.send(new ProducerRecord<>(topic.name(), 0, key(value), value));
            }
            producer.commitTransaction();
        }
    }

    private static <V> void produceAborted(Topic<String, V> topic, V value) throws Exception {
        try (KafkaProducer<String, V> producer =
                producer(topic, "tx-" + topic.name() + "-" + System.nanoTime())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic.name(), 0, key(value), value)).get();
            producer.abortTransaction();
        }
    }

    private static long produceGarbage(String topic) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            return producer.send(
                            new ProducerRecord<>(
                                    topic,
                                    0,
                                    "junk".getBytes(StandardCharsets.UTF_8),
                                    "not avro".getBytes(StandardCharsets.UTF_8)))
                    .get()
                    .offset();
        }
    }

    private static String key(Object value) {
        if (value instanceof CaptionEvent caption) {
            return caption.getImageId();
        }
        return ((CaptionFailure) value).getImageId();
    }

    private static <V> KafkaProducer<String, V> producer(
            Topic<String, V> topic, String transactionalId) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        if (transactionalId != null) {
            props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        }
        return new KafkaProducer<>(
                props, topic.keySerde().serializer(), topic.valueSerde().serializer());
    }

    private static List<JsonNode> parse(List<String> lines) throws Exception {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : lines) {
            nodes.add(JSON.readTree(line));
        }
        return nodes;
    }
}
