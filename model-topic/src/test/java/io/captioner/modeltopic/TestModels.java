package io.captioner.modeltopic;

import io.captioner.events.ModelActivation;
import io.captioner.events.ModelArchitecture;
import io.captioner.events.ModelChunk;
import io.captioner.events.ModelManifest;
import io.captioner.events.ModelTopicRecord;
import io.captioner.modeltopic.internal.Chunking;
import io.captioner.modeltopic.internal.Sha256;
import io.captioner.schemas.ModelTopicKeys;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Builds manifests and chunk records by hand, as a foreign or faulty publisher would. */
final class TestModels {

    private TestModels() {}

    static ModelArchitecture architecture() {
        return ModelArchitecture.newBuilder()
                .setEncoderName("resnet50")
                .setEmbedSize(256)
                .setHiddenSize(512)
                .setNumLayers(1)
                .setVocabSize(5000)
                .build();
    }

    static byte[] randomBytes(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static ModelManifest manifest(String name, String version, byte[] artifact, int chunkSize) {
        return ModelManifest.newBuilder()
                .setModelName(name)
                .setVersion(version)
                .setArtifactSizeBytes(artifact.length)
                .setSha256(Sha256.hex(artifact))
                .setChunkCount(Chunking.chunkCount(artifact.length, chunkSize))
                .setChunkSizeBytes(chunkSize)
                .setArtifactFormat("test-bytes")
                .setArchitecture(architecture())
                .setMetrics(Map.of("bleu4", 0.25))
                .setCreatedTime(Instant.parse("2026-01-02T03:04:05Z"))
                .build();
    }

    static List<ModelChunk> chunks(ModelManifest manifest, byte[] artifact) {
        int size = manifest.getChunkSizeBytes();
        int count = manifest.getChunkCount();
        List<ModelChunk> chunks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] data =
                    Arrays.copyOfRange(
                            artifact,
                            i * size,
                            (int) Math.min(artifact.length, (long) (i + 1) * size));
            chunks.add(
                    ModelChunk.newBuilder()
                            .setModelName(manifest.getModelName())
                            .setVersion(manifest.getVersion())
                            .setIndex(i)
                            .setCount(count)
                            .setSha256(Sha256.hex(data))
                            .setData(ByteBuffer.wrap(data))
                            .build());
        }
        return chunks;
    }

    /**
     * Key to record, chunks first then the manifest, as publishers before the manifest-first order
     * wrote them (readers must still take them).
     */
    static Map<String, ModelTopicRecord> records(ModelManifest manifest, List<ModelChunk> chunks) {
        Map<String, ModelTopicRecord> records = new LinkedHashMap<>();
        for (ModelChunk chunk : chunks) {
            records.put(
                    ModelTopicKeys.chunk(
                            chunk.getModelName(), chunk.getVersion(), chunk.getIndex()),
                    new ModelTopicRecord(chunk));
        }
        records.put(
                ModelTopicKeys.manifest(manifest.getModelName(), manifest.getVersion()),
                new ModelTopicRecord(manifest));
        return records;
    }

    /** Key to record, the manifest first then the chunks, as the publisher writes them now. */
    static Map<String, ModelTopicRecord> manifestFirst(
            ModelManifest manifest, List<ModelChunk> chunks) {
        Map<String, ModelTopicRecord> records = new LinkedHashMap<>();
        records.put(
                ModelTopicKeys.manifest(manifest.getModelName(), manifest.getVersion()),
                new ModelTopicRecord(manifest));
        for (ModelChunk chunk : chunks) {
            records.put(
                    ModelTopicKeys.chunk(
                            chunk.getModelName(), chunk.getVersion(), chunk.getIndex()),
                    new ModelTopicRecord(chunk));
        }
        return records;
    }

    /** An activation of {@code version} as the publisher makes it, unsigned. */
    static ModelActivation activation(
            String name, String version, long sequence, ModelManifest manifest) {
        return ModelActivation.newBuilder()
                .setModelName(name)
                .setVersion(version)
                .setActivatedTime(Instant.parse("2026-01-02T03:04:05Z").plusSeconds(sequence))
                .setSequence(sequence)
                .setArtifactSha256(manifest.getSha256())
                .build();
    }

    /** A chunk like {@code chunk} but with its first data byte flipped; the sha256 is kept. */
    static ModelChunk corrupted(ModelChunk chunk) {
        ByteBuffer original = chunk.getData().duplicate();
        byte[] data = new byte[original.remaining()];
        original.get(data);
        data[0] ^= 0x5a;
        return ModelChunk.newBuilder(chunk).setData(ByteBuffer.wrap(data)).build();
    }
}
