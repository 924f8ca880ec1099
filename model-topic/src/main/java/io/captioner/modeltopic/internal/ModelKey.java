package io.captioner.modeltopic.internal;

import java.util.Optional;

/**
 * A parsed key of the {@code models} topic, the inverse of {@link
 * io.captioner.schemas.ModelTopicKeys}; needed for tombstones, which carry only their key.
 *
 * @param kind what the key addresses
 * @param modelName the model name
 * @param version the version, null for activation keys
 * @param chunkIndex the chunk index, -1 unless {@code kind} is {@link Kind#CHUNK}
 */
public record ModelKey(Kind kind, String modelName, String version, int chunkIndex) {

    /** What a key addresses. */
    public enum Kind {
        /** {@code <name>/<version>/manifest}. */
        MANIFEST,
        /** {@code <name>/<version>/chunk/<index>}. */
        CHUNK,
        /** {@code <name>/activation}. */
        ACTIVATION
    }

    /** Parses {@code key}; empty if it is not a key {@code ModelTopicKeys} makes. */
    public static Optional<ModelKey> parse(String key) {
        if (key == null) {
            return Optional.empty();
        }
        String[] parts = key.split("/", -1);
        for (String part : parts) {
            if (part.isBlank()) {
                return Optional.empty();
            }
        }
        if (parts.length == 2 && parts[1].equals("activation")) {
            return Optional.of(new ModelKey(Kind.ACTIVATION, parts[0], null, -1));
        }
        if (parts.length == 3 && parts[2].equals("manifest")) {
            return Optional.of(new ModelKey(Kind.MANIFEST, parts[0], parts[1], -1));
        }
        if (parts.length == 4 && parts[2].equals("chunk") && parts[3].matches("[0-9]{6}")) {
            return Optional.of(
                    new ModelKey(Kind.CHUNK, parts[0], parts[1], Integer.parseInt(parts[3])));
        }
        return Optional.empty();
    }
}
