package io.captioner.modeltopic;

import io.captioner.events.ModelActivation;
import io.captioner.events.ModelChunk;
import io.captioner.events.ModelManifest;
import io.captioner.events.ModelTopicRecord;
import io.captioner.modeltopic.ModelPublishException.Reason;
import io.captioner.modeltopic.internal.Chunking;
import io.captioner.modeltopic.internal.Sha256;
import io.captioner.schemas.ModelTopicKeys;
import io.captioner.schemas.Topic;
import io.captioner.schemas.Topics;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes model versions to the {@code models} topic, activates them, rolls back and prunes, each
 * operation in one Kafka transaction (see the package documentation for the protocol).
 *
 * <p>Before every operation the publisher reads the topic's metadata (manifests, chunk presence,
 * activations; not the chunk bytes) to enforce the protocol: a version is never rewritten with
 * other bytes, only complete versions are activated, the active version is never pruned. Run one
 * publisher per topic at a time; publishers sharing a transactional id fence each other, so a stale
 * one cannot commit.
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
    public static final String ROLLBACK_REASON_PREFIX = "rollback from ";

    private static final Logger LOG = LoggerFactory.getLogger(ModelPublisher.class);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    private final Topic<String, ModelTopicRecord> topic;
    private final int chunkSize;
    private final SigningKey signingKey;
    private final int retainVersions;
    private final Clock clock;
    private final ModelTopicReader metadataReader;
    private final KafkaProducer<String, ModelTopicRecord> producer;
    private boolean closed;

    private ModelPublisher(Builder builder) {
        this.topic = builder.topics.models();
        this.chunkSize = builder.chunkSize;
        this.signingKey = builder.signingKey;
        this.retainVersions = builder.retainVersions;
        this.clock = builder.clock;
        this.metadataReader =
                ModelTopicReader.builder()
                        .setBootstrapServers(builder.bootstrapServers)
                        .setTopics(builder.topics)
                        .optChunkStorage(ChunkStorage.METADATA_ONLY)
                        .optConsumerConfig(builder.clientConfig)
                        .build();
        ensureTopic(builder);
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
        KafkaProducer<String, ModelTopicRecord> created =
                new KafkaProducer<>(
                        config, new StringSerializer(), topic.valueSerde().serializer());
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
     * Publishes {@code artifact} as version {@code info.version()} of {@code info.modelName()}:
     * chunks, then the (signed) manifest, then optionally an activation, then retention tombstones,
     * all in one transaction.
     *
     * <p>Publishing a version that is already complete on the topic with the same sha256 writes no
     * chunks again (and activates it if asked); with a different sha256 it is refused.
     *
     * @throws ModelPublishException with {@link Reason#VERSION_CONFLICT} or {@link
     *     Reason#BAD_ARTIFACT}
     * @throws KafkaException if Kafka fails; the transaction is aborted
     */
    public synchronized PublishedModel publish(Path artifact, ManifestInfo info, boolean activate) {
        checkOpen();
        Objects.requireNonNull(info, "info");
        String name = info.modelName();
        String version = info.version();
        ArtifactDigest digest = digest(artifact, name, version);
        try (ModelCatalog catalog = metadataReader.readToEnd()) {
            Optional<ModelVersionSummary> existing = catalog.version(name, version);
            Optional<ModelManifest> existingManifest =
                    existing.flatMap(ModelVersionSummary::manifest);
            if (existingManifest.isPresent()
                    && !existingManifest.get().getSha256().equals(digest.sha256)) {
                throw new ModelPublishException(
                        Reason.VERSION_CONFLICT,
                        String.format(
                                Locale.ROOT,
                                "model %s version %s exists with sha256 %s; refusing to"
                                        + " overwrite it with %s (choose a new version)",
                                name,
                                version,
                                existingManifest.get().getSha256(),
                                digest.sha256));
            }
            boolean writeChunks = existing.isEmpty() || !existing.get().complete();
            ModelManifest manifest = writeChunks ? manifest(info, digest) : existingManifest.get();
            return inTransaction(
                    () -> {
                        if (writeChunks) {
                            sendChunks(artifact, manifest);
                            // Leftovers of an earlier, incomplete upload with another chunk size.
                            for (int index : catalog.chunkIndexes(name, version)) {
                                if (index >= manifest.getChunkCount()) {
                                    tombstone(ModelTopicKeys.chunk(name, version, index));
                                }
                            }
                            send(ModelTopicKeys.manifest(name, version), manifest);
                        } else {
                            LOG.info(
                                    "Model {} version {} is already complete on the topic",
                                    name,
                                    version);
                        }
                        Optional<ModelActivation> activation = Optional.empty();
                        String active = catalog.activeVersion(name).orElse(null);
                        if (activate) {
                            activation =
                                    Optional.of(
                                            sendActivation(
                                                    name,
                                                    version,
                                                    previousFor(catalog, name, version),
                                                    "publish"));
                            active = version;
                        }
                        List<String> pruned = sendPrune(catalog, name, active, version);
                        return new PublishedModel(manifest, writeChunks, activation, pruned);
                    });
        }
    }

    /**
     * Activates an existing, complete version of {@code modelName}.
     *
     * @throws ModelPublishException with {@link Reason#UNKNOWN_VERSION} or {@link
     *     Reason#INCOMPLETE_VERSION}
     */
    public synchronized ModelActivation activate(String modelName, String version) {
        return activate(modelName, version, "activate");
    }

    /**
     * Activates an existing, complete version of {@code modelName}, recording {@code reason}.
     *
     * @throws ModelPublishException with {@link Reason#UNKNOWN_VERSION} or {@link
     *     Reason#INCOMPLETE_VERSION}
     */
    public synchronized ModelActivation activate(String modelName, String version, String reason) {
        checkOpen();
        try (ModelCatalog catalog = metadataReader.readToEnd()) {
            requireActivatable(catalog, modelName, version);
            String previous = previousFor(catalog, modelName, version);
            return inTransaction(() -> sendActivation(modelName, version, previous, reason));
        }
    }

    /**
     * Re-activates the version that was active before the current one, as recorded in the current
     * activation's {@code previousVersion}. Rolling back twice therefore returns to where the first
     * rollback started, like {@code cd -}.
     *
     * @throws ModelPublishException with {@link Reason#NO_ROLLBACK_TARGET} if there is no active or
     *     previous version, or {@link Reason#UNKNOWN_VERSION} / {@link Reason#INCOMPLETE_VERSION}
     *     if the previous version was pruned
     */
    public synchronized ModelActivation rollback(String modelName) {
        checkOpen();
        try (ModelCatalog catalog = metadataReader.readToEnd()) {
            ModelActivation current =
                    catalog.activation(modelName)
                            .orElseThrow(
                                    () ->
                                            new ModelPublishException(
                                                    Reason.NO_ROLLBACK_TARGET,
                                                    "model "
                                                            + modelName
                                                            + " has no active version"));
            String target = current.getPreviousVersion();
            if (target == null) {
                throw new ModelPublishException(
                        Reason.NO_ROLLBACK_TARGET,
                        "model "
                                + modelName
                                + " version "
                                + current.getVersion()
                                + " was its first activation; nothing to roll back to");
            }
            requireActivatable(catalog, modelName, target);
            String reason = ROLLBACK_REASON_PREFIX + current.getVersion();
            return inTransaction(
                    () -> sendActivation(modelName, target, current.getVersion(), reason));
        }
    }

    /**
     * Applies the retention policy to {@code modelName}: tombstones the manifest and chunk keys of
     * every version but the newest {@code retainVersions} and the active one.
     *
     * @return the deleted versions, oldest first; empty when retention is unlimited
     */
    public synchronized List<String> prune(String modelName) {
        checkOpen();
        try (ModelCatalog catalog = metadataReader.readToEnd()) {
            String active = catalog.activeVersion(modelName).orElse(null);
            return inTransaction(() -> sendPrune(catalog, modelName, active, null));
        }
    }

    /** Applies the retention policy to every model; returns the deleted versions by model. */
    public synchronized Map<String, List<String>> prune() {
        checkOpen();
        try (ModelCatalog catalog = metadataReader.readToEnd()) {
            return inTransaction(
                    () -> {
                        Map<String, List<String>> pruned = new LinkedHashMap<>();
                        for (String name : catalog.modelNames()) {
                            String active = catalog.activeVersion(name).orElse(null);
                            List<String> versions = sendPrune(catalog, name, active, null);
                            if (!versions.isEmpty()) {
                                pruned.put(name, versions);
                            }
                        }
                        return pruned;
                    });
        }
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

    private void requireActivatable(ModelCatalog catalog, String name, String version) {
        ModelVersionSummary summary =
                catalog.version(name, version)
                        .filter(v -> v.manifest().isPresent())
                        .orElseThrow(
                                () ->
                                        new ModelPublishException(
                                                Reason.UNKNOWN_VERSION,
                                                "model " + name + " has no version " + version));
        if (!summary.complete()) {
            throw new ModelPublishException(
                    Reason.INCOMPLETE_VERSION,
                    String.format(
                            Locale.ROOT,
                            "model %s version %s has %d of %d chunks; refusing to activate it",
                            name,
                            version,
                            summary.chunksPresent(),
                            summary.manifest().get().getChunkCount()));
        }
    }

    /**
     * The version to record as previous when activating {@code version}: the active one, or, when
     * re-activating the active version, its own previous, so the rollback target survives.
     */
    private static String previousFor(ModelCatalog catalog, String name, String version) {
        Optional<ModelActivation> current = catalog.activation(name);
        if (current.isEmpty()) {
            return null;
        }
        if (current.get().getVersion().equals(version)) {
            return current.get().getPreviousVersion();
        }
        return current.get().getVersion();
    }

    private ModelActivation sendActivation(
            String name, String version, String previous, String reason) {
        ModelActivation activation =
                ModelActivation.newBuilder()
                        .setModelName(name)
                        .setVersion(version)
                        .setActivatedTime(clock.instant())
                        .setReason(reason)
                        .setPreviousVersion(previous)
                        .build();
        send(ModelTopicKeys.activation(name), activation);
        return activation;
    }

    private List<String> sendPrune(
            ModelCatalog catalog, String name, String active, String justPublished) {
        if (retainVersions == 0) {
            return List.of();
        }
        List<ModelVersionSummary> versions = catalog.versions(name);
        // The newest retainVersions versions, counting one just published but not yet read back.
        Set<String> keep = new HashSet<>();
        if (justPublished != null) {
            keep.add(justPublished);
        }
        for (int i = versions.size() - 1; i >= 0 && keep.size() < retainVersions; i--) {
            keep.add(versions.get(i).version());
        }
        if (active != null) {
            keep.add(active);
        }
        List<String> pruned = new ArrayList<>();
        for (ModelVersionSummary candidate : versions) {
            if (!keep.contains(candidate.version())) {
                tombstone(catalog, candidate);
                pruned.add(candidate.version());
            }
        }
        if (!pruned.isEmpty()) {
            LOG.info(
                    "Pruned model {} versions {}, keeping the newest {} and active {}",
                    name,
                    pruned,
                    retainVersions,
                    active);
        }
        return pruned;
    }

    private void tombstone(ModelCatalog catalog, ModelVersionSummary version) {
        String name = version.modelName();
        String v = version.version();
        // Every announced chunk key, and any present beyond it (e.g. from another chunk size).
        SortedSet<Integer> indexes = new TreeSet<>(catalog.chunkIndexes(name, v));
        int announced = version.manifest().map(ModelManifest::getChunkCount).orElse(0);
        for (int i = 0; i < announced; i++) {
            indexes.add(i);
        }
        for (int i : indexes) {
            tombstone(ModelTopicKeys.chunk(name, v, i));
        }
        tombstone(ModelTopicKeys.manifest(name, v));
    }

    private void tombstone(String key) {
        producer.send(new ProducerRecord<>(topic.name(), key, null));
    }

    private void sendChunks(Path artifact, ModelManifest manifest) {
        String name = manifest.getModelName();
        String version = manifest.getVersion();
        int count = manifest.getChunkCount();
        MessageDigest whole = Sha256.newDigest();
        try (InputStream in = Files.newInputStream(artifact)) {
            for (int i = 0; i < count; i++) {
                int length = Chunking.chunkLength(manifest.getArtifactSizeBytes(), chunkSize, i);
                byte[] data = in.readNBytes(length);
                if (data.length != length) {
                    throw changed(artifact, name, version);
                }
                whole.update(data);
                ModelChunk chunk =
                        ModelChunk.newBuilder()
                                .setModelName(name)
                                .setVersion(version)
                                .setIndex(i)
                                .setCount(count)
                                .setSha256(Sha256.hex(data))
                                .setData(ByteBuffer.wrap(data))
                                .build();
                send(ModelTopicKeys.chunk(name, version, i), chunk);
            }
            if (in.read() != -1 || !Sha256.hex(whole).equals(manifest.getSha256())) {
                throw changed(artifact, name, version);
            }
        } catch (IOException e) {
            throw new ModelPublishException(
                    Reason.BAD_ARTIFACT, "cannot read " + artifact + ": " + e, e);
        }
    }

    private static ModelPublishException changed(Path artifact, String name, String version) {
        return new ModelPublishException(
                Reason.BAD_ARTIFACT,
                artifact + " changed while publishing model " + name + " version " + version);
    }

    private void send(String key, Object payload) {
        ModelTopicRecord record = new ModelTopicRecord(payload);
        producer.send(new ProducerRecord<>(topic.name(), key, record));
    }

    private ModelManifest manifest(ManifestInfo info, ArtifactDigest digest) {
        int count = Chunking.chunkCount(digest.size, chunkSize);
        ModelManifest manifest =
                ModelManifest.newBuilder()
                        .setModelName(info.modelName())
                        .setVersion(info.version())
                        .setArtifactSizeBytes(digest.size)
                        .setSha256(digest.sha256)
                        .setChunkCount(count)
                        .setChunkSizeBytes(chunkSize)
                        .setArtifactFormat(info.artifactFormat().orElse(null))
                        .setArchitecture(info.architecture())
                        .setMetrics(new HashMap<>(info.metrics()))
                        .setParentVersion(info.parentVersion().orElse(null))
                        .setCreatedTime(info.createdTime().orElse(clock.instant()))
                        .build();
        return signingKey == null ? manifest : signingKey.sign(manifest);
    }

    private ArtifactDigest digest(Path artifact, String name, String version) {
        try {
            if (!Files.isRegularFile(artifact)) {
                throw new ModelPublishException(
                        Reason.BAD_ARTIFACT, artifact + " is not a regular file");
            }
            long size = Files.size(artifact);
            try {
                Chunking.chunkCount(size, chunkSize);
            } catch (IllegalArgumentException e) {
                throw new ModelPublishException(
                        Reason.BAD_ARTIFACT,
                        "model " + name + " version " + version + ": " + e.getMessage(),
                        e);
            }
            MessageDigest digest = Sha256.newDigest();
            long read = 0;
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = Files.newInputStream(artifact)) {
                for (int n; (n = in.read(buffer)) != -1; ) {
                    digest.update(buffer, 0, n);
                    read += n;
                }
            }
            if (read != size) {
                throw changed(artifact, name, version);
            }
            return new ArtifactDigest(size, Sha256.hex(digest));
        } catch (IOException e) {
            throw new ModelPublishException(
                    Reason.BAD_ARTIFACT, "cannot read " + artifact + ": " + e, e);
        }
    }

    private <T> T inTransaction(TransactionBody<T> body) {
        producer.beginTransaction();
        T result;
        try {
            result = body.run();
        } catch (ProducerFencedException e) {
            // Fenced by a newer publisher: this one can do nothing more.
            closed = true;
            producer.close(Duration.ZERO);
            throw e;
        } catch (RuntimeException e) {
            abortQuietly(e);
            throw e;
        }
        try {
            producer.commitTransaction();
        } catch (ProducerFencedException e) {
            closed = true;
            producer.close(Duration.ZERO);
            throw e;
        } catch (KafkaException e) {
            abortQuietly(e);
            throw e;
        }
        return result;
    }

    private void abortQuietly(RuntimeException cause) {
        try {
            producer.abortTransaction();
        } catch (KafkaException e) {
            cause.addSuppressed(e);
        }
    }

    private void ensureTopic(Builder builder) {
        Map<String, Object> config = new HashMap<>(builder.clientConfig);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, builder.bootstrapServers);
        try (Admin admin = Admin.create(config)) {
            try {
                admin.createTopics(List.of(topic.newTopic()))
                        .all()
                        .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                LOG.info("Created topic {} (1 partition, compacted)", topic.name());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new KafkaException("Cannot create topic " + topic.name(), e.getCause());
                }
            }
            TopicDescription description = describe(admin);
            if (description.partitions().size() != 1) {
                throw new ModelPublishException(
                        Reason.BAD_TOPIC_LAYOUT,
                        "topic "
                                + topic.name()
                                + " has "
                                + description.partitions().size()
                                + " partitions; the models protocol needs exactly one");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("Interrupted while checking topic " + topic.name(), e);
        } catch (ExecutionException e) {
            throw new KafkaException("Cannot describe topic " + topic.name(), e.getCause());
        } catch (TimeoutException e) {
            throw new org.apache.kafka.common.errors.TimeoutException(
                    "Kafka at "
                            + builder.bootstrapServers
                            + " did not answer within "
                            + ADMIN_TIMEOUT,
                    e);
        }
    }

    /**
     * Describes the topic, retrying while the broker does not know it yet: a topic just created
     * reaches the brokers' metadata a moment after the controller acknowledged it.
     */
    private TopicDescription describe(Admin admin)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
        while (true) {
            try {
                return admin.describeTopics(List.of(topic.name()))
                        .allTopicNames()
                        .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                        .get(topic.name());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)
                        || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("model publisher is closed");
        }
    }

    private record ArtifactDigest(long size, String sha256) {}

    @FunctionalInterface
    private interface TransactionBody<T> {
        T run();
    }

    /** Builder of {@link ModelPublisher}: {@code setX} is required, {@code optX} not. */
    public static final class Builder {
        private String bootstrapServers;
        private Topics topics;
        private String transactionalId = DEFAULT_TRANSACTIONAL_ID;
        private int chunkSize = ModelTopicKeys.RECOMMENDED_CHUNK_BYTES;
        private SigningKey signingKey;
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

        /** Signs every published manifest with {@code signingKey}. */
        public Builder optSigningKey(SigningKey signingKey) {
            this.signingKey = signingKey;
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
