package io.captioner.stack;

import io.captioner.stack.internal.Ports;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole local stack in one JVM: an {@link EmbeddedKafka} broker and an {@link
 * EmbeddedSchemaRegistry} that keeps its schemas in that broker. This is what {@code captioner
 * stack} runs and what integration tests start once per class.
 *
 * <pre>{@code
 * try (LocalStack stack = LocalStack.builder().optTemporary().optKafkaPort(0).optRegistryPort(0).build()) {
 *     stack.start();
 *     String bootstrap = stack.bootstrapServers(); // 127.0.0.1:port
 *     String registry = stack.registryUrl();       // http://127.0.0.1:port
 * }
 * }</pre>
 */
public final class LocalStack implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);

    private final EmbeddedKafka kafka;
    private final EmbeddedSchemaRegistry.Builder registryBuilder;
    private final String registryHost;
    private final int registryPort;
    private EmbeddedSchemaRegistry registry;
    private boolean started;
    private boolean closed;

    private LocalStack(
            EmbeddedKafka kafka,
            EmbeddedSchemaRegistry.Builder registryBuilder,
            String registryHost,
            int registryPort) {
        this.kafka = kafka;
        this.registryBuilder = registryBuilder;
        this.registryHost = registryHost;
        this.registryPort = registryPort;
    }

    /**
     * Starts a builder with the defaults: data in {@code ./.captioner/kafka}, Kafka on 9092, the
     * registry on 8081, both on {@code 127.0.0.1}.
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts Kafka, then the registry on it; if the registry fails, Kafka is stopped again.
     *
     * @throws StackException if either part cannot start
     */
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("local stack was closed; build a new one");
        }
        if (started) {
            throw new IllegalStateException("local stack is already started");
        }
        long begin = System.nanoTime();
        // Kafka takes seconds to start and stop again: find a registry port clash first.
        if (registryPort != 0) {
            Ports.requireFree("Schema registry", registryHost, registryPort);
        }
        kafka.start();
        try {
            registry = registryBuilder.setBootstrapServers(kafka.bootstrapServers()).build();
            registry.start();
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
        started = true;
        LOG.info(
                "Local stack ready in {} ms: bootstrap={} registry={}",
                (System.nanoTime() - begin) / 1_000_000,
                kafka.bootstrapServers(),
                registry.url());
    }

    /** The Kafka bootstrap servers, {@code host:port}; only valid after {@link #start()}. */
    public synchronized String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    /** The schema registry base URL, {@code http://host:port}; only valid after start. */
    public synchronized String registryUrl() {
        if (registry == null) {
            throw new IllegalStateException("local stack is not started");
        }
        return registry.url();
    }

    /** The broker, for callers that need its port or data directory. */
    public EmbeddedKafka kafka() {
        return kafka;
    }

    /** Stops the registry, then Kafka; safe to call more than once. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (registry != null) {
                registry.close();
            }
        } finally {
            kafka.close();
        }
    }

    /** Configures a {@link LocalStack}; every option is optional. */
    public static final class Builder {
        private Path dataDir = EmbeddedKafka.DEFAULT_DATA_DIR;
        private boolean temporary;
        private int kafkaPort = EmbeddedKafka.DEFAULT_PORT;
        private int registryPort = EmbeddedSchemaRegistry.DEFAULT_PORT;
        private String host = EmbeddedKafka.DEFAULT_HOST;
        private final Map<String, String> brokerConfig = new LinkedHashMap<>();

        private Builder() {}

        /** Keeps Kafka's data (and so the schemas) in {@code dir}, reused across restarts. */
        public Builder optDataDir(Path dir) {
            this.dataDir = Objects.requireNonNull(dir, "dir");
            this.temporary = false;
            return this;
        }

        /** Keeps Kafka's data in a temporary directory deleted on close (for tests). */
        public Builder optTemporary() {
            this.temporary = true;
            return this;
        }

        /** Sets the Kafka port; 0 picks a free port (default 9092). */
        public Builder optKafkaPort(int port) {
            this.kafkaPort = port;
            return this;
        }

        /** Sets the registry port; 0 picks a free port (default 8081). */
        public Builder optRegistryPort(int port) {
            this.registryPort = port;
            return this;
        }

        /** Sets the host advertised by Kafka and bound by the registry (default 127.0.0.1). */
        public Builder optHost(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** Overrides one broker configuration entry. */
        public Builder optBrokerConfig(String key, String value) {
            brokerConfig.put(key, value);
            return this;
        }

        /** Validates the options and creates the (not yet started) stack. */
        public LocalStack build() {
            EmbeddedKafka.Builder kafka = EmbeddedKafka.builder().optPort(kafkaPort).optHost(host);
            if (temporary) {
                kafka.optTemporary();
            } else {
                kafka.optDataDir(dataDir);
            }
            brokerConfig.forEach(kafka::optBrokerConfig);
            // Validate the registry options now; the bootstrap servers are known only after start.
            EmbeddedSchemaRegistry.Builder registry =
                    EmbeddedSchemaRegistry.builder().optPort(registryPort).optHost(host);
            return new LocalStack(kafka.build(), registry, host, registryPort);
        }
    }
}
