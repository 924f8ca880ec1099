package io.captioner.streams.config;

import io.captioner.model.DecodingOptions;
import io.captioner.model.image.ImageDecoder;
import io.captioner.ops.ConfigSources;
import io.captioner.schemas.serde.AvroSerdeConfig;
import io.captioner.streams.fetch.ImageFetcher;
import io.captioner.streams.fetch.NetworkAllowList;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The typed configuration of the streams app, with one documented key per setting.
 *
 * <p>Sources, lowest precedence first: the defaults of {@link #definition()}, a properties file,
 * environment variables (each key has one, see {@link #envName(String)}: {@code
 * captioner.model.path} is {@code CAPTIONER_MODEL_PATH}), then explicit overrides (command-line
 * flags). Keys of the table are validated; any other key (for example {@code max.poll.interval.ms})
 * passes through unchanged to Kafka Streams, so every Streams and client setting stays reachable.
 */
public final class StreamsAppConfig extends AbstractConfig {

    /** Kafka bootstrap servers. */
    public static final String BOOTSTRAP_SERVERS = StreamsConfig.BOOTSTRAP_SERVERS_CONFIG;

    /** Schema registry URL, or {@code mock://scope} for tests. */
    public static final String SCHEMA_REGISTRY_URL = AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG;

    /** Kafka Streams application id: consumer group, transactional id and store prefix. */
    public static final String APPLICATION_ID = StreamsConfig.APPLICATION_ID_CONFIG;

    /** Delivery guarantee of Kafka Streams. */
    public static final String PROCESSING_GUARANTEE = StreamsConfig.PROCESSING_GUARANTEE_CONFIG;

    /** Number of stream threads per instance. */
    public static final String NUM_STREAM_THREADS = StreamsConfig.NUM_STREAM_THREADS_CONFIG;

    /** Commit interval of Kafka Streams. */
    public static final String COMMIT_INTERVAL_MS = StreamsConfig.COMMIT_INTERVAL_MS_CONFIG;

    /** Directory of the local state stores. */
    public static final String STATE_DIR = StreamsConfig.STATE_DIR_CONFIG;

    /** Model artifact file loaded at start. */
    public static final String MODEL_PATH = "captioner.model.path";

    /** Whether the app follows the model topic and hot-swaps the versions activated there. */
    public static final String MODEL_TOPIC_ENABLED = "captioner.model.topic.enabled";

    /** Name of the model whose activations on the model topic this app serves. */
    public static final String MODEL_NAME = "captioner.model.name";

    /** Directory of trusted Ed25519 public keys; when set, only models they signed are served. */
    public static final String MODEL_TRUSTED_KEYS_DIR = "captioner.model.trusted.keys.dir";

    /** Directory where model versions from the topic are reassembled. */
    public static final String MODEL_WORK_DIR = "captioner.model.work.dir";

    /** How long start waits for the model topic's active version before serving. */
    public static final String MODEL_STARTUP_WAIT_MS = "captioner.model.startup.wait.ms";

    /** Largest model artifact taken from the model topic; larger versions are refused. */
    public static final String MODEL_MAX_ARTIFACT_BYTES = "captioner.model.max.artifact.bytes";

    /** Kind of the batch buffer store: {@code rocksdb} or {@code memory}, both changelogged. */
    public static final String BUFFER_STORE = "captioner.buffer.store";

    /** Value of {@link #BUFFER_STORE} for a persistent RocksDB store. */
    public static final String BUFFER_STORE_ROCKSDB = "rocksdb";

    /** Value of {@link #BUFFER_STORE} for an in-memory store. */
    public static final String BUFFER_STORE_MEMORY = "memory";

    /** Largest number of images captioned in one forward pass. */
    public static final String BATCH_MAX_SIZE = "captioner.batch.max.size";

    /** Longest time an image waits in the batch buffer before a partial batch is captioned. */
    public static final String BATCH_MAX_WAIT_MS = "captioner.batch.max.wait.ms";

    /** Beam width; 1 decodes greedily. */
    public static final String DECODING_BEAM_SIZE = "captioner.decoding.beam.size";

    /** Maximum caption length in tokens. */
    public static final String DECODING_MAX_LENGTH = "captioner.decoding.max.length";

    /** Runner-up captions returned by beam search. */
    public static final String DECODING_ALTERNATIVES = "captioner.decoding.alternatives";

    /** Length normalization exponent of beam search. */
    public static final String DECODING_LENGTH_ALPHA = "captioner.decoding.length.alpha";

    /** Largest encoded image accepted, inline or fetched. */
    public static final String IMAGE_MAX_BYTES = "captioner.image.max.bytes";

    /** Largest declared width x height accepted. */
    public static final String IMAGE_MAX_PIXELS = "captioner.image.max.pixels";

    /** Directories {@code file:} image URIs may point into. */
    public static final String FETCH_ALLOWED_DIRS = "captioner.fetch.allowed.dirs";

    /** Whether {@code http:} and {@code https:} image URIs may be fetched. */
    public static final String FETCH_HTTP_ENABLED = "captioner.fetch.http.enabled";

    /** Host names whose loopback or private addresses http(s) fetches may reach. */
    public static final String FETCH_HTTP_ALLOWED_HOSTS = "captioner.fetch.http.allowed.hosts";

    /** Networks (CIDR) that http(s) fetches may reach whatever the host name. */
    public static final String FETCH_HTTP_ALLOWED_NETWORKS =
            "captioner.fetch.http.allowed.networks";

    /** Whether http(s) fetches may reach public addresses that are not allow-listed. */
    public static final String FETCH_HTTP_ALLOW_PUBLIC = "captioner.fetch.http.allow.public";

    /**
     * Deprecated: opens every loopback and private address to http(s) fetches; use {@link
     * #FETCH_HTTP_ALLOWED_HOSTS} and {@link #FETCH_HTTP_ALLOWED_NETWORKS}.
     */
    public static final String FETCH_ALLOW_PRIVATE_NETWORKS =
            "captioner.fetch.allow.private.networks";

    /** Redirects an http(s) fetch follows. */
    public static final String FETCH_MAX_REDIRECTS = "captioner.fetch.max.redirects";

    /** TCP connect timeout of http(s) fetches. */
    public static final String FETCH_CONNECT_TIMEOUT_MS = "captioner.fetch.connect.timeout.ms";

    /** Deadline of a whole http(s) fetch. */
    public static final String FETCH_READ_TIMEOUT_MS = "captioner.fetch.read.timeout.ms";

    /** Largest original value copied into a dead letter. */
    public static final String DLQ_MAX_ORIGINAL_BYTES = "captioner.dlq.max.original.bytes";

    /** Port of the ops HTTP endpoint. */
    public static final String HTTP_PORT = "captioner.http.port";

    /** Address the ops HTTP endpoint binds. */
    public static final String HTTP_BIND_ADDRESS = "captioner.http.bind.address";

    /** Prefix of every topic name. */
    public static final String TOPIC_PREFIX = "captioner.topic.prefix";

    /** Whether a closing instance leaves the group at once instead of after its session timeout. */
    public static final String CLOSE_LEAVE_GROUP = "captioner.close.leave.group";

    /** Whether missing topics are created at start. */
    public static final String TOPICS_CREATE = "captioner.topics.create";

    // --- Serving path: data, membership, transactions, pipeline, threads (owned by serving) ---

    /** Directory of the app's durable data: the state stores and the model versions. */
    public static final String DATA_DIR = "captioner.data.dir";

    /** Stable name of this instance; its static group membership id. */
    public static final String INSTANCE_NAME = "captioner.instance.name";

    /** Whether the instance joins the group as a static member (fast resume after a restart). */
    public static final String STATIC_MEMBERSHIP = "captioner.static.membership";

    /** Timeout of the exactly-once transactions of the stream threads' producers. */
    public static final String TRANSACTION_TIMEOUT_MS = "transaction.timeout.ms";

    /** Buffered images of one task not yet in the pipeline before the stream thread waits. */
    public static final String BUFFER_MAX_WAITING = "captioner.buffer.max.waiting.images";

    /** Longest wait of a stream thread for buffer room per round of its loop. */
    public static final String BUFFER_MAX_BLOCK_MS = "captioner.buffer.max.block.ms";

    /** Batches' worth of one task's images in the pipeline at once. */
    public static final String PIPELINE_INFLIGHT_BATCHES = "captioner.pipeline.inflight.batches";

    /** Threads that fetch, decode and resize images. */
    public static final String INPUT_THREADS = "captioner.input.threads";

    /** Threads that run the model, each one batch at a time. */
    public static final String INFERENCE_THREADS = "captioner.inference.threads";

    /** PyTorch intra-op threads of each inference thread. */
    public static final String INFERENCE_INTRA_OP_THREADS = "captioner.inference.intra.op.threads";

    /** Attempts of a record failing unexpectedly before it is dead-lettered as INTERNAL_ERROR. */
    public static final String RETRY_MAX_ATTEMPTS = "captioner.retry.max.attempts";

    /** Longest back-off after repeated whole-model failures. */
    public static final String MODEL_FAILURE_MAX_BACKOFF_MS =
            "captioner.model.failure.max.backoff.ms";

    /** Largest image id in UTF-8 bytes. */
    public static final String IMAGE_ID_MAX_BYTES = "captioner.image.id.max.bytes";

    /** Accepted clock skew of an event time in the future. */
    public static final String EVENT_TIME_MAX_AHEAD_MS = "captioner.event.time.max.ahead.ms";

    /** Partitions of the images topic when the app creates it. */
    public static final String IMAGES_PARTITIONS = "captioner.topic.images.partitions";

    /** max.message.bytes of the images topic when the app creates it; 0 keeps the broker's. */
    public static final String IMAGES_MAX_MESSAGE_BYTES =
            "captioner.topic.images.max.message.bytes";

    /** Stream-thread replacements within the window that turn /health DOWN. */
    public static final String HEALTH_MAX_REPLACEMENTS = "captioner.health.max.thread.replacements";

    /** Window over which stream-thread replacements are counted for /health. */
    public static final String HEALTH_REPLACEMENT_WINDOW_MS =
            "captioner.health.thread.replacement.window.ms";

    /** Default transaction timeout: far above what one commit's work takes on the stream thread. */
    public static final long DEFAULT_TRANSACTION_TIMEOUT_MS = 30_000L;

    /** Default ops port; 8081 is taken by the schema registry of the local stack. */
    public static final int DEFAULT_HTTP_PORT = 8088;

    /** Default ops bind address: every interface, so probes and scrapers from outside reach it. */
    public static final String DEFAULT_HTTP_BIND_ADDRESS = "0.0.0.0";

    private static final Logger LOG = LoggerFactory.getLogger(StreamsAppConfig.class);

    /** Keys whose environment variable is not derived from the key (shared with the CLI). */
    private static final Map<String, String> ENV_ALIASES =
            Map.of(
                    BOOTSTRAP_SERVERS,
                    "CAPTIONER_BOOTSTRAP",
                    SCHEMA_REGISTRY_URL,
                    "CAPTIONER_REGISTRY");

    private static final ConfigDef DEFINITION = buildDefinition();

    private final Map<String, String> passThrough;

    private StreamsAppConfig(Map<String, String> merged) {
        super(DEFINITION, merged, false);
        Map<String, String> extra = new TreeMap<>();
        for (Map.Entry<String, String> e : merged.entrySet()) {
            if (!DEFINITION.names().contains(e.getKey())) {
                extra.put(e.getKey(), e.getValue());
            }
        }
        this.passThrough = Collections.unmodifiableMap(extra);
        if (getInt(DECODING_ALTERNATIVES) > getInt(DECODING_BEAM_SIZE) - 1) {
            throw new ConfigException(
                    DECODING_ALTERNATIVES,
                    getInt(DECODING_ALTERNATIVES),
                    "must be at most " + DECODING_BEAM_SIZE + " - 1");
        }
        validateTransactionBudget();
        validateRequestSize();
    }

    /**
     * Every commit's work must fit well inside the transaction timeout: Streams commits every
     * commit.interval.ms, and a stream thread waits for buffer room at most buffer.max.block.ms per
     * round of its loop.
     */
    private void validateTransactionBudget() {
        if (!StreamsConfig.EXACTLY_ONCE_V2.equals(getString(PROCESSING_GUARANTEE))) {
            return;
        }
        long timeout = transactionTimeout().toMillis();
        long commit = getLong(COMMIT_INTERVAL_MS) == null ? 100 : getLong(COMMIT_INTERVAL_MS);
        if (commit * 10 > timeout) {
            throw new ConfigException(
                    COMMIT_INTERVAL_MS,
                    commit,
                    "must be at most a tenth of "
                            + TRANSACTION_TIMEOUT_MS
                            + " ("
                            + timeout
                            + " ms), so a commit's work stays well inside the transaction; raise "
                            + TRANSACTION_TIMEOUT_MS
                            + " or lower "
                            + COMMIT_INTERVAL_MS);
        }
        long block = getLong(BUFFER_MAX_BLOCK_MS);
        if (block * 10 > timeout) {
            throw new ConfigException(
                    BUFFER_MAX_BLOCK_MS,
                    block,
                    "must be at most a tenth of "
                            + TRANSACTION_TIMEOUT_MS
                            + " ("
                            + timeout
                            + " ms)");
        }
    }

    /** A producer request size set by hand must still carry the largest buffered image. */
    private void validateRequestSize() {
        for (String key :
                List.of(
                        ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                        StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG))) {
            String value = passThrough.get(key);
            if (value == null) {
                continue;
            }
            long size;
            try {
                size = Long.parseLong(value.trim());
            } catch (NumberFormatException e) {
                throw new ConfigException(key, value, "must be a number of bytes");
            }
            if (size < maxBufferRecordBytes()) {
                throw new ConfigException(
                        key,
                        value,
                        "must be at least "
                                + maxBufferRecordBytes()
                                + " bytes to carry the largest buffered image ("
                                + IMAGE_MAX_BYTES
                                + " plus the other fields); leave it unset to have it derived");
            }
        }
    }

    /** The table of keys with types, defaults, validators and one-line docs. */
    public static ConfigDef definition() {
        return DEFINITION;
    }

    /** The environment variable read for {@code key}. */
    public static String envName(String key) {
        return ConfigSources.envName(key, ENV_ALIASES);
    }

    /**
     * Starts a builder; everything is optional since every key but the model path has a default.
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Configuration from explicit properties only (no file, no environment), for tests. */
    public static StreamsAppConfig of(Map<String, ?> properties) {
        return builder().optOverrides(properties).build();
    }

    /** The model artifact file; empty when none is configured. */
    public Optional<Path> modelPath() {
        return optionalPath(MODEL_PATH);
    }

    /** Whether the models topic is followed. */
    public boolean modelTopicEnabled() {
        return getBoolean(MODEL_TOPIC_ENABLED);
    }

    /** The model name served from the models topic. */
    public String modelName() {
        return getString(MODEL_NAME);
    }

    /** The directory of trusted public keys; empty when signatures are not required. */
    public Optional<Path> trustedKeysDirectory() {
        return optionalPath(MODEL_TRUSTED_KEYS_DIR);
    }

    /**
     * Where model versions are reassembled: {@code captioner.model.work.dir}, else {@code models}
     * under the data directory.
     */
    public Optional<Path> modelWorkDirectory() {
        return Optional.of(optionalPath(MODEL_WORK_DIR).orElse(dataDirectory().resolve("models")));
    }

    /** Largest model artifact taken from the models topic. */
    public long modelMaxArtifactBytes() {
        return getLong(MODEL_MAX_ARTIFACT_BYTES);
    }

    /** How long start waits for the models topic's active version. */
    public Duration modelStartupWait() {
        return Duration.ofMillis(getLong(MODEL_STARTUP_WAIT_MS));
    }

    /** Consumer settings for the models topic reader: the security keys passed through. */
    public Map<String, Object> modelTopicConsumerConfig() {
        Map<String, Object> consumer = adminConfig();
        consumer.remove(BOOTSTRAP_SERVERS);
        return consumer;
    }

    private Optional<Path> optionalPath(String key) {
        String value = getString(key);
        return value == null || value.isBlank()
                ? Optional.empty()
                : Optional.of(Path.of(value.trim()));
    }

    /** Images per forward pass. */
    public int batchMaxSize() {
        return getInt(BATCH_MAX_SIZE);
    }

    /** Whether the batch buffer is a persistent RocksDB store (else in memory). */
    public boolean persistentBuffer() {
        return BUFFER_STORE_ROCKSDB.equals(getString(BUFFER_STORE));
    }

    /** Longest wait of a buffered image. */
    public Duration batchMaxWait() {
        return Duration.ofMillis(getLong(BATCH_MAX_WAIT_MS));
    }

    /** The decoding options of every caption. */
    public DecodingOptions decodingOptions() {
        return new DecodingOptions(
                getInt(DECODING_BEAM_SIZE),
                getInt(DECODING_MAX_LENGTH),
                getDouble(DECODING_LENGTH_ALPHA),
                getInt(DECODING_ALTERNATIVES));
    }

    /** An image decoder with the configured size limits. */
    public ImageDecoder imageDecoder() {
        return ImageDecoder.builder()
                .optMaxBytes(getLong(IMAGE_MAX_BYTES))
                .optMaxPixels(getLong(IMAGE_MAX_PIXELS))
                .build();
    }

    /**
     * An image fetcher with the configured claim-check policy; the caller closes it (it pools
     * http(s) connections).
     */
    public ImageFetcher imageFetcher() {
        List<Path> dirs = new ArrayList<>();
        for (String dir : nonBlank(FETCH_ALLOWED_DIRS)) {
            dirs.add(Path.of(dir));
        }
        boolean allowPrivate = getBoolean(FETCH_ALLOW_PRIVATE_NETWORKS);
        if (allowPrivate) {
            LOG.warn(
                    "{}=true is deprecated: it opens loopback and every private range (RFC 1918,"
                            + " 100.64/10, fc00::/7) to http(s) image URIs. List your image"
                            + " store in {} or {} instead.",
                    FETCH_ALLOW_PRIVATE_NETWORKS,
                    FETCH_HTTP_ALLOWED_HOSTS,
                    FETCH_HTTP_ALLOWED_NETWORKS);
        }
        return ImageFetcher.builder()
                .optAllowedDirectories(dirs)
                .optHttpEnabled(getBoolean(FETCH_HTTP_ENABLED))
                .optAllowedHosts(nonBlank(FETCH_HTTP_ALLOWED_HOSTS))
                .optAllowedNetworks(nonBlank(FETCH_HTTP_ALLOWED_NETWORKS))
                .optAllowPublicNetworks(getBoolean(FETCH_HTTP_ALLOW_PUBLIC))
                .optAllowPrivateNetworks(allowPrivate)
                .optMaxRedirects(getInt(FETCH_MAX_REDIRECTS))
                .optConnectTimeout(Duration.ofMillis(getLong(FETCH_CONNECT_TIMEOUT_MS)))
                .optReadTimeout(Duration.ofMillis(getLong(FETCH_READ_TIMEOUT_MS)))
                .optMaxBytes(getLong(IMAGE_MAX_BYTES))
                .build();
    }

    private List<String> nonBlank(String listKey) {
        return getList(listKey).stream().map(String::trim).filter(v -> !v.isEmpty()).toList();
    }

    /** Largest original value copied into a dead letter. */
    public int dlqMaxOriginalBytes() {
        return getInt(DLQ_MAX_ORIGINAL_BYTES);
    }

    /** Port of the ops endpoint; 0 picks a free port. */
    public int httpPort() {
        return getInt(HTTP_PORT);
    }

    /** Host name or IP address the ops endpoint binds. */
    public String httpBindAddress() {
        return getString(HTTP_BIND_ADDRESS).trim();
    }

    /** Prefix of every topic name (empty by default). */
    public String topicPrefix() {
        return getString(TOPIC_PREFIX);
    }

    /** Whether a closing instance leaves the consumer group at once. */
    public boolean leaveGroupOnClose() {
        return getBoolean(CLOSE_LEAVE_GROUP);
    }

    /** Whether missing topics are created at start. */
    public boolean createTopics() {
        return getBoolean(TOPICS_CREATE);
    }

    /** The application id. */
    public String applicationId() {
        return getString(APPLICATION_ID);
    }

    /** Bootstrap servers. */
    public String bootstrapServers() {
        return getString(BOOTSTRAP_SERVERS);
    }

    /** The configuration for serdes and the registry client: registry URL and pass-through keys. */
    public Map<String, Object> serdeConfig() {
        Map<String, Object> serde = new HashMap<>(passThrough);
        serde.put(SCHEMA_REGISTRY_URL, getString(SCHEMA_REGISTRY_URL));
        return serde;
    }

    /** Admin client settings: bootstrap servers plus pass-through keys. */
    public Map<String, Object> adminConfig() {
        Map<String, Object> admin = new HashMap<>();
        admin.put(BOOTSTRAP_SERVERS, bootstrapServers());
        for (Map.Entry<String, String> e : passThrough.entrySet()) {
            if (e.getKey().startsWith("security.")
                    || e.getKey().startsWith("sasl.")
                    || e.getKey().startsWith("ssl.")) {
                admin.put(e.getKey(), e.getValue());
            }
        }
        return admin;
    }

    /** The app's data directory. */
    public Path dataDirectory() {
        return Path.of(getString(DATA_DIR).trim());
    }

    /** The state directory: {@code state.dir}, else {@code state} under the data directory. */
    public Path stateDirectory() {
        String stateDir = getString(STATE_DIR);
        return stateDir != null && !stateDir.isBlank()
                ? Path.of(stateDir.trim())
                : dataDirectory().resolve("state");
    }

    /** The timeout of the exactly-once transactions. */
    public Duration transactionTimeout() {
        return Duration.ofMillis(getLong(TRANSACTION_TIMEOUT_MS));
    }

    /** Largest record value buffered: the image limit plus room for the event's other fields. */
    public int maxValueBytes() {
        return (int)
                Math.min(
                        Integer.MAX_VALUE - 1024 * 1024 * 2L,
                        getLong(IMAGE_MAX_BYTES) + BufferLimits.VALUE_ALLOWANCE_BYTES);
    }

    /**
     * Largest changelog record of the buffer, which the changelog's {@code max.message.bytes} and
     * the producer's {@code max.request.size} are set to allow.
     */
    public int maxBufferRecordBytes() {
        return BufferLimits.maxBufferRecordBytes(maxValueBytes(), getInt(IMAGE_ID_MAX_BYTES));
    }

    /** The serving plan of this configuration on a host. */
    public ServingPlan servingPlan(int cores, boolean gpu) {
        return ServingPlan.of(this, cores, gpu);
    }

    /** Whether the instance joins its group as a static member. */
    public boolean staticMembership() {
        return getBoolean(STATIC_MEMBERSHIP);
    }

    /** The configured instance name; empty when it is to be generated in the data directory. */
    public Optional<String> instanceName() {
        String name = getString(INSTANCE_NAME);
        return name == null || name.isBlank() ? Optional.empty() : Optional.of(name.trim());
    }

    /** Partitions of the images topic when the app creates it. */
    public int imagesPartitions() {
        return getInt(IMAGES_PARTITIONS);
    }

    /**
     * {@code max.message.bytes} of the images topic when the app creates it; 0 for the broker's.
     */
    public int imagesMaxMessageBytes() {
        return getInt(IMAGES_MAX_MESSAGE_BYTES);
    }

    /**
     * The properties for {@link org.apache.kafka.streams.KafkaStreams}: the Streams keys of the
     * table, every pass-through key, and what the serving path needs: the transaction timeout,
     * request and buffer sizes for the largest buffered image, the state directory, a short poll so
     * finished images are forwarded promptly, and the static member id when given.
     *
     * @param instanceName the stable instance name ({@code group.instance.id}), or null for none
     */
    public Properties streamsProperties(String instanceName) {
        Properties props = streamsProperties();
        int request = maxBufferRecordBytes();
        props.putIfAbsent(
                StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG),
                (int) transactionTimeout().toMillis());
        props.putIfAbsent(
                StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), request);
        props.putIfAbsent(
                StreamsConfig.producerPrefix(ProducerConfig.BUFFER_MEMORY_CONFIG),
                Math.max(32L * 1024 * 1024, 2L * request));
        props.putIfAbsent(StreamsConfig.POLL_MS_CONFIG, 20L);
        if (instanceName != null
                && !passThrough.containsKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG)) {
            props.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, instanceName);
        }
        return props;
    }

    /**
     * The properties for {@link org.apache.kafka.streams.KafkaStreams}: the Streams keys of the
     * table plus every pass-through key.
     */
    public Properties streamsProperties() {
        Properties props = new Properties();
        props.putAll(passThrough);
        props.put(APPLICATION_ID, applicationId());
        props.put(BOOTSTRAP_SERVERS, bootstrapServers());
        props.put(PROCESSING_GUARANTEE, getString(PROCESSING_GUARANTEE));
        props.put(NUM_STREAM_THREADS, getInt(NUM_STREAM_THREADS));
        Long commit = getLong(COMMIT_INTERVAL_MS);
        if (commit != null) {
            props.put(COMMIT_INTERVAL_MS, commit);
        }
        props.put(STATE_DIR, stateDirectory().toString());
        props.put(SCHEMA_REGISTRY_URL, getString(SCHEMA_REGISTRY_URL));
        return props;
    }

    /** The keys outside the table, passed through to Kafka Streams and the serdes. */
    public Map<String, String> passThrough() {
        return passThrough;
    }

    /** Validates every non-blank element of a list value with {@code parser}. */
    private static ConfigDef.Validator listOf(Function<String, String> parser) {
        return (name, value) -> {
            if (!(value instanceof List<?> items)) {
                return;
            }
            for (Object item : items) {
                String entry = String.valueOf(item).trim();
                if (entry.isEmpty()) {
                    continue;
                }
                try {
                    parser.apply(entry);
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(name, entry, e.getMessage());
                }
            }
        };
    }

    private static ConfigDef buildDefinition() {
        ConfigDef def = new ConfigDef();
        def.define(
                BOOTSTRAP_SERVERS,
                Type.STRING,
                "127.0.0.1:9092",
                Importance.HIGH,
                "Kafka bootstrap servers (host:port,...).");
        def.define(
                SCHEMA_REGISTRY_URL,
                Type.STRING,
                "http://127.0.0.1:8081",
                Importance.HIGH,
                "Schema registry base URL, or mock://scope for an in-memory registry in tests.");
        def.define(
                APPLICATION_ID,
                Type.STRING,
                "captioner-streams",
                Importance.HIGH,
                "Kafka Streams application id: consumer group, transactional id prefix and"
                        + " internal topic prefix; instances with the same id share the work.");
        def.define(
                PROCESSING_GUARANTEE,
                Type.STRING,
                StreamsConfig.EXACTLY_ONCE_V2,
                ValidString.in(StreamsConfig.EXACTLY_ONCE_V2, StreamsConfig.AT_LEAST_ONCE),
                Importance.HIGH,
                "exactly_once_v2 (default: no image lost, no duplicate for read_committed"
                        + " readers) or at_least_once.");
        def.define(
                NUM_STREAM_THREADS,
                Type.INT,
                1,
                Range.between(1, 64),
                Importance.MEDIUM,
                "Stream threads per instance; they only buffer and forward (the model runs on"
                        + " captioner.inference.threads), so one is enough unless an instance has"
                        + " many partitions.");
        def.define(
                COMMIT_INTERVAL_MS,
                Type.LONG,
                null,
                Importance.LOW,
                "Kafka Streams commit interval; empty keeps the Streams default (100 ms under"
                        + " exactly_once_v2).");
        def.define(
                STATE_DIR,
                Type.STRING,
                null,
                Importance.MEDIUM,
                "Directory of the local state (the batch buffer); empty: the state directory"
                        + " under captioner.data.dir.");
        def.define(
                MODEL_PATH,
                Type.STRING,
                null,
                Importance.HIGH,
                "Model artifact file loaded at start; a version activated on the model topic"
                        + " replaces it. Empty: serve only models from the topic.");
        def.define(
                MODEL_TOPIC_ENABLED,
                Type.BOOLEAN,
                true,
                Importance.HIGH,
                "Follow the models topic (read whole by every instance) and hot-swap to each"
                        + " version activated there.");
        def.define(
                MODEL_NAME,
                Type.STRING,
                "captioner",
                new ConfigDef.NonEmptyString(),
                Importance.MEDIUM,
                "Model name whose activations on the models topic this app serves.");
        def.define(
                MODEL_TRUSTED_KEYS_DIR,
                Type.STRING,
                "",
                Importance.MEDIUM,
                "Directory of trusted Ed25519 public keys (*.pem, from 'models keygen'); when"
                        + " set, unsigned or wrongly signed models are refused.");
        def.define(
                MODEL_WORK_DIR,
                Type.STRING,
                "",
                Importance.LOW,
                "Directory where model chunks are spooled and artifacts reassembled; empty: the"
                        + " models directory under captioner.data.dir.");
        def.define(
                MODEL_STARTUP_WAIT_MS,
                Type.LONG,
                60_000L,
                Range.atLeast(0),
                Importance.LOW,
                "How long start waits to read the models topic and load its active version, so"
                        + " a restarted app serves that version from its first batch.");
        def.define(
                MODEL_MAX_ARTIFACT_BYTES,
                Type.LONG,
                1L << 30,
                Range.atLeast(1),
                Importance.LOW,
                "Largest model artifact taken from the models topic (bytes): a larger version is"
                        + " refused before any of its chunks is stored, and chunks that arrive"
                        + " before their manifest are held up to this many bytes in all.");
        def.define(
                BATCH_MAX_SIZE,
                Type.INT,
                0,
                Range.between(0, 4096),
                Importance.MEDIUM,
                "Images captioned in one forward pass; 0 chooses from the device: 16 on a CPU, 64"
                        + " on a GPU.");
        def.define(
                BUFFER_STORE,
                Type.STRING,
                BUFFER_STORE_ROCKSDB,
                ValidString.in(BUFFER_STORE_ROCKSDB, BUFFER_STORE_MEMORY),
                Importance.LOW,
                "Batch buffer store, changelogged either way: rocksdb (default; Streams then keeps"
                        + " its process id across restarts, so a restarted instance fences a"
                        + " crashed one's open transaction at once) or memory.");
        def.define(
                BATCH_MAX_WAIT_MS,
                Type.LONG,
                200L,
                Range.between(1, 600_000),
                Importance.MEDIUM,
                "Longest wall-clock time an image waits in the buffer before a partial batch is"
                        + " captioned.");
        def.define(
                DECODING_BEAM_SIZE,
                Type.INT,
                1,
                Range.between(1, 64),
                Importance.MEDIUM,
                "Beam width; 1 decodes greedily.");
        def.define(
                DECODING_MAX_LENGTH,
                Type.INT,
                DecodingOptions.DEFAULT_MAX_LENGTH,
                Range.between(1, 512),
                Importance.LOW,
                "Maximum caption length in tokens, the end token included.");
        def.define(
                DECODING_ALTERNATIVES,
                Type.INT,
                0,
                Range.between(0, 63),
                Importance.LOW,
                "Runner-up captions carried by each caption event (at most beam size - 1).");
        def.define(
                DECODING_LENGTH_ALPHA,
                Type.DOUBLE,
                0.7,
                Range.atLeast(0.0),
                Importance.LOW,
                "Beam search ranks by log-probability / length^alpha.");
        def.define(
                IMAGE_MAX_BYTES,
                Type.LONG,
                ImageDecoder.DEFAULT_MAX_BYTES,
                Range.between(1, Integer.MAX_VALUE - 16L),
                Importance.MEDIUM,
                "Largest encoded image accepted, inline or fetched; larger ones are dead-lettered"
                        + " as IMAGE_TOO_LARGE.");
        def.define(
                IMAGE_MAX_PIXELS,
                Type.LONG,
                ImageDecoder.DEFAULT_MAX_PIXELS,
                Range.between(1, Integer.MAX_VALUE),
                Importance.MEDIUM,
                "Largest declared width x height, checked from the header before decoding;"
                        + " larger ones are dead-lettered as IMAGE_TOO_LARGE.");
        def.define(
                FETCH_ALLOWED_DIRS,
                Type.LIST,
                "",
                Importance.MEDIUM,
                "Comma-separated directories that file: image URIs may point into; empty"
                        + " forbids file: URIs.");
        def.define(
                FETCH_HTTP_ENABLED,
                Type.BOOLEAN,
                false,
                Importance.MEDIUM,
                "Whether http: and https: image URIs are fetched (else FORBIDDEN_URI).");
        def.define(
                FETCH_HTTP_ALLOWED_HOSTS,
                Type.LIST,
                "",
                listOf(NetworkAllowList::parseHost),
                Importance.MEDIUM,
                "Comma-separated host names (or *.domain for every subdomain) whose loopback or"
                        + " private addresses http(s) fetches may reach, e.g. an object store.");
        def.define(
                FETCH_HTTP_ALLOWED_NETWORKS,
                Type.LIST,
                "",
                listOf(NetworkAllowList::parseNetwork),
                Importance.MEDIUM,
                "Comma-separated networks in CIDR notation (10.1.2.3/32, fd00:1::/64) that"
                        + " http(s) fetches may reach whatever the host name.");
        def.define(
                FETCH_HTTP_ALLOW_PUBLIC,
                Type.BOOLEAN,
                true,
                Importance.MEDIUM,
                "Whether http(s) fetches may reach public addresses; false limits them to the"
                        + " allowed hosts and networks.");
        def.define(
                FETCH_ALLOW_PRIVATE_NETWORKS,
                Type.BOOLEAN,
                false,
                Importance.LOW,
                "Deprecated (logs a warning): opens loopback and all private ranges (RFC 1918,"
                        + " 100.64/10, fc00::/7) to http(s) fetches; link-local, multicast and"
                        + " reserved addresses stay forbidden. Use the allowed hosts/networks.");
        def.define(
                FETCH_MAX_REDIRECTS,
                Type.INT,
                ImageFetcher.DEFAULT_MAX_REDIRECTS,
                Range.between(0, 20),
                Importance.LOW,
                "Redirects an http(s) fetch follows, each re-checked against the policy; 0"
                        + " fails every redirect.");
        def.define(
                FETCH_CONNECT_TIMEOUT_MS,
                Type.LONG,
                ImageFetcher.DEFAULT_CONNECT_TIMEOUT.toMillis(),
                Range.atLeast(1),
                Importance.LOW,
                "TCP connect timeout per address of an http(s) fetch.");
        def.define(
                FETCH_READ_TIMEOUT_MS,
                Type.LONG,
                ImageFetcher.DEFAULT_READ_TIMEOUT.toMillis(),
                Range.atLeast(1),
                Importance.LOW,
                "Deadline of a whole http(s) fetch, redirects included.");
        def.define(
                DLQ_MAX_ORIGINAL_BYTES,
                Type.INT,
                512 * 1024,
                Range.atLeast(0),
                Importance.LOW,
                "Largest original record value copied into a dead letter; larger ones are"
                        + " referenced by topic/partition@offset.");
        def.define(
                HTTP_PORT,
                Type.INT,
                DEFAULT_HTTP_PORT,
                Range.between(0, 65535),
                Importance.MEDIUM,
                "Port of the ops endpoint (/health, /ready, /metrics, /model); 0 picks a free"
                        + " port.");
        def.define(
                HTTP_BIND_ADDRESS,
                Type.STRING,
                DEFAULT_HTTP_BIND_ADDRESS,
                (name, value) -> {
                    if (value == null || value.toString().isBlank()) {
                        throw new ConfigException(name, value, "must be a host name or IP address");
                    }
                },
                Importance.LOW,
                "Host name or IP address the ops endpoint binds: 0.0.0.0 (every interface, for"
                        + " probes and Prometheus from outside), 127.0.0.1 (this machine only), or"
                        + " one interface's address.");
        def.define(
                TOPIC_PREFIX,
                Type.STRING,
                "",
                Importance.LOW,
                "Prefix of the images, captions and captions-dlq topic names (e.g. for tests"
                        + " sharing a broker).");
        def.define(
                TOPICS_CREATE,
                Type.BOOLEAN,
                true,
                Importance.LOW,
                "Whether missing topics are created at start with their recommended layout.");
        def.define(
                CLOSE_LEAVE_GROUP,
                Type.BOOLEAN,
                true,
                Importance.LOW,
                "Whether a closing instance leaves the consumer group at once, so its partitions"
                        + " move (or a restarted instance resumes) without waiting for"
                        + " session.timeout.ms (45 s by default).");
        defineServing(def);
        return def;
    }

    private static void defineServing(ConfigDef def) {
        def.define(
                DATA_DIR,
                Type.STRING,
                Path.of(System.getProperty("user.home"), ".captioner", "streams-app").toString(),
                new ConfigDef.NonEmptyString(),
                Importance.HIGH,
                "Directory of the app's durable data: state (the batch buffer, unless state.dir"
                        + " is set), models (unless captioner.model.work.dir is set) and the"
                        + " instance name. One per instance.");
        def.define(
                INSTANCE_NAME,
                Type.STRING,
                "",
                Importance.MEDIUM,
                "Stable name of this instance, its group.instance.id (static membership) and"
                        + " unique within the application; empty: generated once and kept in"
                        + " captioner.data.dir (set it to e.g. the pod name of a StatefulSet).");
        def.define(
                STATIC_MEMBERSHIP,
                Type.BOOLEAN,
                true,
                Importance.LOW,
                "Join the consumer group as a static member named captioner.instance.name, so a"
                        + " restarted instance (even after SIGKILL) takes its partitions back at"
                        + " once instead of after session.timeout.ms.");
        def.define(
                TRANSACTION_TIMEOUT_MS,
                Type.LONG,
                DEFAULT_TRANSACTION_TIMEOUT_MS,
                Range.between(1_000, 900_000),
                Importance.MEDIUM,
                "Timeout of the stream threads' exactly-once transactions (a commit's work is"
                        + " milliseconds: inference runs outside them); at least 10x"
                        + " commit.interval.ms and captioner.buffer.max.block.ms, and at most"
                        + " the broker's transaction.max.timeout.ms.");
        def.define(
                BUFFER_MAX_WAITING,
                Type.INT,
                0,
                Range.between(0, 1_000_000),
                Importance.LOW,
                "Buffered images of one task not yet in the pipeline beyond which its stream"
                        + " thread waits for room (so a backlog stays in Kafka, not in the"
                        + " buffer); 0: twice the batch size.");
        def.define(
                BUFFER_MAX_BLOCK_MS,
                Type.LONG,
                1_000L,
                Range.between(0, 600_000),
                Importance.LOW,
                "Longest a stream thread waits for buffer room per round of its loop, all its"
                        + " tasks together; bounds the time one transaction stays open.");
        def.define(
                PIPELINE_INFLIGHT_BATCHES,
                Type.INT,
                0,
                Range.between(0, 64),
                Importance.LOW,
                "Batches' worth of one task's images being fetched, decoded or captioned at"
                        + " once; 0: inference threads + 1, so the next batch is prepared while"
                        + " the model runs.");
        def.define(
                INPUT_THREADS,
                Type.INT,
                0,
                Range.between(0, 256),
                Importance.MEDIUM,
                "Threads that fetch, decode and resize images (a hung fetch holds one until its"
                        + " deadline); 0: max(2, cores / 2).");
        def.define(
                INFERENCE_THREADS,
                Type.INT,
                0,
                Range.between(0, 64),
                Importance.MEDIUM,
                "Threads that run the model, each one batch at a time in its own session; 0:"
                        + " 2 (1 on a one-core CPU).");
        def.define(
                INFERENCE_INTRA_OP_THREADS,
                Type.INT,
                0,
                Range.between(0, 256),
                Importance.MEDIUM,
                "PyTorch intra-op threads each inference thread uses (process-wide); 0: cores /"
                        + " inference threads on a CPU, 1 on a GPU. Overrides"
                        + " -Dai.djl.pytorch.num_threads.");
        def.define(
                RETRY_MAX_ATTEMPTS,
                Type.INT,
                3,
                Range.between(1, 100),
                Importance.LOW,
                "Attempts of a record whose processing fails unexpectedly (an Error, an"
                        + " unmapped exception, a stream-thread crash) before it is"
                        + " dead-lettered as INTERNAL_ERROR with the cause.");
        def.define(
                MODEL_FAILURE_MAX_BACKOFF_MS,
                Type.LONG,
                30_000L,
                Range.between(500, 3_600_000),
                Importance.LOW,
                "Longest back-off before retrying images after the model failed as a whole"
                        + " (every image and a blank probe); the images stay buffered.");
        def.define(
                IMAGE_ID_MAX_BYTES,
                Type.INT,
                256,
                Range.between(1, 65_536),
                Importance.LOW,
                "Largest imageId in UTF-8 bytes; a longer one is dead-lettered as INVALID_EVENT.");
        def.define(
                EVENT_TIME_MAX_AHEAD_MS,
                Type.LONG,
                300_000L,
                Range.atLeast(0),
                Importance.LOW,
                "How far an eventTime may be ahead of this app's clock (captioned with latency"
                        + " 0); further ahead is dead-lettered as INVALID_EVENT.");
        def.define(
                IMAGES_PARTITIONS,
                Type.INT,
                12,
                Range.between(1, 10_000),
                Importance.MEDIUM,
                "Partitions of the images topic when the app creates it: the most stream"
                        + " threads (all instances together) that share the load.");
        def.define(
                IMAGES_MAX_MESSAGE_BYTES,
                Type.INT,
                0,
                Range.between(0, Integer.MAX_VALUE),
                Importance.LOW,
                "max.message.bytes of the images topic when the app creates it (e.g. 8388608"
                        + " for 5 MB inline photos); 0 keeps the broker's default (1 MiB).");
        def.define(
                HEALTH_MAX_REPLACEMENTS,
                Type.INT,
                3,
                Range.atLeast(1),
                Importance.LOW,
                "Stream-thread replacements within captioner.health.thread.replacement.window.ms"
                        + " that turn /health DOWN (a crash loop).");
        def.define(
                HEALTH_REPLACEMENT_WINDOW_MS,
                Type.LONG,
                300_000L,
                Range.atLeast(1_000),
                Importance.LOW,
                "Window over which stream-thread replacements are counted for /health.");
    }

    /** Collects the configuration sources ({@link ConfigSources}); later sources win. */
    public static final class Builder extends ConfigSources.Builder<Builder> {

        private Builder() {}

        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Merges and validates the sources.
         *
         * @throws ConfigException if a key has an invalid value
         */
        public StreamsAppConfig build() {
            return new StreamsAppConfig(
                    sources().merge(DEFINITION.names(), StreamsAppConfig::envName));
        }
    }
}
