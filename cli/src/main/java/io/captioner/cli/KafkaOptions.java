package io.captioner.cli;

import picocli.CommandLine.Option;

/**
 * Connection options every Kafka-facing subcommand shares, so any cluster can be targeted, not only
 * the local stack.
 */
public final class KafkaOptions {

    /** Default bootstrap servers: the local stack. */
    public static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";

    /** Default schema registry URL: the local stack. */
    public static final String DEFAULT_REGISTRY = "http://127.0.0.1:8081";

    @Option(
            names = "--bootstrap",
            paramLabel = "HOST:PORT",
            defaultValue = "${env:CAPTIONER_BOOTSTRAP:-" + DEFAULT_BOOTSTRAP + "}",
            description =
                    "Kafka bootstrap servers (env CAPTIONER_BOOTSTRAP; default: ${DEFAULT-VALUE}).")
    String bootstrap;

    @Option(
            names = "--registry",
            paramLabel = "URL",
            defaultValue = "${env:CAPTIONER_REGISTRY:-" + DEFAULT_REGISTRY + "}",
            description =
                    "Schema registry URL (env CAPTIONER_REGISTRY; default: ${DEFAULT-VALUE}).")
    String registry;

    /** Kafka bootstrap servers chosen on the command line, environment or default. */
    public String bootstrap() {
        return bootstrap;
    }

    /** Schema registry URL chosen on the command line, environment or default. */
    public String registry() {
        return registry;
    }
}
