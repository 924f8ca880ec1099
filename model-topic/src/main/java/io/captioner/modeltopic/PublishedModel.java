package io.captioner.modeltopic;

import io.captioner.events.ModelActivation;
import io.captioner.events.ModelManifest;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of {@link ModelPublisher#publish}: all of it was committed in one transaction.
 *
 * @param manifest the manifest on the topic (signed when the publisher has a key)
 * @param chunksWritten whether chunks and manifest were written; false when the identical version
 *     was already complete on the topic
 * @param activation the activation written, if any
 * @param prunedVersions versions deleted by the retention policy in the same transaction
 */
public record PublishedModel(
        ModelManifest manifest,
        boolean chunksWritten,
        Optional<ModelActivation> activation,
        List<String> prunedVersions) {

    /** Copies the list. */
    public PublishedModel {
        prunedVersions = List.copyOf(prunedVersions);
    }
}
