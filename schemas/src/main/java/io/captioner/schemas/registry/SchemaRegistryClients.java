package io.captioner.schemas.registry;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.config.ConfigException;

/**
 * Creates a {@link SchemaRegistryClient} from Kafka-style configuration, with Confluent's key
 * names, and holds the shared in-memory registries of {@code mock://} URLs.
 *
 * <p>{@code schema.registry.url=mock://my-scope} selects the {@link InMemorySchemaRegistryClient}
 * shared by every caller naming {@code my-scope} (like Confluent's mock scope), so a serializer and
 * a deserializer configured separately see the same schemas. Any other value is a comma-separated
 * list of {@code http(s)} base URLs for a {@link RestSchemaRegistryClient}.
 */
public final class SchemaRegistryClients {

    /** Base URL(s) of the registry, comma separated, or {@code mock://<scope>} (required). */
    public static final String SCHEMA_REGISTRY_URL_CONFIG = "schema.registry.url";

    /** How often a registry request failing with an I/O error is retried (default 3). */
    public static final String MAX_RETRIES_CONFIG = "schema.registry.max.retries";

    /** Wait in milliseconds before the first retry, doubled for each further one (default 100). */
    public static final String RETRY_BACKOFF_MS_CONFIG = "schema.registry.retry.backoff.ms";

    /** TCP connect timeout in milliseconds (default 10000). */
    public static final String CONNECT_TIMEOUT_MS_CONFIG = "schema.registry.connect.timeout.ms";

    /** Timeout in milliseconds for a whole registry response (default 30000). */
    public static final String REQUEST_TIMEOUT_MS_CONFIG = "schema.registry.request.timeout.ms";

    /** URL prefix that selects a shared in-memory registry. */
    public static final String MOCK_URL_PREFIX = "mock://";

    private static final Map<String, InMemorySchemaRegistryClient> MOCK_SCOPES =
            new ConcurrentHashMap<>();

    private SchemaRegistryClients() {}

    /**
     * Creates a client from {@code config}, reading {@link #SCHEMA_REGISTRY_URL_CONFIG} and the
     * optional retry and timeout keys of this class.
     *
     * @throws ConfigException if the URL is missing or malformed or a number is invalid
     */
    public static SchemaRegistryClient fromConfig(Map<String, ?> config) {
        Object rawUrl = config.get(SCHEMA_REGISTRY_URL_CONFIG);
        String urls = rawUrl == null ? "" : rawUrl.toString().trim();
        if (urls.isEmpty()) {
            throw new ConfigException(
                    "Missing required configuration \"" + SCHEMA_REGISTRY_URL_CONFIG + "\"");
        }
        if (urls.toLowerCase(Locale.ROOT).startsWith(MOCK_URL_PREFIX)) {
            if (urls.contains(",")) {
                throw new ConfigException(
                        SCHEMA_REGISTRY_URL_CONFIG, urls, "a mock:// URL must stand alone");
            }
            return mockScope(urls.substring(MOCK_URL_PREFIX.length()));
        }
        List<URI> baseUrls = new ArrayList<>();
        for (String part : urls.split(",")) {
            try {
                baseUrls.add(URI.create(part.trim()));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(SCHEMA_REGISTRY_URL_CONFIG, urls, e.getMessage());
            }
        }
        try {
            return RestSchemaRegistryClient.builder()
                    .setBaseUrls(baseUrls)
                    .optMaxRetries((int) number(config, MAX_RETRIES_CONFIG, 3))
                    .optRetryBackoff(
                            Duration.ofMillis(number(config, RETRY_BACKOFF_MS_CONFIG, 100)))
                    .optConnectTimeout(
                            Duration.ofMillis(number(config, CONNECT_TIMEOUT_MS_CONFIG, 10_000)))
                    .optRequestTimeout(
                            Duration.ofMillis(number(config, REQUEST_TIMEOUT_MS_CONFIG, 30_000)))
                    .build();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(SCHEMA_REGISTRY_URL_CONFIG, urls, e.getMessage());
        }
    }

    /** Returns the in-memory registry shared by every user of {@code mock://<scope>}. */
    public static InMemorySchemaRegistryClient mockScope(String scope) {
        return MOCK_SCOPES.computeIfAbsent(scope, s -> new InMemorySchemaRegistryClient());
    }

    /** Forgets the in-memory registry of a scope, so tests can start afresh. */
    public static void dropMockScope(String scope) {
        MOCK_SCOPES.remove(scope);
    }

    private static long number(Map<String, ?> config, String key, long defaultValue) {
        Object value = config.get(key);
        if (value == null) {
            return defaultValue;
        }
        long parsed;
        if (value instanceof Number n) {
            parsed = n.longValue();
        } else {
            try {
                parsed = Long.parseLong(value.toString().trim());
            } catch (NumberFormatException e) {
                throw new ConfigException(key, value, "expected a whole number");
            }
        }
        if (parsed < 0 || parsed > Integer.MAX_VALUE) {
            throw new ConfigException(key, value, "expected a number from 0 to 2^31-1");
        }
        return parsed;
    }
}
