package io.captioner.modeltopic;

import io.captioner.events.ModelActivation;
import io.captioner.events.ModelManifest;
import io.captioner.events.ModelTopicRecord;
import io.captioner.modeltopic.ModelPublishException.Reason;
import io.captioner.modeltopic.internal.ArtifactChunker;
import io.captioner.modeltopic.internal.Retention;
import io.captioner.schemas.ModelTopicKeys;
import io.captioner.schemas.Topic;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
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
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open Kafka transaction of a {@link ModelPublisher}: everything done through it (versions,
 * activations, retention tombstones, and the caller's own records on other topics) is committed
 * together when the body passed to {@link ModelPublisher#transact} returns, or not at all.
 *
 * <p>It enforces the protocol against the topic as read when the transaction began plus what the
 * transaction itself wrote: a version is never rewritten with other bytes, only complete versions
 * are activated, every activation gets the next sequence, the active version is never pruned.
 *
 * <pre>{@code
 * publisher.transact(tx -> {
 *     PublishedVersion v = tx.publish(artifact, info);     // manifest + chunks
 *     if (better) {
 *         tx.activate(v.modelName(), v.version(), "CIDEr 0.61 > 0.55");
 *     }
 *     tx.send(trainingRunsTopic, runId, trainingRun);     // the caller's record, same commit
 *     tx.sendOffsets(consumedOffsets, consumer.groupMetadata());
 *     return v;
 * });
 * }</pre>
 *
 * <p>Not thread-safe, and usable only inside the body: afterwards every method throws {@link
 * IllegalStateException}.
 */
public final class ModelTransaction {

    private static final Logger LOG = LoggerFactory.getLogger(ModelTransaction.class);

    /** Reason recorded in activations made by {@link #rollback}. */
    public static final String ROLLBACK_REASON_PREFIX = "rollback from ";

    private final Producer<byte[], byte[]> producer;
    private final Topic<String, ModelTopicRecord> topic;
    private final ModelCatalog catalog;
    private final int chunkSize;
    private final SigningKey signingKey;
    private final int retainVersions;
    private final Clock clock;
    private final Map<String, Map<String, ModelManifest>> published = new LinkedHashMap<>();
    private final Map<String, ModelActivation> activated = new HashMap<>();
    private boolean open = true;

    ModelTransaction(
            Producer<byte[], byte[]> producer,
            Topic<String, ModelTopicRecord> topic,
            ModelCatalog catalog,
            int chunkSize,
            SigningKey signingKey,
            int retainVersions,
            Clock clock) {
        this.producer = producer;
        this.topic = topic;
        this.catalog = catalog;
        this.chunkSize = chunkSize;
        this.signingKey = signingKey;
        this.retainVersions = retainVersions;
        this.clock = clock;
    }

    /**
     * The topic's metadata (manifests, chunk presence, activations; no chunk bytes) as read when
     * the transaction began; what this transaction wrote is not in it.
     */
    public ModelCatalog catalog() {
        checkOpen();
        return catalog;
    }

    /** The activation of {@code modelName} in force, counting one made in this transaction. */
    public Optional<ModelActivation> activation(String modelName) {
        checkOpen();
        ModelActivation own = activated.get(modelName);
        return own != null ? Optional.of(own) : catalog.activation(modelName);
    }

    /**
     * Writes {@code artifact} as version {@code info.version()} of {@code info.modelName()}: the
     * (signed) manifest, then the chunks. Nothing is activated.
     *
     * <p>A version already complete on the topic (or published earlier in this transaction) with
     * the same sha256 is not written again; with another sha256 it is refused.
     *
     * @throws ModelPublishException with {@link Reason#VERSION_CONFLICT} or {@link
     *     Reason#BAD_ARTIFACT}
     */
    public PublishedVersion publish(Path artifact, ManifestInfo info) {
        checkOpen();
        Objects.requireNonNull(info, "info");
        String name = info.modelName();
        String version = info.version();
        ArtifactChunker.Digest digest = digest(artifact, name, version);
        Optional<ModelManifest> existing = manifest(name, version);
        if (existing.isPresent() && !existing.get().getSha256().equals(digest.sha256())) {
            throw new ModelPublishException(
                    Reason.VERSION_CONFLICT,
                    String.format(
                            Locale.ROOT,
                            "model %s version %s exists with sha256 %s; refusing to overwrite it"
                                    + " with %s (choose a new version)",
                            name,
                            version,
                            existing.get().getSha256(),
                            digest.sha256()));
        }
        if (isPublished(name, version) || catalog.isComplete(name, version)) {
            LOG.info("Model {} version {} is already complete on the topic", name, version);
            return new PublishedVersion(existing.orElseThrow(), false);
        }
        ModelManifest manifest;
        try {
            manifest =
                    info.toManifest(
                            digest.size(),
                            digest.sha256(),
                            chunkSize,
                            clock.instant().truncatedTo(ChronoUnit.MILLIS));
        } catch (IllegalArgumentException e) {
            throw new ModelPublishException(
                    Reason.BAD_ARTIFACT,
                    "model " + name + " version " + version + ": " + e.getMessage(),
                    e);
        }
        if (signingKey != null) {
            manifest = signingKey.sign(manifest);
        }
        // Manifest first: readers then know (and can verify) what a chunk belongs to before they
        // store it. The transaction makes the order invisible to read_committed readers otherwise.
        sendModels(ModelTopicKeys.manifest(name, version), manifest);
        try {
            ArtifactChunker.chunks(
                    artifact,
                    name,
                    version,
                    digest,
                    chunkSize,
                    chunk ->
                            sendModels(
                                    ModelTopicKeys.chunk(name, version, chunk.getIndex()), chunk));
        } catch (IOException e) {
            throw badArtifact(artifact, name, version, e);
        }
        // Leftovers of an earlier, incomplete upload with another chunk size.
        for (int index : catalog.chunkIndexes(name, version)) {
            if (index >= manifest.getChunkCount()) {
                tombstone(ModelTopicKeys.chunk(name, version, index));
            }
        }
        published.computeIfAbsent(name, n -> new LinkedHashMap<>()).put(version, manifest);
        return new PublishedVersion(manifest, true);
    }

    /**
     * Activates {@code version} of {@code modelName}, complete on the topic or published in this
     * transaction, as activation number (highest sequence on the topic + 1), signed when the
     * publisher has a key.
     *
     * @param reason why, recorded in the activation (e.g. the metric that improved); may be null
     * @throws ModelPublishException with {@link Reason#UNKNOWN_VERSION} or {@link
     *     Reason#INCOMPLETE_VERSION}
     */
    public ModelActivation activate(String modelName, String version, String reason) {
        checkOpen();
        ModelManifest manifest = requireActivatable(modelName, version);
        long sequence = nextSequence(modelName);
        ModelActivation activation =
                ModelActivation.newBuilder()
                        .setModelName(modelName)
                        .setVersion(version)
                        .setActivatedTime(clock.instant().truncatedTo(ChronoUnit.MILLIS))
                        .setReason(reason)
                        .setPreviousVersion(previousFor(modelName, version))
                        .setSequence(sequence)
                        .setArtifactSha256(manifest.getSha256())
                        .build();
        if (signingKey != null) {
            activation = signingKey.sign(activation);
        }
        sendModels(ModelTopicKeys.activation(modelName, sequence), activation);
        // The same record under the key readers before sequences followed, so they keep working
        // during a rolling upgrade; current readers with trusted keys rely on the sequence only.
        sendModels(ModelTopicKeys.activation(modelName), activation);
        activated.put(modelName, activation);
        return activation;
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
    public ModelActivation rollback(String modelName) {
        checkOpen();
        ModelActivation current =
                activation(modelName)
                        .orElseThrow(
                                () ->
                                        new ModelPublishException(
                                                Reason.NO_ROLLBACK_TARGET,
                                                "model " + modelName + " has no active version"));
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
        return activate(modelName, target, ROLLBACK_REASON_PREFIX + current.getVersion());
    }

    /**
     * Applies the publisher's retention policy to {@code modelName}: tombstones the manifest and
     * chunk keys of every version but the newest {@code retainVersions} (counting those published
     * in this transaction) and the active one. Activations are kept (they are small, and a reader's
     * activation order depends on them).
     *
     * @return the deleted versions, oldest first; empty when retention is unlimited
     */
    public List<String> prune(String modelName) {
        checkOpen();
        if (retainVersions == 0) {
            return List.of();
        }
        List<String> oldestFirst = new ArrayList<>();
        for (ModelVersionSummary v : catalog.versions(modelName)) {
            oldestFirst.add(v.version());
        }
        Set<String> keep = new HashSet<>();
        for (String version : published.getOrDefault(modelName, Map.of()).keySet()) {
            if (!oldestFirst.contains(version)) {
                oldestFirst.add(version);
            }
            keep.add(version);
        }
        activation(modelName).ifPresent(a -> keep.add(a.getVersion()));
        List<String> pruned = Retention.versionsToDelete(oldestFirst, retainVersions, keep);
        for (String version : pruned) {
            tombstoneVersion(modelName, version);
        }
        if (!pruned.isEmpty()) {
            LOG.info(
                    "Pruned model {} versions {}, keeping the newest {} and the active one",
                    modelName,
                    pruned,
                    retainVersions);
        }
        return pruned;
    }

    /** Applies the retention policy to every model on the topic; deleted versions by model. */
    public Map<String, List<String>> pruneAll() {
        checkOpen();
        Map<String, List<String>> pruned = new LinkedHashMap<>();
        Set<String> names = new TreeSet<>(catalog.modelNames());
        names.addAll(published.keySet());
        for (String name : names) {
            List<String> versions = prune(name);
            if (!versions.isEmpty()) {
                pruned.put(name, versions);
            }
        }
        return pruned;
    }

    /**
     * Sends one of the caller's own records (to any topic) in this transaction, serialized with the
     * topic's serdes; it commits or aborts with the model records.
     */
    public <K, V> Future<RecordMetadata> send(Topic<K, V> target, K key, V value) {
        Objects.requireNonNull(target, "target");
        return send(
                new ProducerRecord<>(target.name(), key, value),
                target.keySerde().serializer(),
                target.valueSerde().serializer());
    }

    /**
     * Sends one of the caller's own records in this transaction with the given serializers (which
     * must be configured already); it commits or aborts with the model records.
     */
    public <K, V> Future<RecordMetadata> send(
            ProducerRecord<K, V> record,
            Serializer<K> keySerializer,
            Serializer<V> valueSerializer) {
        checkOpen();
        Objects.requireNonNull(record, "record");
        byte[] key = keySerializer.serialize(record.topic(), record.headers(), record.key());
        byte[] value = valueSerializer.serialize(record.topic(), record.headers(), record.value());
        return producer.send(
                new ProducerRecord<>(
                        record.topic(),
                        record.partition(),
                        record.timestamp(),
                        key,
                        value,
                        record.headers()));
    }

    /**
     * Commits consumer offsets with this transaction, so a service that consumed its input (e.g.
     * labeled pairs) and published a model does both exactly once.
     */
    public void sendOffsets(
            Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata groupMetadata) {
        checkOpen();
        producer.sendOffsetsToTransaction(offsets, groupMetadata);
    }

    void close() {
        open = false;
    }

    private void checkOpen() {
        if (!open) {
            throw new IllegalStateException(
                    "model transaction is over: use it only inside ModelPublisher.transact");
        }
    }

    private boolean isPublished(String name, String version) {
        return published.getOrDefault(name, Map.of()).containsKey(version);
    }

    private Optional<ModelManifest> manifest(String name, String version) {
        ModelManifest own = published.getOrDefault(name, Map.of()).get(version);
        if (own != null) {
            return Optional.of(own);
        }
        return catalog.version(name, version).flatMap(ModelVersionSummary::manifest);
    }

    private ModelManifest requireActivatable(String name, String version) {
        if (isPublished(name, version)) {
            return published.get(name).get(version);
        }
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
        return summary.manifest().get();
    }

    private long nextSequence(String name) {
        long highest = catalog.highestActivationSequence(name);
        ModelActivation own = activated.get(name);
        if (own != null) {
            highest = Math.max(highest, own.getSequence());
        }
        if (highest >= ModelTopicKeys.MAX_ACTIVATION_SEQUENCE) {
            throw new ModelPublishException(
                    Reason.BAD_TOPIC_LAYOUT,
                    "model " + name + " has used up its activation sequence (" + highest + ")");
        }
        return highest + 1;
    }

    /**
     * The version to record as previous when activating {@code version}: the active one, or, when
     * re-activating the active version, its own previous, so the rollback target survives.
     */
    private String previousFor(String name, String version) {
        Optional<ModelActivation> current = activation(name);
        if (current.isEmpty()) {
            return null;
        }
        if (current.get().getVersion().equals(version)) {
            return current.get().getPreviousVersion();
        }
        return current.get().getVersion();
    }

    private void tombstoneVersion(String name, String version) {
        // Every announced chunk key, and any present beyond it (e.g. from another chunk size).
        SortedSet<Integer> indexes = new TreeSet<>(catalog.chunkIndexes(name, version));
        int announced = manifest(name, version).map(ModelManifest::getChunkCount).orElse(0);
        for (int i = 0; i < announced; i++) {
            indexes.add(i);
        }
        for (int i : indexes) {
            tombstone(ModelTopicKeys.chunk(name, version, i));
        }
        tombstone(ModelTopicKeys.manifest(name, version));
    }

    private void tombstone(String key) {
        producer.send(new ProducerRecord<>(topic.name(), keyBytes(key), null));
    }

    private void sendModels(String key, Object payload) {
        byte[] value =
                topic.valueSerde()
                        .serializer()
                        .serialize(topic.name(), new ModelTopicRecord(payload));
        producer.send(new ProducerRecord<>(topic.name(), keyBytes(key), value));
    }

    private byte[] keyBytes(String key) {
        return topic.keySerde().serializer().serialize(topic.name(), key);
    }

    private static ArtifactChunker.Digest digest(Path artifact, String name, String version) {
        if (!Files.isRegularFile(artifact)) {
            throw new ModelPublishException(
                    Reason.BAD_ARTIFACT, artifact + " is not a regular file");
        }
        try {
            return ArtifactChunker.digest(artifact);
        } catch (IOException e) {
            throw badArtifact(artifact, name, version, e);
        }
    }

    private static ModelPublishException badArtifact(
            Path artifact, String name, String version, IOException e) {
        if (e instanceof ArtifactChunker.ChangedException) {
            return new ModelPublishException(
                    Reason.BAD_ARTIFACT,
                    artifact + " changed while publishing model " + name + " version " + version,
                    e);
        }
        return new ModelPublishException(
                Reason.BAD_ARTIFACT, "cannot read " + artifact + ": " + e, e);
    }
}
