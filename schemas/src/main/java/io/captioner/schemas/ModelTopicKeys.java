package io.captioner.schemas;

import io.captioner.events.ModelActivation;
import io.captioner.events.ModelChunk;
import io.captioner.events.ModelManifest;
import io.captioner.events.ModelTopicRecord;
import java.util.Locale;

/**
 * Record keys of the compacted {@code models} topic: one distinct key per manifest and chunk of a
 * version, so compaction keeps every version's artifact, and one key per model name for
 * activations, so compaction keeps only the latest activation.
 *
 * <ul>
 *   <li>{@code <name>/<version>/manifest}
 *   <li>{@code <name>/<version>/chunk/<index>} with the index zero-padded to 6 digits
 *   <li>{@code <name>/activation}
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

    /** Key of the activation record of model {@code name}. */
    public static String activation(String name) {
        return part(name, "name") + "/activation";
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
            return activation(a.getModelName());
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
