package io.captioner.schemas.registry;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import org.apache.kafka.common.config.ConfigException;

/**
 * Creates a {@link SchemaRegistryClient} from Kafka-style configuration, with Confluent's key
 * names, and holds the shared in-memory registries of {@code mock://} URLs.
 *
 * <p>{@code schema.registry.url=mock://my-scope} selects the {@link InMemorySchemaRegistryClient}
 * shared by every caller naming {@code my-scope} (like Confluent's mock scope), so a serializer and
 * a deserializer configured separately see the same schemas. Any other value is a comma-separated
 * list of {@code http(s)} base URLs for a {@link RestSchemaRegistryClient}, with Confluent's
 * basic-auth keys ({@link #BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG}, {@link #USER_INFO_CONFIG}) and
 * TLS keys ({@code schema.registry.ssl.truststore.*}, {@code schema.registry.ssl.keystore.*}).
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

    /**
     * Where basic-auth credentials come from, as in Confluent's clients: {@code USER_INFO} ({@link
     * #USER_INFO_CONFIG}) or {@code URL} (the {@code user:password@} of the registry URL). Unset,
     * it is {@code USER_INFO} when {@link #USER_INFO_CONFIG} is set and {@code URL} otherwise.
     */
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG =
            "basic.auth.credentials.source";

    /** Basic-auth credentials {@code user:password} for the {@code USER_INFO} source. */
    public static final String USER_INFO_CONFIG = "basic.auth.user.info";

    /** Confluent's prefixed alias of {@link #USER_INFO_CONFIG}, read when that one is unset. */
    public static final String PREFIXED_USER_INFO_CONFIG = "schema.registry.basic.auth.user.info";

    /** Confluent's prefixed alias of {@link #BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG}. */
    public static final String PREFIXED_CREDENTIALS_SOURCE_CONFIG =
            "schema.registry.basic.auth.credentials.source";

    /** Trust store file for an {@code https} registry with a private CA. */
    public static final String SSL_TRUSTSTORE_LOCATION_CONFIG =
            "schema.registry.ssl.truststore.location";

    /** Password of the trust store (none for PEM). */
    public static final String SSL_TRUSTSTORE_PASSWORD_CONFIG =
            "schema.registry.ssl.truststore.password";

    /** Type of the trust store: {@code JKS} (default), {@code PKCS12} or {@code PEM}. */
    public static final String SSL_TRUSTSTORE_TYPE_CONFIG = "schema.registry.ssl.truststore.type";

    /** Key store file with a client certificate, for registries that demand mutual TLS. */
    public static final String SSL_KEYSTORE_LOCATION_CONFIG =
            "schema.registry.ssl.keystore.location";

    /** Password of the key store. */
    public static final String SSL_KEYSTORE_PASSWORD_CONFIG =
            "schema.registry.ssl.keystore.password";

    /** Type of the key store: {@code JKS} (default) or {@code PKCS12}. */
    public static final String SSL_KEYSTORE_TYPE_CONFIG = "schema.registry.ssl.keystore.type";

    /** Password of the key in the key store; the key store's password when unset. */
    public static final String SSL_KEY_PASSWORD_CONFIG = "schema.registry.ssl.key.password";

    /** Every key this class reads, so callers can tell registry settings from Kafka's. */
    public static final List<String> CONFIG_KEYS =
            List.of(
                    SCHEMA_REGISTRY_URL_CONFIG,
                    MAX_RETRIES_CONFIG,
                    RETRY_BACKOFF_MS_CONFIG,
                    CONNECT_TIMEOUT_MS_CONFIG,
                    REQUEST_TIMEOUT_MS_CONFIG,
                    BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG,
                    USER_INFO_CONFIG,
                    PREFIXED_USER_INFO_CONFIG,
                    PREFIXED_CREDENTIALS_SOURCE_CONFIG,
                    SSL_TRUSTSTORE_LOCATION_CONFIG,
                    SSL_TRUSTSTORE_PASSWORD_CONFIG,
                    SSL_TRUSTSTORE_TYPE_CONFIG,
                    SSL_KEYSTORE_LOCATION_CONFIG,
                    SSL_KEYSTORE_PASSWORD_CONFIG,
                    SSL_KEYSTORE_TYPE_CONFIG,
                    SSL_KEY_PASSWORD_CONFIG);

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
            baseUrls.add(parseUrl(part.trim(), urls));
        }
        // Messages name the URLs without their credentials.
        String shown =
                String.join(
                        ",",
                        baseUrls.stream()
                                .map(u -> RestSchemaRegistryClient.withoutUserInfo(u).toString())
                                .toList());
        try {
            RestSchemaRegistryClient.Builder builder = RestSchemaRegistryClient.builder();
            String userInfo = userInfo(config, baseUrls);
            if (userInfo != null) {
                builder.optBasicAuth(userInfo);
            }
            SSLContext tls =
                    RegistryTls.context(
                            string(config, SSL_TRUSTSTORE_LOCATION_CONFIG),
                            string(config, SSL_TRUSTSTORE_TYPE_CONFIG),
                            string(config, SSL_TRUSTSTORE_PASSWORD_CONFIG),
                            string(config, SSL_KEYSTORE_LOCATION_CONFIG),
                            string(config, SSL_KEYSTORE_TYPE_CONFIG),
                            string(config, SSL_KEYSTORE_PASSWORD_CONFIG),
                            string(config, SSL_KEY_PASSWORD_CONFIG));
            if (tls != null) {
                builder.optSslContext(tls);
            }
            return builder.setBaseUrls(baseUrls)
                    .optMaxRetries((int) number(config, MAX_RETRIES_CONFIG, 3))
                    .optRetryBackoff(
                            Duration.ofMillis(number(config, RETRY_BACKOFF_MS_CONFIG, 100)))
                    .optConnectTimeout(
                            Duration.ofMillis(number(config, CONNECT_TIMEOUT_MS_CONFIG, 10_000)))
                    .optRequestTimeout(
                            Duration.ofMillis(number(config, REQUEST_TIMEOUT_MS_CONFIG, 30_000)))
                    .build();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(SCHEMA_REGISTRY_URL_CONFIG, shown, e.getMessage());
        }
    }

    private static URI parseUrl(String url, String all) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            uri = null;
        }
        if (uri == null || uri.getScheme() == null || uri.getHost() == null) {
            // The common mistake is host:port alone, which Confluent's clients refuse too.
            String hint =
                    url.matches("[^/:]+:\\d+(/.*)?") ? "; add the scheme, e.g. http://" + url : "";
            throw new ConfigException(
                    "Invalid schema registry URL '"
                            + RestSchemaRegistryClient.withoutUserInfo(safe(url))
                            + "' in "
                            + SCHEMA_REGISTRY_URL_CONFIG
                            + ": expected http(s)://host:port"
                            + hint);
        }
        return uri;
    }

    /** A URI for messages only: the text itself when it does not parse. */
    private static URI safe(String url) {
        try {
            return new URI(url.replaceFirst("^[^/]*//[^/@]*@", "//"));
        } catch (URISyntaxException e) {
            return URI.create("invalid");
        }
    }

    private static String userInfo(Map<String, ?> config, List<URI> baseUrls) {
        String source = string(config, BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG);
        if (source == null) {
            source = string(config, PREFIXED_CREDENTIALS_SOURCE_CONFIG);
        }
        String userInfo = string(config, USER_INFO_CONFIG);
        if (userInfo == null) {
            userInfo = string(config, PREFIXED_USER_INFO_CONFIG);
        }
        String chosen =
                source == null
                        ? (userInfo != null ? "USER_INFO" : "URL")
                        : source.toUpperCase(Locale.ROOT);
        switch (chosen) {
            case "USER_INFO":
                if (userInfo == null) {
                    throw new ConfigException(
                            BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG
                                    + "=USER_INFO needs "
                                    + USER_INFO_CONFIG
                                    + "=user:password");
                }
                return userInfo;
            case "URL":
                for (URI url : baseUrls) {
                    if (url.getRawUserInfo() != null) {
                        return URLDecoder.decode(url.getRawUserInfo(), StandardCharsets.UTF_8);
                    }
                }
                return null;
            default:
                throw new ConfigException(
                        BASIC_AUTH_CREDENTIALS_SOURCE_CONFIG,
                        source,
                        "supported: USER_INFO or URL (SASL_INHERIT is not)");
        }
    }

    private static String string(Map<String, ?> config, String key) {
        Object value = config.get(key);
        if (value == null) {
            return null;
        }
        String text =
                value instanceof org.apache.kafka.common.config.types.Password p
                        ? p.value()
                        : value.toString();
        return text.isBlank() ? null : text.trim();
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
