package io.captioner.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.captioner.events.ImageEvent;
import io.captioner.schemas.Fixtures;
import io.captioner.schemas.Topic;
import io.captioner.schemas.Topics;
import io.captioner.schemas.registry.IncompatibleSchemaException;
import io.captioner.schemas.registry.RestSchemaRegistryClient;
import io.captioner.schemas.registry.SchemaRegistryClient;
import io.captioner.schemas.serde.PortableSchema;
import io.captioner.schemas.serde.WireFormat;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericContainer;
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
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * The serde and registry-client checks every Kafka + schema registry pair must pass: our embedded
 * stack and, where Docker runs, Confluent's own registry. Subclasses say where the servers are.
 */
abstract class SerdeRegistryContract {

    /** Bootstrap servers of the Kafka cluster under test. */
    protected abstract String bootstrapServers();

    /** Base URL of the schema registry under test. */
    protected abstract String registryUrl();

    private SchemaRegistryClient client() {
        return RestSchemaRegistryClient.builder()
                .setBaseUrls(List.of(URI.create(registryUrl())))
                .build();
    }

    private static String uniqueSubject() {
        return "contract-" + UUID.randomUUID() + "-value";
    }

    private static Schema userV1() {
        return SchemaBuilder.record("User")
                .namespace("io.captioner.contract")
                .fields()
                .requiredString("name")
                .endRecord();
    }

    @Test
    void shouldRegisterAndFetchSchemaOverHttp() {
        // given
        SchemaRegistryClient client = client();
        String subject = uniqueSubject();

        // when
        int id = client.register(subject, userV1());

        // then: a fresh client (no cache) reads the same schema by id and as the latest version
        SchemaRegistryClient fresh = client();
        assertThat(fresh.getSchemaById(id)).isEqualTo(userV1());
        assertThat(fresh.getLatestSchemaMetadata(subject).id()).isEqualTo(id);
        assertThat(fresh.register(subject, userV1())).isEqualTo(id);
    }

    @Test
    void shouldRejectIncompatibleSchemaWith409() {
        // given: a subject whose only version has a required field
        SchemaRegistryClient client = client();
        String subject = uniqueSubject();
        client.register(subject, userV1());
        // a new required field without a default cannot read old data: not BACKWARD compatible
        Schema incompatible =
                SchemaBuilder.record("User")
                        .namespace("io.captioner.contract")
                        .fields()
                        .requiredString("name")
                        .requiredLong("age")
                        .endRecord();

        // when / then
        assertThat(client.testCompatibility(subject, incompatible)).isFalse();
        assertThatThrownBy(() -> client.register(subject, incompatible))
                .isInstanceOf(IncompatibleSchemaException.class)
                .satisfies(
                        e ->
                                assertThat(((IncompatibleSchemaException) e).httpStatus())
                                        .isEqualTo(409));
    }

    @Test
    void shouldCarryEveryRecordTypeThroughKafkaInConfluentWireFormat() throws Exception {
        // given: the real topics, prefixed so repeated runs against one cluster do not collide
        String prefix = "contract-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        Topics topics =
                Topics.builder()
                        .setSerdeConfig(Map.of("schema.registry.url", registryUrl()))
                        .optNamePrefix(prefix)
                        .build();
        try (Admin admin =
                Admin.create(
                        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            List<NewTopic> newTopics = new ArrayList<>();
            for (Topic<String, ?> t : topics.all()) {
                newTopics.add(new NewTopic(t.name(), 1, (short) 1));
            }
            admin.createTopics(newTopics).all().get();
        }

        // when / then
        roundTrip(topics.images(), Fixtures.inlineImage());
        roundTrip(topics.images(), Fixtures.uriImage());
        roundTrip(topics.captions(), Fixtures.caption());
        roundTrip(topics.captionsDlq(), Fixtures.failure());
        roundTrip(topics.labeledPairs(), Fixtures.labeledPair());
        roundTrip(topics.models(), Fixtures.envelope(Fixtures.manifest()));
        roundTrip(topics.models(), Fixtures.envelope(Fixtures.chunk()));
        roundTrip(topics.models(), Fixtures.envelope(Fixtures.activation()));
    }

    /**
     * A client in another language (Node.js: kafkajs + @kafkajs/confluent-schema-registry) and our
     * serde find each other's schemas from the same .avsc text without adding a version, and read
     * each other's records. Skipped where node or npm is missing or npm is unreachable.
     */
    @Test
    void shouldShareSchemasAndRecordsWithANodeClient() throws Exception {
        NodeClient.assumeReady();
        // given: topics where Node registers first and topics where Java does
        String run = UUID.randomUUID().toString().substring(0, 8);
        String nodePrefix = "node-first-" + run + ".";
        String javaPrefix = "java-first-" + run + ".";
        Topics nodeFirst = topics(nodePrefix);
        Topics javaFirst = topics(javaPrefix);
        createTopics(nodeFirst.images(), nodeFirst.captions(), javaFirst.images());
        Path png = NodeClient.WORK.resolve("image-" + run + ".png").toAbsolutePath();
        Files.write(png, png(7, 5));
        int javaImageId = schemaId(produce(javaFirst.images(), "java-img", image("java-img")));
        produce(nodeFirst.captions(), "img-1", Fixtures.caption());
        Path avsc =
                Path.of("..", "schemas", "src", "main", "resources", "avro")
                        .resolve("io/captioner/events/ImageEvent.avsc")
                        .toAbsolutePath();

        // when
        List<JsonNode> lines =
                NodeClient.runInterop(
                        bootstrapServers().replaceAll("[A-Za-z_]+://", ""),
                        registryUrl(),
                        avsc.toString(),
                        png.toString(),
                        nodePrefix,
                        javaPrefix);

        // then: Java reads Node's image, written with the schema Node registered from the .avsc
        int nodeImageId = NodeClient.step(lines, "produced").get("schemaId").asInt();
        byte[] fromNode = consumeOne(nodeFirst.images().name(), "node-img-1").value();
        assertThat(schemaId(fromNode)).isEqualTo(nodeImageId);
        ImageEvent image =
                nodeFirst
                        .images()
                        .valueSerde()
                        .deserializer()
                        .deserialize(nodeFirst.images().name(), fromNode);
        assertThat(image.getImageId()).isEqualTo("node-img-1");
        assertThat(image.getContentType()).isEqualTo("image/png");
        assertThat(image.getAttributes()).containsEntry("client", "node");
        assertThat(image.getEventTime()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
        BufferedImage decoded =
                ImageIO.read(new ByteArrayInputStream(bytes(image.getImageBytes())));
        assertThat(decoded.getWidth()).isEqualTo(7);
        assertThat(decoded.getHeight()).isEqualTo(5);
        // and Java publishing under Node's subject finds Node's schema: no second version
        assertThat(schemaId(produce(nodeFirst.images(), "java-img", image("java-img"))))
                .isEqualTo(nodeImageId);
        assertThat(latestVersion(nodeFirst.images())).isEqualTo(1);
        // and Node finds the schema Java registered, by the .avsc text: no second version
        JsonNode lookup = NodeClient.step(lines, "lookup");
        assertThat(lookup.get("foundId").asInt()).isEqualTo(javaImageId);
        assertThat(lookup.get("registeredId").asInt()).isEqualTo(javaImageId);
        assertThat(latestVersion(javaFirst.images())).isEqualTo(1);
        // and Node reads the CaptionEvent Java wrote
        JsonNode caption = NodeClient.step(lines, "caption");
        assertThat(caption.get("key").asText()).isEqualTo("img-1");
        assertThat(caption.get("caption").asText()).isEqualTo(Fixtures.caption().getCaption());
        assertThat(caption.get("modelVersion").asText()).isEqualTo("v3");
        assertThat(caption.get("tokens")).hasSize(Fixtures.caption().getTokens().size());
    }

    private Topics topics(String prefix) {
        return Topics.builder()
                .setSerdeConfig(Map.of("schema.registry.url", registryUrl()))
                .optNamePrefix(prefix)
                .build();
    }

    @SafeVarargs
    private void createTopics(Topic<String, ?>... topics) throws Exception {
        try (Admin admin =
                Admin.create(
                        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            List<NewTopic> created = new ArrayList<>();
            for (Topic<String, ?> topic : topics) {
                created.add(new NewTopic(topic.name(), 1, (short) 1));
            }
            admin.createTopics(created).all().get();
        }
    }

    /** Produces with the Java serde; returns the value bytes as written. */
    private <V> byte[] produce(Topic<String, V> topic, String key, V value) throws Exception {
        byte[] bytes = topic.valueSerde().serializer().serialize(topic.name(), value);
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(
                        producerProps(),
                        topic.keySerde().serializer(),
                        new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic.name(), key, bytes)).get();
        }
        return bytes;
    }

    private int latestVersion(Topic<String, ?> topic) {
        return client().getLatestSchemaMetadata(WireFormat.subjectName(topic.name(), false))
                .version();
    }

    private static int schemaId(byte[] value) {
        return ByteBuffer.wrap(value, 1, 4).getInt();
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

    private <V> void roundTrip(Topic<String, V> topic, V value) {
        String key = UUID.randomUUID().toString();
        try (KafkaProducer<String, V> producer =
                new KafkaProducer<>(
                        producerProps(),
                        topic.keySerde().serializer(),
                        topic.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(topic.name(), key, value)).get();
        } catch (Exception e) {
            throw new AssertionError("produce to " + topic.name() + " failed", e);
        }

        ConsumerRecord<String, byte[]> raw = consumeOne(topic.name(), key);
        byte[] bytes = raw.value();
        // magic byte 0, then the id the registry holds for <topic>-value
        assertThat(bytes[0]).isEqualTo((byte) 0);
        int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
        Schema registered = client().getSchemaById(id);
        assertThat(registered).isEqualTo(PortableSchema.of(((GenericContainer) value).getSchema()));
        assertThat(
                        client().getLatestSchemaMetadata(
                                        WireFormat.subjectName(topic.name(), false))
                                .id())
                .isEqualTo(id);

        V decoded = topic.valueSerde().deserializer().deserialize(topic.name(), bytes);
        assertThat(decoded).isEqualTo(value);
    }

    private Properties producerProps() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return p;
    }

    private ConsumerRecord<String, byte[]> consumeOne(String topic, String key) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "contract-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
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
}
