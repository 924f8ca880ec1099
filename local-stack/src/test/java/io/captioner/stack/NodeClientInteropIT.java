package io.captioner.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.captioner.events.ImageEvent;
import io.captioner.schemas.Fixtures;
import io.captioner.schemas.Topic;
import io.captioner.schemas.Topics;
import io.captioner.schemas.registry.RestSchemaRegistryClient;
import io.captioner.schemas.registry.SchemaRegistryClient;
import io.captioner.schemas.serde.WireFormat;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A real Node.js client ({@code kafkajs} + {@code @kafkajs/confluent-schema-registry} from npm) and
 * our Java serde share the topics and the registry: each finds the schema the other registered from
 * the same {@code .avsc} text without adding a version, and each reads what the other wrote.
 *
 * <p>The npm packages (pinned by {@code src/test/node/package-lock.json}) are installed once into
 * {@code target/node-interop} and reused while the lock file is unchanged. Skipped, with the
 * reason, where {@code node} or {@code npm} is missing or the npm registry cannot be reached.
 */
class NodeClientInteropIT {

    private static final Path NODE_SOURCES = Path.of("src", "test", "node");
    private static final Path WORK = Path.of("target", "node-interop");
    private static final String STAMP = ".captioner-lock-sha256";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static LocalStack stack;

    @BeforeAll
    static void installClientAndStartStack() throws Exception {
        requireTool("node", "--version");
        requireTool("npm", "--version");
        installPackages();
        stack = LocalStack.builder().optTemporary().optKafkaPort(0).optRegistryPort(0).build();
        stack.start();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void shouldShareSchemasAndRecordsWithANodeClient() throws Exception {
        // given: two topic sets, one where Node registers first and one where Java does
        String run = UUID.randomUUID().toString().substring(0, 8);
        Topics nodeFirst = topics("node-first-" + run + ".");
        Topics javaFirst = topics("java-first-" + run + ".");
        createTopics(nodeFirst.images(), nodeFirst.captions(), javaFirst.images());
        Path png = WORK.resolve("image-" + run + ".png");
        byte[] pngBytes = png(7, 5);
        Files.write(png, pngBytes);
        // Java registers javaFirst's images-value and writes a caption for Node to read.
        int javaImageId = schemaId(produce(javaFirst.images(), "java-img", image("java-img")));
        produce(nodeFirst.captions(), "img-1", Fixtures.caption());

        // when
        List<JsonNode> lines =
                runNode(
                        stack.bootstrapServers(),
                        stack.registryUrl(),
                        Path.of("..", "schemas", "src", "main", "resources", "avro", "io")
                                .resolve("captioner/events/ImageEvent.avsc")
                                .toAbsolutePath()
                                .toString(),
                        png.toAbsolutePath().toString(),
                        nodeFirst.images().name().replace("images", ""),
                        javaFirst.images().name().replace("images", ""));

        // then: Java reads Node's image with the schema Node registered from the .avsc text
        JsonNode produced = step(lines, "produced");
        ConsumerRecord<String, byte[]> record = consumeOne(nodeFirst.images().name(), "node-img-1");
        assertThat(schemaId(record.value())).isEqualTo(produced.get("schemaId").asInt());
        ImageEvent fromNode =
                nodeFirst
                        .images()
                        .valueSerde()
                        .deserializer()
                        .deserialize(nodeFirst.images().name(), record.value());
        assertThat(fromNode.getImageId()).isEqualTo("node-img-1");
        assertThat(fromNode.getContentType()).isEqualTo("image/png");
        assertThat(fromNode.getAttributes()).containsEntry("client", "node");
        assertThat(fromNode.getEventTime()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
        BufferedImage decoded =
                ImageIO.read(new ByteArrayInputStream(bytes(fromNode.getImageBytes())));
        assertThat(decoded.getWidth()).isEqualTo(7);
        assertThat(decoded.getHeight()).isEqualTo(5);

        // and Java publishing to Node's subject finds Node's schema: no second version
        int javaIdOnNodeSubject =
                schemaId(produce(nodeFirst.images(), "java-img", image("java-img")));
        assertThat(javaIdOnNodeSubject).isEqualTo(produced.get("schemaId").asInt());
        assertThat(latestVersion(nodeFirst.images())).isEqualTo(1);

        // and Node finds the schema Java registered by the .avsc text: no second version
        JsonNode lookup = step(lines, "lookup");
        assertThat(lookup.get("foundId").asInt()).isEqualTo(javaImageId);
        assertThat(lookup.get("registeredId").asInt()).isEqualTo(javaImageId);
        assertThat(latestVersion(javaFirst.images())).isEqualTo(1);

        // and Node reads the CaptionEvent Java wrote
        JsonNode caption = step(lines, "caption");
        assertThat(caption.get("key").asText()).isEqualTo("img-1");
        assertThat(caption.get("caption").asText()).isEqualTo(Fixtures.caption().getCaption());
        assertThat(caption.get("modelVersion").asText()).isEqualTo("v3");
        assertThat(caption.get("tokens")).hasSize(Fixtures.caption().getTokens().size());
    }

    private static Topics topics(String prefix) {
        return Topics.builder()
                .setSerdeConfig(Map.of("schema.registry.url", stack.registryUrl()))
                .optNamePrefix(prefix)
                .build();
    }

    private static ImageEvent image(String id) throws IOException {
        return ImageEvent.newBuilder()
                .setImageId(id)
                .setImageBytes(ByteBuffer.wrap(png(3, 3)))
                .setContentType("image/png")
                .setEventTime(Instant.parse("2026-01-01T00:00:00Z"))
                .build();
    }

    private static byte[] png(int width, int height) throws IOException {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        image.setRGB(1, 1, 0xff8800);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    private static int schemaId(byte[] value) {
        return WireFormat.schemaId(value, "interop");
    }

    private static int latestVersion(Topic<String, ?> topic) {
        SchemaRegistryClient client =
                RestSchemaRegistryClient.builder()
                        .setBaseUrls(List.of(URI.create(stack.registryUrl())))
                        .build();
        return client.getLatestSchemaMetadata(WireFormat.subjectName(topic.name(), false))
                .version();
    }

    @SafeVarargs
    private static void createTopics(Topic<String, ?>... topics) throws Exception {
        try (Admin admin =
                Admin.create(
                        Map.of(
                                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                stack.bootstrapServers()))) {
            List<NewTopic> created = new ArrayList<>();
            for (Topic<String, ?> topic : topics) {
                created.add(new NewTopic(topic.name(), 1, (short) 1));
            }
            admin.createTopics(created).all().get(30, TimeUnit.SECONDS);
        }
    }

    /** Produces with the Java serde and returns the value bytes as written. */
    private static <V> byte[] produce(Topic<String, V> topic, String key, V value)
            throws Exception {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        byte[] bytes = topic.valueSerde().serializer().serialize(topic.name(), value);
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(
                        config,
                        topic.keySerde().serializer(),
                        new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic.name(), key, bytes)).get(30, TimeUnit.SECONDS);
        }
        return bytes;
    }

    private static ConsumerRecord<String, byte[]> consumeOne(String topic, String key) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "interop-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(
                        config, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (key.equals(r.key())) {
                        return r;
                    }
                }
            }
        }
        throw new AssertionError("no record with key " + key + " on " + topic + " within 30 s");
    }

    private static JsonNode step(List<JsonNode> lines, String step) {
        return lines.stream()
                .filter(l -> step.equals(l.path("step").asText()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("node printed no '" + step + "': " + lines));
    }

    private static List<JsonNode> runNode(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("node", "interop.mjs"));
        command.addAll(List.of(args));
        ProcessResult result = run(command, Duration.ofSeconds(60));
        assertThat(result.exitCode).as("node interop.mjs: %s", result.output).isZero();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : result.output.split("\n")) {
            if (line.startsWith("{")) {
                lines.add(JSON.readTree(line));
            }
        }
        return lines;
    }

    /** Installs the pinned packages into target/node-interop unless the same lock is there. */
    private static void installPackages() throws Exception {
        Files.createDirectories(WORK);
        for (String file : List.of("package.json", "package-lock.json", "interop.mjs")) {
            Files.copy(
                    NODE_SOURCES.resolve(file),
                    WORK.resolve(file),
                    StandardCopyOption.REPLACE_EXISTING);
        }
        String lock =
                HexFormat.of()
                        .formatHex(
                                java.security.MessageDigest.getInstance("SHA-256")
                                        .digest(
                                                Files.readAllBytes(
                                                        WORK.resolve("package-lock.json"))));
        Path stamp = WORK.resolve("node_modules").resolve(STAMP);
        if (Files.isRegularFile(stamp)
                && Files.readString(stamp, StandardCharsets.UTF_8).equals(lock)) {
            return;
        }
        ProcessResult install =
                run(
                        List.of(
                                "npm",
                                "ci",
                                "--no-audit",
                                "--no-fund",
                                "--ignore-scripts",
                                "--cache",
                                WORK.resolve(".npm-cache").toAbsolutePath().toString()),
                        Duration.ofSeconds(240));
        if (install.exitCode != 0) {
            Assumptions.assumeFalse(
                    install.output.matches(
                            "(?s).*(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|network).*"),
                    "npm registry unreachable, skipping the Node.js interop test: "
                            + lastLine(install.output));
            throw new AssertionError("npm ci failed: " + install.output);
        }
        Files.writeString(stamp, lock, StandardCharsets.UTF_8);
    }

    private static void requireTool(String tool, String versionFlag) {
        boolean available;
        try {
            available = run(List.of(tool, versionFlag), Duration.ofSeconds(30)).exitCode == 0;
        } catch (IOException e) {
            available = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            available = false;
        }
        Assumptions.assumeTrue(
                available, tool + " is not installed, skipping the Node.js interop test");
    }

    private record ProcessResult(int exitCode, String output) {}

    private static ProcessResult run(List<String> command, Duration timeout)
            throws IOException, InterruptedException {
        Process process =
                new ProcessBuilder(command)
                        .directory(WORK.toFile().exists() ? WORK.toFile() : null)
                        .redirectErrorStream(true)
                        .start();
        // Read while it runs, so a chatty process never blocks on a full pipe.
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Thread reader =
                new Thread(
                        () -> {
                            try {
                                process.getInputStream().transferTo(output);
                            } catch (IOException e) {
                                // The process died; what was read so far is reported.
                            }
                        },
                        "node-interop-output");
        reader.start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            reader.join(5_000);
            throw new AssertionError(
                    command
                            + " did not finish within "
                            + timeout
                            + ": "
                            + output.toString(StandardCharsets.UTF_8));
        }
        reader.join(5_000);
        return new ProcessResult(process.exitValue(), output.toString(StandardCharsets.UTF_8));
    }

    private static String lastLine(String text) {
        String[] lines = text.strip().split("\n");
        return lines.length == 0 ? "" : lines[lines.length - 1];
    }
}
