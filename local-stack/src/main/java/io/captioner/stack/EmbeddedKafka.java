package io.captioner.stack;

import io.captioner.stack.internal.FileTrees;
import io.captioner.stack.internal.Ports;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka cluster in this JVM: one KRaft process that is both broker and
 * controller, so that a fresh machine with only Java needs nothing else to run the captioner.
 *
 * <p>Internal topics (consumer offsets, transaction state, share-group state) use replication
 * factor 1 and min ISR 1, so idempotent and transactional ({@code exactly_once_v2}) producers work
 * on the single node. Automatic topic creation is left on, as in a stock Kafka, with one partition
 * per auto-created topic: a development stack should not fail because a topic was not created
 * first; applications that need specific partition counts create their topics explicitly.
 *
 * <p>Storage is either a persistent directory (formatted on first start, reused afterwards with its
 * topics and data) or a temporary one that {@link #close()} deletes. Port 0 picks a free port. The
 * broker listener is advertised on {@code host} (default {@code 127.0.0.1}); it binds to that
 * address when it is a loopback address and to all interfaces otherwise. The controller listener
 * always binds to a free loopback port.
 */
public final class EmbeddedKafka implements AutoCloseable {

    /** Default persistent data directory, relative to the working directory. */
    public static final Path DEFAULT_DATA_DIR = Paths.get(".captioner", "kafka");

    /** Default broker port. */
    public static final int DEFAULT_PORT = 9092;

    /** Default advertised host. */
    public static final String DEFAULT_HOST = "127.0.0.1";

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final int NODE_ID = 1;
    // Written by the storage formatter; its presence means the directory is formatted.
    private static final String META_PROPERTIES = "meta.properties";
    private static final String LOCK_FILE = ".captioner-stack.lock";
    private static final int MAX_START_ATTEMPTS = 3;
    private static final String BROKER_LISTENER = "PLAINTEXT";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";

    private final Path configuredDataDir;
    private final boolean temporary;
    private final int port;
    private final String host;
    private final Map<String, String> overrides;

    private KafkaRaftServer server;
    private FileChannel lockChannel;
    private FileLock lock;
    private Path dataDir;
    private int boundPort;
    private boolean closed;

    private EmbeddedKafka(Builder builder) {
        this.configuredDataDir = builder.dataDir;
        this.temporary = builder.temporary;
        this.port = builder.port;
        this.host = builder.host;
        this.overrides = Map.copyOf(builder.overrides);
    }

    /** Starts a builder with the defaults: persistent {@code ./.captioner/kafka}, port 9092. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Formats the storage if it is new and starts the broker; returns once the broker accepts
     * client requests.
     *
     * @throws StackException if the storage cannot be prepared or the broker does not start
     */
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("embedded Kafka was closed; build a new one");
        }
        if (server != null) {
            throw new IllegalStateException("embedded Kafka is already started");
        }
        if (port != 0) {
            // Before touching storage: a clash should cost nothing and leave nothing behind.
            Ports.requireFree("Kafka", bindHost(), port);
        }
        dataDir = prepareDataDir();
        boolean success = false;
        try {
            lockDataDir();
            formatIfNeeded();
            startWithRetries();
            success = true;
        } finally {
            if (!success) {
                unlockDataDir();
                if (temporary) {
                    FileTrees.deleteQuietly(dataDir);
                }
            }
        }
        LOG.info("Embedded Kafka started at {} with data in {}", bootstrapServers(), dataDir);
    }

    /** The bootstrap servers clients use, {@code host:port}; only valid after {@link #start()}. */
    public synchronized String bootstrapServers() {
        if (server == null) {
            throw new IllegalStateException("embedded Kafka is not started");
        }
        return host + ":" + boundPort;
    }

    /** The port the broker listens on; only valid after {@link #start()}. */
    public synchronized int port() {
        if (server == null) {
            throw new IllegalStateException("embedded Kafka is not started");
        }
        return boundPort;
    }

    /** The directory that holds the broker's logs and metadata; only valid after start. */
    public synchronized Path dataDir() {
        if (dataDir == null) {
            throw new IllegalStateException("embedded Kafka is not started");
        }
        return dataDir;
    }

    /** Shuts the broker down cleanly and deletes the data directory if it is temporary. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (server != null) {
            KafkaRaftServer s = server;
            server = null;
            s.shutdown();
            s.awaitShutdown();
            LOG.info("Embedded Kafka stopped");
        }
        unlockDataDir();
        if (temporary && dataDir != null) {
            FileTrees.deleteQuietly(dataDir);
        }
    }

    private Path prepareDataDir() {
        try {
            if (temporary) {
                return Files.createTempDirectory("captioner-kafka-");
            }
            Path dir = configuredDataDir.toAbsolutePath().normalize();
            Files.createDirectories(dir);
            return dir;
        } catch (IOException e) {
            throw new StackException(
                    "cannot create the Kafka data directory: " + e.getMessage(), e);
        }
    }

    /**
     * Kafka's own directory lock is taken by the broker half only after the controller half has
     * opened the metadata log, so a second stack on the same directory would write to a log the
     * first one is using; this lock keeps the second one out before anything is opened.
     */
    private void lockDataDir() {
        Path lockFile = dataDir.resolve(LOCK_FILE);
        try {
            lockChannel =
                    FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                lock = lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
        } catch (IOException e) {
            throw new StackException("cannot lock " + lockFile + ": " + e.getMessage(), e);
        }
        if (lock == null) {
            unlockDataDir();
            throw new StackException(
                    "Kafka data directory "
                            + dataDir
                            + " is in use by another running stack; stop it or choose another"
                            + " data directory");
        }
    }

    private void unlockDataDir() {
        try {
            if (lock != null) {
                lock.release();
            }
            if (lockChannel != null) {
                lockChannel.close();
            }
        } catch (IOException e) {
            LOG.warn("Could not release the lock on {}: {}", dataDir, e.getMessage());
        } finally {
            lock = null;
            lockChannel = null;
        }
    }

    private void formatIfNeeded() {
        if (Files.exists(dataDir.resolve(META_PROPERTIES))) {
            LOG.debug("Reusing formatted Kafka storage in {}", dataDir);
            return;
        }
        // The Formatter prints progress for the command-line storage tool; nobody reads it here.
        try (PrintStream quiet =
                new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8)) {
            new Formatter()
                    .setPrintStream(quiet)
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setMetadataLogDirectory(dataDir.toString())
                    .addDirectory(dataDir.toString())
                    .run();
        } catch (Exception e) {
            throw new StackException(
                    "cannot format Kafka storage in " + dataDir + ": " + e.getMessage(), e);
        }
        LOG.info("Formatted new Kafka storage in {}", dataDir);
    }

    private void startWithRetries() {
        for (int attempt = 1; ; attempt++) {
            // A port that was free when chosen may be taken before the broker binds it; only a
            // port we chose ourselves is worth retrying.
            int brokerPort = port == 0 ? Ports.freePort(bindHost()) : port;
            // A fixed broker port is free until the broker binds it, so the free-port probe can
            // hand it out again (seen on a restart that kept its broker port).
            int controllerPort = Ports.freePort(DEFAULT_HOST);
            while (controllerPort == brokerPort) {
                controllerPort = Ports.freePort(DEFAULT_HOST);
            }
            KafkaRaftServer candidate;
            try {
                candidate =
                        new KafkaRaftServer(
                                new KafkaConfig(brokerConfig(brokerPort, controllerPort), false),
                                Time.SYSTEM);
            } catch (RuntimeException e) {
                throw new StackException(
                        "invalid Kafka configuration or storage in "
                                + dataDir
                                + ": "
                                + e.getMessage(),
                        e);
            }
            try {
                candidate.startup();
                server = candidate;
                boundPort = brokerPort;
                return;
            } catch (RuntimeException e) {
                shutdownQuietly(candidate);
                boolean bindFailure = isBindFailure(e);
                if (!bindFailure || attempt >= MAX_START_ATTEMPTS) {
                    String why =
                            bindFailure
                                    ? "port "
                                            + brokerPort
                                            + " or controller port "
                                            + controllerPort
                                            + " is in use"
                                    : e.getMessage();
                    throw new StackException("embedded Kafka did not start: " + why, e);
                }
                LOG.warn("Port taken while starting Kafka (attempt {}), retrying", attempt);
            }
        }
    }

    Map<String, String> brokerConfig(int brokerPort, int controllerPort) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("process.roles", "broker,controller");
        config.put("node.id", Integer.toString(NODE_ID));
        config.put("controller.quorum.voters", NODE_ID + "@" + DEFAULT_HOST + ":" + controllerPort);
        config.put("controller.listener.names", CONTROLLER_LISTENER);
        config.put("inter.broker.listener.name", BROKER_LISTENER);
        config.put(
                "listeners",
                BROKER_LISTENER
                        + "://"
                        + bindHost()
                        + ":"
                        + brokerPort
                        + ","
                        + CONTROLLER_LISTENER
                        + "://"
                        + DEFAULT_HOST
                        + ":"
                        + controllerPort);
        config.put("advertised.listeners", BROKER_LISTENER + "://" + host + ":" + brokerPort);
        config.put(
                "listener.security.protocol.map",
                BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        config.put("log.dirs", dataDir.toString());
        config.put("metadata.log.dir", dataDir.toString());
        config.put("auto.create.topics.enable", "true");
        config.put("num.partitions", "1");
        config.put("default.replication.factor", "1");
        config.put("min.insync.replicas", "1");
        // Single replica for every internal topic, or consumer groups and transactions hang.
        config.put("offsets.topic.replication.factor", "1");
        config.put("offsets.topic.num.partitions", "1");
        config.put("transaction.state.log.replication.factor", "1");
        config.put("transaction.state.log.min.isr", "1");
        config.put("transaction.state.log.num.partitions", "1");
        config.put("share.coordinator.state.topic.replication.factor", "1");
        config.put("share.coordinator.state.topic.min.isr", "1");
        config.put("share.coordinator.state.topic.num.partitions", "1");
        // No point waiting for more members to join on a one-developer cluster.
        config.put("group.initial.rebalance.delay.ms", "0");
        // Fewer threads than a production broker: this one shares the CPU with the apps under test.
        config.put("num.network.threads", "2");
        config.put("num.io.threads", "2");
        config.put("num.recovery.threads.per.data.dir", "1");
        config.put("background.threads", "2");
        config.putAll(overrides);
        return config;
    }

    private String bindHost() {
        try {
            return InetAddress.getByName(host).isLoopbackAddress() ? host : "0.0.0.0";
        } catch (UnknownHostException e) {
            throw new StackException("unknown Kafka host " + host, e);
        }
    }

    private static boolean isBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return true;
            }
            String message = t.getMessage();
            if (message != null && message.contains("failed to bind")) {
                return true;
            }
        }
        return false;
    }

    private static void shutdownQuietly(KafkaRaftServer candidate) {
        try {
            candidate.shutdown();
            candidate.awaitShutdown();
        } catch (RuntimeException e) {
            LOG.debug("Ignoring error while cleaning up a failed Kafka start", e);
        }
    }

    /** Configures an {@link EmbeddedKafka}; every option is optional. */
    public static final class Builder {
        private Path dataDir = DEFAULT_DATA_DIR;
        private boolean temporary;
        private int port = DEFAULT_PORT;
        private String host = DEFAULT_HOST;
        private final Map<String, String> overrides = new LinkedHashMap<>();

        private Builder() {}

        /** Keeps the broker's storage in {@code dir}, formatted on first use and reused later. */
        public Builder optDataDir(Path dir) {
            this.dataDir = Objects.requireNonNull(dir, "dir");
            this.temporary = false;
            return this;
        }

        /** Keeps the broker's storage in a fresh temporary directory deleted on close. */
        public Builder optTemporary() {
            this.temporary = true;
            return this;
        }

        /** Sets the broker port; 0 picks a free port. */
        public Builder optPort(int port) {
            this.port = Ports.checkPort("Kafka port", port);
            return this;
        }

        /** Sets the host advertised to clients (default {@code 127.0.0.1}). */
        public Builder optHost(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** Overrides one broker configuration entry, applied after the embedded defaults. */
        public Builder optBrokerConfig(String key, String value) {
            overrides.put(
                    Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Validates the options and creates the (not yet started) broker. */
        public EmbeddedKafka build() {
            if (host.isBlank()) {
                throw new IllegalArgumentException("Kafka host must not be blank");
            }
            for (String key : overrides.keySet()) {
                if (key.equals("log.dirs") || key.equals("node.id") || key.equals("listeners")) {
                    throw new IllegalArgumentException(
                            key + " is managed by EmbeddedKafka; use the builder options instead");
                }
            }
            return new EmbeddedKafka(this);
        }
    }
}
