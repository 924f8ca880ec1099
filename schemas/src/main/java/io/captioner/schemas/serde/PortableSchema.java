package io.captioner.schemas.serde;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * A schema in the form its {@code .avsc} file gives it, the form every client registers and looks
 * up: without the {@code avro.java.string} properties Avro's Java code generator adds to the
 * schemas of generated classes ({@code stringType=String}).
 *
 * <p>Schema registries compare schemas by their canonical JSON, custom properties included
 * (Confluent's does; see its issues #868 and #1352, and Confluent's serializer setting {@code
 * avro.remove.java.properties}); so a Java client registering the generated class's schema and a
 * client in another language registering the {@code .avsc} text would not find each other's schema
 * and would add a version each. Registering the portable form avoids that; the bytes on the wire
 * are the same either way.
 */
public final class PortableSchema {

    /** The property the Java code generator adds to string (and map) types. */
    public static final String JAVA_STRING_PROPERTY = "avro.java.string";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<Schema, Schema> CACHE = new ConcurrentHashMap<>();

    private PortableSchema() {}

    /** {@code schema} without Java-only properties; {@code schema} itself if it has none. */
    public static Schema of(Schema schema) {
        return CACHE.computeIfAbsent(schema, PortableSchema::strip);
    }

    private static Schema strip(Schema schema) {
        String text = schema.toString();
        if (!text.contains(JAVA_STRING_PROPERTY)) {
            return schema;
        }
        try {
            JsonNode tree = JSON.readTree(text);
            return new Schema.Parser().parse(JSON.writeValueAsString(clean(tree)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Avro wrote a schema that is not JSON: " + text, e);
        }
    }

    /** Removes the property from every schema object of the tree, leaving default values alone. */
    private static JsonNode clean(JsonNode node) {
        if (node instanceof ObjectNode object) {
            if (object.has("type")) {
                object.remove(JAVA_STRING_PROPERTY);
            }
            Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (!field.getKey().equals("default")) {
                    clean(field.getValue());
                }
            }
        } else if (node instanceof ArrayNode array) {
            array.forEach(PortableSchema::clean);
        }
        return node;
    }
}
