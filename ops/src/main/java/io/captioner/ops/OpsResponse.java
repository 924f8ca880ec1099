package io.captioner.ops;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * An ops endpoint's answer: status, content type and body, rendered before anything is sent so a
 * body that cannot be rendered becomes a 500 instead of a half-written response.
 */
public final class OpsResponse {

    /** Content type of JSON bodies. */
    public static final String JSON = "application/json";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final int status;
    private final String contentType;
    private final byte[] body;

    private OpsResponse(int status, String contentType, byte[] body) {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("HTTP status must be in 100..599: " + status);
        }
        this.status = status;
        this.contentType = Objects.requireNonNull(contentType, "contentType");
        this.body = body;
    }

    /**
     * 200 with {@code body} rendered by Jackson (a {@code Map}, a record, a {@code JsonNode}...).
     */
    public static OpsResponse json(Object body) {
        return json(200, body);
    }

    /**
     * {@code status} with {@code body} rendered by Jackson.
     *
     * @throws IllegalArgumentException if Jackson cannot render {@code body}
     */
    public static OpsResponse json(int status, Object body) {
        try {
            return new OpsResponse(status, JSON, MAPPER.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot render JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** {@code status} with {@code {"error": message}}, the shape of every ops error. */
    public static OpsResponse error(int status, String message) {
        return json(status, Map.of("error", Objects.requireNonNull(message, "message")));
    }

    /** {@code status} with a text body, e.g. an HTML page or Prometheus text. */
    public static OpsResponse text(int status, String contentType, String body) {
        return new OpsResponse(status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code status} with raw bytes of {@code contentType}. */
    public static OpsResponse bytes(int status, String contentType, byte[] body) {
        return new OpsResponse(status, contentType, body.clone());
    }

    /** The HTTP status code. */
    public int status() {
        return status;
    }

    /** The Content-Type header. */
    public String contentType() {
        return contentType;
    }

    /** A copy of the body. */
    public byte[] body() {
        return body.clone();
    }

    byte[] bodyUnsafe() {
        return body;
    }

    @Override
    public String toString() {
        return status + " " + contentType + " (" + body.length + " bytes)";
    }
}
