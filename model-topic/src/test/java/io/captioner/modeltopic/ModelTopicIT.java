package io.captioner.modeltopic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.captioner.events.ModelActivation;
import io.captioner.events.ModelChunk;
import io.captioner.events.ModelManifest;
import io.captioner.events.ModelTopicRecord;
import io.captioner.modeltopic.ModelVerificationException.Reason;
import io.captioner.schemas.ModelTopicKeys;
import io.captioner.schemas.Topics;
import io.captioner.stack.LocalStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The models topic protocol end to end on a real embedded KRaft broker and schema registry with
 * default broker and topic limits. Every test uses its own topic prefix, so tests share the stack
 * but not the topic.
 */
class ModelTopicIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final AtomicInteger TEST_NUMBER = new AtomicInteger();
    private static LocalStack stack;

    @TempDir Path dir;

    private Topics topics;
    private String transactionalId;

    @BeforeAll
    static void startStack() {
        stack = LocalStack.builder().optTemporary().optKafkaPort(0).optRegistryPort(0).build();
        stack.start();
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @BeforeEach
    void isolate() {
        int n = TEST_NUMBER.incrementAndGet();
        topics =
                Topics.builder()
                        .setSerdeConfig(Map.of("schema.registry.url", stack.registryUrl()))
                        .optNamePrefix("t" + n + ".")
                        .build();
        transactionalId = "model-publisher-it-" + n;
    }

    private ModelPublisher.Builder publisher() {
        return ModelPublisher.builder()
                .setBootstrapServers(stack.bootstrapServers())
                .setTopics(topics)
                .optTransactionalId(transactionalId);
    }

    private ModelTopicReader.Builder reader() {
        return ModelTopicReader.builder()
                .setBootstrapServers(stack.bootstrapServers())
                .setTopics(topics)
                .optWorkDirectory(dir.resolve("work"))
                .optPollInterval(Duration.ofMillis(100));
    }

    private Path artifact(String name, byte[] bytes) throws Exception {
        Path file = dir.resolve(name);
        Files.write(file, bytes);
        return file;
    }

    private static ManifestInfo info(String name, String version) {
        return ManifestInfo.builder()
                .setModelName(name)
                .setVersion(version)
                .setArchitecture(TestModels.architecture())
                .optMetrics(Map.of("bleu4", 0.21))
                .optArtifactFormat("test-bytes")
                .build();
    }

    /** Writes records outside the publisher, in one transaction, as a faulty publisher would. */
    private void writeRaw(Map<String, ModelTopicRecord> records) {
        Map<String, Object> config =
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        stack.bootstrapServers(),
                        ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                        transactionalId + "-raw");
        try (KafkaProducer<String, ModelTopicRecord> producer =
                new KafkaProducer<>(
                        config,
                        new StringSerializer(),
                        topics.models().valueSerde().serializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            records.forEach(
                    (key, value) ->
                            producer.send(
                                    new ProducerRecord<>(topics.models().name(), key, value)));
            producer.commitTransaction();
        }
    }

    private void createTopic() {
        // Building a publisher creates the topic as the protocol wants it.
        publisher().build().close();
    }

    private static ModelTopicRecord activationRecord(String name, String version) {
        return new ModelTopicRecord(
                ModelActivation.newBuilder()
                        .setModelName(name)
                        .setVersion(version)
                        .setActivatedTime(Instant.now())
                        .build());
    }

    @Test
    void shouldPublishLargeArtifactUnderDefaultLimitsAndReassembleByteIdentical() throws Exception {
        byte[] bytes = TestModels.randomBytes(5 * 1024 * 1024 + 4321, 1);
        Path file = artifact("model.bin", bytes);

        PublishedModel published;
        try (ModelPublisher publisher = publisher().build()) {
            published = publisher.publish(file, info("cap", "v1"), true);
        }

        assertThat(published.chunksWritten()).isTrue();
        assertThat(published.manifest().getChunkCount()).isEqualTo(11);
        assertThat(published.activation()).isPresent();
        try (ModelCatalog catalog = reader().build().readToEnd()) {
            assertThat(catalog.activeVersion("cap")).contains("v1");
            ModelVersionSummary summary = catalog.version("cap", "v1").orElseThrow();
            assertThat(summary.complete()).isTrue();
            assertThat(summary.bytesPresent()).isEqualTo(bytes.length);
            assertThat(summary.manifest().orElseThrow().getMetrics()).containsEntry("bleu4", 0.21);
            VerifiedArtifact artifact = catalog.assemble("cap", "v1").orElseThrow();
            assertThat(Files.mismatch(artifact.path(), file)).isEqualTo(-1L);
        }
        try (Admin admin = admin()) {
            String name = topics.models().name();
            assertThat(
                            admin.describeTopics(List.of(name))
                                    .allTopicNames()
                                    .get()
                                    .get(name)
                                    .partitions())
                    .hasSize(1);
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, name);
            Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
            assertThat(config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo("compact");
            assertThat(config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG).isDefault()).isTrue();
        }
    }

    @Test
    void shouldRefuseCorruptedChunk() throws Exception {
        createTopic();
        byte[] bytes = TestModels.randomBytes(3000, 2);
        ModelManifest manifest = TestModels.manifest("cap", "v1", bytes, 1024);
        List<ModelChunk> chunks = new ArrayList<>(TestModels.chunks(manifest, bytes));
        chunks.set(1, TestModels.corrupted(chunks.get(1)));
        writeRaw(TestModels.records(manifest, chunks));

        try (ModelCatalog catalog = reader().build().readToEnd()) {
            assertReason(catalog, "v1", Reason.CHUNK_CHECKSUM_MISMATCH);
        }
    }

    @Test
    void shouldRefuseWrongWholeChecksum() throws Exception {
        createTopic();
        byte[] bytes = TestModels.randomBytes(3000, 3);
        ModelManifest real = TestModels.manifest("cap", "v1", bytes, 1024);
        ModelManifest lying = ModelManifest.newBuilder(real).setSha256("a".repeat(64)).build();
        writeRaw(TestModels.records(lying, TestModels.chunks(real, bytes)));

        try (ModelCatalog catalog = reader().build().readToEnd()) {
            assertReason(catalog, "v1", Reason.CHECKSUM_MISMATCH);
        }
    }

    @Test
    void shouldRefuseMissingChunkAndItsActivation() throws Exception {
        createTopic();
        byte[] bytes = TestModels.randomBytes(3000, 4);
        ModelManifest manifest = TestModels.manifest("cap", "v1", bytes, 1024);
        List<ModelChunk> chunks = new ArrayList<>(TestModels.chunks(manifest, bytes));
        chunks.remove(2);
        writeRaw(TestModels.records(manifest, chunks));

        try (ModelCatalog catalog = reader().build().readToEnd()) {
            assertThat(catalog.isComplete("cap", "v1")).isFalse();
            assertReason(catalog, "v1", Reason.MISSING_CHUNKS);
        }
        try (ModelPublisher publisher = publisher().build()) {
            assertThatThrownBy(() -> publisher.activate("cap", "v1"))
                    .isInstanceOfSatisfying(
                            ModelPublishException.class,
                            e ->
                                    assertThat(e.reason())
                                            .isEqualTo(
                                                    ModelPublishException.Reason
                                                            .INCOMPLETE_VERSION));
        }
    }

    @Test
    void shouldRefuseBadSignatureUnknownKeyAndUnsignedModel() throws Exception {
        SigningKey key = ModelSigning.generateKeys(dir.resolve("keys"));
        SigningKey stranger = ModelSigning.generateKey();
        byte[] bytes = TestModels.randomBytes(3000, 5);
        try (ModelPublisher signing =
                publisher().optSigningKey(key).optChunkSizeBytes(1024).build()) {
            signing.publish(artifact("signed.bin", bytes), info("cap", "signed"), false);
        }
        try (ModelPublisher unsigned = publisher().optChunkSizeBytes(1024).build()) {
            unsigned.publish(artifact("unsigned.bin", bytes), info("cap", "unsigned"), false);
        }
        ModelManifest tamperedManifest;
        try (ModelCatalog catalog =
                reader().optChunkStorage(ChunkStorage.METADATA_ONLY).build().readToEnd()) {
            ModelManifest signed =
                    catalog.version("cap", "signed").orElseThrow().manifest().orElseThrow();
            assertThat(signed.getSignatureKeyId()).isEqualTo(key.keyId());
            // Same bytes and checksums, but the signed format field changed: signature breaks.
            tamperedManifest =
                    ModelManifest.newBuilder(signed)
                            .setVersion("tampered")
                            .setArtifactFormat("other")
                            .build();
        }
        Map<String, ModelTopicRecord> tampered = new java.util.LinkedHashMap<>();
        for (ModelChunk chunk : TestModels.chunks(tamperedManifest, bytes)) {
            tampered.put(
                    ModelTopicKeys.chunk("cap", "tampered", chunk.getIndex()),
                    new ModelTopicRecord(chunk));
        }
        tampered.put(
                ModelTopicKeys.manifest("cap", "tampered"), new ModelTopicRecord(tamperedManifest));
        writeRaw(tampered);

        ModelTopicReader trusting =
                reader().optTrustedKeys(TrustedKeys.fromDirectory(dir.resolve("keys"))).build();
        try (ModelCatalog catalog = trusting.readToEnd()) {
            assertThat(catalog.assemble("cap", "signed").orElseThrow().readAllBytes())
                    .isEqualTo(bytes);
            assertReason(catalog, "tampered", Reason.BAD_SIGNATURE);
            assertReason(catalog, "unsigned", Reason.UNSIGNED);
        }
        ModelTopicReader trustingStranger =
                reader().optTrustedKeys(TrustedKeys.of(stranger.publicKey())).build();
        try (ModelCatalog catalog = trustingStranger.readToEnd()) {
            assertReason(catalog, "signed", Reason.UNKNOWN_KEY);
        }
    }

    @Test
    void shouldRefuseOtherBytesUnderExistingVersionAndSkipIdenticalRepublish() throws Exception {
        byte[] bytes = TestModels.randomBytes(2000, 6);
        try (ModelPublisher publisher = publisher().build()) {
            publisher.publish(artifact("a.bin", bytes), info("cap", "v1"), false);

            PublishedModel again =
                    publisher.publish(artifact("b.bin", bytes), info("cap", "v1"), true);
            assertThat(again.chunksWritten()).isFalse();
            assertThat(again.activation()).isPresent();

            Path other = artifact("c.bin", TestModels.randomBytes(2000, 7));
            assertThatThrownBy(() -> publisher.publish(other, info("cap", "v1"), true))
                    .isInstanceOfSatisfying(
                            ModelPublishException.class,
                            e ->
                                    assertThat(e.reason())
                                            .isEqualTo(
                                                    ModelPublishException.Reason.VERSION_CONFLICT));
            Path empty = artifact("empty.bin", new byte[0]);
            assertThatThrownBy(() -> publisher.publish(empty, info("cap", "v2"), true))
                    .isInstanceOfSatisfying(
                            ModelPublishException.class,
                            e ->
                                    assertThat(e.reason())
                                            .isEqualTo(ModelPublishException.Reason.BAD_ARTIFACT));
        }
        try (ModelCatalog catalog = reader().build().readToEnd()) {
            assertThat(catalog.versions("cap"))
                    .extracting(ModelVersionSummary::version)
                    .containsExactly("v1");
            assertThat(catalog.assemble("cap", "v1").orElseThrow().readAllBytes()).isEqualTo(bytes);
        }
    }

    @Test
    void shouldNeverActivateOrphanChunksAndRepublishOverThemCleanly() throws Exception {
        createTopic();
        byte[] bytes = TestModels.randomBytes(3000, 19);
        ModelManifest small = TestModels.manifest("cap", "v1", bytes, 512);
        Map<String, ModelTopicRecord> orphans =
                TestModels.records(small, TestModels.chunks(small, bytes));
        orphans.remove(ModelTopicKeys.manifest("cap", "v1"));
        writeRaw(orphans);

        try (ModelPublisher publisher = publisher().optChunkSizeBytes(1024).build()) {
            assertThatThrownBy(() -> publisher.activate("cap", "v1"))
                    .isInstanceOfSatisfying(
                            ModelPublishException.class,
                            e ->
                                    assertThat(e.reason())
                                            .isEqualTo(
                                                    ModelPublishException.Reason.UNKNOWN_VERSION));
            try (ModelCatalog catalog = reader().build().readToEnd()) {
                assertReason(catalog, "v1", Reason.NO_MANIFEST);
            }

            PublishedModel published =
                    publisher.publish(artifact("v1.bin", bytes), info("cap", "v1"), true);

            assertThat(published.chunksWritten()).isTrue();
            assertThat(published.manifest().getChunkCount()).isEqualTo(3);
        }
        try (ModelCatalog catalog = reader().build().readToEnd()) {
            assertThat(catalog.chunkIndexes("cap", "v1")).containsExactlyInAnyOrder(0, 1, 2);
            assertThat(catalog.assemble("cap", "v1").orElseThrow().readAllBytes()).isEqualTo(bytes);
        }
    }

    @Test
    void shouldReadMissingTopicAsEmptyWithoutCreatingIt() throws Exception {
        try (ModelCatalog catalog = reader().build().readToEnd()) {
            assertThat(catalog.modelNames()).isEmpty();
        }
        try (Admin admin = admin()) {
            assertThat(admin.listTopics().names().get()).doesNotContain(topics.models().name());
        }
    }

    @Test
    void shouldRefuseTopicWithSeveralPartitions() throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topics.models().name(), 3, (short) 1)))
                    .all()
                    .get();
        }

        assertThatThrownBy(() -> publisher().build())
                .isInstanceOfSatisfying(
                        ModelPublishException.class,
                        e ->
                                assertThat(e.reason())
                                        .isEqualTo(ModelPublishException.Reason.BAD_TOPIC_LAYOUT));
    }

    @Test
    void shouldRollBackToPreviouslyActiveVersion() throws Exception {
        try (ModelPublisher publisher = publisher().build()) {
            publisher.publish(
                    artifact("1.bin", TestModels.randomBytes(1000, 8)), info("cap", "v1"), true);
            publisher.publish(
                    artifact("2.bin", TestModels.randomBytes(1000, 9)), info("cap", "v2"), true);

            ModelActivation rollback = publisher.rollback("cap");

            assertThat(rollback.getVersion()).isEqualTo("v1");
            assertThat(rollback.getPreviousVersion()).isEqualTo("v2");
            assertThat(rollback.getReason()).isEqualTo("rollback from v2");
        }
        try (ModelCatalog catalog =
                reader().optChunkStorage(ChunkStorage.METADATA_ONLY).build().readToEnd()) {
            assertThat(catalog.activeVersion("cap")).contains("v1");
            assertThat(catalog.activationHistory("cap"))
                    .extracting(ModelActivation::getVersion)
                    .containsExactly("v1", "v2", "v1");
        }
    }

    @Test
    void shouldHoldActivationUntilItsChunksAreComplete() throws Exception {
        createTopic();
        RecordingListener listener = new RecordingListener();
        Path delivered;
        try (ModelTopicWatcher watcher = reader().build().watch(listener)) {
            assertThat(watcher.awaitCaughtUp(WAIT)).isTrue();
            byte[] bytes = TestModels.randomBytes(3000, 10);
            ModelManifest manifest = TestModels.manifest("cap", "v1", bytes, 1024);
            List<ModelChunk> chunks = TestModels.chunks(manifest, bytes);
            Map<String, ModelTopicRecord> early = new java.util.LinkedHashMap<>();
            early.put(ModelTopicKeys.activation("cap"), activationRecord("cap", "v1"));
            early.put(ModelTopicKeys.manifest("cap", "v1"), new ModelTopicRecord(manifest));
            early.put(ModelTopicKeys.chunk("cap", "v1", 0), new ModelTopicRecord(chunks.get(0)));
            writeRaw(early);
            // A complete marker model published after: once it is delivered, the watcher has
            // considered (and held) the incomplete activation.
            try (ModelPublisher publisher = publisher().build()) {
                publisher.publish(
                        artifact("marker.bin", new byte[] {1, 2, 3}), info("marker", "m1"), true);
            }
            ActivationEvent first = listener.next();
            assertThat(first.modelName()).isEqualTo("marker");
            assertThat(listener.events).isEmpty();
            assertThat(listener.rejected).isEmpty();
            assertThat(watcher.catalog().activeVersion("cap")).contains("v1");

            Map<String, ModelTopicRecord> late = new java.util.LinkedHashMap<>();
            late.put(ModelTopicKeys.chunk("cap", "v1", 1), new ModelTopicRecord(chunks.get(1)));
            late.put(ModelTopicKeys.chunk("cap", "v1", 2), new ModelTopicRecord(chunks.get(2)));
            writeRaw(late);

            ActivationEvent held = listener.next();
            assertThat(held.modelName()).isEqualTo("cap");
            assertThat(held.version()).isEqualTo("v1");
            assertThat(listener.bytes.get(held)).isEqualTo(bytes);
            assertThat(listener.rejected).isEmpty();
            delivered = held.artifact().path();
        }
        // Once the watcher has stopped, the callback has certainly returned.
        assertThat(delivered).doesNotExist();
    }

    @Test
    void shouldTellListenerAboutRejectedActivation() throws Exception {
        createTopic();
        RecordingListener listener = new RecordingListener();
        try (ModelTopicWatcher watcher = reader().build().watch(listener)) {
            assertThat(watcher.awaitCaughtUp(WAIT)).isTrue();
            byte[] bytes = TestModels.randomBytes(3000, 11);
            ModelManifest manifest = TestModels.manifest("cap", "bad", bytes, 1024);
            List<ModelChunk> chunks = new ArrayList<>(TestModels.chunks(manifest, bytes));
            chunks.set(0, TestModels.corrupted(chunks.get(0)));
            Map<String, ModelTopicRecord> records = TestModels.records(manifest, chunks);
            records.put(ModelTopicKeys.activation("cap"), activationRecord("cap", "bad"));
            writeRaw(records);

            ModelVerificationException rejected =
                    listener.rejected.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(rejected).isNotNull();
            assertThat(rejected.reason()).isEqualTo(Reason.CHUNK_CHECKSUM_MISMATCH);
            assertThat(listener.events).isEmpty();
        }
    }

    @Test
    void shouldLendItsConsumerToABindingAndCloseTheBindingWithTheWatcher() throws Exception {
        createTopic();
        AtomicBoolean bindingClosed = new AtomicBoolean();
        AtomicReference<String> clientId = new AtomicReference<>();
        ModelTopicWatcher watcher = reader().build().watch(new RecordingListener());
        try {
            assertThat(watcher.awaitCaughtUp(WAIT)).isTrue();
            watcher.bindConsumer(
                    consumer -> {
                        // What a metrics binder does: read metrics() off the watcher's thread.
                        clientId.set(
                                consumer.metrics().keySet().stream()
                                        .map(name -> name.tags().get("client-id"))
                                        .filter(Objects::nonNull)
                                        .findFirst()
                                        .orElse(null));
                        return () -> bindingClosed.set(true);
                    });
            assertThat(bindingClosed).isFalse();
        } finally {
            watcher.close();
        }

        assertThat(clientId.get()).startsWith("captioner-model-reader-");
        assertThat(bindingClosed).isTrue();
        assertThatThrownBy(() -> watcher.bindConsumer(consumer -> () -> {}))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldPruneOldVersionsButNeverTheActiveOne() throws Exception {
        try (ModelPublisher publisher = publisher().optRetainVersions(2).build()) {
            publisher.publish(
                    artifact("1.bin", TestModels.randomBytes(1500, 12)), info("cap", "v1"), true);
            publisher.publish(
                    artifact("2.bin", TestModels.randomBytes(1500, 13)), info("cap", "v2"), false);
            PublishedModel third =
                    publisher.publish(
                            artifact("3.bin", TestModels.randomBytes(1500, 14)),
                            info("cap", "v3"),
                            false);
            assertThat(third.prunedVersions()).isEmpty();

            PublishedModel fourth =
                    publisher.publish(
                            artifact("4.bin", TestModels.randomBytes(1500, 15)),
                            info("cap", "v4"),
                            false);

            assertThat(fourth.prunedVersions()).containsExactly("v2");
            assertThat(publisher.prune("cap")).isEmpty();
        }
        try (ModelCatalog catalog = reader().build().readToEnd()) {
            assertThat(catalog.versions("cap"))
                    .extracting(ModelVersionSummary::version)
                    .containsExactly("v1", "v3", "v4");
            assertThat(catalog.activeVersion("cap")).contains("v1");
            assertThat(catalog.assemble("cap", "v2")).isEmpty();
            assertThat(catalog.assemble("cap", "v1")).isPresent();
        }
    }

    @Test
    void shouldShowLateReaderTheSameCatalogAsLiveWatcher() throws Exception {
        createTopic();
        RecordingListener listener = new RecordingListener();
        byte[] v2 = TestModels.randomBytes(4000, 17);
        try (ModelTopicWatcher live = reader().build().watch(listener);
                ModelPublisher publisher = publisher().optChunkSizeBytes(1024).build()) {
            assertThat(live.awaitCaughtUp(WAIT)).isTrue();
            publisher.publish(
                    artifact("1.bin", TestModels.randomBytes(4000, 16)), info("cap", "v1"), true);
            publisher.publish(artifact("2.bin", v2), info("cap", "v2"), true);
            publisher.publish(
                    artifact("o.bin", TestModels.randomBytes(10, 18)), info("other", "o1"), false);
            assertThat(listener.next().version()).isEqualTo("v1");
            assertThat(listener.next().version()).isEqualTo("v2");
            try (ModelCatalog late = reader().build().readToEnd()) {
                ModelCatalog seen = live.catalog();
                // The live watcher may still be reading 'other': compare once it has it.
                assertThat(awaitVersion(seen, "other", "o1")).isTrue();
                assertThat(late.modelNames()).isEqualTo(seen.modelNames());
                for (String name : late.modelNames()) {
                    assertThat(late.versions(name)).isEqualTo(seen.versions(name));
                    assertThat(late.activation(name)).isEqualTo(seen.activation(name));
                    assertThat(late.activationHistory(name))
                            .isEqualTo(seen.activationHistory(name));
                }
            }
        }
        RecordingListener restarted = new RecordingListener();
        try (ModelTopicWatcher watcher = reader().build().watch(restarted)) {
            ActivationEvent current = restarted.next();
            assertThat(current.version()).isEqualTo("v2");
            assertThat(restarted.bytes.get(current)).isEqualTo(v2);
            assertThat(watcher.awaitCaughtUp(WAIT)).isTrue();
        }
    }

    @Test
    void shouldRefuseReplayedForgedAndDeletedActivationsWhenKeysAreTrusted() throws Exception {
        // given: two signed versions, v2 activated last, and a watcher that trusts the key
        SigningKey key = ModelSigning.generateKeys(dir.resolve("keys"));
        byte[] v2 = TestModels.randomBytes(2000, 31);
        try (ModelPublisher publisher = publisher().optSigningKey(key).build()) {
            publisher.publish(
                    artifact("1.bin", TestModels.randomBytes(2000, 30)), info("cap", "v1"), true);
            publisher.publish(artifact("2.bin", v2), info("cap", "v2"), true);
        }
        ModelTopicReader trusting =
                reader().optTrustedKeys(TrustedKeys.of(key.publicKey())).build();
        RecordingListener listener = new RecordingListener();
        try (ModelTopicWatcher watcher = trusting.watch(listener)) {
            assertThat(listener.next().version()).isEqualTo("v2");
            assertThat(watcher.awaitCaughtUp(WAIT)).isTrue();

            // when: a writer of the topic replays activation 1 (the downgrade to v1), forges an
            // unsigned activation 3 of v1 and deletes the activations
            byte[] first = rawValue(ModelTopicKeys.activation("cap", 1));
            writeRawBytes(ModelTopicKeys.activation("cap"), first);
            writeRawBytes(ModelTopicKeys.activation("cap", 1), first);
            Map<String, ModelTopicRecord> forged = new java.util.LinkedHashMap<>();
            forged.put(ModelTopicKeys.activation("cap", 3), activationRecord("cap", "v1"));
            writeRaw(forged);
            writeRawBytes(ModelTopicKeys.activation("cap", 2), null);
            writeRawBytes(ModelTopicKeys.activation("cap"), null);

            // then: every one is refused (the legacy key does not count with trusted keys) and v2
            // stays in force, nothing is delivered
            assertThat(
                            List.of(
                                    listener.nextRefusal(),
                                    listener.nextRefusal(),
                                    listener.nextRefusal()))
                    .containsExactly(
                            Reason.STALE_ACTIVATION, Reason.UNSIGNED, Reason.ACTIVATION_TOMBSTONE);
            assertThat(watcher.catalog().activeVersion("cap")).contains("v2");
            assertThat(listener.events).isEmpty();
            assertThat(listener.rejected).isEmpty();
        }
        // and a fresh instance serves v2 too
        RecordingListener restarted = new RecordingListener();
        try (ModelTopicWatcher watcher = trusting.watch(restarted)) {
            ActivationEvent current = restarted.next();
            assertThat(current.version()).isEqualTo("v2");
            assertThat(restarted.bytes.get(current)).isEqualTo(v2);
        }
        // while a reader without keys follows the topic's latest word, as before
        try (ModelCatalog open =
                reader().optChunkStorage(ChunkStorage.METADATA_ONLY).build().readToEnd()) {
            assertThat(open.activeVersion("cap")).contains("v1");
        }
    }

    @Test
    void shouldCommitTheCallersOwnRecordsWithTheVersionOrNothing() throws Exception {
        String runs = topics.models().name().replace("models", "training-runs");
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(runs, 1, (short) 1))).all().get();
        }
        Path failedArtifact = artifact("x.bin", new byte[] {9});
        Path goodArtifact = artifact("1.bin", TestModels.randomBytes(1500, 40));
        try (ModelPublisher publisher = publisher().build()) {
            // when: a transaction fails after writing a version and a record of its own
            assertThatThrownBy(
                            () ->
                                    publisher.transact(
                                            tx -> {
                                                tx.publish(failedArtifact, info("cap", "failed"));
                                                tx.send(
                                                        new ProducerRecord<>(
                                                                runs, "run-0", "failed"),
                                                        new StringSerializer(),
                                                        new StringSerializer());
                                                throw new IllegalStateException("evaluation broke");
                                            }))
                    .hasMessageContaining("evaluation broke");
            // and a later one publishes without activating, with its record
            PublishedVersion published =
                    publisher.transact(
                            tx -> {
                                PublishedVersion v = tx.publish(goodArtifact, info("cap", "v1"));
                                tx.send(
                                        new ProducerRecord<>(
                                                runs, "run-1", "published " + v.version()),
                                        new StringSerializer(),
                                        new StringSerializer());
                                return v;
                            });
            assertThat(published.written()).isTrue();
        }

        // then: only the committed transaction is visible, on both topics
        try (ModelCatalog catalog = reader().build().readToEnd()) {
            assertThat(catalog.versions("cap"))
                    .extracting(ModelVersionSummary::version)
                    .containsExactly("v1");
            assertThat(catalog.activation("cap")).isEmpty();
        }
        assertThat(committedValues(runs)).containsExactly("published v1");
    }

    @Test
    void shouldKeepWatchingWhenTheListenerThrowsAnError() throws Exception {
        createTopic();
        java.util.concurrent.atomic.AtomicBoolean first =
                new java.util.concurrent.atomic.AtomicBoolean(true);
        RecordingListener recording = new RecordingListener();
        ModelTopicListener failingOnce =
                event -> {
                    if (first.getAndSet(false)) {
                        throw new OutOfMemoryError("Java heap space (test)");
                    }
                    recording.onActivation(event);
                };
        try (ModelTopicWatcher watcher = reader().build().watch(failingOnce);
                ModelPublisher publisher = publisher().build()) {
            assertThat(watcher.awaitCaughtUp(WAIT)).isTrue();
            publisher.publish(
                    artifact("1.bin", TestModels.randomBytes(500, 41)), info("cap", "v1"), true);
            awaitFailedDelivery(first);

            publisher.publish(
                    artifact("2.bin", TestModels.randomBytes(500, 42)), info("cap", "v2"), true);

            assertThat(recording.next().version()).isEqualTo("v2");
            assertThat(watcher.isRunning()).isTrue();
            assertThat(watcher.failure()).isEmpty();
        }
    }

    /** Waits until the listener threw on its first delivery. */
    private static void awaitFailedDelivery(java.util.concurrent.atomic.AtomicBoolean first)
            throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (first.get() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(first.get()).as("first delivery attempted within %s", WAIT).isFalse();
    }

    private byte[] rawValue(String key) {
        Map<String, Object> config =
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        stack.bootstrapServers(),
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed");
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(
                        config, new StringDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(topics.models().name(), 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (key.equals(r.key())) {
                        return r.value();
                    }
                }
            }
        }
        throw new AssertionError("no record " + key);
    }

    private List<String> committedValues(String topic) {
        Map<String, Object> config =
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        stack.bootstrapServers(),
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (consumer.position(partition) < end && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
            }
        }
        return values;
    }

    /** Writes raw value bytes (or a tombstone) outside the publisher, as any writer could. */
    private void writeRawBytes(String key, byte[] value) throws Exception {
        Map<String, Object> config =
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(
                        config,
                        new StringSerializer(),
                        new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topics.models().name(), key, value)).get();
        }
    }

    private static Admin admin() {
        return Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()));
    }

    private static boolean awaitVersion(ModelCatalog catalog, String name, String version)
            throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (catalog.isComplete(name, version)) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    private static void assertReason(ModelCatalog catalog, String version, Reason reason) {
        assertThatThrownBy(() -> catalog.assemble("cap", version))
                .isInstanceOfSatisfying(
                        ModelVerificationException.class,
                        e -> assertThat(e.reason()).isEqualTo(reason));
    }

    /** Records deliveries, copying the artifact bytes before the watcher deletes the file. */
    private static final class RecordingListener implements ModelTopicListener {
        final BlockingQueue<ActivationEvent> events = new LinkedBlockingQueue<>();
        final BlockingQueue<ModelVerificationException> rejected = new LinkedBlockingQueue<>();
        final BlockingQueue<ModelVerificationException> refusedRecords =
                new LinkedBlockingQueue<>();
        final Map<ActivationEvent, byte[]> bytes = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public void onActivation(ActivationEvent event) throws Exception {
            bytes.put(event, event.artifact().readAllBytes());
            events.add(event);
        }

        @Override
        public void onRejected(ModelActivation activation, ModelVerificationException error) {
            rejected.add(error);
        }

        @Override
        public void onRecordRefused(ModelVerificationException error) {
            refusedRecords.add(error);
        }

        Reason nextRefusal() throws InterruptedException {
            ModelVerificationException refusal =
                    refusedRecords.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(refusal).as("record refused within %s", WAIT).isNotNull();
            return refusal.reason();
        }

        ActivationEvent next() throws InterruptedException {
            ActivationEvent event = events.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(event).as("activation delivered within %s", WAIT).isNotNull();
            return event;
        }
    }
}
