package io.captioner.schemas;

import io.captioner.events.ModelActivation;
import io.captioner.events.ModelChunk;
import io.captioner.events.ModelManifest;
import io.captioner.events.ModelTopicRecord;
import java.util.Locale;

/**
 * Record keys of the compacted {@code models} topic: one distinct key per manifest and chunk of a
 * version, so compaction keeps every version's artifact, and one key per activation, so compaction
 * keeps every activation and a replayed old activation can never overwrite a newer one.
 *
 * <ul>
 *   <li>{@code <name>/<version>/manifest}
 *   <li>{@code <name>/<version>/chunk/<index>} with the index zero-padded to 6 digits
 *   <li>{@code <name>/activation/<sequence>} with the activation sequence zero-padded to 12 digits
 *   <li>{@code <name>/activation}: the key of activations before sequences existed; publishers
 *       still write a copy of the latest activation there for readers of that age
 * </ul>
 */
public final class ModelTopicKeys {

    /**
     * Recommended chunk size: well below the broker's default {@code max.message.bytes} (1 MiB).
     */
    public static final int RECOMMENDED_CHUNK_BYTES = 512 * 1024;

    private ModelTopicKeys() {}

    /** Key of the manifest of {@code version} of model {@code name}. */
    public static String manifest(String name, String version) {
        return part(name, "name") + "/" + part(version, "version") + "/manifest";
    }

    /** Key of chunk {@code index} of {@code version} of model {@code name}. */
    public static String chunk(String name, String version, int index) {
        if (index < 0 || index > 999_999) {
            throw new IllegalArgumentException("Chunk index must be 0..999999: " + index);
        }
        return part(name, "name")
                + "/"
                + part(version, "version")
                + String.format(Locale.ROOT, "/chunk/%06d", index);
    }

    /** Largest activation sequence a key can hold. */
    public static final long MAX_ACTIVATION_SEQUENCE = 999_999_999_999_999_999L;

    /**
     * Legacy key of the activation record of model {@code name}: the only activation key before
     * sequences existed, now the compatibility copy of the latest activation for old readers.
     */
    public static String activation(String name) {
        return part(name, "name") + "/activation";
    }

    /** Key of activation number {@code sequence} (at least 1) of model {@code name}. */
    public static String activation(String name, long sequence) {
        if (sequence < 1 || sequence > MAX_ACTIVATION_SEQUENCE) {
            throw new IllegalArgumentException(
                    "Activation sequence must be 1.." + MAX_ACTIVATION_SEQUENCE + ": " + sequence);
        }
        return part(name, "name") + String.format(Locale.ROOT, "/activation/%012d", sequence);
    }

    /** Key under which {@code record} belongs, chosen by its payload type. */
    public static String keyFor(ModelTopicRecord record) {
        Object payload = record.getPayload();
        if (payload instanceof ModelManifest m) {
            return manifest(m.getModelName(), m.getVersion());
        }
        if (payload instanceof ModelChunk c) {
            return chunk(c.getModelName(), c.getVersion(), c.getIndex());
        }
        if (payload instanceof ModelActivation a) {
            return a.getSequence() == null
                    ? activation(a.getModelName())
                    : activation(a.getModelName(), a.getSequence());
        }
        throw new IllegalArgumentException(
                "Unknown models payload: "
                        + (payload == null ? "null" : payload.getClass().getName()));
    }

    private static String part(String value, String what) {
        if (value == null || value.isBlank() || value.contains("/")) {
            throw new IllegalArgumentException(
                    "Model " + what + " must be non-blank and free of '/': " + value);
        }
        return value;
    }
}
