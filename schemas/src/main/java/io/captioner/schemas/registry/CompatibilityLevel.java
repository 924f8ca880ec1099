package io.captioner.schemas.registry;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

/**
 * Confluent's compatibility rules for a subject, evaluated with Avro's {@link SchemaCompatibility};
 * used by {@link InMemorySchemaRegistryClient} and by the embedded registry server.
 */
public enum CompatibilityLevel {
    /** Any schema is accepted. */
    NONE(false, false, false),
    /** The new schema can read data written with the latest one. */
    BACKWARD(true, false, false),
    /** The new schema can read data written with every earlier one. */
    BACKWARD_TRANSITIVE(true, false, true),
    /** The latest schema can read data written with the new one. */
    FORWARD(false, true, false),
    /** Every earlier schema can read data written with the new one. */
    FORWARD_TRANSITIVE(false, true, true),
    /** Both BACKWARD and FORWARD against the latest schema. */
    FULL(true, true, false),
    /** Both BACKWARD and FORWARD against every earlier schema. */
    FULL_TRANSITIVE(true, true, true);

    private final boolean backward;
    private final boolean forward;
    private final boolean transitive;

    CompatibilityLevel(boolean backward, boolean forward, boolean transitive) {
        this.backward = backward;
        this.forward = forward;
        this.transitive = transitive;
    }

    /** Whether the new schema must be able to read data written with earlier versions. */
    public boolean backward() {
        return backward;
    }

    /** Whether earlier versions must be able to read data written with the new schema. */
    public boolean forward() {
        return forward;
    }

    /** Whether every earlier version is checked, not only the latest. */
    public boolean transitive() {
        return transitive;
    }

    /** Parses a level name case-insensitively, as the Confluent REST API accepts it. */
    public static Optional<CompatibilityLevel> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(valueOf(name.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * Returns null when {@code candidate} is compatible with {@code existing} (oldest first), else
     * a description of the first incompatibility, so callers can put it into their error message.
     */
    public String findIncompatibility(Schema candidate, List<Schema> existing) {
        if (existing.isEmpty() || this == NONE) {
            return null;
        }
        List<Schema> against = transitive ? existing : List.of(existing.get(existing.size() - 1));
        for (Schema old : against) {
            if (backward) {
                String problem = check(candidate, old, "new schema cannot read data written by");
                if (problem != null) {
                    return problem;
                }
            }
            if (forward) {
                String problem = check(old, candidate, "old schema cannot read data written by");
                if (problem != null) {
                    return problem;
                }
            }
        }
        return null;
    }

    private static String check(Schema reader, Schema writer, String what) {
        SchemaCompatibility.SchemaPairCompatibility result =
                SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (result.getType() == SchemaCompatibilityType.COMPATIBLE) {
            return null;
        }
        return what + " the other: " + describe(result);
    }

    /**
     * Summarizes an Avro compatibility result as {@code TYPE at /location: message} items, leaving
     * out the full schemas that Avro's own {@code toString()} would print.
     */
    public static String describe(SchemaCompatibility.SchemaPairCompatibility result) {
        StringBuilder text = new StringBuilder();
        for (SchemaCompatibility.Incompatibility i : result.getResult().getIncompatibilities()) {
            if (text.length() > 0) {
                text.append("; ");
            }
            text.append(i.getType())
                    .append(" at ")
                    .append(i.getLocation())
                    .append(": ")
                    .append(i.getMessage());
        }
        return text.length() == 0 ? result.getType().toString() : text.toString();
    }
}
