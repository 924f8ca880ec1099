package io.captioner.model.data;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Streams the elements of a JSON file's top-level arrays one object at a time, because the caption
 * files of COCO and Karpathy's splits (up to ~150 MB) would take gigabytes as one tree.
 */
final class JsonArrays {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonArrays() {}

    /**
     * Reads {@code file}, a JSON object, calling the handler named by each top-level field that is
     * an array once per element; other fields are read into {@code scalars} when textual, else
     * skipped.
     *
     * @throws DatasetException when the file is missing or not such a JSON object
     */
    static void read(
            Path file, Map<String, Consumer<JsonNode>> arrayHandlers, Map<String, String> scalars) {
        if (!Files.isRegularFile(file)) {
            throw new DatasetException("caption file does not exist: " + file);
        }
        try (JsonParser parser = JSON.createParser(file.toFile())) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new DatasetException(file + ": expected a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                Consumer<JsonNode> handler = arrayHandlers.get(field);
                if (handler != null && value == JsonToken.START_ARRAY) {
                    while (parser.nextToken() != JsonToken.END_ARRAY) {
                        handler.accept(JSON.readTree(parser));
                    }
                } else if (value == JsonToken.VALUE_STRING) {
                    scalars.put(field, parser.getText());
                } else {
                    parser.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new DatasetException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The text of a field, or null when absent or not textual. */
    static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.asText() : null;
    }
}
