package io.captioner.modeltopic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.captioner.events.ModelChunk;
import io.captioner.events.ModelManifest;
import io.captioner.events.ModelTopicRecord;
import io.captioner.modeltopic.ModelVerificationException.Reason;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a writer of the models topic can make a reader hold is bounded by its limits. */
class CatalogLimitsTest {

    private static final int CHUNK = 1000;

    @TempDir Path work;

    private ModelCatalog catalog;
    private long offset;

    @AfterEach
    void close() {
        if (catalog != null) {
            catalog.close();
        }
    }

    private void open(TrustedKeys keys, CatalogLimits limits) {
        catalog = new ModelCatalog(ChunkStorage.SPOOL, keys, work, limits);
    }

    private void applyAll(Map<String, ModelTopicRecord> records) {
        records.forEach((key, value) -> catalog.apply(key, value, offset++));
    }

    @Test
    void shouldRefuseAManifestOverTheMaximumArtifactSizeAndStoreNoneOfItsChunks() throws Exception {
        open(TrustedKeys.none(), new CatalogLimits(2000, 2000));
        byte[] artifact = TestModels.randomBytes(2500, 1);
        ModelManifest manifest = TestModels.manifest("cap", "big", artifact, CHUNK);

        applyAll(TestModels.manifestFirst(manifest, TestModels.chunks(manifest, artifact)));

        assertThat(spooledFiles()).isZero();
        assertThat(catalog.isComplete("cap", "big")).isTrue();
        assertReason("big", Reason.TOO_LARGE);
    }

    @Test
    void shouldDropChunkBytesBeyondTheBudgetForUnverifiedChunks() throws Exception {
        // given: chunks of a version whose manifest has not arrived, more than the budget
        open(TrustedKeys.none(), new CatalogLimits(10_000, 2500));
        byte[] artifact = TestModels.randomBytes(4500, 2);
        ModelManifest manifest = TestModels.manifest("cap", "v1", artifact, CHUNK);
        List<ModelChunk> chunks = TestModels.chunks(manifest, artifact);

        // when
        applyAll(TestModels.records(manifest, chunks));

        // then: no more than the budget was ever held, and the version cannot be assembled
        assertThat(catalog.droppedChunks()).isEqualTo(2);
        assertThat(catalog.unverifiedBytes()).isZero();
        assertThat(spooledFiles()).isEqualTo(3);
        assertReason("v1", Reason.CHUNKS_DROPPED);
    }

    @Test
    void shouldHoldChunksAheadOfTheirManifestWithinTheBudget() throws Exception {
        // given: the order publishers of older builds wrote, within the budget
        open(TrustedKeys.none(), new CatalogLimits(10_000, 5000));
        byte[] artifact = TestModels.randomBytes(4500, 3);
        ModelManifest manifest = TestModels.manifest("cap", "v1", artifact, CHUNK);
        List<Map.Entry<String, ModelTopicRecord>> records =
                List.copyOf(
                        TestModels.records(manifest, TestModels.chunks(manifest, artifact))
                                .entrySet());

        // when / then: held while unverified, verified once the manifest came last
        for (Map.Entry<String, ModelTopicRecord> chunk : records.subList(0, 5)) {
            catalog.apply(chunk.getKey(), chunk.getValue(), offset++);
        }
        assertThat(catalog.unverifiedBytes()).isEqualTo(4500);
        Map.Entry<String, ModelTopicRecord> manifestRecord = records.get(5);
        catalog.apply(manifestRecord.getKey(), manifestRecord.getValue(), offset++);
        assertThat(catalog.unverifiedBytes()).isZero();
        assertThat(catalog.droppedChunks()).isZero();
        assertThat(catalog.assemble("cap", "v1").orElseThrow().readAllBytes()).isEqualTo(artifact);
    }

    @Test
    void shouldKeepOnlyTheBytesOfChunksTheManifestAnnounces() throws Exception {
        // given: a manifest, then chunks of another upload (other chunk size) under its keys
        open(TrustedKeys.none(), CatalogLimits.defaults());
        byte[] artifact = TestModels.randomBytes(3000, 4);
        ModelManifest manifest = TestModels.manifest("cap", "v1", artifact, CHUNK);
        ModelManifest other = TestModels.manifest("cap", "v1", artifact, 600);

        applyAll(TestModels.manifestFirst(manifest, TestModels.chunks(other, artifact)));

        assertThat(spooledFiles()).isZero();
        assertThat(catalog.unverifiedBytes()).isZero();
        assertThatThrownBy(() -> catalog.assemble("cap", "v1"))
                .isInstanceOf(ModelVerificationException.class);
    }

    @Test
    void shouldStoreNoChunkOfAnUnsignedManifestWhenKeysAreTrusted() throws Exception {
        SigningKey key = ModelSigning.generateKey();
        open(TrustedKeys.of(key.publicKey()), CatalogLimits.defaults());
        byte[] artifact = TestModels.randomBytes(3000, 5);
        ModelManifest unsigned = TestModels.manifest("cap", "v1", artifact, CHUNK);
        ModelManifest signed = key.sign(TestModels.manifest("cap", "v2", artifact, CHUNK));

        applyAll(TestModels.manifestFirst(unsigned, TestModels.chunks(unsigned, artifact)));
        applyAll(TestModels.manifestFirst(signed, TestModels.chunks(signed, artifact)));

        assertThat(spooledFiles()).isEqualTo(3);
        assertReason("v1", Reason.UNSIGNED);
        assertThat(catalog.assemble("cap", "v2").orElseThrow().readAllBytes()).isEqualTo(artifact);
    }

    @Test
    void shouldRejectInvalidLimits() {
        assertThatThrownBy(() -> new CatalogLimits(0, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CatalogLimits(1, -1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private long spooledFiles() throws Exception {
        try (Stream<Path> files = Files.walk(work)) {
            return files.filter(p -> p.toString().endsWith(".chunk")).count();
        }
    }

    private void assertReason(String version, Reason reason) {
        assertThatThrownBy(() -> catalog.assemble("cap", version))
                .isInstanceOfSatisfying(
                        ModelVerificationException.class,
                        e -> assertThat(e.reason()).isEqualTo(reason));
    }
}
