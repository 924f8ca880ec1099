package io.captioner.model.artifact;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.captioner.model.nn.Architecture;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Everything needed to rebuild and judge a model, stored as {@code manifest.json} in its artifact:
 * identity (name and sortable version), architecture, preprocessing, vocabulary, how it was
 * trained, evaluation metrics and the SHA-256 of its weights. Immutable; the {@code with*} methods
 * return modified copies.
 *
 * @param formatVersion artifact format version, see {@link ModelArtifact#FORMAT_VERSION}
 * @param name model name, e.g. {@code captioner}
 * @param version sortable version {@code yyyyMMdd'T'HHmmss'Z'-<first 8 hex of the weights'
 *     SHA-256>}
 * @param createdAt ISO-8601 instant the artifact was created
 * @param architecture network sizes and encoder
 * @param preprocessing image preprocessing the model was trained with
 * @param vocabulary words in index order, special tokens first
 * @param training how the model was trained, or null if unknown
 * @param metrics evaluation metrics by name, e.g. {@code BLEU_4}
 * @param weightsSha256 hex SHA-256 of the weights entry
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelManifest(
        int formatVersion,
        String name,
        String version,
        String createdAt,
        Architecture architecture,
        Preprocessing preprocessing,
        List<String> vocabulary,
        TrainingSummary training,
        Map<String, Double> metrics,
        String weightsSha256) {

    /** Validates and copies. */
    public ModelManifest {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(preprocessing, "preprocessing");
        vocabulary = List.copyOf(vocabulary);
        metrics = metrics == null ? Map.of() : Map.copyOf(new TreeMap<>(metrics));
    }

    /**
     * Image preprocessing parameters.
     *
     * @param inputSize square input resolution
     * @param mean per-channel mean, RGB
     * @param std per-channel standard deviation, RGB
     */
    public record Preprocessing(int inputSize, List<Float> mean, List<Float> std) {
        /** Copies the lists. */
        public Preprocessing {
            mean = List.copyOf(mean);
            std = List.copyOf(std);
        }
    }

    /** Copy with {@code added} merged into the metrics (same names are replaced). */
    public ModelManifest withMetrics(Map<String, Double> added) {
        Map<String, Double> merged = new LinkedHashMap<>(metrics);
        merged.putAll(added);
        return new ModelManifest(
                formatVersion,
                name,
                version,
                createdAt,
                architecture,
                preprocessing,
                vocabulary,
                training,
                merged,
                weightsSha256);
    }

    /** Copy with another identity and weights checksum, for a new save. */
    public ModelManifest withIdentity(String newVersion, String newCreatedAt, String sha256) {
        return new ModelManifest(
                formatVersion,
                name,
                newVersion,
                newCreatedAt,
                architecture,
                preprocessing,
                vocabulary,
                training,
                metrics,
                sha256);
    }
}
