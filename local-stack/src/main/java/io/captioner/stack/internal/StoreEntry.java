package io.captioner.stack.internal;

import io.captioner.schemas.registry.CompatibilityLevel;
import java.util.Objects;
import java.util.Optional;

/** One change to the registry's state, as written to and replayed from the backing topic. */
public sealed interface StoreEntry permits StoreEntry.SchemaVersion, StoreEntry.ConfigChange {

    /**
     * A schema registered as {@code version} of {@code subject} under the global {@code id}.
     *
     * @param subject the subject name
     * @param version the version within the subject, from 1
     * @param id the global schema id, shared by identical schemas across subjects
     * @param schema the schema in its canonical text form
     */
    record SchemaVersion(String subject, int version, int id, String schema) implements StoreEntry {
        /** Validates the fields so a corrupt record cannot enter the state. */
        public SchemaVersion {
            Objects.requireNonNull(subject, "subject");
            Objects.requireNonNull(schema, "schema");
            if (version < 1 || id < 1) {
                throw new IllegalArgumentException(
                        "version and id must be positive: " + version + ", " + id);
            }
        }
    }

    /**
     * A compatibility level set globally (empty subject) or for one subject.
     *
     * @param subject the subject, or empty for the global level
     * @param level the new level
     */
    record ConfigChange(Optional<String> subject, CompatibilityLevel level) implements StoreEntry {
        /** Validates the fields. */
        public ConfigChange {
            Objects.requireNonNull(subject, "subject");
            Objects.requireNonNull(level, "level");
        }
    }
}
