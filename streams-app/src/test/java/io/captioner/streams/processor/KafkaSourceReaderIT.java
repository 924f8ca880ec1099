package io.captioner.streams.processor;

import static org.assertj.core.api.Assertions.assertThat;

import io.captioner.stack.LocalStack;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Reads buffered images back from a real broker's log, as a restored task does. */
class KafkaSourceReaderIT {

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

    @Test
    void shouldReadCommittedRecordsByOffsetAndLeaveOutDeletedAndAbortedOnes() throws Exception {
        // Given a partition with two committed transactions around an aborted one, and its first
        // two records deleted (as retention would)
        TopicPartition tp = new TopicPartition("source-reader", 0);
        Map<String, Object> admin =
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        long abortedOffset;
        try (Admin client = Admin.create(admin);
                KafkaProducer<byte[], byte[]> producer = producer()) {
            client.createTopics(List.of(new NewTopic(tp.topic(), 1, (short) 1))).all().get();
            producer.initTransactions();
            send(producer, tp, 0, 1, 2);
            producer.beginTransaction();
            abortedOffset = producer.send(record(tp, 99)).get().offset();
            producer.abortTransaction();
            send(producer, tp, 3, 4);
            client.deleteRecords(Map.of(tp, RecordsToDelete.beforeOffset(2))).all().get();
        }
        Map<String, Object> consumer =
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        stack.bootstrapServers(),
                        ConsumerConfig.CLIENT_ID_CONFIG,
                        "source-reader-it");

        // When offsets below, inside and past the log are read back
        Map<Long, byte[]> found;
        try (KafkaSourceReader reader = new KafkaSourceReader(consumer, Duration.ofSeconds(20))) {
            found = reader.read(tp, new TreeSet<>(List.of(0L, 2L, abortedOffset, 1_000L)));
            // And the same reader serves a second read
            assertThat(reader.read(tp, new TreeSet<>(List.of(abortedOffset + 3)))).hasSize(1);
        }

        // Then only the committed record still in the log is there
        assertThat(found).containsOnlyKeys(2L);
        assertThat(found.get(2L)).containsExactly(2);
    }

    private static KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        stack.bootstrapServers(),
                        ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                        "source-reader-it"),
                new ByteArraySerializer(),
                new ByteArraySerializer());
    }

    private static void send(
            KafkaProducer<byte[], byte[]> producer, TopicPartition tp, int... values)
            throws Exception {
        producer.beginTransaction();
        RecordMetadata last = null;
        for (int v : values) {
            last = producer.send(record(tp, v)).get();
        }
        producer.commitTransaction();
        assertThat(last).isNotNull();
    }

    private static ProducerRecord<byte[], byte[]> record(TopicPartition tp, int value) {
        return new ProducerRecord<>(tp.topic(), tp.partition(), null, new byte[] {(byte) value});
    }
}
