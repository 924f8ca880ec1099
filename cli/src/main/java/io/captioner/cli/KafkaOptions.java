package io.captioner.cli;

import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Connection options every Kafka-facing subcommand shares, so any cluster can be targeted, not only
 * the local stack: bootstrap servers, registry URL and a properties file of client settings
 * (security, SASL, TLS, registry auth), resolved by {@link ClientSettings}.
 */
public final class KafkaOptions {

    /** Default bootstrap servers: the local stack. */
    public static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";

    /** Default schema registry URL: the local stack. */
    public static final String DEFAULT_REGISTRY = "http://127.0.0.1:8081";

    /** Environment variable naming the {@code --config} file. */
    public static final String ENV_CONFIG = "CAPTIONER_CONFIG";

    @Option(
            names = "--bootstrap",
            paramLabel = "HOST:PORT",
            description =
                    "Kafka bootstrap servers (env CAPTIONER_BOOTSTRAP, or bootstrap.servers in"
                            + " --config; default: "
                            + DEFAULT_BOOTSTRAP
                            + ").")
    String bootstrap;

    @Option(
            names = "--registry",
            paramLabel = "URL",
            description =
                    "Schema registry URL (env CAPTIONER_REGISTRY, or schema.registry.url in"
                            + " --config; default: "
                            + DEFAULT_REGISTRY
                            + ").")
    String registry;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            defaultValue = "${env:" + ENV_CONFIG + "}",
            description =
                    "Properties file of client settings (env CAPTIONER_CONFIG): Kafka's"
                            + " security.protocol, sasl.*, ssl.* go to every producer, consumer"
                            + " and admin client; schema.registry.url, basic.auth.credentials.source,"
                            + " basic.auth.user.info and schema.registry.ssl.truststore.* to the"
                            + " registry client. CAPTIONER_<KEY> environment variables (e.g."
                            + " CAPTIONER_BASIC_AUTH_USER_INFO) override the file, flags override"
                            + " both.")
    Path config;

    private ClientSettings settings;

    /** The resolved settings (file, environment, flags); resolved once. */
    public ClientSettings settings() {
        if (settings == null) {
            settings = ClientSettings.resolve(config, bootstrap, registry, System.getenv());
        }
        return settings;
    }

    /** Kafka bootstrap servers chosen on the command line, environment, file or default. */
    public String bootstrap() {
        return settings().bootstrap();
    }

    /** Schema registry URL chosen on the command line, environment, file or default. */
    public String registry() {
        return settings().registry();
    }

    /** The {@code --config} file, or null. */
    public Path configFile() {
        return config;
    }

    /** Whether {@code --bootstrap} was given. */
    boolean bootstrapGiven() {
        return bootstrap != null;
    }

    /** Whether {@code --registry} was given. */
    boolean registryGiven() {
        return registry != null;
    }

    /** Serde settings for {@link io.captioner.schemas.Topics}: registry URL, auth and TLS. */
    public Map<String, Object> serdeConfig() {
        return settings().serde();
    }

    /** Kafka client settings for producers, consumers and admin clients, bootstrap included. */
    public Map<String, Object> kafkaConfig() {
        return settings().kafka();
    }
}
