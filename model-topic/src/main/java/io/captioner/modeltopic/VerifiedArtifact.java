package io.captioner.modeltopic;

import io.captioner.events.ModelManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A model artifact reassembled from the {@code models} topic into a file, after every check of
 * {@link ModelCatalog#assemble} passed: chunk count, chunk checksums, size, whole checksum and
 * (with trusted keys) signature.
 *
 * @param manifest the verified manifest
 * @param path the file holding exactly the artifact's bytes; the caller owns it
 */
public record VerifiedArtifact(ModelManifest manifest, Path path) {

    /** Validates the components. */
    public VerifiedArtifact {
        Objects.requireNonNull(manifest, "manifest");
        Objects.requireNonNull(path, "path");
    }

    /** The model name. */
    public String modelName() {
        return manifest.getModelName();
    }

    /** The version. */
    public String version() {
        return manifest.getVersion();
    }

    /** The verified SHA-256, lower-case hex. */
    public String sha256() {
        return manifest.getSha256();
    }

    /** The artifact size in bytes. */
    public long sizeBytes() {
        return manifest.getArtifactSizeBytes();
    }

    /** Reads the whole artifact into memory (for small artifacts and tests). */
    public byte[] readAllBytes() throws IOException {
        return Files.readAllBytes(path);
    }
}
