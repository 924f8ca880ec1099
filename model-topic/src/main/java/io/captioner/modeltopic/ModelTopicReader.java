package io.captioner.modeltopic;

import io.captioner.events.ModelTopicRecord;
import io.captioner.modeltopic.internal.TopicTail;
import io.captioner.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the whole {@code models} topic into a {@link ModelCatalog}, once ({@link #readToEnd()}) or
 * continuously ({@link #watch}).
 *
 * <p>The reader is not a consumer-group member: it assigns the topic's partitions, seeks to the
 * beginning and commits nothing, so every reader sees the whole topic, and it reads with {@code
 * isolation.level=read_committed}, so it never sees part of a publication. A reader holds no
 * resources itself; every call opens and closes its own consumer.
 *
 * <pre>{@code
 * ModelTopicReader reader = ModelTopicReader.builder()
 *         .setBootstrapServers("127.0.0.1:9092")
 *         .setTopics(Topics.create(Map.of("schema.registry.url", "http://127.0.0.1:8081")))
 *         .optTrustedKeys(TrustedKeys.fromDirectory(Path.of("keys")))
 *         .build();
 * try (ModelCatalog catalog = reader.readToEnd()) {
 *     catalog.versions("captioner").forEach(System.out::println);
 * }
 * }</pre>
 */
public final class ModelTopicReader {

    private static final AtomicLong CLIENT_SEQUENCE = new AtomicLong();

    private final String bootstrapServers;
    private final Topics topics;
    private final TrustedKeys trustedKeys;
    private final ChunkStorage chunkStorage;
    private final CatalogLimits limits;
    private final Path workDirectory;
    private final Map<String, Object> consumerConfig;
    private final Duration readTimeout;
    private final Duration pollInterval;

    private ModelTopicReader(Builder builder) {
        this.bootstrapServers = builder.bootstrapServers;
        this.topics = builder.topics;
        this.trustedKeys = builder.trustedKeys;
        this.chunkStorage = builder.chunkStorage;
        this.limits = builder.limits;
        this.workDirectory = builder.workDirectory;
        this.consumerConfig = Map.copyOf(builder.consumerConfig);
        this.readTimeout = builder.readTimeout;
        this.pollInterval = builder.pollInterval;
    }

    /** Starts a builder; bootstrap servers and topics are required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads the topic from the beginning up to its end as of this call and returns the catalog,
     * which the caller must close. Everything committed before the call is included: if a
     * transaction was still open (or its commit markers not yet written) at the call, the reader
     * waits until it is decided.
     *
     * @throws org.apache.kafka.common.errors.TimeoutException if the end is not reached within the
     *     read timeout
     */
    public ModelCatalog readToEnd() {
        ModelCatalog catalog = newCatalog();
        try (TopicTail tail = newTail(catalog)) {
            if (tail.assign(readTimeout)) {
                tail.readToStartEnd(readTimeout, pollInterval);
            }
            return catalog;
        } catch (RuntimeException e) {
            catalog.close();
            throw e;
        }
    }

    /**
     * Starts a background thread that reads the topic continuously and calls {@code listener} on
     * activations; see {@link ModelTopicWatcher}.
     */
    public ModelTopicWatcher watch(ModelTopicListener listener) {
        return new ModelTopicWatcher(this, Objects.requireNonNull(listener, "listener"));
    }

    /** The topic name read. */
    public String topicName() {
        return topics.models().name();
    }

    /** The trusted keys that {@link ModelCatalog#assemble} checks signatures against. */
    public TrustedKeys trustedKeys() {
        return trustedKeys;
    }

    Duration pollInterval() {
        return pollInterval;
    }

    Duration readTimeout() {
        return readTimeout;
    }

    ModelCatalog newCatalog() {
        return new ModelCatalog(chunkStorage, trustedKeys, workDirectory, limits);
    }

    TopicTail newTail(ModelCatalog catalog) {
        Map<String, Object> config = new HashMap<>(consumerConfig);
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.putIfAbsent(
                ConsumerConfig.CLIENT_ID_CONFIG,
                "captioner-model-reader-" + CLIENT_SEQUENCE.incrementAndGet());
        // The protocol depends on these: never a group member, never a partial transaction.
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Deserializer<ModelTopicRecord> values = topics.models().valueSerde().deserializer();
        Map<String, Object> offsetsConfig = new HashMap<>(config);
        offsetsConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        offsetsConfig.put(
                ConsumerConfig.CLIENT_ID_CONFIG,
                config.get(ConsumerConfig.CLIENT_ID_CONFIG) + "-offsets");
        KafkaConsumer<byte[], byte[]> offsets =
                new KafkaConsumer<>(
                        offsetsConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        KafkaConsumer<String, byte[]> consumer;
        try {
            consumer =
                    new KafkaConsumer<>(
                            config, new StringDeserializer(), new ByteArrayDeserializer());
        } catch (RuntimeException e) {
            offsets.close();
            throw e;
        }
        return new TopicTail(consumer, offsets, topics.models().name(), values, catalog);
    }

    /** Builder of {@link ModelTopicReader}: {@code setX} is required, {@code optX} not. */
    public static final class Builder {
        private String bootstrapServers;
        private Topics topics;
        private TrustedKeys trustedKeys = TrustedKeys.none();
        private ChunkStorage chunkStorage = ChunkStorage.SPOOL;
        private CatalogLimits limits = CatalogLimits.defaults();
        private Path workDirectory;
        private Map<String, Object> consumerConfig = Map.of();
        private Duration readTimeout = Duration.ofSeconds(60);
        private Duration pollInterval = Duration.ofMillis(500);

        private Builder() {}

        /** Sets the Kafka bootstrap servers. */
        public Builder setBootstrapServers(String bootstrapServers) {
            this.bootstrapServers = bootstrapServers;
            return this;
        }

        /** Sets the topics (name and serdes of {@code models}). */
        public Builder setTopics(Topics topics) {
            this.topics = topics;
            return this;
        }

        /** Sets the topics from a serde configuration, see {@link Topics#create(Map)}. */
        public Builder setSerdeConfig(Map<String, ?> serdeConfig) {
            this.topics = Topics.create(serdeConfig);
            return this;
        }

        /**
         * Sets the keys whose signatures are accepted on manifests and activations (default: none,
         * signatures unchecked).
         */
        public Builder optTrustedKeys(TrustedKeys trustedKeys) {
            this.trustedKeys = Objects.requireNonNull(trustedKeys, "trustedKeys");
            return this;
        }

        /** Sets where chunk bytes are kept (default {@link ChunkStorage#SPOOL}). */
        public Builder optChunkStorage(ChunkStorage chunkStorage) {
            this.chunkStorage = Objects.requireNonNull(chunkStorage, "chunkStorage");
            return this;
        }

        /**
         * Sets the largest artifact accepted and the budget of chunk bytes held before their
         * manifest is verified (default {@link CatalogLimits#defaults()}: 1 GiB each).
         */
        public Builder optLimits(CatalogLimits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** Sets the parent of spool directories and assembled artifacts (default: temp dir). */
        public Builder optWorkDirectory(Path workDirectory) {
            this.workDirectory = workDirectory;
            return this;
        }

        /**
         * Adds consumer settings (e.g. security); group id, isolation level, auto commit, auto
         * topic creation and offset reset are fixed by the protocol and overridden.
         */
        public Builder optConsumerConfig(Map<String, ?> consumerConfig) {
            this.consumerConfig = Map.copyOf(consumerConfig);
            return this;
        }

        /** Sets how long {@link #readToEnd()} may take (default 60 s). */
        public Builder optReadTimeout(Duration readTimeout) {
            this.readTimeout = Objects.requireNonNull(readTimeout, "readTimeout");
            return this;
        }

        /** Sets the poll timeout, and so the watcher's reaction time to close (default 500 ms). */
        public Builder optPollInterval(Duration pollInterval) {
            this.pollInterval = Objects.requireNonNull(pollInterval, "pollInterval");
            return this;
        }

        /**
         * Validates and builds.
         *
         * @throws IllegalArgumentException if a required setting is missing or a duration is not
         *     positive
         */
        public ModelTopicReader build() {
            if (bootstrapServers == null || bootstrapServers.isBlank()) {
                throw new IllegalArgumentException("bootstrapServers is required");
            }
            if (topics == null) {
                throw new IllegalArgumentException("topics (or serde config) is required");
            }
            if (readTimeout.isNegative() || readTimeout.isZero()) {
                throw new IllegalArgumentException("readTimeout must be positive: " + readTimeout);
            }
            if (pollInterval.isNegative() || pollInterval.isZero()) {
                throw new IllegalArgumentException(
                        "pollInterval must be positive: " + pollInterval);
            }
            return new ModelTopicReader(this);
        }
    }
}
