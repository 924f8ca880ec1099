package io.captioner.stack.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.captioner.schemas.registry.CompatibilityLevel;
import io.captioner.stack.StackException;
import io.captioner.stack.internal.StoreEntry.ConfigChange;
import io.captioner.stack.internal.StoreEntry.SchemaVersion;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the registry's changes in a compacted, single-partition Kafka topic, in the key/value JSON
 * layout Confluent's registry uses for {@code _schemas}: the key names the subject and version (or
 * the config scope), so compaction keeps exactly the latest state of each.
 */
public final class KafkaSchemaStore implements SchemaStore {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaSchemaStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final String topic;
    private final TopicPartition partition;
    private final Map<String, Object> clientConfig;
    private final KafkaProducer<String, String> producer;

    private KafkaSchemaStore(String bootstrapServers, String topic) {
        this.topic = topic;
        this.partition = new TopicPartition(topic, 0);
        this.clientConfig =
                Map.of(
                        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        AdminClientConfig.CLIENT_ID_CONFIG,
                        "captioner-schema-registry");
        this.producer =
                new KafkaProducer<>(
                        Map.of(
                                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                bootstrapServers,
                                ProducerConfig.CLIENT_ID_CONFIG,
                                "captioner-schema-registry",
                                ProducerConfig.ACKS_CONFIG,
                                "all",
                                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                                true,
                                ProducerConfig.LINGER_MS_CONFIG,
                                0,
                                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                                15_000,
                                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                                10_000,
                                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                                20_000),
                        new StringSerializer(),
                        new StringSerializer());
    }

    /**
     * Connects to Kafka and makes sure the topic exists as one compacted partition.
     *
     * @throws StackException if Kafka cannot be reached or the topic has the wrong shape
     */
    public static KafkaSchemaStore open(String bootstrapServers, String topic) {
        KafkaSchemaStore store = new KafkaSchemaStore(bootstrapServers, topic);
        try {
            store.ensureTopic();
            return store;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    private void ensureTopic() {
        try (Admin admin = Admin.create(clientConfig)) {
            NewTopic newTopic =
                    new NewTopic(topic, Optional.of(1), Optional.empty())
                            .configs(
                                    Map.of(
                                            TopicConfig.CLEANUP_POLICY_CONFIG,
                                            TopicConfig.CLEANUP_POLICY_COMPACT));
            try {
                admin.createTopics(List.of(newTopic))
                        .all()
                        .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                LOG.info("Created schema topic {}", topic);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            TopicDescription description =
                    admin.describeTopics(List.of(topic))
                            .allTopicNames()
                            .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                            .get(topic);
            if (description.partitions().size() != 1) {
                throw new StackException(
                        "schema topic "
                                + topic
                                + " has "
                                + description.partitions().size()
                                + " partitions; the registry needs exactly one to keep order");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted while preparing schema topic " + topic, e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new StackException(
                    "cannot prepare schema topic " + topic + ": " + cause.getMessage(), cause);
        }
    }

    @Override
    public List<StoreEntry> readAll() {
        Map<String, Object> config =
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        clientConfig.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG),
                        ConsumerConfig.CLIENT_ID_CONFIG,
                        "captioner-schema-registry-reader",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false);
        List<StoreEntry> entries = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition), TIMEOUT).get(partition);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (consumer.position(partition, TIMEOUT) < end) {
                if (System.nanoTime() > deadline) {
                    throw new StackException(
                            "timed out reading schema topic " + topic + " up to offset " + end);
                }
                for (ConsumerRecord<String, String> record :
                        consumer.poll(Duration.ofMillis(200))) {
                    decode(record).ifPresent(entries::add);
                }
            }
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new StackException(
                    "cannot read schema topic " + topic + ": " + e.getMessage(), e);
        }
        LOG.debug("Read {} registry entries from {}", entries.size(), topic);
        return entries;
    }

    @Override
    public void append(StoreEntry entry) {
        ProducerRecord<String, String> record =
                new ProducerRecord<>(topic, 0, encodeKey(entry), encodeValue(entry));
        try {
            producer.send(record).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RegistryException.storeError("interrupted while writing to " + topic, e);
        } catch (ExecutionException | org.apache.kafka.common.KafkaException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw RegistryException.storeError(
                    "cannot write to " + topic + ": " + cause.getMessage(), cause);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }

    static String encodeKey(StoreEntry entry) {
        ObjectNode key = JSON.createObjectNode();
        if (entry instanceof SchemaVersion v) {
            key.put("keytype", "SCHEMA");
            key.put("subject", v.subject());
            key.put("version", v.version());
            key.put("magic", 1);
        } else if (entry instanceof ConfigChange c) {
            key.put("keytype", "CONFIG");
            if (c.subject().isPresent()) {
                key.put("subject", c.subject().get());
            } else {
                key.putNull("subject");
            }
            key.put("magic", 0);
        }
        return write(key);
    }

    static String encodeValue(StoreEntry entry) {
        ObjectNode value = JSON.createObjectNode();
        if (entry instanceof SchemaVersion v) {
            value.put("subject", v.subject());
            value.put("version", v.version());
            value.put("id", v.id());
            value.put("schema", v.schema());
            value.put("deleted", false);
        } else if (entry instanceof ConfigChange c) {
            value.put("compatibilityLevel", c.level().name());
        }
        return write(value);
    }

    /**
     * Turns one topic record back into an entry; records this registry does not write (other key
     * types, tombstones) are skipped with a log line, corrupt ones with a warning.
     */
    static Optional<StoreEntry> decode(ConsumerRecord<String, String> record) {
        try {
            JsonNode key = JSON.readTree(record.key());
            String keyType = key.path("keytype").asText("");
            if (record.value() == null) {
                LOG.warn(
                        "Skipping tombstone at offset {}: deletes are not supported",
                        record.offset());
                return Optional.empty();
            }
            JsonNode value = JSON.readTree(record.value());
            switch (keyType) {
                case "SCHEMA":
                    if (value.path("deleted").asBoolean(false)) {
                        LOG.warn("Skipping deleted schema at offset {}", record.offset());
                        return Optional.empty();
                    }
                    return Optional.of(
                            new SchemaVersion(
                                    required(value, "subject").asText(),
                                    required(value, "version").asInt(),
                                    required(value, "id").asInt(),
                                    required(value, "schema").asText()));
                case "CONFIG":
                    JsonNode subject = key.path("subject");
                    String levelName = value.path("compatibilityLevel").asText(null);
                    CompatibilityLevel level =
                            CompatibilityLevel.parse(levelName)
                                    .orElseThrow(
                                            () ->
                                                    new IllegalArgumentException(
                                                            "unknown level " + levelName));
                    return Optional.of(
                            new ConfigChange(
                                    subject.isTextual()
                                            ? Optional.of(subject.asText())
                                            : Optional.empty(),
                                    level));
                default:
                    LOG.debug(
                            "Skipping record of key type '{}' at offset {}",
                            keyType,
                            record.offset());
                    return Optional.empty();
            }
        } catch (JsonProcessingException | RuntimeException e) {
            LOG.warn(
                    "Skipping corrupt registry record at offset {}: {}",
                    record.offset(),
                    e.getMessage());
            return Optional.empty();
        }
    }

    private static JsonNode required(JsonNode value, String field) {
        JsonNode node = value.get(field);
        if (node == null || node.isNull()) {
            throw new IllegalArgumentException("the value has no \"" + field + "\" field");
        }
        return node;
    }

    private static String write(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize a JSON tree", e);
        }
    }
}
