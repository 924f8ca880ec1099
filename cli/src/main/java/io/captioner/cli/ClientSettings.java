package io.captioner.cli;

import io.captioner.schemas.Topics;
import io.captioner.schemas.registry.SchemaRegistryClients;
import io.captioner.schemas.serde.AvroSerdeConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.ConfigException;

/**
 * The resolved connection settings of a client command: bootstrap servers, registry URL, the Kafka
 * client properties every producer, consumer and admin client gets, and the registry settings the
 * serdes get.
 *
 * <p>Sources, later ones winning: built-in defaults, the {@code --config} properties file,
 * environment variables, command-line flags, the same order as {@code captioner streams}. The file
 * holds Kafka client properties ({@code security.protocol}, {@code sasl.*}, {@code ssl.*}, ...) and
 * the registry's ({@code schema.registry.url}, {@code basic.auth.*}, {@code
 * schema.registry.ssl.*}); keys of the registry and {@code captioner.*} keys never reach the Kafka
 * clients. The environment variable of a key is {@code CAPTIONER_} + the key in upper case with
 * dots as underscores ({@code basic.auth.user.info} is {@code CAPTIONER_BASIC_AUTH_USER_INFO});
 * bootstrap servers and registry URL are {@code CAPTIONER_BOOTSTRAP} and {@code
 * CAPTIONER_REGISTRY}.
 */
public final class ClientSettings {

    /** Environment variable of the bootstrap servers. */
    public static final String ENV_BOOTSTRAP = "CAPTIONER_BOOTSTRAP";

    /** Environment variable of the registry URL. */
    public static final String ENV_REGISTRY = "CAPTIONER_REGISTRY";

    /**
     * Producer batch size of the commands that publish images: Kafka's 16 KiB default is smaller
     * than one typical image, so every image went out as its own batch and its own log append; 256
     * KiB batches several (the bench's 30 KB images: the broker's share of the CPU fell from 0.27
     * to 0.12 cores at 600 images/s) and stays under the broker's 1 MiB default message limit.
     */
    public static final int IMAGE_BATCH_BYTES = 256 * 1024;

    /** Kafka security keys that may also come from the environment. */
    static final List<String> KAFKA_ENV_KEYS =
            List.of(
                    CommonClientConfigs.SECURITY_PROTOCOL_CONFIG,
                    "sasl.mechanism",
                    "sasl.jaas.config",
                    "ssl.truststore.location",
                    "ssl.truststore.password",
                    "ssl.truststore.type",
                    "ssl.keystore.location",
                    "ssl.keystore.password",
                    "ssl.keystore.type",
                    "ssl.key.password",
                    "ssl.endpoint.identification.algorithm");

    private final String bootstrap;
    private final String registry;
    private final Map<String, Object> kafka;
    private final Map<String, Object> serde;

    private ClientSettings(
            String bootstrap,
            String registry,
            Map<String, Object> kafka,
            Map<String, Object> serde) {
        this.bootstrap = bootstrap;
        this.registry = registry;
        this.kafka = Map.copyOf(kafka);
        this.serde = Map.copyOf(serde);
    }

    /**
     * Resolves the settings.
     *
     * @param configFile the {@code --config} file, or null
     * @param bootstrapFlag {@code --bootstrap}, or null when not given
     * @param registryFlag {@code --registry}, or null when not given
     * @param environment the environment variables
     * @throws UserException when the file cannot be read or the registry URL is not a URL
     */
    public static ClientSettings resolve(
            Path configFile,
            String bootstrapFlag,
            String registryFlag,
            Map<String, String> environment) {
        Map<String, String> file = configFile == null ? Map.of() : read(configFile);
        Map<String, String> merged = new LinkedHashMap<>(file);
        merged.putAll(environmentSettings(environment));
        String bootstrap =
                first(
                        bootstrapFlag,
                        environment.get(ENV_BOOTSTRAP),
                        file.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG),
                        KafkaOptions.DEFAULT_BOOTSTRAP);
        String registry =
                first(
                        registryFlag,
                        environment.get(ENV_REGISTRY),
                        file.get(SchemaRegistryClients.SCHEMA_REGISTRY_URL_CONFIG),
                        KafkaOptions.DEFAULT_REGISTRY);
        checkRegistryUrl(registry);
        Map<String, Object> kafka = new HashMap<>();
        Map<String, Object> serde = new HashMap<>();
        for (Map.Entry<String, String> e : merged.entrySet()) {
            String key = e.getKey();
            serde.put(key, e.getValue());
            if (!isRegistryKey(key) && !key.startsWith("captioner.")) {
                kafka.put(key, e.getValue());
            }
        }
        kafka.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        serde.remove(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
        serde.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, registry);
        return new ClientSettings(bootstrap, registry, kafka, serde);
    }

    /**
     * The client settings given as environment variables ({@code CAPTIONER_SASL_JAAS_CONFIG},
     * {@code CAPTIONER_BASIC_AUTH_USER_INFO}, ...), keyed by property name.
     */
    public static Map<String, String> environmentSettings(Map<String, String> environment) {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String key : envKeys()) {
            String value = environment.get(envName(key));
            if (value != null && !value.isBlank()) {
                settings.put(key, value.trim());
            }
        }
        return settings;
    }

    /** The environment variable read for {@code key}. */
    static String envName(String key) {
        return "CAPTIONER_" + key.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
    }

    /** Kafka bootstrap servers. */
    public String bootstrap() {
        return bootstrap;
    }

    /** Schema registry URL(s), as given (possibly with user info). */
    public String registry() {
        return registry;
    }

    /**
     * Kafka client properties for every producer, consumer and admin client, bootstrap included.
     */
    public Map<String, Object> kafka() {
        return kafka;
    }

    /** Serde and registry settings: the registry URL, {@code basic.auth.*}, TLS and serde keys. */
    public Map<String, Object> serde() {
        return serde;
    }

    /**
     * Client properties: the command's {@code defaults}, then the user's settings, then what the
     * command needs to be correct ({@code required}), which the user cannot override.
     */
    public Properties client(Map<String, ?> defaults, Map<String, ?> required) {
        Properties props = new Properties();
        props.putAll(defaults);
        props.putAll(kafka);
        props.putAll(required);
        return props;
    }

    /**
     * The captioner's topics with serdes for these settings.
     *
     * @throws UserException when the registry settings are invalid
     */
    public Topics topics(String prefix) {
        try {
            return Topics.builder().setSerdeConfig(serde).optNamePrefix(prefix).build();
        } catch (ConfigException e) {
            throw new UserException("bad schema registry settings: " + e.getMessage());
        }
    }

    private static List<String> envKeys() {
        List<String> keys = new java.util.ArrayList<>(KAFKA_ENV_KEYS);
        for (String key : SchemaRegistryClients.CONFIG_KEYS) {
            if (!key.equals(SchemaRegistryClients.SCHEMA_REGISTRY_URL_CONFIG)) {
                keys.add(key);
            }
        }
        return keys;
    }

    private static boolean isRegistryKey(String key) {
        return SchemaRegistryClients.CONFIG_KEYS.contains(key)
                || key.startsWith("schema.registry.")
                || key.startsWith("basic.auth.")
                || key.equals(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS_CONFIG)
                || key.equals(AvroSerdeConfig.SPECIFIC_AVRO_READER_CONFIG);
    }

    private static void checkRegistryUrl(String registry) {
        for (String url : registry.split(",")) {
            String u = url.trim();
            if (!u.matches("(?i)(https?|mock)://.+")) {
                throw new UserException(
                        "the schema registry URL must look like http://HOST:PORT, got '"
                                + u.replaceFirst("//[^/@]*@", "//")
                                + "'"
                                + (u.contains("://") ? "" : "; did you mean http://" + u + "?"));
            }
        }
    }

    private static Map<String, String> read(Path file) {
        Properties props = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            props.load(in);
        } catch (NoSuchFileException e) {
            throw new UserException("--config " + file + ": no such file");
        } catch (IOException | IllegalArgumentException e) {
            throw new UserException("--config " + file + ": cannot read it: " + e.getMessage());
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String name : props.stringPropertyNames()) {
            values.put(name, props.getProperty(name).trim());
        }
        return values;
    }

    private static String first(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value.trim();
            }
        }
        throw new IllegalStateException("the last value is a default");
    }
}
