package io.captioner.stack;

import com.sun.net.httpserver.HttpServer;
import io.captioner.stack.internal.KafkaSchemaStore;
import io.captioner.stack.internal.Ports;
import io.captioner.stack.internal.RegistryHttpHandler;
import io.captioner.stack.internal.SchemaRegistryService;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Confluent-compatible schema registry (the REST subset Avro serdes and tools use) served from
 * this JVM and kept durably in a compacted Kafka topic, so the local stack needs no separate
 * registry process.
 *
 * <p>On {@link #start()} it reads the whole topic to rebuild its state before it accepts requests;
 * each registration is written to the topic (acks=all) before it is acknowledged, so schema ids
 * survive restarts. Ids are global and deterministic: identical schemas get the same id in every
 * subject; a new schema gets the highest id plus one. One registry instance should write to a topic
 * at a time: it does not watch the topic for other writers.
 *
 * <p>Only Avro schemas are served; compatibility (default BACKWARD) uses Avro's {@code
 * SchemaCompatibility}.
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {

    /** Default HTTP port, the one Confluent's registry uses. */
    public static final int DEFAULT_PORT = 8081;

    /** Default bind and advertised host. */
    public static final String DEFAULT_HOST = "127.0.0.1";

    /** Default backing topic, the one Confluent's registry uses. */
    public static final String DEFAULT_TOPIC = "_schemas";

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class);

    private final String bootstrapServers;
    private final int port;
    private final String host;
    private final String topic;
    private final int threads;

    private KafkaSchemaStore store;
    private HttpServer server;
    private ThreadPoolExecutor executor;
    private boolean closed;

    private EmbeddedSchemaRegistry(Builder builder) {
        this.bootstrapServers = builder.bootstrapServers;
        this.port = builder.port;
        this.host = builder.host;
        this.topic = builder.topic;
        this.threads = builder.threads;
    }

    /** Starts a builder; {@link Builder#setBootstrapServers} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Creates the backing topic if missing, replays it, then serves HTTP.
     *
     * @throws StackException if Kafka cannot be reached or the port cannot be bound
     */
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("schema registry was closed; build a new one");
        }
        if (server != null) {
            throw new IllegalStateException("schema registry is already started");
        }
        boolean success = false;
        try {
            store = KafkaSchemaStore.open(bootstrapServers, topic);
            SchemaRegistryService service = SchemaRegistryService.recover(store);
            executor = newExecutor(threads);
            server = bind();
            server.setExecutor(executor);
            server.createContext("/", new RegistryHttpHandler(service));
            server.start();
            success = true;
            LOG.info(
                    "Schema registry serving {} subjects at {} from topic {}",
                    service.subjects().size(),
                    url(),
                    topic);
        } finally {
            if (!success) {
                release();
            }
        }
    }

    /** The base URL clients use, e.g. {@code http://127.0.0.1:8081}; only valid after start. */
    public synchronized String url() {
        if (server == null) {
            throw new IllegalStateException("schema registry is not started");
        }
        return "http://" + host + ":" + server.getAddress().getPort();
    }

    /** The port the registry listens on; only valid after start. */
    public synchronized int port() {
        if (server == null) {
            throw new IllegalStateException("schema registry is not started");
        }
        return server.getAddress().getPort();
    }

    /** Stops serving, waits for in-flight requests briefly and releases the Kafka clients. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        release();
        LOG.info("Schema registry stopped");
    }

    private HttpServer bind() {
        try {
            return HttpServer.create(new InetSocketAddress(InetAddress.getByName(host), port), 64);
        } catch (IOException e) {
            throw new StackException(
                    "schema registry cannot listen on " + host + ":" + port + ": " + e.getMessage(),
                    e);
        }
    }

    private void release() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
        if (executor != null) {
            executor.shutdown();
            try {
                if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                    executor.shutdownNow();
                }
            } catch (InterruptedException e) {
                executor.shutdownNow();
                Thread.currentThread().interrupt();
            }
            executor = null;
        }
        if (store != null) {
            store.close();
            store = null;
        }
    }

    private static ThreadPoolExecutor newExecutor(int threads) {
        AtomicInteger counter = new AtomicInteger();
        ThreadFactory factory =
                runnable -> {
                    Thread t =
                            new Thread(
                                    runnable, "schema-registry-http-" + counter.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                };
        // Bounded both ways: a burst of clients queues, a flood is refused rather than piling up.
        return new ThreadPoolExecutor(
                threads,
                threads,
                0,
                TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(256),
                factory,
                new ThreadPoolExecutor.AbortPolicy());
    }

    /** Configures an {@link EmbeddedSchemaRegistry}. */
    public static final class Builder {
        private String bootstrapServers;
        private int port = DEFAULT_PORT;
        private String host = DEFAULT_HOST;
        private String topic = DEFAULT_TOPIC;
        private int threads = 4;

        private Builder() {}

        /** Sets the Kafka cluster that holds the schema topic (required). */
        public Builder setBootstrapServers(String bootstrapServers) {
            this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            return this;
        }

        /** Sets the HTTP port; 0 picks a free port (default 8081). */
        public Builder optPort(int port) {
            this.port = Ports.checkPort("Schema registry port", port);
            return this;
        }

        /** Sets the host to bind and to put in {@link #url()} (default {@code 127.0.0.1}). */
        public Builder optHost(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** Sets the backing topic (default {@code _schemas}). */
        public Builder optTopic(String topic) {
            this.topic = Objects.requireNonNull(topic, "topic");
            return this;
        }

        /** Sets how many threads serve HTTP requests (default 4). */
        public Builder optThreads(int threads) {
            this.threads = threads;
            return this;
        }

        /** Validates the options and creates the (not yet started) registry. */
        public EmbeddedSchemaRegistry build() {
            if (bootstrapServers == null || bootstrapServers.isBlank()) {
                throw new IllegalArgumentException("bootstrap servers are required");
            }
            if (host.isBlank() || topic.isBlank()) {
                throw new IllegalArgumentException("host and topic must not be blank");
            }
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1: " + threads);
            }
            return new EmbeddedSchemaRegistry(this);
        }
    }
}
