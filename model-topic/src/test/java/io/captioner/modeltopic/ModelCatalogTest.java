package io.captioner.modeltopic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.captioner.events.ModelActivation;
import io.captioner.events.ModelChunk;
import io.captioner.events.ModelManifest;
import io.captioner.events.ModelTopicRecord;
import io.captioner.modeltopic.ModelVerificationException.Reason;
import io.captioner.schemas.ModelTopicKeys;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ModelCatalogTest {

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

    private ModelCatalog open(ChunkStorage storage, TrustedKeys keys) {
        catalog = new ModelCatalog(storage, keys, work);
        return catalog;
    }

    private void apply(String key, ModelTopicRecord value) {
        catalog.apply(key, value, offset++);
    }

    private void applyAll(Map<String, ModelTopicRecord> records) {
        records.forEach(this::apply);
    }

    private static ModelTopicRecord record(Object payload) {
        return new ModelTopicRecord(payload);
    }

    @ParameterizedTest
    @EnumSource(
            value = ChunkStorage.class,
            names = {"MEMORY", "SPOOL"})
    void shouldAssembleCompleteVersionByteIdentical(ChunkStorage storage) throws Exception {
        open(storage, TrustedKeys.none());
        byte[] artifact = TestModels.randomBytes(2 * CHUNK + 17, 7);
        ModelManifest manifest = TestModels.manifest("cap", "v1", artifact, CHUNK);
        applyAll(TestModels.records(manifest, TestModels.chunks(manifest, artifact)));

        VerifiedArtifact verified = catalog.assemble("cap", "v1").orElseThrow();

        assertThat(verified.readAllBytes()).isEqualTo(artifact);
        assertThat(verified.sizeBytes()).isEqualTo(artifact.length);
        assertThat(catalog.isComplete("cap", "v1")).isTrue();
        Files.delete(verified.path());
    }

    @Test
    void shouldAssembleOneByteAndExactMultipleArtifacts() throws Exception {
        open(ChunkStorage.MEMORY, TrustedKeys.none());
        byte[] one = {42};
        byte[] exact = TestModels.randomBytes(3 * CHUNK, 8);
        ModelManifest m1 = TestModels.manifest("cap", "one", one, CHUNK);
        ModelManifest m2 = TestModels.manifest("cap", "exact", exact, CHUNK);
        applyAll(TestModels.records(m1, TestModels.chunks(m1, one)));
        applyAll(TestModels.records(m2, TestModels.chunks(m2, exact)));

        assertThat(catalog.assemble("cap", "one").orElseThrow().readAllBytes()).isEqualTo(one);
        assertThat(m2.getChunkCount()).isEqualTo(3);
        assertThat(catalog.assemble("cap", "exact").orElseThrow().readAllBytes()).isEqualTo(exact);
    }

    @Test
    void shouldWriteTargetOnlyAfterVerification() throws Exception {
        open(ChunkStorage.SPOOL, TrustedKeys.none());
        byte[] artifact = TestModels.randomBytes(2500, 9);
        ModelManifest manifest = TestModels.manifest("cap", "v1", artifact, CHUNK);
        List<ModelChunk> chunks = new ArrayList<>(TestModels.chunks(manifest, artifact));
        chunks.set(1, TestModels.corrupted(chunks.get(1)));
        applyAll(TestModels.records(manifest, chunks));
        Path target = work.resolve("out/model.bin");

        assertReason(() -> catalog.assemble("cap", "v1", target), Reason.CHUNK_CHECKSUM_MISMATCH);

        assertThat(target).doesNotExist();
        try (Stream<Path> left = Files.list(target.getParent())) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void shouldRefuseCorruptedChunk() {
        open(ChunkStorage.MEMORY, TrustedKeys.none());
        byte[] artifact = TestModels.randomBytes(2500, 10);
        ModelManifest manifest = TestModels.manifest("cap", "v1", artifact, CHUNK);
        List<ModelChunk> chunks = new ArrayList<>(TestModels.chunks(manifest, artifact));
        chunks.set(2, TestModels.corrupted(chunks.get(2)));
        applyAll(TestModels.records(manifest, chunks));

        assertThat(catalog.isComplete("cap", "v1")).isTrue();
        assertReason(() -> catalog.assemble("cap", "v1"), Reason.CHUNK_CHECKSUM_MISMATCH)
                .hasMessageContaining("chunk 2");
    }

    @Test
    void shouldRefuseWrongWholeChecksum() {
        open(ChunkStorage.MEMORY, TrustedKeys.none());
        byte[] artifact = TestModels.randomBytes(2500, 11);
        ModelManifest real = TestModels.manifest("cap", "v1", artifact, CHUNK);
        ModelManifest lying = ModelManifest.newBuilder(real).setSha256("0".repeat(64)).build();
        applyAll(TestModels.records(lying, TestModels.chunks(real, artifact)));

        assertReason(() -> catalog.assemble("cap", "v1"), Reason.CHECKSUM_MISMATCH)
                .hasMessageContaining(real.getSha256());
    }

    @Test
    void shouldRefuseMissingChunkAndNeverCallItComplete() {
        open(ChunkStorage.MEMORY, TrustedKeys.none());
        byte[] artifact = TestModels.randomBytes(3500, 12);
        ModelManifest manifest = TestModels.manifest("cap", "v1", artifact, CHUNK);
        List<ModelChunk> chunks = new ArrayList<>(TestModels.chunks(manifest, artifact));
        chunks.remove(1);
        applyAll(TestModels.records(manifest, chunks));

        assertThat(catalog.isComplete("cap", "v1")).isFalse();
        assertThat(catalog.version("cap", "v1").orElseThrow().chunksPresent()).isEqualTo(3);
        assertReason(() -> catalog.assemble("cap", "v1"), Reason.MISSING_CHUNKS)
                .hasMessageContaining("1 of 4 chunks missing")
                .hasMessageContaining("[1]");
    }

    @Test
    void shouldRefuseChunksWithoutManifest() {
        open(ChunkStorage.MEMORY, TrustedKeys.none());
        byte[] artifact = TestModels.randomBytes(1500, 13);
        ModelManifest manifest = TestModels.manifest("cap", "v1", artifact, CHUNK);
        for (ModelChunk chunk : TestModels.chunks(manifest, artifact)) {
            apply(ModelTopicKeys.chunk("cap", "v1", chunk.getIndex()), record(chunk));
        }

        assertThat(catalog.isComplete("cap", "v1")).isFalse();
        assertThat(catalog.version("cap", "v1").orElseThrow().manifest()).isEmpty();
        assertReason(() -> catalog.assemble("cap", "v1"), Reason.NO_MANIFEST);
    }

    @Test
    void shouldRefuseChunkOfWrongLength() {
        open(ChunkStorage.MEMORY, TrustedKeys.none());
        byte[] artifact = TestModels.randomBytes(2500, 14);
        ModelManifest manifest = TestModels.manifest("cap", "v1", artifact, CHUNK);
        List<ModelChunk> chunks = new ArrayList<>(TestModels.chunks(manifest, artifact));
        // A self-consistent but short last chunk: its own checksum matches.
        byte[] shorter = new byte[100];
        chunks.set(
                2,
                ModelChunk.newBuilder(chunks.get(2))
                        .setData(ByteBuffer.wrap(shorter))
                        .setSha256(io.captioner.modeltopic.internal.Sha256.hex(shorter))
                        .build());
        applyAll(TestModels.records(manifest, chunks));

        assertReason(() -> catalog.assemble("cap", "v1"), Reason.SIZE_MISMATCH)
                .hasMessageContaining("chunk 2 holds 100 bytes, expected 500");
    }

    @Test
    void shouldCheckSignatureWhenKeysAreTrusted() throws Exception {
        SigningKey key = ModelSigning.generateKey();
        open(ChunkStorage.MEMORY, TrustedKeys.of(key.publicKey()));
        byte[] artifact = TestModels.randomBytes(1500, 15);
        ModelManifest unsigned = TestModels.manifest("cap", "unsigned", artifact, CHUNK);
        ModelManifest signed = key.sign(TestModels.manifest("cap", "signed", artifact, CHUNK));
        applyAll(TestModels.records(unsigned, TestModels.chunks(unsigned, artifact)));
        applyAll(TestModels.records(signed, TestModels.chunks(signed, artifact)));

        assertReason(() -> catalog.assemble("cap", "unsigned"), Reason.UNSIGNED);
        assertThat(catalog.assemble("cap", "signed").orElseThrow().readAllBytes())
                .isEqualTo(artifact);
    }

    @Test
    void shouldReturnEmptyForUnknownVersion() throws Exception {
        open(ChunkStorage.MEMORY, TrustedKeys.none());

        assertThat(catalog.assemble("cap", "nope")).isEmpty();
        assertThat(catalog.versions("cap")).isEmpty();
    }

    @Test
    void shouldDeleteEntriesAndSpoolFilesOnTombstones() throws Exception {
        open(ChunkStorage.SPOOL, TrustedKeys.none());
        byte[] artifact = TestModels.randomBytes(2500, 16);
        ModelManifest manifest = TestModels.manifest("cap", "v1", artifact, CHUNK);
        applyAll(TestModels.records(manifest, TestModels.chunks(manifest, artifact)));
        assertThat(spooledFiles()).isEqualTo(3);

        apply(ModelTopicKeys.manifest("cap", "v1"), null);
        assertThat(catalog.isComplete("cap", "v1")).isFalse();
        assertReason(() -> catalog.assemble("cap", "v1"), Reason.NO_MANIFEST);

        for (int i = 0; i < 3; i++) {
            apply(ModelTopicKeys.chunk("cap", "v1", i), null);
        }
        assertThat(catalog.version("cap", "v1")).isEmpty();
        assertThat(catalog.modelNames()).isEmpty();
        assertThat(spooledFiles()).isZero();
    }

    @Test
    void shouldTrackActivationsAndClearActiveOnTombstone() {
        open(ChunkStorage.METADATA_ONLY, TrustedKeys.none());
        byte[] artifact = TestModels.randomBytes(1500, 17);
        ModelManifest manifest = TestModels.manifest("cap", "v1", artifact, CHUNK);
        applyAll(TestModels.records(manifest, TestModels.chunks(manifest, artifact)));
        ModelActivation activation =
                ModelActivation.newBuilder()
                        .setModelName("cap")
                        .setVersion("v1")
                        .setActivatedTime(Instant.EPOCH)
                        .build();

        apply(ModelTopicKeys.activation("cap"), record(activation));

        assertThat(catalog.activeVersion("cap")).contains("v1");
        assertThat(catalog.versions("cap"))
                .singleElement()
                .satisfies(v -> assertThat(v.active()).isTrue());
        assertThat(catalog.version("cap", "v1").orElseThrow().bytesPresent()).isEqualTo(1500);
        apply(ModelTopicKeys.activation("cap"), null);
        assertThat(catalog.activeVersion("cap")).isEmpty();
        assertThat(catalog.activationHistory("cap")).containsExactly(activation);
        assertThatThrownBy(() -> catalog.assemble("cap", "v1"))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldSkipAndCountRecordsWhoseKeyDoesNotMatchPayload() {
        open(ChunkStorage.MEMORY, TrustedKeys.none());
        byte[] artifact = TestModels.randomBytes(500, 18);
        ModelManifest manifest = TestModels.manifest("cap", "v1", artifact, CHUNK);
        ModelChunk chunk = TestModels.chunks(manifest, artifact).get(0);

        apply(ModelTopicKeys.manifest("cap", "v2"), record(manifest));
        apply(ModelTopicKeys.chunk("cap", "v1", 3), record(chunk));
        apply(ModelTopicKeys.activation("cap"), record(chunk));
        apply("not-a-key", record(manifest));

        assertThat(catalog.skippedRecords()).isEqualTo(4);
        assertThat(catalog.modelNames()).isEmpty();
    }

    @Test
    void shouldOrderVersionsByFirstRecord() {
        open(ChunkStorage.METADATA_ONLY, TrustedKeys.none());
        for (String version : List.of("b", "a", "c")) {
            byte[] artifact = TestModels.randomBytes(10, version.hashCode());
            ModelManifest manifest = TestModels.manifest("cap", version, artifact, CHUNK);
            applyAll(TestModels.records(manifest, TestModels.chunks(manifest, artifact)));
        }

        assertThat(catalog.versions("cap"))
                .extracting(ModelVersionSummary::version)
                .containsExactly("b", "a", "c");
    }

    @Test
    void shouldDeleteSpoolDirectoryOnClose() throws Exception {
        open(ChunkStorage.SPOOL, TrustedKeys.none());
        byte[] artifact = TestModels.randomBytes(1500, 19);
        ModelManifest manifest = TestModels.manifest("cap", "v1", artifact, CHUNK);
        applyAll(TestModels.records(manifest, TestModels.chunks(manifest, artifact)));

        catalog.close();

        try (Stream<Path> left = Files.list(work)) {
            assertThat(left).isEmpty();
        }
    }

    private long spooledFiles() throws Exception {
        try (Stream<Path> files = Files.walk(work)) {
            return files.filter(p -> p.toString().endsWith(".chunk")).count();
        }
    }

    private static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable>
            assertReason(ThrowingCallable call, Reason reason) {
        return assertThatThrownBy(call)
                .isInstanceOfSatisfying(
                        ModelVerificationException.class,
                        e -> assertThat(e.reason()).isEqualTo(reason));
    }
}
