package io.captioner.cli;

import io.captioner.modeltopic.ChunkStorage;
import io.captioner.modeltopic.ModelCatalog;
import io.captioner.modeltopic.ModelPublishException;
import io.captioner.modeltopic.ModelPublisher;
import io.captioner.modeltopic.ModelSigning;
import io.captioner.modeltopic.ModelTopicReader;
import io.captioner.modeltopic.SigningKey;
import io.captioner.schemas.Topics;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What the {@code models} subcommands share: clients for the {@code models} topic bounded by {@code
 * --timeout}, model name resolution, signing key loading, and turning every failure into one line
 * on stderr with a documented exit code.
 */
final class ModelTopicAccess {

    /**
     * Exit code when the topic refuses the operation (unknown, incomplete or conflicting version).
     */
    static final int EXIT_REFUSED = 1;

    /** Exit code for bad input: missing or invalid artifact, key file or key directory. */
    static final int EXIT_BAD_INPUT = CommandLine.ExitCode.USAGE;

    /** Exit code when Kafka or the schema registry cannot be reached or fails. */
    static final int EXIT_KAFKA = 3;

    private final KafkaOptions kafka;
    private final ModelTopicOptions options;
    private final Topics topics;

    ModelTopicAccess(KafkaOptions kafka, ModelTopicOptions options) {
        if (options.timeoutSeconds() <= 0) {
            throw new Failure(
                    EXIT_BAD_INPUT, "--timeout must be positive, got " + options.timeoutSeconds());
        }
        this.kafka = kafka;
        this.options = options;
        this.topics =
                Topics.builder()
                        .setSerdeConfig(kafka.serdeConfig())
                        .optNamePrefix(options.topicPrefix())
                        .build();
    }

    /** The name of the models topic. */
    String topicName() {
        return topics.models().name();
    }

    /** Reads the whole topic's metadata (no chunk bytes); the caller closes the catalog. */
    ModelCatalog readCatalog() {
        return ModelTopicReader.builder()
                .setBootstrapServers(kafka.bootstrap())
                .setTopics(topics)
                .optChunkStorage(ChunkStorage.METADATA_ONLY)
                .optConsumerConfig(clientConfig())
                .optReadTimeout(Duration.ofSeconds(options.timeoutSeconds()))
                .build()
                .readToEnd();
    }

    /** A publisher for the topic, creating it if missing; the caller closes it. */
    ModelPublisher publisher(SigningKey signingKey, int retainVersions) {
        ModelPublisher.Builder builder =
                ModelPublisher.builder()
                        .setBootstrapServers(kafka.bootstrap())
                        .setTopics(topics)
                        .optClientConfig(clientConfig())
                        .optRetainVersions(retainVersions);
        if (signingKey != null) {
            builder.optSigningKey(signingKey);
        }
        return builder.build();
    }

    /**
     * {@code requested} if given, else the only model on the topic.
     *
     * @throws Failure if the topic holds no model or several
     */
    String resolveModel(String requested) {
        if (requested != null) {
            return requested;
        }
        try (ModelCatalog catalog = readCatalog()) {
            return onlyModel(catalog.modelNames());
        }
    }

    /** The only name in {@code names}, or a failure that lists them. */
    String onlyModel(Set<String> modelNames) {
        // Sorted, so the list of names in the error is stable.
        SortedSet<String> names = new TreeSet<>(modelNames);
        if (names.isEmpty()) {
            throw new Failure(EXIT_REFUSED, "no models on topic " + topicName());
        }
        if (names.size() > 1) {
            throw new Failure(
                    EXIT_REFUSED,
                    "topic "
                            + topicName()
                            + " holds several models ("
                            + String.join(", ", names)
                            + "); choose one with --model");
        }
        return names.iterator().next();
    }

    /**
     * Loads a signing key: a directory holding {@code private.pem} and {@code public.pem} (as
     * {@code models keygen} writes them), or a private key file with {@code public.pem} beside it.
     */
    static SigningKey loadSigningKey(Path path) {
        try {
            if (Files.isDirectory(path)) {
                return ModelSigning.loadKeys(path);
            }
            if (!Files.isRegularFile(path)) {
                throw new Failure(EXIT_BAD_INPUT, "bad key file: " + path + " does not exist");
            }
            Path publicKey = path.toAbsolutePath().resolveSibling(ModelSigning.PUBLIC_KEY_FILE);
            if (!Files.isRegularFile(publicKey)) {
                throw new Failure(
                        EXIT_BAD_INPUT,
                        "bad key file: no "
                                + ModelSigning.PUBLIC_KEY_FILE
                                + " beside "
                                + path
                                + " (give the key directory or a private key with its public"
                                + " key beside it)");
            }
            return ModelSigning.loadKeys(path, publicKey);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new Failure(EXIT_BAD_INPUT, "bad key file: " + e.getMessage());
        }
    }

    /**
     * Runs {@code body} and turns its failures into one line {@code <command>: <why>} on stderr and
     * an exit code: {@link #EXIT_REFUSED}, {@link #EXIT_BAD_INPUT} or {@link #EXIT_KAFKA}.
     */
    static int run(CommandSpec spec, KafkaOptions kafka, Callable<Integer> body) {
        PrintWriter err = spec.commandLine().getErr();
        String name = spec.qualifiedName(" ").replaceFirst("^captioner ", "");
        try {
            return body.call();
        } catch (Failure e) {
            err.println(name + ": " + e.getMessage());
            return e.exitCode;
        } catch (UserException e) {
            // Bad client settings (--config, --registry), as for every client command.
            err.println(name + ": " + e.getMessage());
            return e.exitCode();
        } catch (ModelPublishException e) {
            err.println(name + ": " + firstLine(e.getMessage()));
            return e.reason() == ModelPublishException.Reason.BAD_ARTIFACT
                    ? EXIT_BAD_INPUT
                    : EXIT_REFUSED;
        } catch (KafkaException e) {
            err.println(name + ": " + kafkaMessage(e, kafka));
            return EXIT_KAFKA;
        } catch (CommandLine.ParameterException e) {
            throw e;
        } catch (Exception e) {
            err.println(name + ": " + firstLine(String.valueOf(e)));
            return CommandLine.ExitCode.SOFTWARE;
        } finally {
            spec.commandLine().getOut().flush();
            err.flush();
        }
    }

    private Map<String, Object> clientConfig() {
        int millis = options.timeoutSeconds() * 1000;
        // Bounds metadata lookups, topic creation and offset queries, so a dead broker fails the
        // command within --timeout instead of the clients' minute-long defaults.
        Map<String, Object> config = new java.util.HashMap<>(kafka.kafkaConfig());
        config.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
        config.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, Math.min(millis, 30_000));
        return config;
    }

    private static String kafkaMessage(KafkaException e, KafkaOptions kafka) {
        if (kafka == null) {
            return "Kafka error: " + firstLine(e.getMessage());
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException) {
                return "Kafka at "
                        + kafka.bootstrap()
                        + " did not answer in time (is it running? see --bootstrap, --timeout): "
                        + firstLine(t.getMessage());
            }
        }
        StringBuilder message = new StringBuilder(firstLine(e.getMessage()));
        Throwable cause = e.getCause();
        if (cause != null && cause.getMessage() != null) {
            message.append(": ").append(firstLine(cause.getMessage()));
        }
        return "Kafka error (bootstrap "
                + kafka.bootstrap()
                + ", registry "
                + kafka.registry()
                + "): "
                + message;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /** A failure already explained in one line, with the exit code it maps to. */
    static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private final int exitCode;

        Failure(int exitCode, String message) {
            super(message);
            this.exitCode = exitCode;
        }

        int exitCode() {
            return exitCode;
        }
    }
}
