package io.captioner.modeltopic;

import io.captioner.events.ModelActivation;
import io.captioner.events.ModelTopicRecord;
import io.captioner.modeltopic.ModelPublishException.Reason;
import io.captioner.schemas.ModelTopicKeys;
import io.captioner.schemas.Topic;
import io.captioner.schemas.Topics;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publishes model versions to the {@code models} topic, activates them, rolls back and prunes: the
 * transaction orchestration of the protocol (see the package documentation). Each convenience
 * method ({@link #publish}, {@link #activate}, {@link #rollback}, {@link #prune}) is one Kafka
 * transaction; {@link #transact} opens one for a caller that needs several steps, or its own
 * records on other topics, in the same commit (a training service publishing a version and its
 * training-run record). What happens inside a transaction is {@link ModelTransaction}'s job;
 * chunking, retention and topic layout have their own types.
 *
 * <p>Before every transaction the publisher reads the topic's metadata (manifests, chunk presence,
 * activations; not the chunk bytes). Run one publisher per topic at a time; publishers sharing a
 * transactional id fence each other, so a stale one cannot commit.
 *
 * <pre>{@code
 * try (ModelPublisher publisher = ModelPublisher.builder()
 *         .setBootstrapServers("127.0.0.1:9092")
 *         .setTopics(topics)
 *         .optSigningKey(ModelSigning.loadKeys(Path.of("keys")))
 *         .optRetainVersions(5)
 *         .build()) {
 *     publisher.publish(Path.of("model.zip"), info, true);
 * }
 * }</pre>
 */
public final class ModelPublisher implements AutoCloseable {

    /** Default transactional id: one publisher per topic, so a second instance fences the first. */
    public static final String DEFAULT_TRANSACTIONAL_ID = "captioner-model-publisher";

    /**
     * Largest allowed chunk: with the envelope, key and batch headers a record stays well under the
     * default 1 MiB {@code max.message.bytes} of brokers and topics and {@code max.request.size} of
     * producers.
     */
    public static final int MAX_CHUNK_BYTES = 900 * 1024;

    /** Reason recorded in activations made by {@link #rollback}. */
    public static final String ROLLBACK_REASON_PREFIX = ModelTransaction.ROLLBACK_REASON_PREFIX;

    /**
     * The work of one transaction, given the open {@link ModelTransaction}.
     *
     * @param <T> what the body returns to the caller of {@link #transact}
     */
    @FunctionalInterface
    public interface TransactionBody<T> {
        /** Does the transaction's work; an exception aborts the transaction. */
        T run(ModelTransaction transaction);
    }

    private final Topic<String, ModelTopicRecord> topic;
    private final int chunkSize;
    private final SigningKey signingKey;
    private final int retainVersions;
    private final Clock clock;
    private final ModelTopicReader metadataReader;
    private final KafkaProducer<byte[], byte[]> producer;
    private boolean closed;

    private ModelPublisher(Builder builder) {
        this.topic = builder.topics.models();
        this.chunkSize = builder.chunkSize;
        this.signingKey = builder.signingKey;
        this.retainVersions = builder.retainVersions;
        this.clock = builder.clock;
        TrustedKeys trusted = builder.trustedKeys;
        if (trusted == null) {
            trusted =
                    signingKey == null
                            ? TrustedKeys.none()
                            : TrustedKeys.of(signingKey.publicKey());
        }
        this.metadataReader =
                ModelTopicReader.builder()
                        .setBootstrapServers(builder.bootstrapServers)
                        .setTopics(builder.topics)
                        .optTrustedKeys(trusted)
                        .optChunkStorage(ChunkStorage.METADATA_ONLY)
                        .optConsumerConfig(builder.clientConfig)
                        .build();
        ModelTopicAdmin.ensureTopic(builder.bootstrapServers, builder.clientConfig, topic);
        Map<String, Object> config = new HashMap<>(builder.clientConfig);
        config.putAll(builder.producerConfig);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, builder.bootstrapServers);
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, builder.transactionalId);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        // Long enough for a 100 MB artifact on a slow link; a crashed publisher's open transaction
        // (which holds back read_committed readers) is aborted after it, or at once when a
        // publisher with the same transactional id starts.
        config.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 120_000);
        config.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, builder.transactionalId);
        // Bytes on the wire: model records are serialized with the topic's serde, the caller's own
        // records (ModelTransaction.send) with theirs, so one producer carries both.
        KafkaProducer<byte[], byte[]> created =
                new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
        try {
            created.initTransactions();
        } catch (RuntimeException e) {
            created.close(Duration.ofSeconds(5));
            throw e;
        }
        this.producer = created;
    }

    /** Starts a builder; bootstrap servers and topics are required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs {@code body} in one Kafka transaction and commits what it wrote, or aborts it all if the
     * body (or the commit) throws. The transaction sees the topic as read just before it began.
     *
     * @throws ModelPublishException when the body breaks the protocol; nothing is committed
     * @throws KafkaException if Kafka fails; the transaction is aborted
     * @throws ProducerFencedException if a newer publisher with the same transactional id took
     *     over; this publisher is closed
     */
    public synchronized <T> T transact(TransactionBody<T> body) {
        checkOpen();
        Objects.requireNonNull(body, "body");
        try (ModelCatalog catalog = metadataReader.readToEnd()) {
            producer.beginTransaction();
            ModelTransaction transaction =
                    new ModelTransaction(
                            producer, topic, catalog, chunkSize, signingKey, retainVersions, clock);
            T result;
            try {
                result = body.run(transaction);
            } catch (ProducerFencedException e) {
                fenced();
                throw e;
            } catch (RuntimeException | Error e) {
                abortQuietly(e);
                throw e;
            } finally {
                transaction.close();
            }
            try {
                producer.commitTransaction();
            } catch (ProducerFencedException e) {
                fenced();
                throw e;
            } catch (KafkaException e) {
                abortQuietly(e);
                throw e;
            }
            return result;
        }
    }

    /**
     * Publishes {@code artifact} as version {@code info.version()} of {@code info.modelName()}: the
     * (signed) manifest and the chunks, then optionally an activation, then retention tombstones,
     * all in one transaction.
     *
     * <p>Publishing a version that is already complete on the topic with the same sha256 writes no
     * chunks again (and activates it if asked); with a different sha256 it is refused.
     *
     * @throws ModelPublishException with {@link Reason#VERSION_CONFLICT} or {@link
     *     Reason#BAD_ARTIFACT}
     * @throws KafkaException if Kafka fails; the transaction is aborted
     */
    public PublishedModel publish(Path artifact, ManifestInfo info, boolean activate) {
        Objects.requireNonNull(info, "info");
        return transact(
                tx -> {
                    PublishedVersion version = tx.publish(artifact, info);
                    Optional<ModelActivation> activation =
                            activate
                                    ? Optional.of(
                                            tx.activate(
                                                    info.modelName(), info.version(), "publish"))
                                    : Optional.empty();
                    List<String> pruned = tx.prune(info.modelName());
                    return new PublishedModel(
                            version.manifest(), version.written(), activation, pruned);
                });
    }

    /**
     * Activates an existing, complete version of {@code modelName}.
     *
     * @throws ModelPublishException with {@link Reason#UNKNOWN_VERSION} or {@link
     *     Reason#INCOMPLETE_VERSION}
     */
    public ModelActivation activate(String modelName, String version) {
        return activate(modelName, version, "activate");
    }

    /**
     * Activates an existing, complete version of {@code modelName}, recording {@code reason}.
     *
     * @throws ModelPublishException with {@link Reason#UNKNOWN_VERSION} or {@link
     *     Reason#INCOMPLETE_VERSION}
     */
    public ModelActivation activate(String modelName, String version, String reason) {
        return transact(tx -> tx.activate(modelName, version, reason));
    }

    /**
     * Re-activates the version that was active before the current one (see {@link
     * ModelTransaction#rollback}).
     *
     * @throws ModelPublishException with {@link Reason#NO_ROLLBACK_TARGET}, {@link
     *     Reason#UNKNOWN_VERSION} or {@link Reason#INCOMPLETE_VERSION}
     */
    public ModelActivation rollback(String modelName) {
        return transact(tx -> tx.rollback(modelName));
    }

    /**
     * Applies the retention policy to {@code modelName}: tombstones the manifest and chunk keys of
     * every version but the newest {@code retainVersions} and the active one.
     *
     * @return the deleted versions, oldest first; empty when retention is unlimited
     */
    public List<String> prune(String modelName) {
        return transact(tx -> tx.prune(modelName));
    }

    /** Applies the retention policy to every model; returns the deleted versions by model. */
    public Map<String, List<String>> prune() {
        return transact(ModelTransaction::pruneAll);
    }

    /** Closes the producer; an open transaction is aborted by the broker. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        producer.close(Duration.ofSeconds(30));
    }

    private void fenced() {
        // Fenced by a newer publisher: this one can do nothing more.
        closed = true;
        producer.close(Duration.ZERO);
    }

    private void abortQuietly(Throwable cause) {
        try {
            producer.abortTransaction();
        } catch (KafkaException e) {
            cause.addSuppressed(e);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("model publisher is closed");
        }
    }

    /** Builder of {@link ModelPublisher}: {@code setX} is required, {@code optX} not. */
    public static final class Builder {
        private String bootstrapServers;
        private Topics topics;
        private String transactionalId = DEFAULT_TRANSACTIONAL_ID;
        private int chunkSize = ModelTopicKeys.RECOMMENDED_CHUNK_BYTES;
        private SigningKey signingKey;
        private TrustedKeys trustedKeys;
        private int retainVersions;
        private Clock clock = Clock.systemUTC();
        private Map<String, Object> clientConfig = Map.of();
        private Map<String, Object> producerConfig = Map.of();

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

        /** Sets the transactional id (default {@value #DEFAULT_TRANSACTIONAL_ID}). */
        public Builder optTransactionalId(String transactionalId) {
            this.transactionalId = transactionalId;
            return this;
        }

        /**
         * Sets the chunk size in bytes (default {@link ModelTopicKeys#RECOMMENDED_CHUNK_BYTES}, at
         * most {@link #MAX_CHUNK_BYTES}).
         */
        public Builder optChunkSizeBytes(int chunkSize) {
            this.chunkSize = chunkSize;
            return this;
        }

        /** Signs every published manifest and activation with {@code signingKey}. */
        public Builder optSigningKey(SigningKey signingKey) {
            this.signingKey = signingKey;
            return this;
        }

        /**
         * Sets the keys whose activations count when the publisher works out the active version
         * (the previous version of a new activation, the rollback target), as readers with those
         * keys would. Default: the signing key's public key, or none (every activation counts)
         * without a signing key. Sequences always continue after the highest on the topic.
         */
        public Builder optTrustedKeys(TrustedKeys trustedKeys) {
            this.trustedKeys = Objects.requireNonNull(trustedKeys, "trustedKeys");
            return this;
        }

        /**
         * Keeps only the newest {@code retainVersions} versions of a model (plus the active one);
         * older ones are deleted by tombstones after each publish and by {@link #prune}. Default 0:
         * keep all.
         */
        public Builder optRetainVersions(int retainVersions) {
            this.retainVersions = retainVersions;
            return this;
        }

        /** Sets the clock for created and activated times (default system UTC). */
        public Builder optClock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Adds settings for all Kafka clients of the publisher (e.g. security). */
        public Builder optClientConfig(Map<String, ?> clientConfig) {
            this.clientConfig = Map.copyOf(clientConfig);
            return this;
        }

        /**
         * Adds producer settings; transactional id, idempotence and acks are fixed by the protocol
         * and overridden.
         */
        public Builder optProducerConfig(Map<String, ?> producerConfig) {
            this.producerConfig = Map.copyOf(producerConfig);
            return this;
        }

        /**
         * Validates, creates the topic if missing (one partition, compacted), checks its layout and
         * initializes the transactional producer.
         *
         * @throws IllegalArgumentException if a setting is missing or out of range
         * @throws ModelPublishException with {@link Reason#BAD_TOPIC_LAYOUT}
         */
        public ModelPublisher build() {
            if (bootstrapServers == null || bootstrapServers.isBlank()) {
                throw new IllegalArgumentException("bootstrapServers is required");
            }
            if (topics == null) {
                throw new IllegalArgumentException("topics (or serde config) is required");
            }
            if (transactionalId == null || transactionalId.isBlank()) {
                throw new IllegalArgumentException("transactionalId must not be blank");
            }
            if (chunkSize < 1 || chunkSize > MAX_CHUNK_BYTES) {
                throw new IllegalArgumentException(
                        "chunkSize must be 1.." + MAX_CHUNK_BYTES + ": " + chunkSize);
            }
            if (retainVersions < 0) {
                throw new IllegalArgumentException(
                        "retainVersions must be >= 0 (0 keeps all): " + retainVersions);
            }
            return new ModelPublisher(this);
        }
    }
}
