package io.captioner.stack.internal;

import io.captioner.schemas.registry.CompatibilityLevel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;
import org.apache.avro.SchemaParseException;

/** Parses Avro schemas and checks them against earlier versions with Avro's own rules. */
public final class AvroCompatibility {

    /** The only schema type this registry serves. */
    public static final String AVRO = "AVRO";

    private AvroCompatibility() {}

    /**
     * Parses {@code text} as an Avro schema of the declared type (null or empty means AVRO).
     *
     * @throws RegistryException 42201 if the type is not AVRO or the text is not a valid schema
     */
    public static Schema parse(String text, String schemaType) {
        if (schemaType != null
                && !schemaType.isEmpty()
                && !AVRO.equals(schemaType.toUpperCase(Locale.ROOT))) {
            throw RegistryException.invalidSchema(
                    "schemaType "
                            + schemaType
                            + " is not supported; this registry serves AVRO only");
        }
        if (text == null || text.isBlank()) {
            throw RegistryException.invalidSchema("the request has no schema");
        }
        try {
            // A fresh parser per schema: a parser remembers named types between calls.
            return new Schema.Parser().parse(text);
        } catch (SchemaParseException | NullPointerException e) {
            throw RegistryException.invalidSchema(e.getMessage());
        } catch (RuntimeException e) {
            // Avro reports some malformed JSON (e.g. bad default values) with other exceptions.
            throw RegistryException.invalidSchema(e.toString());
        }
    }

    /** The canonical text stored and returned for a schema: Avro's normalized JSON form. */
    public static String canonical(Schema schema) {
        return schema.toString();
    }

    /**
     * Checks {@code candidate} against earlier versions under {@code level} and lists every
     * problem; an empty list means compatible.
     *
     * @param level the compatibility level of the subject
     * @param candidate the new schema
     * @param earlier the versions to check against by version number; callers pass only the latest
     *     for non-transitive levels
     */
    public static List<String> incompatibilities(
            CompatibilityLevel level, Schema candidate, SortedMap<Integer, Schema> earlier) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<Integer, Schema> entry : earlier.entrySet()) {
            Schema previous = entry.getValue();
            if (level.backward()) {
                describe(
                        SchemaCompatibility.checkReaderWriterCompatibility(candidate, previous),
                        "new schema reading data written with version " + entry.getKey(),
                        problems);
            }
            if (level.forward()) {
                describe(
                        SchemaCompatibility.checkReaderWriterCompatibility(previous, candidate),
                        "version " + entry.getKey() + " reading data written with new schema",
                        problems);
            }
        }
        return problems;
    }

    private static void describe(
            SchemaPairCompatibility result, String direction, List<String> problems) {
        for (Incompatibility incompatibility : result.getResult().getIncompatibilities()) {
            problems.add(
                    String.format(
                            Locale.ROOT,
                            "{errorType:'%s', description:'%s', location:'%s'} (%s)",
                            incompatibility.getType(),
                            incompatibility.getMessage(),
                            incompatibility.getLocation(),
                            direction));
        }
    }
}
