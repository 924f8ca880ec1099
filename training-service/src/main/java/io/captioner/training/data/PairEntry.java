package io.captioner.training.data;

import io.captioner.events.SplitHint;
import java.util.List;
import java.util.Objects;

/**
 * One image of the dataset of record: its id, the hash of its encoded bytes (the key of its cached
 * pixels), its reference captions and its split hint.
 *
 * @param imageId the image id (the record key)
 * @param contentSha256 hex SHA-256 of the encoded image bytes
 * @param captions the reference captions, as published
 * @param split the pair's split hint, or null to hash the id
 */
public record PairEntry(
        String imageId, String contentSha256, List<String> captions, SplitHint split) {
    /** Validates and copies. */
    public PairEntry {
        Objects.requireNonNull(imageId, "imageId");
        Objects.requireNonNull(contentSha256, "contentSha256");
        captions = List.copyOf(captions);
    }
}
