package io.captioner.cli;

import picocli.CommandLine.Option;

/**
 * Options the {@code models} subcommands that talk to Kafka share besides {@link KafkaOptions}: the
 * topic prefix of a shared cluster and how long to wait for Kafka before giving up.
 */
public final class ModelTopicOptions {

    @Option(
            names = "--topic-prefix",
            paramLabel = "PREFIX",
            defaultValue = "",
            description = "Prefix of the topic names, for a shared cluster (default: none).")
    String topicPrefix;

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            defaultValue = "30",
            description =
                    "How long to wait for Kafka to answer before failing (default:"
                            + " ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    /** Prefix of the topic names; empty for none. */
    public String topicPrefix() {
        return topicPrefix;
    }

    /** Seconds to wait for Kafka. */
    public int timeoutSeconds() {
        return timeoutSeconds;
    }
}
