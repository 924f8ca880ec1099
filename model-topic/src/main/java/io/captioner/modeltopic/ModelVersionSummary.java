package io.captioner.modeltopic;

import io.captioner.events.ModelManifest;
import java.util.Optional;

/**
 * What a {@link ModelCatalog} knows about one version of one model, as of a moment.
 *
 * @param modelName the model name
 * @param version the version
 * @param manifest the manifest, empty if only chunks were seen
 * @param chunksPresent how many distinct chunks are present
 * @param bytesPresent total length of the present chunks
 * @param complete whether the manifest and all its chunks are present (checksums are checked only
 *     by {@link ModelCatalog#assemble})
 * @param active whether this version is the model's active version
 * @param firstOffset offset of the first record of this version still on the topic; versions are
 *     ordered by it
 */
public record ModelVersionSummary(
        String modelName,
        String version,
        Optional<ModelManifest> manifest,
        int chunksPresent,
        long bytesPresent,
        boolean complete,
        boolean active,
        long firstOffset) {}
