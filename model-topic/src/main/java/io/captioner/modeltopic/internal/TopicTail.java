package io.captioner.modeltopic.internal;

import io.captioner.events.ModelTopicRecord;
import io.captioner.modeltopic.ModelCatalog;
import io.captioner.modeltopic.ModelVerificationException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the {@code models} topic from the beginning into a {@link ModelCatalog} without joining a
 * consumer group: partitions are assigned, never subscribed, and no offsets are committed.
 */
public final class TopicTail implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TopicTail.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private KafkaConsumer<byte[], byte[]> offsetsConsumer;
    private final String topic;
    private final Deserializer<ModelTopicRecord> deserializer;
    private final ModelCatalog catalog;
    private List<TopicPartition> partitions = List.of();
    private Map<TopicPartition, Long> startEnd = Map.of();

    /**
     * Wraps {@code consumer}, which must read {@code byte[]} values with read_committed, and {@code
     * offsetsConsumer}, which must read uncommitted and is only asked for end offsets.
     */
    public TopicTail(
            KafkaConsumer<String, byte[]> consumer,
            KafkaConsumer<byte[], byte[]> offsetsConsumer,
            String topic,
            Deserializer<ModelTopicRecord> deserializer,
            ModelCatalog catalog) {
        this.consumer = consumer;
        this.offsetsConsumer = offsetsConsumer;
        this.topic = topic;
        this.deserializer = deserializer;
        this.catalog = catalog;
    }

    /**
     * Assigns every partition of the topic and seeks to the beginning, remembering the end offsets
     * of that moment.
     *
     * <p>The end offsets are the high watermarks, not the last stable offsets a read_committed
     * consumer reports: a producer's {@code commitTransaction()} returns before the commit markers
     * are written, so right after a commit the last stable offset may still lie before the
     * committed records. Reading up to the high watermark instead waits until every transaction
     * written before this call is decided, so a reader always sees what was committed before it
     * started (read your writes), at the price of waiting for a transaction still open.
     *
     * @return false if the topic does not exist (yet)
     */
    public boolean assign(Duration timeout) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
        if (infos == null || infos.isEmpty()) {
            return false;
        }
        List<TopicPartition> assigned = new ArrayList<>();
        for (PartitionInfo info : infos) {
            assigned.add(new TopicPartition(info.topic(), info.partition()));
        }
        if (assigned.size() > 1) {
            LOG.warn(
                    "Topic {} has {} partitions; the models protocol expects one, so order across"
                            + " partitions is not guaranteed",
                    topic,
                    assigned.size());
        }
        consumer.assign(assigned);
        consumer.seekToBeginning(assigned);
        startEnd = offsetsConsumer.endOffsets(assigned, timeout);
        partitions = List.copyOf(assigned);
        // Needed only once; do not hold its connections for a watcher's lifetime.
        closeOffsetsConsumer();
        return true;
    }

    /** Whether every partition was read up to the end offsets seen by {@link #assign}. */
    public boolean reachedStartEnd() {
        for (TopicPartition partition : partitions) {
            if (consumer.position(partition) < startEnd.get(partition)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Polls once and applies the records to the catalog; returns the refusals of activation records
     * among them (see {@link ModelCatalog#apply}).
     */
    public List<ModelVerificationException> pollOnce(Duration timeout) {
        List<ModelVerificationException> refusals = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : consumer.poll(timeout)) {
            ModelTopicRecord value = null;
            if (record.value() != null) {
                try {
                    value = deserializer.deserialize(record.topic(), record.value());
                } catch (RuntimeException e) {
                    LOG.warn(
                            "Skipping undecodable models record at offset {} key {}: {}",
                            record.offset(),
                            record.key(),
                            e.toString());
                    continue;
                }
                if (value == null) {
                    LOG.warn(
                            "Skipping models record at offset {}: decoded to null",
                            record.offset());
                    continue;
                }
            }
            catalog.apply(record.key(), value, record.offset()).ifPresent(refusals::add);
        }
        return refusals;
    }

    /** Reads until the end offsets seen by {@link #assign}, or fails after {@code timeout}. */
    public void readToStartEnd(Duration timeout, Duration pollTimeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!reachedStartEnd()) {
            if (System.nanoTime() > deadline) {
                throw new org.apache.kafka.common.errors.TimeoutException(
                        "Could not read topic "
                                + topic
                                + " to its end "
                                + startEnd
                                + " within "
                                + timeout
                                + " (is a transaction of a stalled publisher still open?)");
            }
            pollOnce(pollTimeout);
        }
    }

    /**
     * The consumer that reads the topic, for binding its client metrics; only its thread-safe
     * {@code metrics()} may be called from other threads.
     */
    public Consumer<String, byte[]> consumer() {
        return consumer;
    }

    /** Interrupts a blocking poll from another thread. */
    public void wakeup() {
        consumer.wakeup();
    }

    @Override
    public void close() {
        closeOffsetsConsumer();
        consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }

    private void closeOffsetsConsumer() {
        if (offsetsConsumer != null) {
            offsetsConsumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            offsetsConsumer = null;
        }
    }
}
