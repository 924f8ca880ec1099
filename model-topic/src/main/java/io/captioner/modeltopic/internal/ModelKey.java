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
 * @param sequence the activation sequence of {@code <name>/activation/<sequence>}; -1 for the
 *     legacy {@code <name>/activation} key and for manifests and chunks
 */
public record ModelKey(Kind kind, String modelName, String version, int chunkIndex, long sequence) {

    /** What a key addresses. */
    public enum Kind {
        /** {@code <name>/<version>/manifest}. */
        MANIFEST,
        /** {@code <name>/<version>/chunk/<index>}. */
        CHUNK,
        /** {@code <name>/activation/<sequence>} or the legacy {@code <name>/activation}. */
        ACTIVATION
    }

    /** Whether this is the legacy, unsequenced activation key {@code <name>/activation}. */
    public boolean isLegacyActivation() {
        return kind == Kind.ACTIVATION && sequence < 0;
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
            return Optional.of(new ModelKey(Kind.ACTIVATION, parts[0], null, -1, -1));
        }
        if (parts.length == 3 && parts[2].equals("manifest")) {
            return Optional.of(new ModelKey(Kind.MANIFEST, parts[0], parts[1], -1, -1));
        }
        if (parts.length == 3
                && parts[1].equals("activation")
                && parts[2].matches("[0-9]{12,18}")) {
            long sequence = Long.parseLong(parts[2]);
            if (sequence < 1) {
                return Optional.empty();
            }
            return Optional.of(new ModelKey(Kind.ACTIVATION, parts[0], null, -1, sequence));
        }
        if (parts.length == 4 && parts[2].equals("chunk") && parts[3].matches("[0-9]{6}")) {
            return Optional.of(
                    new ModelKey(Kind.CHUNK, parts[0], parts[1], Integer.parseInt(parts[3]), -1));
        }
        return Optional.empty();
    }
}
