package io.captioner.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.captioner.schemas.Fixtures;
import io.captioner.schemas.Topic;
import io.captioner.schemas.Topics;
import io.captioner.schemas.registry.IncompatibleSchemaException;
import io.captioner.schemas.registry.RestSchemaRegistryClient;
import io.captioner.schemas.registry.SchemaRegistryClient;
import io.captioner.schemas.serde.PortableSchema;
import io.captioner.schemas.serde.WireFormat;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
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
