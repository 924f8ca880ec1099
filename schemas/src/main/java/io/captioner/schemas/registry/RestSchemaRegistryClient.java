package io.captioner.schemas.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SchemaRegistryClient} over the Confluent Schema Registry REST API, built on the JDK's
 * {@link HttpClient} and Jackson.
 *
 * <p>Ids and schemas are cached both ways (subject + schema to id, id to schema) because they never
 * change once assigned; latest versions and compatibility answers are always asked anew. Connection
 * failures ({@link IOException}, including timeouts) are retried a bounded number of times with
 * exponential backoff, rotating over the configured base URLs; HTTP error responses are never
 * retried and map to typed exceptions.
 *
 * <pre>{@code
 * SchemaRegistryClient client = RestSchemaRegistryClient.builder()
 *         .setBaseUrls(List.of(URI.create("http://127.0.0.1:8081")))
 *         .optMaxRetries(3)
 *         .build();
 * }</pre>
 */
public final class RestSchemaRegistryClient implements SchemaRegistryClient {

    /** Content type of Confluent Schema Registry API v1 requests. */
    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private static final String ACCEPT =
            "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; qs=0.9,"
                    + " application/json; qs=0.5";
    private static final int MAX_ERROR_BODY_CHARS = 500;
    private static final Logger LOG = LoggerFactory.getLogger(RestSchemaRegistryClient.class);

    private final List<URI> baseUrls;
    private final String authorization;
    private final HttpClient http;
    private final Duration requestTimeout;
    private final int maxRetries;
    private final Duration retryBackoff;
    private final Duration maxRetryBackoff;
    private final ObjectMapper json = new ObjectMapper();

    private final Map<Integer, Schema> schemaById = new ConcurrentHashMap<>();
    private final Map<SubjectSchema, Integer> idBySubjectSchema = new ConcurrentHashMap<>();

    private record SubjectSchema(String subject, Schema schema) {}

    private RestSchemaRegistryClient(Builder builder) {
        this.baseUrls =
                builder.baseUrls.stream().map(RestSchemaRegistryClient::withoutUserInfo).toList();
        this.authorization =
                builder.userInfo == null
                        ? null
                        : "Basic "
                                + Base64.getEncoder()
                                        .encodeToString(
                                                builder.userInfo.getBytes(StandardCharsets.UTF_8));
        this.requestTimeout = builder.requestTimeout;
        this.maxRetries = builder.maxRetries;
        this.retryBackoff = builder.retryBackoff;
        this.maxRetryBackoff = builder.maxRetryBackoff;
        // HTTP/1.1: no h2c upgrade attempt, which some plain-HTTP registry servers mishandle.
        HttpClient.Builder http =
                HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(builder.connectTimeout);
        if (builder.sslContext != null) {
            http.sslContext(builder.sslContext);
        }
        this.http = http.build();
    }

    /** Starts a builder; {@link Builder#setBaseUrls} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** The base URLs requests go to, in failover order, without any user info. */
    public List<URI> baseUrls() {
        return baseUrls;
    }

    @Override
    public int register(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        Integer cached = idBySubjectSchema.get(key);
        if (cached != null) {
            return cached;
        }
        JsonNode body =
                call("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema));
        int id = requireInt(body, "id", "register under subject " + subject);
        idBySubjectSchema.put(key, id);
        schemaById.putIfAbsent(id, schema);
        return id;
    }

    @Override
    public int getId(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        Integer cached = idBySubjectSchema.get(key);
        if (cached != null) {
            return cached;
        }
        JsonNode body = call("POST", "/subjects/" + encode(subject), schemaBody(schema));
        int id = requireInt(body, "id", "look up schema under subject " + subject);
        idBySubjectSchema.put(key, id);
        schemaById.putIfAbsent(id, schema);
        return id;
    }

    @Override
    public Schema getSchemaById(int id) {
        Schema cached = schemaById.get(id);
        if (cached != null) {
            return cached;
        }
        JsonNode body = call("GET", "/schemas/ids/" + id, null);
        Schema schema = parseSchema(body, "schema id " + id);
        Schema previous = schemaById.putIfAbsent(id, schema);
        return previous != null ? previous : schema;
    }

    @Override
    public SchemaMetadata getLatestSchemaMetadata(String subject) {
        JsonNode body = call("GET", "/subjects/" + encode(subject) + "/versions/latest", null);
        String what = "latest version of subject " + subject;
        int id = requireInt(body, "id", what);
        int version = requireInt(body, "version", what);
        Schema schema = parseSchema(body, what);
        schemaById.putIfAbsent(id, schema);
        return new SchemaMetadata(subject, id, version, schema);
    }

    @Override
    public boolean testCompatibility(String subject, Schema schema) {
        JsonNode body;
        try {
            body =
                    call(
                            "POST",
                            "/compatibility/subjects/" + encode(subject) + "/versions/latest",
                            schemaBody(schema));
        } catch (SubjectNotFoundException | VersionNotFoundException e) {
            // Nothing registered yet: any schema may become the first version.
            return true;
        }
        JsonNode compatible = body.get("is_compatible");
        if (compatible == null || !compatible.isBoolean()) {
            throw new SchemaRegistryException(
                    "Compatibility response for subject "
                            + subject
                            + " lacks is_compatible: "
                            + body,
                    200,
                    SchemaRegistryException.NO_ERROR_CODE);
        }
        return compatible.booleanValue();
    }

    @Override
    public List<String> getAllSubjects() {
        JsonNode body = call("GET", "/subjects", null);
        if (!body.isArray()) {
            throw new SchemaRegistryException(
                    "Expected a JSON array of subjects but got: " + abbreviate(body.toString()),
                    200,
                    SchemaRegistryException.NO_ERROR_CODE);
        }
        List<String> subjects = new ArrayList<>();
        body.forEach(node -> subjects.add(node.asText()));
        return List.copyOf(subjects);
    }

    private String schemaBody(Schema schema) {
        ObjectNode body = json.createObjectNode();
        body.put("schema", schema.toString());
        try {
            return json.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot encode a JSON string", e);
        }
    }

    private JsonNode call(String method, String path, String body) {
        IOException last = null;
        Duration backoff = retryBackoff;
        for (int attempt = 0; attempt <= maxRetries; attempt++) {
            URI base = baseUrls.get(attempt % baseUrls.size());
            URI uri = URI.create(stripTrailingSlash(base.toString()) + path);
            HttpRequest.Builder request =
                    HttpRequest.newBuilder(uri).timeout(requestTimeout).header("Accept", ACCEPT);
            if (authorization != null) {
                // Preemptive, as Confluent's client does: a registry behind basic auth answers 401
                // to anonymous requests instead of challenging.
                request.header("Authorization", authorization);
            }
            if (body != null) {
                request.header("Content-Type", CONTENT_TYPE)
                        .method(method, HttpRequest.BodyPublishers.ofString(body));
            } else {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            }
            HttpResponse<String> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                last = e;
                if (attempt < maxRetries) {
                    LOG.warn(
                            "Schema registry request {} {} failed ({}); retry {} of {} in {} ms",
                            method,
                            uri,
                            e.toString(),
                            attempt + 1,
                            maxRetries,
                            backoff.toMillis());
                    sleep(backoff, method, uri, e);
                    backoff = min(backoff.multipliedBy(2), maxRetryBackoff);
                }
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SchemaRegistryConnectionException(
                        "Interrupted during schema registry request " + method + " " + uri, e);
            }
            return handle(method, uri, response);
        }
        throw new SchemaRegistryConnectionException(
                String.format(
                        Locale.ROOT,
                        "Schema registry unreachable at %s: %s %s failed %d time(s), last error: %s",
                        baseUrls,
                        method,
                        path,
                        maxRetries + 1,
                        last),
                last);
    }

    private void sleep(Duration backoff, String method, URI uri, IOException cause) {
        try {
            Thread.sleep(backoff.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            SchemaRegistryConnectionException failure =
                    new SchemaRegistryConnectionException(
                            "Interrupted while waiting to retry " + method + " " + uri, cause);
            failure.addSuppressed(e);
            throw failure;
        }
    }

    private JsonNode handle(String method, URI uri, HttpResponse<String> response) {
        int status = response.statusCode();
        String text = response.body() == null ? "" : response.body();
        if (status >= 200 && status < 300) {
            try {
                return json.readTree(text.isEmpty() ? "{}" : text);
            } catch (JsonProcessingException e) {
                throw new SchemaRegistryException(
                        String.format(
                                Locale.ROOT,
                                "Schema registry answered %s %s with HTTP %d but a body that is not"
                                        + " JSON: %s",
                                method,
                                uri,
                                status,
                                abbreviate(text)),
                        status,
                        SchemaRegistryException.NO_ERROR_CODE);
            }
        }
        int errorCode = status;
        String message = abbreviate(text);
        try {
            JsonNode error = json.readTree(text);
            if (error != null && error.hasNonNull("error_code")) {
                errorCode = error.get("error_code").asInt(status);
            }
            if (error != null && error.hasNonNull("message")) {
                message = error.get("message").asText();
            }
        } catch (JsonProcessingException e) {
            // Not a Confluent error body (e.g. a proxy's HTML page): keep status and raw text.
        }
        String hint = "";
        if (status == 401) {
            hint =
                    authorization == null
                            ? " (the registry wants credentials: set basic.auth.user.info)"
                            : " (the registry refused the credentials of basic.auth.user.info)";
        } else if (status == 403) {
            hint = " (the registry's user lacks permission for this request)";
        }
        String description =
                String.format(
                        Locale.ROOT,
                        "%s %s failed: HTTP %d, error code %d: %s%s",
                        method,
                        uri,
                        status,
                        errorCode,
                        message,
                        hint);
        throw mapError(description, status, errorCode);
    }

    /** Maps a Confluent error response to the typed exception callers can catch. */
    static SchemaRegistryException mapError(String message, int status, int errorCode) {
        switch (errorCode) {
            case 40401:
                return new SubjectNotFoundException(message, status, errorCode);
            case 40402:
                return new VersionNotFoundException(message, status, errorCode);
            case 40403:
                return new SchemaNotFoundException(message, status, errorCode);
            case 40901:
            case 409:
                return new IncompatibleSchemaException(message, status, errorCode);
            case 42201:
                return new InvalidSchemaException(message, status, errorCode);
            default:
                break;
        }
        if (status == 409) {
            return new IncompatibleSchemaException(message, status, errorCode);
        }
        if (status == 422) {
            return new InvalidSchemaException(message, status, errorCode);
        }
        return new SchemaRegistryException(message, status, errorCode);
    }

    private int requireInt(JsonNode body, String field, String what) {
        JsonNode node = body.get(field);
        if (node == null || !node.canConvertToInt()) {
            throw new SchemaRegistryException(
                    "Schema registry response to "
                            + what
                            + " lacks integer '"
                            + field
                            + "': "
                            + abbreviate(body.toString()),
                    200,
                    SchemaRegistryException.NO_ERROR_CODE);
        }
        return node.intValue();
    }

    private Schema parseSchema(JsonNode body, String what) {
        JsonNode node = body.get("schema");
        if (node == null || !node.isTextual()) {
            throw new SchemaRegistryException(
                    "Schema registry response for "
                            + what
                            + " lacks the 'schema' string: "
                            + abbreviate(body.toString()),
                    200,
                    SchemaRegistryException.NO_ERROR_CODE);
        }
        JsonNode type = body.get("schemaType");
        if (type != null && !"AVRO".equals(type.asText())) {
            throw new SchemaRegistryException(
                    "Schema for " + what + " is of type " + type.asText() + ", not AVRO",
                    200,
                    SchemaRegistryException.NO_ERROR_CODE);
        }
        try {
            return new Schema.Parser().parse(node.asText());
        } catch (SchemaParseException e) {
            throw new SchemaRegistryException(
                    "Schema registry returned an unparsable Avro schema for " + what, e);
        }
    }

    /** The URL without {@code user:password@}, so credentials never reach a message or a log. */
    static URI withoutUserInfo(URI url) {
        if (url.getRawUserInfo() == null) {
            return url;
        }
        try {
            return new URI(
                    url.getScheme(),
                    null,
                    url.getHost(),
                    url.getPort(),
                    url.getPath(),
                    url.getQuery(),
                    url.getFragment());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("Bad schema registry URL", e);
        }
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String stripTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static String abbreviate(String text) {
        return text.length() <= MAX_ERROR_BODY_CHARS
                ? text
                : text.substring(0, MAX_ERROR_BODY_CHARS) + "...";
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Builder of {@link RestSchemaRegistryClient}: {@code setX} is required, {@code optX} not. */
    public static final class Builder {

        private List<URI> baseUrls;
        private String userInfo;
        private SSLContext sslContext;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private int maxRetries = 3;
        private Duration retryBackoff = Duration.ofMillis(100);
        private Duration maxRetryBackoff = Duration.ofSeconds(5);

        private Builder() {}

        /** Sets the registry base URLs (e.g. {@code http://127.0.0.1:8081}), in failover order. */
        public Builder setBaseUrls(List<URI> baseUrls) {
            this.baseUrls = List.copyOf(baseUrls);
            return this;
        }

        /**
         * Sends HTTP basic authentication with every request, {@code user:password} as in
         * Confluent's {@code basic.auth.user.info} (default: none). User info inside a base URL is
         * never sent by itself: {@link SchemaRegistryClients} turns it into this setting.
         */
        public Builder optBasicAuth(String userInfo) {
            Objects.requireNonNull(userInfo, "userInfo");
            if (userInfo.indexOf(':') < 1) {
                throw new IllegalArgumentException(
                        "Schema registry basic auth user info must be user:password");
            }
            this.userInfo = userInfo;
            return this;
        }

        /**
         * Uses this TLS context for {@code https} registries, e.g. one trusting a private CA
         * (default: the JVM's default trust store).
         */
        public Builder optSslContext(SSLContext sslContext) {
            this.sslContext = Objects.requireNonNull(sslContext, "sslContext");
            return this;
        }

        /** Sets how long to wait for a TCP connection (default 10 s). */
        public Builder optConnectTimeout(Duration connectTimeout) {
            this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
            return this;
        }

        /** Sets how long to wait for a whole response (default 30 s). */
        public Builder optRequestTimeout(Duration requestTimeout) {
            this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
            return this;
        }

        /** Sets how often a request failing with an I/O error is retried (default 3). */
        public Builder optMaxRetries(int maxRetries) {
            this.maxRetries = maxRetries;
            return this;
        }

        /** Sets the wait before the first retry, doubled for each further one (default 100 ms). */
        public Builder optRetryBackoff(Duration retryBackoff) {
            this.retryBackoff = Objects.requireNonNull(retryBackoff, "retryBackoff");
            return this;
        }

        /** Sets the cap of the doubling wait between retries (default 5 s). */
        public Builder optMaxRetryBackoff(Duration maxRetryBackoff) {
            this.maxRetryBackoff = Objects.requireNonNull(maxRetryBackoff, "maxRetryBackoff");
            return this;
        }

        /** Validates the settings and builds the client. */
        public RestSchemaRegistryClient build() {
            if (baseUrls == null || baseUrls.isEmpty()) {
                throw new IllegalArgumentException("At least one schema registry URL is required");
            }
            for (URI url : baseUrls) {
                String scheme = url.getScheme() == null ? "" : url.getScheme();
                if (!scheme.equalsIgnoreCase("http") && !scheme.equalsIgnoreCase("https")
                        || url.getHost() == null) {
                    throw new IllegalArgumentException(
                            "Schema registry URL must be http(s)://host[:port]: " + url);
                }
            }
            if (maxRetries < 0) {
                throw new IllegalArgumentException("maxRetries must be >= 0: " + maxRetries);
            }
            for (Duration d :
                    List.of(connectTimeout, requestTimeout, retryBackoff, maxRetryBackoff)) {
                if (d.isNegative()) {
                    throw new IllegalArgumentException("Durations must not be negative: " + d);
                }
            }
            if (connectTimeout.isZero() || requestTimeout.isZero()) {
                throw new IllegalArgumentException("Timeouts must be positive");
            }
            return new RestSchemaRegistryClient(this);
        }
    }
}
