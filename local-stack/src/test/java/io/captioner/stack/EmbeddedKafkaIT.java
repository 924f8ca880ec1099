package io.captioner.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
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

/** A real in-process KRaft broker: plain and transactional round trips, restarts, clean close. */
class EmbeddedKafkaIT {

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.builder().optTemporary().optPort(0).build();
        kafka.start();
    }

    @AfterAll
    static void stopBroker() {
        kafka.close();
    }

    @Test
    void shouldRoundTripRecordsThroughTheBroker() throws Exception {
        String topic = "round-trip-" + UUID.randomUUID();
        try (KafkaProducer<String, String> producer = producer(kafka, Map.of())) {
            producer.send(new ProducerRecord<>(topic, "k1", "v1")).get();
            producer.send(new ProducerRecord<>(topic, "k2", "v2")).get();
        }

        List<ConsumerRecord<String, String>> records = consume(kafka, topic, 2, "read_uncommitted");

        assertThat(records).extracting(ConsumerRecord::value).containsExactly("v1", "v2");
        assertThat(kafka.bootstrapServers()).isEqualTo("127.0.0.1:" + kafka.port());
    }

    @Test
    void shouldCommitAndAbortTransactionsOnTheSingleNode() throws Exception {
        String topic = "transactions-" + UUID.randomUUID();
        Map<String, Object> txConfig =
                Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-" + UUID.randomUUID());
        try (KafkaProducer<String, String> producer = producer(kafka, txConfig)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k", "aborted"));
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k", "committed"));
            producer.commitTransaction();
        }

        List<ConsumerRecord<String, String>> records = consume(kafka, topic, 1, "read_committed");

        assertThat(records).extracting(ConsumerRecord::value).containsExactly("committed");
    }

    @Test
    void shouldCommitConsumedOffsetsInsideATransactionAsExactlyOnceV2Does() throws Exception {
        String input = "eos-in-" + UUID.randomUUID();
        String output = "eos-out-" + UUID.randomUUID();
        String group = "eos-" + UUID.randomUUID();
        try (KafkaProducer<String, String> producer = producer(kafka, Map.of())) {
            producer.send(new ProducerRecord<>(input, "k", "hello")).get();
        }
        Map<String, Object> consumerConfig =
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers(),
                        ConsumerConfig.GROUP_ID_CONFIG,
                        group,
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false,
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed");
        Map<String, Object> txConfig =
                Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "eos-" + UUID.randomUUID());

        try (KafkaConsumer<String, String> consumer =
                        new KafkaConsumer<>(
                                consumerConfig,
                                new StringDeserializer(),
                                new StringDeserializer());
                KafkaProducer<String, String> producer = producer(kafka, txConfig)) {
            producer.initTransactions();
            consumer.subscribe(List.of(input));
            List<ConsumerRecord<String, String>> in = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (in.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(in::add);
            }
            assertThat(in).hasSize(1);
            producer.beginTransaction();
            producer.send(
                    new ProducerRecord<>(output, "k", in.get(0).value().toUpperCase(Locale.ROOT)));
            producer.sendOffsetsToTransaction(
                    Map.of(
                            new TopicPartition(input, 0),
                            new OffsetAndMetadata(in.get(0).offset() + 1)),
                    consumer.groupMetadata());
            producer.commitTransaction();
        }

        try (Admin admin = admin(kafka)) {
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            assertThat(committed.get(new TopicPartition(input, 0)).offset()).isEqualTo(1);
        }
        assertThat(consume(kafka, output, 1, "read_committed"))
                .extracting(ConsumerRecord::value)
                .containsExactly("HELLO");
    }

    @Test
    void shouldKeepTopicsAndDataAcrossARestartOnTheSameDataDir(@TempDir Path dir) throws Exception {
        Path dataDir = dir.resolve("kafka");
        try (EmbeddedKafka first = EmbeddedKafka.builder().optDataDir(dataDir).optPort(0).build()) {
            first.start();
            try (Admin admin = admin(first)) {
                admin.createTopics(List.of(new NewTopic("kept", 2, (short) 1))).all().get();
            }
            try (KafkaProducer<String, String> producer = producer(first, Map.of())) {
                producer.send(new ProducerRecord<>("kept", 0, "k", "survives")).get();
            }
            EmbeddedKafka intruder = EmbeddedKafka.builder().optDataDir(dataDir).optPort(0).build();
            assertThatThrownBy(intruder::start)
                    .isInstanceOf(StackException.class)
                    .hasMessageContaining("in use by another running stack");
            intruder.close();
        }
        assertThat(dataDir.resolve("meta.properties")).exists();

        try (EmbeddedKafka second =
                EmbeddedKafka.builder().optDataDir(dataDir).optPort(0).build()) {
            second.start();
            try (Admin admin = admin(second)) {
                assertThat(admin.listTopics().names().get()).contains("kept");
                assertThat(
                                admin.describeTopics(Set.of("kept"))
                                        .allTopicNames()
                                        .get()
                                        .get("kept")
                                        .partitions())
                        .hasSize(2);
            }
            assertThat(consume(second, "kept", 1, "read_uncommitted"))
                    .extracting(ConsumerRecord::value)
                    .containsExactly("survives");
        }
    }

    @Test
    void shouldDeleteTemporaryStorageAndStopItsThreadsOnClose() {
        EmbeddedKafka temp = EmbeddedKafka.builder().optTemporary().optPort(0).build();
        temp.start();
        Path dataDir = temp.dataDir();
        assertThat(dataDir).isDirectory();

        temp.close();

        assertThat(Files.exists(dataDir)).isFalse();
        assertThatThrownBy(temp::bootstrapServers).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldFailWithATypedErrorWhenThePortIsTaken() {
        EmbeddedKafka clash = EmbeddedKafka.builder().optTemporary().optPort(kafka.port()).build();

        assertThatThrownBy(clash::start)
                .isInstanceOf(StackException.class)
                .hasMessageContaining("in use");
        clash.close();
    }

    @Test
    void shouldRejectAnInvalidBrokerOverrideWithATypedErrorAndCleanUp() {
        EmbeddedKafka invalid =
                EmbeddedKafka.builder()
                        .optTemporary()
                        .optPort(0)
                        .optBrokerConfig("num.io.threads", "many")
                        .build();

        assertThatThrownBy(invalid::start)
                .isInstanceOf(StackException.class)
                .hasMessageContaining("num.io.threads");
        invalid.close();
    }

    static KafkaProducer<String, String> producer(EmbeddedKafka broker, Map<String, Object> extra) {
        Map<String, Object> config = new java.util.HashMap<>(extra);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }

    static Admin admin(EmbeddedKafka broker) {
        return Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
    }

    static List<ConsumerRecord<String, String>> consume(
            EmbeddedKafka broker, String topic, int expected, String isolation) {
        Map<String, Object> config =
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        broker.bootstrapServers(),
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "it-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest",
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        isolation);
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            // One more poll proves nothing beyond the expected records (e.g. aborted ones) arrives.
            consumer.poll(Duration.ofMillis(500)).forEach(records::add);
        }
        return records;
    }
}
