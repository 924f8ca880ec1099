package io.captioner.training;

import io.captioner.events.TrainingCommand;
import io.captioner.events.TrainingRun;
import io.captioner.schemas.Topic;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Reads the committed runs on {@code training-runs} and sends train-now commands to {@code
 * training-control}: what the service reads at start and what the CLI shows and sends.
 */
public final class TrainingRunLog {

    private TrainingRunLog() {}

    /**
     * Every committed run on the topic, oldest first (by start time, then run id); undecodable
     * records are left out. An absent topic has no runs.
     */
    public static List<TrainingRun> readAll(
            String bootstrapServers,
            Map<String, ?> clientConfig,
            Topic<String, TrainingRun> topic) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // Reading must not create the topic with the broker's defaults (not compacted).
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        config.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "captioner-training-runs-reader");
        Map<String, TrainingRun> byId = new LinkedHashMap<>();
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(
                        config, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos =
                    consumer.partitionsFor(topic.name(), Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                return List.of();
            }
            List<TopicPartition> partitions =
                    infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "could not read " + topic.name() + " to its end");
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() == null) {
                        byId.remove(r.key());
                        continue;
                    }
                    try {
                        TrainingRun run =
                                topic.valueSerde().deserializer().deserialize(r.topic(), r.value());
                        byId.put(run.getRunId(), run);
                    } catch (RuntimeException e) {
                        // A record another tool wrote badly must not hide the others.
                    }
                }
            }
        }
        List<TrainingRun> runs = new ArrayList<>(byId.values());
        runs.sort(
                Comparator.comparing(TrainingRun::getStartedTime)
                        .thenComparing(TrainingRun::getRunId));
        return runs;
    }

    /**
     * Sends a train-now command for {@code modelName} and waits for the broker's ack.
     *
     * @return the command sent
     * @throws ExecutionException when Kafka refuses it
     * @throws TimeoutException when Kafka does not answer in 30 s
     */
    public static TrainingCommand trainNow(
            String bootstrapServers,
            Map<String, ?> clientConfig,
            Topic<String, TrainingCommand> topic,
            String modelName,
            boolean force,
            String requestedBy)
            throws ExecutionException, TimeoutException, InterruptedException {
        TrainingCommand command =
                TrainingCommand.newBuilder()
                        .setCommandId(UUID.randomUUID().toString())
                        .setModelName(modelName)
                        .setForce(force)
                        .setRequestedTime(Instant.now())
                        .setRequestedBy(requestedBy)
                        .build();
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        try (KafkaProducer<String, TrainingCommand> producer =
                new KafkaProducer<>(
                        config, new StringSerializer(), topic.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(topic.name(), modelName, command))
                    .get(30, TimeUnit.SECONDS);
        }
        return command;
    }
}
