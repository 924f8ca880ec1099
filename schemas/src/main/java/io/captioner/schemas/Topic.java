package io.captioner.schemas;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serde;

/**
 * One Kafka topic of the captioner with its key and value serdes and the recommended layout, so
 * producers, Streams topologies and admin tools all agree on them.
 *
 * @param name the topic name
 * @param keySerde serde of the record keys (plain strings for every captioner topic)
 * @param valueSerde serde of the record values (Avro in the Confluent wire format)
 * @param partitions recommended partition count
 * @param cleanupPolicy recommended {@code cleanup.policy}, {@link
 *     TopicConfig#CLEANUP_POLICY_DELETE} or {@link TopicConfig#CLEANUP_POLICY_COMPACT}
 * @param <K> key type
 * @param <V> value type
 */
public record Topic<K, V>(
        String name, Serde<K> keySerde, Serde<V> valueSerde, int partitions, String cleanupPolicy) {

    /** Validates the components. */
    public Topic {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(keySerde, "keySerde");
        Objects.requireNonNull(valueSerde, "valueSerde");
        Objects.requireNonNull(cleanupPolicy, "cleanupPolicy");
        if (name.isBlank()) {
            throw new IllegalArgumentException("Topic name must not be blank");
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1: " + partitions);
        }
    }

    /** Recommended topic-level configuration (currently the cleanup policy). */
    public Map<String, String> configs() {
        return Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, cleanupPolicy);
    }

    /** An admin request to create this topic with the broker's default replication factor. */
    public NewTopic newTopic() {
        return newTopic(Optional.empty());
    }

    /** An admin request to create this topic with the given replication factor. */
    public NewTopic newTopic(Optional<Short> replicationFactor) {
        return new NewTopic(name, Optional.of(partitions), replicationFactor).configs(configs());
    }
}
