package io.captioner.modeltopic;

import io.captioner.events.ModelManifest;
import java.util.Objects;

/**
 * What {@link ModelTransaction#publish} did with one version; committed only with its transaction.
 *
 * @param manifest the manifest on the topic (signed when the publisher has a key)
 * @param written whether manifest and chunks were written; false when the identical version was
 *     already complete on the topic (or published earlier in the same transaction)
 */
public record PublishedVersion(ModelManifest manifest, boolean written) {

    /** Validates the components. */
    public PublishedVersion {
        Objects.requireNonNull(manifest, "manifest");
    }

    /** The model name. */
    public String modelName() {
        return manifest.getModelName();
    }

    /** The version. */
    public String version() {
        return manifest.getVersion();
    }
}
