package io.captioner.modeltopic;

import static org.assertj.core.api.Assertions.assertThat;

import io.captioner.events.ModelActivation;
import io.captioner.events.ModelManifest;
import io.captioner.events.ModelTopicRecord;
import io.captioner.modeltopic.ModelVerificationException.Reason;
import io.captioner.schemas.ModelTopicKeys;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Which activation is in force: with trusted keys only the validly signed one with the highest
 * sequence, whatever a writer of the topic replays, forges or deletes, and also for a reader that
 * starts on the compacted topic.
 */
class SignedActivationTest {

    private final SigningKey key = ModelSigning.generateKey();
    private final TrustedKeys trusted = TrustedKeys.of(key.publicKey());
    private final List<Map.Entry<String, ModelTopicRecord>> topic = new ArrayList<>();
    private ModelManifest v1;
    private ModelManifest v2;
    private ModelCatalog catalog;

    @BeforeEach
    void publishTwoSignedVersions() {
        byte[] artifact = TestModels.randomBytes(100, 1);
        v1 = key.sign(TestModels.manifest("cap", "v1", artifact, 100));
        v2 = key.sign(TestModels.manifest("cap", "v2", artifact, 100));
        catalog = new ModelCatalog(ChunkStorage.METADATA_ONLY, trusted, null);
        write(ModelTopicKeys.manifest("cap", "v1"), v1);
        writeActivation(signed("v1", 1, v1));
        write(ModelTopicKeys.manifest("cap", "v2"), v2);
        writeActivation(signed("v2", 2, v2));
    }

    @AfterEach
    void close() {
        catalog.close();
    }

    @Test
    void shouldServeTheHighestValidSignedActivation() {
        assertThat(catalog.activeVersion("cap")).contains("v2");
        assertThat(catalog.highestActivationSequence("cap")).isEqualTo(2);
        assertThat(catalog.activationHistory("cap"))
                .extracting(ModelActivation::getVersion)
                .containsExactly("v1", "v2");
    }

    @Test
    void shouldRefuseAReplayedOlderSignedActivationUnderAnyKey() {
        ModelActivation first = signed("v1", 1, v1);

        assertThat(write(ModelTopicKeys.activation("cap"), first))
                .as("the legacy key does not count with trusted keys")
                .isEmpty();
        assertThat(write(ModelTopicKeys.activation("cap", 1), first))
                .hasValueSatisfying(e -> assertThat(e.reason()).isEqualTo(Reason.STALE_ACTIVATION));
        assertThat(write(ModelTopicKeys.activation("cap", 3), first))
                .hasValueSatisfying(
                        e -> assertThat(e.reason()).isEqualTo(Reason.ACTIVATION_MISMATCH));

        assertThat(catalog.activeVersion("cap")).contains("v2");
    }

    @Test
    void shouldRefuseUnsignedForeignAndTamperedActivations() {
        ModelActivation unsigned = TestModels.activation("cap", "v1", 3, v1);
        ModelActivation foreign = ModelSigning.generateKey().sign(unsigned);
        ModelActivation tampered =
                ModelActivation.newBuilder(signed("v1", 3, v1)).setSequence(4L).build();

        assertThat(write(ModelTopicKeys.activation("cap", 3), unsigned))
                .hasValueSatisfying(e -> assertThat(e.reason()).isEqualTo(Reason.UNSIGNED));
        assertThat(write(ModelTopicKeys.activation("cap", 3), foreign))
                .hasValueSatisfying(e -> assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_KEY));
        assertThat(write(ModelTopicKeys.activation("cap", 4), tampered))
                .hasValueSatisfying(e -> assertThat(e.reason()).isEqualTo(Reason.BAD_SIGNATURE));

        assertThat(catalog.activeVersion("cap")).contains("v2");
    }

    @Test
    void shouldRefuseActivationTombstonesAndKeepServing() {
        assertThat(write(ModelTopicKeys.activation("cap", 2), null))
                .hasValueSatisfying(
                        e -> assertThat(e.reason()).isEqualTo(Reason.ACTIVATION_TOMBSTONE));
        assertThat(write(ModelTopicKeys.activation("cap"), null)).isEmpty();

        assertThat(catalog.activeVersion("cap")).contains("v2");
    }

    @Test
    void shouldAcceptANewerSignedActivationAndTheCompatibilityCopySilently() {
        assertThat(writeActivation(signed("v1", 3, v1))).isEmpty();

        assertThat(catalog.activeVersion("cap")).contains("v1");
        assertThat(catalog.activationHistory("cap")).hasSize(3);
    }

    @Test
    void shouldKeepTheNewestSignedActivationForAReaderStartingAfterCompaction() {
        // given: a writer replays activation 1 under the legacy key and under its own key
        ModelActivation first = signed("v1", 1, v1);
        write(ModelTopicKeys.activation("cap"), first);
        write(ModelTopicKeys.activation("cap", 1), first);

        // when: compaction keeps the latest record per key, and a reader starts on that
        List<Map.Entry<String, ModelTopicRecord>> compacted = compact(topic);
        try (ModelCatalog fresh = new ModelCatalog(ChunkStorage.METADATA_ONLY, trusted, null)) {
            long offset = 0;
            for (Map.Entry<String, ModelTopicRecord> record : compacted) {
                fresh.apply(record.getKey(), record.getValue(), offset++);
            }

            // then
            assertThat(fresh.activeVersion("cap")).contains("v2");
        }
        assertThat(compacted)
                .extracting(Map.Entry::getKey)
                .contains(ModelTopicKeys.activation("cap", 2));
    }

    @Test
    void shouldFollowTheLatestActivationWithoutTrustedKeysAsBefore() {
        try (ModelCatalog open =
                new ModelCatalog(ChunkStorage.METADATA_ONLY, TrustedKeys.none(), null)) {
            long offset = 0;
            for (Map.Entry<String, ModelTopicRecord> record : topic) {
                open.apply(record.getKey(), record.getValue(), offset++);
            }
            open.apply(
                    ModelTopicKeys.activation("cap"),
                    new ModelTopicRecord(TestModels.activation("cap", "v1", 1, v1)),
                    offset++);
            assertThat(open.activeVersion("cap")).contains("v1");

            open.apply(ModelTopicKeys.activation("cap"), null, offset++);
            assertThat(open.activeVersion("cap")).contains("v2");
        }
    }

    private ModelActivation signed(String version, long sequence, ModelManifest manifest) {
        return key.sign(TestModels.activation("cap", version, sequence, manifest));
    }

    /** Writes an activation as the publisher does: under its own key, then the legacy copy. */
    private Optional<ModelVerificationException> writeActivation(ModelActivation activation) {
        Optional<ModelVerificationException> own =
                write(ModelTopicKeys.activation("cap", activation.getSequence()), activation);
        Optional<ModelVerificationException> copy =
                write(ModelTopicKeys.activation("cap"), activation);
        assertThat(copy).isEmpty();
        return own;
    }

    private Optional<ModelVerificationException> write(String key, Object payload) {
        ModelTopicRecord value = payload == null ? null : new ModelTopicRecord(payload);
        topic.add(new SimpleEntry<>(key, value));
        return catalog.apply(key, value, topic.size() - 1);
    }

    /** The latest record of every key, in the order of those records (what compaction keeps). */
    private static List<Map.Entry<String, ModelTopicRecord>> compact(
            List<Map.Entry<String, ModelTopicRecord>> log) {
        Map<String, Integer> last = new LinkedHashMap<>();
        for (int i = 0; i < log.size(); i++) {
            last.put(log.get(i).getKey(), i);
        }
        List<Map.Entry<String, ModelTopicRecord>> kept = new ArrayList<>();
        for (int i = 0; i < log.size(); i++) {
            Map.Entry<String, ModelTopicRecord> record = log.get(i);
            if (last.get(record.getKey()) == i && record.getValue() != null) {
                kept.add(record);
            }
        }
        return kept;
    }
}
