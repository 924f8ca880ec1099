package io.captioner.release;

import io.captioner.events.ModelArchitecture;
import io.captioner.model.artifact.ModelArtifact;
import io.captioner.model.artifact.ModelManifest;
import io.captioner.model.artifact.TrainingSummary;
import io.captioner.model.nn.Architecture;
import io.captioner.modeltopic.ManifestInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.TreeMap;

/**
 * The bridge between a captioner model artifact ({@link ModelArtifact}) and the topic's manifest,
 * shared by every publisher (the CLI, the training service, tests) so a version means the same
 * thing wherever it was published.
 */
public final class CaptionerArtifacts {

    /** Artifact format recorded in manifests of artifacts written by {@link ModelArtifact}. */
    public static final String ARTIFACT_FORMAT = "captioner-zip-v" + ModelArtifact.FORMAT_VERSION;

    /** Metric name of the training loss taken from an artifact's training summary. */
    public static final String TRAIN_LOSS = "train_loss";

    /** Metric name of the validation loss taken from an artifact's training summary. */
    public static final String VALIDATION_LOSS = "val_loss";

    private CaptionerArtifacts() {}

    /**
     * Reads the manifest of the artifact file and maps it, see {@link #manifestInfo(ModelManifest,
     * String)}.
     *
     * @throws IOException if the file cannot be read or is not a model artifact
     * @throws IllegalArgumentException if the artifact has no version or an invalid name
     */
    public static ManifestInfo manifestInfo(Path artifactFile, String parentVersion)
            throws IOException {
        return manifestInfo(ModelArtifact.readManifest(artifactFile), parentVersion);
    }

    /**
     * Maps an artifact's own manifest to what the topic's manifest needs: name and version
     * unchanged (captions name the version), architecture, metrics and creation time.
     *
     * @param parentVersion the version this one was trained from, or null
     * @throws IllegalArgumentException if the artifact has no version or an invalid name
     */
    public static ManifestInfo manifestInfo(ModelManifest artifact, String parentVersion) {
        if (artifact.version() == null || artifact.version().isBlank()) {
            throw new IllegalArgumentException(
                    "the artifact's manifest has no version (save models with Captioner.save)");
        }
        Architecture a = artifact.architecture();
        ModelArchitecture architecture =
                ModelArchitecture.newBuilder()
                        .setEncoderName(a.encoder())
                        .setEmbedSize(a.embedSize())
                        .setHiddenSize(a.hiddenSize())
                        .setNumLayers(a.layers())
                        .setVocabSize(a.vocabularySize())
                        .setInputImageSize(a.inputSize())
                        .setMaxCaptionLength(null)
                        .build();
        return ManifestInfo.builder()
                .setModelName(artifact.name())
                .setVersion(artifact.version())
                .setArchitecture(architecture)
                .optMetrics(metrics(artifact))
                .optParentVersion(parentVersion)
                .optArtifactFormat(ARTIFACT_FORMAT)
                .optCreatedTime(parseInstant(artifact.createdAt()))
                .build();
    }

    /**
     * The artifact's metrics plus, unless already there, the kept epoch's losses from its training
     * summary as {@value #TRAIN_LOSS} and {@value #VALIDATION_LOSS}, so untested versions can still
     * be compared; non-finite losses (no validation set) are left out.
     */
    public static Map<String, Double> metrics(ModelManifest artifact) {
        Map<String, Double> metrics = new TreeMap<>(artifact.metrics());
        TrainingSummary training = artifact.training();
        if (training != null) {
            putFinite(metrics, TRAIN_LOSS, training.trainLoss());
            putFinite(metrics, VALIDATION_LOSS, training.validationLoss());
        }
        return metrics;
    }

    private static void putFinite(Map<String, Double> metrics, String name, double value) {
        if (Double.isFinite(value)) {
            metrics.putIfAbsent(name, value);
        }
    }

    private static Instant parseInstant(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            // An odd timestamp is no reason to refuse a model: the publish time stands in.
            return null;
        }
    }
}
