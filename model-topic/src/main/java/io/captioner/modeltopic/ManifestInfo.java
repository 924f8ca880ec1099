package io.captioner.modeltopic;

import io.captioner.events.ModelArchitecture;
import io.captioner.events.ModelManifest;
import io.captioner.modeltopic.internal.Chunking;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the producer of a model knows about it, beyond the artifact bytes: the publisher adds size,
 * checksum, chunking and signature to make the {@code ModelManifest} ({@link #toManifest}, the one
 * place where this becomes the Avro record).
 */
public final class ManifestInfo {

    private final String modelName;
    private final String version;
    private final ModelArchitecture architecture;
    private final Map<String, Double> metrics;
    private final String parentVersion;
    private final String artifactFormat;
    private final Instant createdTime;

    private ManifestInfo(Builder builder) {
        this.modelName = builder.modelName;
        this.version = builder.version;
        this.architecture = builder.architecture;
        this.metrics = Map.copyOf(builder.metrics);
        this.parentVersion = builder.parentVersion;
        this.artifactFormat = builder.artifactFormat;
        this.createdTime = builder.createdTime;
    }

    /** Starts a builder; model name, version and architecture are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** The model name. */
    public String modelName() {
        return modelName;
    }

    /** The version, opaque but unique within the model name. */
    public String version() {
        return version;
    }

    /** The model's shape. */
    public ModelArchitecture architecture() {
        return architecture;
    }

    /** Evaluation metrics by name; empty when not evaluated. */
    public Map<String, Double> metrics() {
        return metrics;
    }

    /** The version this one was fine-tuned from. */
    public Optional<String> parentVersion() {
        return Optional.ofNullable(parentVersion);
    }

    /** The artifact's format. */
    public Optional<String> artifactFormat() {
        return Optional.ofNullable(artifactFormat);
    }

    /** When the model was produced; empty means "when published". */
    public Optional<Instant> createdTime() {
        return Optional.ofNullable(createdTime);
    }

    /**
     * The topic's manifest of an artifact of {@code sizeBytes} bytes with {@code sha256}, cut into
     * chunks of {@code chunkSizeBytes}; unsigned (the publisher signs it). This is the only place
     * where a {@code ManifestInfo} becomes the Avro {@code ModelManifest}, so a new field is mapped
     * here and nowhere else.
     *
     * @param publishTime the creation time used when {@link #createdTime()} is empty
     * @throws IllegalArgumentException if size or chunk size are out of range
     */
    public ModelManifest toManifest(
            long sizeBytes, String sha256, int chunkSizeBytes, Instant publishTime) {
        return ModelManifest.newBuilder()
                .setModelName(modelName)
                .setVersion(version)
                .setArtifactSizeBytes(sizeBytes)
                .setSha256(Objects.requireNonNull(sha256, "sha256"))
                .setChunkCount(Chunking.chunkCount(sizeBytes, chunkSizeBytes))
                .setChunkSizeBytes(chunkSizeBytes)
                .setArtifactFormat(artifactFormat)
                .setArchitecture(architecture)
                .setMetrics(new HashMap<>(metrics))
                .setParentVersion(parentVersion)
                .setCreatedTime(createdTime != null ? createdTime : publishTime)
                .build();
    }

    /** Builder of {@link ManifestInfo}: {@code setX} is required, {@code optX} not. */
    public static final class Builder {
        private String modelName;
        private String version;
        private ModelArchitecture architecture;
        private Map<String, Double> metrics = Map.of();
        private String parentVersion;
        private String artifactFormat;
        private Instant createdTime;

        private Builder() {}

        /** Sets the model name (non-blank, no {@code /}). */
        public Builder setModelName(String modelName) {
            this.modelName = modelName;
            return this;
        }

        /** Sets the version (non-blank, no {@code /}). */
        public Builder setVersion(String version) {
            this.version = version;
            return this;
        }

        /** Sets the model's shape. */
        public Builder setArchitecture(ModelArchitecture architecture) {
            this.architecture = architecture;
            return this;
        }

        /** Sets evaluation metrics by name. */
        public Builder optMetrics(Map<String, Double> metrics) {
            this.metrics = Objects.requireNonNull(metrics, "metrics");
            return this;
        }

        /** Sets the version this one was fine-tuned from. */
        public Builder optParentVersion(String parentVersion) {
            this.parentVersion = parentVersion;
            return this;
        }

        /** Sets the artifact format (e.g. {@code djl-zip}). */
        public Builder optArtifactFormat(String artifactFormat) {
            this.artifactFormat = artifactFormat;
            return this;
        }

        /** Sets when the model was produced (default: when published). */
        public Builder optCreatedTime(Instant createdTime) {
            this.createdTime = createdTime;
            return this;
        }

        /**
         * Validates and builds.
         *
         * @throws IllegalArgumentException if a required field is missing or a name is invalid
         */
        public ManifestInfo build() {
            requirePart(modelName, "modelName");
            requirePart(version, "version");
            if (architecture == null) {
                throw new IllegalArgumentException("architecture is required");
            }
            for (Map.Entry<String, Double> metric : metrics.entrySet()) {
                if (metric.getKey() == null || metric.getValue() == null) {
                    throw new IllegalArgumentException("metrics must not hold nulls: " + metrics);
                }
            }
            if (parentVersion != null) {
                requirePart(parentVersion, "parentVersion");
            }
            return new ManifestInfo(this);
        }

        private static void requirePart(String value, String what) {
            if (value == null || value.isBlank() || value.contains("/")) {
                throw new IllegalArgumentException(
                        what + " must be non-blank and free of '/': " + value);
            }
        }
    }
}
