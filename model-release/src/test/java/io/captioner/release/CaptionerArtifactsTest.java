package io.captioner.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.captioner.model.artifact.ModelArtifact;
import io.captioner.model.artifact.ModelManifest;
import io.captioner.model.artifact.TrainingSummary;
import io.captioner.model.nn.Architecture;
import io.captioner.model.nn.Backbones;
import io.captioner.model.nn.EncoderType;
import io.captioner.modeltopic.ManifestInfo;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How every publisher maps an artifact's manifest to the topic's manifest. */
class CaptionerArtifactsTest {

    private static final Architecture ARCHITECTURE =
            Architecture.of(EncoderType.TINY_CNN, Backbones.DJL, 8, 16, 2, 9);

    @Test
    void shouldCarryNameVersionArchitectureMetricsAndCreationTime() {
        ModelManifest artifact =
                manifest(
                        "20260101T000000Z-0badcafe", "2026-01-01T00:00:00Z", Map.of("BLEU_4", 0.3));

        ManifestInfo info = CaptionerArtifacts.manifestInfo(artifact, "20251231T000000Z-00000000");

        assertThat(info.modelName()).isEqualTo("captioner");
        assertThat(info.version()).isEqualTo("20260101T000000Z-0badcafe");
        assertThat(info.createdTime()).contains(Instant.parse("2026-01-01T00:00:00Z"));
        assertThat(info.parentVersion()).contains("20251231T000000Z-00000000");
        assertThat(info.artifactFormat()).contains(CaptionerArtifacts.ARTIFACT_FORMAT);
        assertThat(info.architecture().getEncoderName()).isEqualTo("tiny-cnn");
        assertThat(info.architecture().getEmbedSize()).isEqualTo(8);
        assertThat(info.architecture().getHiddenSize()).isEqualTo(16);
        assertThat(info.architecture().getNumLayers()).isEqualTo(2);
        assertThat(info.architecture().getVocabSize()).isEqualTo(9);
        assertThat(info.architecture().getInputImageSize()).isEqualTo(ARCHITECTURE.inputSize());
        assertThat(info.metrics()).containsEntry("BLEU_4", 0.3);
    }

    @Test
    void shouldAddFiniteTrainingLossesWithoutOverridingMeasuredMetrics() {
        TrainingSummary training =
                new TrainingSummary(3, 2, 1.5, Double.NaN, 10, 50, 0, 8, 0, 1e-3, 1, 2.0);
        ModelManifest artifact =
                withTraining(
                        manifest(
                                "v1",
                                "2026-01-01T00:00:00Z",
                                Map.of(CaptionerArtifacts.TRAIN_LOSS, 9.0)),
                        training);

        Map<String, Double> metrics = CaptionerArtifacts.manifestInfo(artifact, null).metrics();

        assertThat(metrics)
                .containsEntry(CaptionerArtifacts.TRAIN_LOSS, 9.0)
                .doesNotContainKey(CaptionerArtifacts.VALIDATION_LOSS);
        TrainingSummary validated =
                new TrainingSummary(3, 2, 1.5, 2.5, 10, 50, 5, 8, 0, 1e-3, 1, 2.0);
        assertThat(
                        CaptionerArtifacts.manifestInfo(
                                        withTraining(manifest("v1", null, Map.of()), validated),
                                        null)
                                .metrics())
                .containsEntry(CaptionerArtifacts.TRAIN_LOSS, 1.5)
                .containsEntry(CaptionerArtifacts.VALIDATION_LOSS, 2.5);
    }

    @Test
    void shouldLeaveAnUnparsableCreationTimeToThePublisher() {
        ManifestInfo info =
                CaptionerArtifacts.manifestInfo(manifest("v1", "yesterday", Map.of()), null);

        assertThat(info.createdTime()).isEmpty();
    }

    @Test
    void shouldRefuseAnArtifactWithoutVersion() {
        assertThatThrownBy(
                        () -> CaptionerArtifacts.manifestInfo(manifest(null, null, Map.of()), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no version");
    }

    private static ModelManifest manifest(
            String version, String createdAt, Map<String, Double> metrics) {
        return new ModelManifest(
                ModelArtifact.FORMAT_VERSION,
                "captioner",
                version,
                createdAt,
                ARCHITECTURE,
                new ModelManifest.Preprocessing(
                        ARCHITECTURE.inputSize(), List.of(0.5f, 0.5f, 0.5f), List.of(1f, 1f, 1f)),
                List.of("<pad>", "<start>", "<end>", "<unk>", "a", "b", "c", "d", "e"),
                null,
                metrics,
                "0".repeat(64));
    }

    private static ModelManifest withTraining(ModelManifest m, TrainingSummary training) {
        return new ModelManifest(
                m.formatVersion(),
                m.name(),
                m.version(),
                m.createdAt(),
                m.architecture(),
                m.preprocessing(),
                m.vocabulary(),
                training,
                m.metrics(),
                m.weightsSha256());
    }
}
