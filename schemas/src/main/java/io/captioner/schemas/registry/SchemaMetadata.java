package io.captioner.schemas.registry;

import java.util.Objects;
import org.apache.avro.Schema;

/**
 * One registered version of a subject, as returned by {@code GET /subjects/{s}/versions/latest}.
 *
 * @param subject the subject, e.g. {@code images-value}
 * @param id the global schema id written into the wire format
 * @param version the subject-local version number, starting at 1
 * @param schema the parsed Avro schema
 */
public record SchemaMetadata(String subject, int id, int version, Schema schema) {

    /** Validates that every component is present. */
    public SchemaMetadata {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(schema, "schema");
    }
}
