package io.captioner.streams;

import io.captioner.events.ImageEvent;
import io.captioner.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Producing and reading records of the captioner topics on a real broker, for the ITs. */
public final class KafkaTestSupport {

    private KafkaTestSupport() {}

    /** Sends raw key/value bytes to {@code topic} and waits for the acks. */
    public static void sendRaw(
            String bootstrap, String topic, List<Map.Entry<String, byte[]>> records)
            throws InterruptedException, ExecutionException {
        sendRaw(bootstrap, topic, records, Map.of());
    }

    /** Like {@link #sendRaw(String, String, List)} with extra producer settings. */
    public static void sendRaw(
            String bootstrap,
            String topic,
            List<Map.Entry<String, byte[]>> records,
            Map<String, Object> producerConfig)
            throws InterruptedException, ExecutionException {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.putAll(producerConfig);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (Map.Entry<String, byte[]> r : records) {
                producer.send(
                        new ProducerRecord<>(
                                topic, r.getKey().getBytes(StandardCharsets.UTF_8), r.getValue()));
            }
            producer.flush();
        }
    }

    /** Serializes image events with the topic's value serde (registering the schema). */
    public static List<Map.Entry<String, byte[]>> serialize(
            Topics topics, List<ImageEvent> events) {
        List<Map.Entry<String, byte[]>> out = new ArrayList<>();
        for (ImageEvent e : events) {
            out.add(
                    Map.entry(
                            e.getImageId(),
                            topics.images()
                                    .valueSerde()
                                    .serializer()
                                    .serialize(topics.images().name(), e)));
        }
        return out;
    }

    /**
     * Reads {@code topic} from the beginning with {@code read_committed} until {@code done} holds
     * for what was read or {@code timeout} passes; returns what was read.
     */
    public static <V extends SpecificRecord> List<ConsumerRecord<String, V>> readCommitted(
            String bootstrap,
            String topic,
            Deserializer<V> deserializer,
            Duration timeout,
            Predicate<List<ConsumerRecord<String, V>>> done) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(
                ConsumerConfig.GROUP_ID_CONFIG,
                "it-reader-" + Long.toHexString(System.nanoTime()).toLowerCase(Locale.ROOT));
        List<ConsumerRecord<String, V>> out = new ArrayList<>();
        try (KafkaConsumer<String, V> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), deserializer)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline && !done.test(out)) {
                for (ConsumerRecord<String, V> r : consumer.poll(Duration.ofMillis(200))) {
                    out.add(r);
                }
            }
        }
        return out;
    }

    /**
     * Reads every committed record of {@code topic} from the beginning up to its end as of now (the
     * last stable offset of each partition), so an empty result really means an empty topic.
     */
    public static <V extends SpecificRecord> List<ConsumerRecord<String, V>> readToEnd(
            String bootstrap, String topic, Deserializer<V> deserializer) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<String, V>> out = new ArrayList<>();
        try (KafkaConsumer<String, V> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), deserializer)) {
            List<TopicPartition> partitions =
                    consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                            .map(p -> new TopicPartition(topic, p.partition()))
                            .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to " + end);
                }
                for (ConsumerRecord<String, V> r : consumer.poll(Duration.ofMillis(200))) {
                    out.add(r);
                }
            }
        }
        return out;
    }
}
