package io.captioner.stack.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.captioner.schemas.registry.CompatibilityLevel;
import io.captioner.stack.internal.StoreEntry.SchemaVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the Confluent Schema Registry REST subset over the JDK HTTP server: registration, lookup,
 * schemas by id, subjects and versions, compatibility checks and compatibility config, with
 * Confluent's content type and error bodies.
 */
public final class RegistryHttpHandler implements HttpHandler {

    /** The content type of every response, as Confluent's registry sends it. */
    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private static final Logger LOG = LoggerFactory.getLogger(RegistryHttpHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> ACCEPTED_BODY_TYPES =
            Set.of(
                    CONTENT_TYPE,
                    "application/vnd.schemaregistry+json",
                    "application/json",
                    "application/octet-stream");
    private static final int MAX_BODY_BYTES = 8 * 1024 * 1024;

    private final SchemaRegistryService service;

    /** Serves {@code service} over HTTP. */
    public RegistryHttpHandler(SchemaRegistryService service) {
        this.service = service;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            int status;
            JsonNode body;
            try {
                body = route(exchange);
                status = 200;
            } catch (RegistryException e) {
                status = e.httpStatus();
                body = error(e.errorCode(), e.getMessage());
                if (e.errorCode() == 50001) {
                    LOG.error("Schema store failure: {}", e.getMessage(), e.getCause());
                }
            } catch (RuntimeException e) {
                LOG.error("Unexpected schema registry failure", e);
                status = 500;
                body = error(50001, "Error in the schema registry: " + e.getMessage());
            }
            byte[] bytes = JSON.writeValueAsBytes(body);
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    private JsonNode route(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        List<String> path = segments(exchange.getRequestURI().getRawPath());
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        int n = path.size();
        String first = n > 0 ? path.get(0) : "";

        if (n == 0) {
            return only(method, "GET", JSON.createObjectNode());
        }
        if (first.equals("schemas")) {
            if (n == 2 && path.get(1).equals("types")) {
                return only(method, "GET", JSON.createArrayNode().add(AvroCompatibility.AVRO));
            }
            if (n >= 3 && n <= 4 && path.get(1).equals("ids")) {
                int id = parseId(path.get(2));
                if (n == 3) {
                    only(method, "GET", null);
                    return JSON.createObjectNode().put("schema", service.schemaById(id));
                }
                if (path.get(3).equals("versions")) {
                    only(method, "GET", null);
                    ArrayNode uses = JSON.createArrayNode();
                    for (SchemaVersion v : service.versionsOfId(id)) {
                        uses.addObject().put("subject", v.subject()).put("version", v.version());
                    }
                    return uses;
                }
            }
        } else if (first.equals("subjects")) {
            if (n == 1) {
                only(method, "GET", null);
                ArrayNode subjects = JSON.createArrayNode();
                service.subjects().forEach(subjects::add);
                return subjects;
            }
            String subject = path.get(1);
            if (n == 2) {
                only(method, "POST", null);
                JsonNode request = readBody(exchange);
                return versionJson(
                        service.lookup(subject, schemaText(request), schemaType(request)));
            }
            if (path.get(2).equals("versions")) {
                if (n == 3) {
                    if (method.equals("POST")) {
                        JsonNode request = readBody(exchange);
                        int id =
                                service.register(subject, schemaText(request), schemaType(request));
                        return JSON.createObjectNode().put("id", id);
                    }
                    only(method, "GET", null);
                    ArrayNode versions = JSON.createArrayNode();
                    service.versions(subject).forEach(versions::add);
                    return versions;
                }
                int version = parseVersion(path.get(3));
                if (n == 4) {
                    only(method, "GET", null);
                    return versionJson(service.version(subject, version));
                }
                if (n == 5 && path.get(4).equals("schema")) {
                    only(method, "GET", null);
                    return JSON.readTree(service.version(subject, version).schema());
                }
            }
        } else if (first.equals("compatibility")) {
            if ((n == 4 || n == 5)
                    && path.get(1).equals("subjects")
                    && path.get(3).equals("versions")) {
                only(method, "POST", null);
                String subject = path.get(2);
                int version = n == 5 ? parseVersion(path.get(4)) : SchemaRegistryService.LATEST;
                JsonNode request = readBody(exchange);
                List<String> problems;
                try {
                    problems =
                            service.checkCompatibility(
                                    subject, version, schemaText(request), schemaType(request));
                } catch (RegistryException e) {
                    // Checking a first schema against "all versions" of a new subject passes.
                    if (n == 4 && e.errorCode() == 40401) {
                        problems = List.of();
                    } else {
                        throw e;
                    }
                }
                ObjectNode result =
                        JSON.createObjectNode().put("is_compatible", problems.isEmpty());
                if (Boolean.parseBoolean(query.get("verbose"))) {
                    ArrayNode messages = result.putArray("messages");
                    problems.forEach(messages::add);
                }
                return result;
            }
        } else if (first.equals("config") && n <= 2) {
            String subject = n == 2 ? path.get(1) : null;
            if (method.equals("PUT")) {
                JsonNode request = readBody(exchange);
                String name = request.path("compatibility").asText(null);
                CompatibilityLevel level =
                        CompatibilityLevel.parse(name)
                                .orElseThrow(
                                        () -> RegistryException.invalidCompatibilityLevel(name));
                if (subject == null) {
                    service.setGlobalLevel(level);
                } else {
                    service.setSubjectLevel(subject, level);
                }
                return JSON.createObjectNode().put("compatibility", level.name());
            }
            only(method, "GET", null);
            CompatibilityLevel level;
            if (subject == null) {
                level = service.globalLevel();
            } else if (Boolean.parseBoolean(query.get("defaultToGlobal"))) {
                level = service.effectiveLevel(subject);
            } else {
                level =
                        service.subjectLevel(subject)
                                .orElseThrow(
                                        () -> RegistryException.subjectConfigNotFound(subject));
            }
            return JSON.createObjectNode().put("compatibilityLevel", level.name());
        }
        throw new RegistryException(404, 404, "HTTP 404 Not Found");
    }

    private static JsonNode only(String method, String allowed, JsonNode result) {
        if (!method.equals(allowed)) {
            throw new RegistryException(405, 405, "HTTP 405 Method Not Allowed");
        }
        return result;
    }

    private static ObjectNode versionJson(SchemaVersion v) {
        return JSON.createObjectNode()
                .put("subject", v.subject())
                .put("version", v.version())
                .put("id", v.id())
                .put("schema", v.schema());
    }

    private static ObjectNode error(int code, String message) {
        return JSON.createObjectNode().put("error_code", code).put("message", message);
    }

    private static JsonNode readBody(HttpExchange exchange) throws IOException {
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        if (contentType != null) {
            String mediaType = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
            if (!ACCEPTED_BODY_TYPES.contains(mediaType)) {
                throw new RegistryException(
                        415,
                        415,
                        "HTTP 415 Unsupported Media Type: send "
                                + CONTENT_TYPE
                                + " or application/json, not "
                                + contentType);
            }
        }
        byte[] bytes;
        try (InputStream in = exchange.getRequestBody()) {
            bytes = in.readNBytes(MAX_BODY_BYTES + 1);
        }
        if (bytes.length > MAX_BODY_BYTES) {
            throw new RegistryException(
                    413, 413, "Request body larger than " + MAX_BODY_BYTES + " bytes");
        }
        try {
            JsonNode node = JSON.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new RegistryException(400, 400, "The request body must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new RegistryException(
                    400, 400, "Malformed JSON request body: " + e.getOriginalMessage());
        }
    }

    private static String schemaText(JsonNode request) {
        JsonNode schema = request.get("schema");
        if (schema == null || !schema.isTextual()) {
            throw RegistryException.invalidSchema(
                    "the request must have a \"schema\" field holding the schema as a string");
        }
        JsonNode references = request.get("references");
        if (references != null && references.isArray() && references.size() > 0) {
            throw RegistryException.invalidSchema("schema references are not supported");
        }
        return schema.asText();
    }

    private static String schemaType(JsonNode request) {
        JsonNode type = request.get("schemaType");
        return type == null || type.isNull() ? null : type.asText();
    }

    private static int parseVersion(String text) {
        if (text.equals("latest")) {
            return SchemaRegistryService.LATEST;
        }
        try {
            int version = Integer.parseInt(text);
            if (version == SchemaRegistryService.LATEST) {
                return version;
            }
            if (version >= 1) {
                return version;
            }
        } catch (NumberFormatException e) {
            // fall through to the Confluent error below
        }
        throw RegistryException.invalidVersion(text);
    }

    private static int parseId(String text) {
        try {
            int id = Integer.parseInt(text);
            if (id >= 1) {
                return id;
            }
        } catch (NumberFormatException e) {
            // a malformed id cannot name a schema
        }
        throw RegistryException.schemaNotFound("no schema with id '" + text + "'");
    }

    private static List<String> segments(String rawPath) {
        List<String> segments = new ArrayList<>();
        if (rawPath == null) {
            return segments;
        }
        for (String raw : rawPath.split("/")) {
            if (!raw.isEmpty()) {
                segments.add(decode(raw));
            }
        }
        return segments;
    }

    private static Map<String, String> query(String rawQuery) {
        Map<String, String> params = new HashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return params;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "true" : decode(pair.substring(eq + 1));
            params.put(key, value);
        }
        return params;
    }

    private static String decode(String raw) {
        // Path segments use percent-encoding only: a literal '+' in a subject stays a '+'.
        try {
            return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new RegistryException(400, 400, "Malformed percent-encoding in '" + raw + "'");
        }
    }
}
