package io.captioner.streams.processor;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A {@link SourceReader} on a group-less consumer (assign and seek, read_committed: a buffered
 * record was consumed in a committed transaction, so it is committed data): one seek to the lowest
 * wanted offset, then forward reads until the position passes the highest one.
 */
final class KafkaSourceReader implements SourceReader {

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Duration timeout;

    /**
     * A reader with the connection settings in {@code consumerConfig} (a restore consumer's, from
     * the app's Streams configuration), giving up after {@code timeout} per read.
     */
    KafkaSourceReader(Map<String, Object> consumerConfig, Duration timeout) {
        Map<String, Object> config = new HashMap<>(consumerConfig);
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        this.consumer =
                new KafkaConsumer<>(
                        config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.timeout = timeout;
    }

    @Override
    public Map<Long, byte[]> read(TopicPartition partition, NavigableSet<Long> offsets) {
        Map<Long, byte[]> found = new HashMap<>();
        if (offsets.isEmpty()) {
            return found;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        consumer.assign(List.of(partition));
        long logStart = consumer.beginningOffsets(List.of(partition), timeout).get(partition);
        // What is not below the end (read_committed: the last stable offset) is not there either.
        long logEnd = consumer.endOffsets(List.of(partition), timeout).get(partition);
        long from = Math.max(offsets.first(), logStart);
        long last = Math.min(offsets.last(), logEnd - 1);
        if (from > last) {
            return found;
        }
        consumer.seek(partition, from);
        while (consumer.position(partition, remaining(deadline)) <= last) {
            for (ConsumerRecord<byte[], byte[]> record :
                    consumer.poll(remaining(deadline)).records(partition)) {
                if (offsets.contains(record.offset())) {
                    found.put(
                            record.offset(), record.value() == null ? new byte[0] : record.value());
                }
            }
            if (System.nanoTime() >= deadline) {
                throw new TimeoutException(
                        "could not read "
                                + partition
                                + " up to offset "
                                + last
                                + " within "
                                + timeout.toMillis()
                                + " ms");
            }
        }
        return found;
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
