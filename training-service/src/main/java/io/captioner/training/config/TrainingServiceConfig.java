package io.captioner.training.config;

import io.captioner.model.metrics.MetricScores;
import io.captioner.ops.ConfigSources;
import io.captioner.schemas.serde.AvroSerdeConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;

/**
 * The typed configuration of the training service, one documented key per setting.
 *
 * <p>Sources, lowest precedence first: the defaults of {@link #definition()}, a properties file,
 * environment variables ({@code captioner.training.data.dir} is {@code
 * CAPTIONER_TRAINING_DATA_DIR}, see {@link #envName(String)}), then explicit overrides
 * (command-line flags). Keys not in the table (for example {@code security.protocol}) pass through
 * to every Kafka client.
 */
public final class TrainingServiceConfig extends AbstractConfig {

    /** Kafka bootstrap servers. */
    public static final String BOOTSTRAP_SERVERS = CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG;

    /** Schema registry URL, or {@code mock://scope} for tests. */
    public static final String SCHEMA_REGISTRY_URL = AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG;

    /** Prefix of every topic name. */
    public static final String TOPIC_PREFIX = "captioner.topic.prefix";

    /** Directory of the service's durable data: the image cache and model work files. */
    public static final String DATA_DIR = "captioner.training.data.dir";

    /** Name of the model trained, published and compared with the active version. */
    public static final String MODEL_NAME = "captioner.model.name";

    /** New pairs since the last run that start a run. */
    public static final String TRIGGER_PAIRS = "captioner.training.trigger.pairs";

    /** Interval of scheduled runs (when new pairs arrived); 0 turns the schedule off. */
    public static final String SCHEDULE_INTERVAL_MS = "captioner.training.schedule.interval.ms";

    /** Fraction of images hashed into the validation split. */
    public static final String VALIDATION_FRACTION = "captioner.training.validation.fraction";

    /** Metric that decides whether a candidate beats the active version. */
    public static final String GATE_METRIC = "captioner.training.gate.metric";

    /** Amount by which the candidate must beat the active version on the gate metric. */
    public static final String GATE_MARGIN = "captioner.training.gate.margin";

    /** Ed25519 private key (PEM) that signs published versions; empty publishes unsigned. */
    public static final String SIGNING_KEY = "captioner.training.signing.key";

    /** Transactional id of the service's model publisher. */
    public static final String TRANSACTIONAL_ID = "captioner.training.transactional.id";

    /** Encoder of models trained from scratch. */
    public static final String ENCODER = "captioner.training.encoder";

    /** Decoder of models trained from scratch: lstm or attention. */
    public static final String DECODER = "captioner.training.decoder";

    /** Word embedding size. */
    public static final String EMBED_SIZE = "captioner.training.embed.size";

    /** LSTM hidden size. */
    public static final String HIDDEN_SIZE = "captioner.training.hidden.size";

    /** Stacked LSTM layers. */
    public static final String LAYERS = "captioner.training.layers";

    /** Maximum epochs per run. */
    public static final String EPOCHS = "captioner.training.epochs";

    /** Images per batch. */
    public static final String BATCH_SIZE = "captioner.training.batch.size";

    /** Adam learning rate. */
    public static final String LEARNING_RATE = "captioner.training.learning.rate";

    /** Epochs without validation improvement before a run stops training. */
    public static final String PATIENCE = "captioner.training.patience";

    /** Seed of initialization and shuffling. */
    public static final String SEED = "captioner.training.seed";

    /** Largest encoded image accepted. */
    public static final String IMAGE_MAX_BYTES = "captioner.training.image.max.bytes";

    /** Longest reference caption accepted, in characters. */
    public static final String CAPTION_MAX_CHARS = "captioner.training.caption.max.chars";

    /** Directories {@code file:} image URIs may point into. */
    public static final String FETCH_ALLOWED_DIRS = "captioner.training.fetch.allowed.dirs";

    /** Port of the ops HTTP endpoint. */
    public static final String HTTP_PORT = "captioner.http.port";

    /** Address the ops HTTP endpoint binds. */
    public static final String HTTP_BIND_ADDRESS = "captioner.http.bind.address";

    /** Default ops port: one above the streams app's 8088, so both run on one host. */
    public static final int DEFAULT_HTTP_PORT = 8089;

    /** The metrics a run can gate on, as {@link MetricScores#asMap()} names them. */
    public static final List<String> GATE_METRICS =
            List.of(
                    MetricScores.BLEU_1,
                    MetricScores.BLEU_2,
                    MetricScores.BLEU_3,
                    MetricScores.BLEU_4,
                    MetricScores.ROUGE_L,
                    MetricScores.CIDER);

    private static final Map<String, String> ENV_ALIASES =
            Map.of(
                    BOOTSTRAP_SERVERS,
                    "CAPTIONER_BOOTSTRAP",
                    SCHEMA_REGISTRY_URL,
                    "CAPTIONER_REGISTRY");

    private static final ConfigDef DEFINITION = buildDefinition();

    private final Map<String, String> passThrough;

    private TrainingServiceConfig(Map<String, String> merged) {
        super(DEFINITION, merged, false);
        Map<String, String> extra = new TreeMap<>();
        merged.forEach(
                (k, v) -> {
                    if (!DEFINITION.names().contains(k)) {
                        extra.put(k, v);
                    }
                });
        this.passThrough = Collections.unmodifiableMap(extra);
    }

    /** The table of keys with types, defaults, validators and one-line docs. */
    public static ConfigDef definition() {
        return DEFINITION;
    }

    /** The environment variable read for {@code key}. */
    public static String envName(String key) {
        return ConfigSources.envName(key, ENV_ALIASES);
    }

    /** Starts a builder; every key has a default. */
    public static Builder builder() {
        return new Builder();
    }

    /** Configuration from explicit properties only (no file, no environment), for tests. */
    public static TrainingServiceConfig of(Map<String, ?> properties) {
        return builder().optOverrides(properties).build();
    }

    /** Kafka bootstrap servers. */
    public String bootstrapServers() {
        return getString(BOOTSTRAP_SERVERS);
    }

    /** Serde settings: the registry URL plus every pass-through key. */
    public Map<String, Object> serdeConfig() {
        Map<String, Object> config = new HashMap<>(passThrough);
        config.put(SCHEMA_REGISTRY_URL, getString(SCHEMA_REGISTRY_URL));
        return config;
    }

    /** Settings for every Kafka client (the keys not in the table). */
    public Map<String, Object> clientConfig() {
        return new HashMap<>(passThrough);
    }

    /** Prefix of every topic name. */
    public String topicPrefix() {
        return getString(TOPIC_PREFIX);
    }

    /** The data directory. */
    public Path dataDirectory() {
        return Path.of(getString(DATA_DIR));
    }

    /** Where decoded, resized images are cached. */
    public Path cacheDirectory() {
        return dataDirectory().resolve("cache");
    }

    /** Where candidate artifacts and reassembled active versions are written. */
    public Path workDirectory() {
        return dataDirectory().resolve("work");
    }

    /** The model name. */
    public String modelName() {
        return getString(MODEL_NAME);
    }

    /** New pairs that start a run. */
    public int triggerPairs() {
        return getInt(TRIGGER_PAIRS);
    }

    /** Interval of scheduled runs, empty when off. */
    public Optional<Duration> scheduleInterval() {
        long ms = getLong(SCHEDULE_INTERVAL_MS);
        return ms == 0 ? Optional.empty() : Optional.of(Duration.ofMillis(ms));
    }

    /** Validation fraction. */
    public double validationFraction() {
        return getDouble(VALIDATION_FRACTION);
    }

    /** Gate metric name. */
    public String gateMetric() {
        return getString(GATE_METRIC);
    }

    /** Gate margin. */
    public double gateMargin() {
        return getDouble(GATE_MARGIN);
    }

    /** The signing key's PEM file, empty when versions are published unsigned. */
    public Optional<Path> signingKey() {
        String value = getString(SIGNING_KEY);
        return value.isBlank() ? Optional.empty() : Optional.of(Path.of(value));
    }

    /** The publisher's transactional id (prefixed by the topic prefix). */
    public String transactionalId() {
        return topicPrefix() + getString(TRANSACTIONAL_ID);
    }

    /** The trainer's settings. */
    public HyperParameters hyperParameters() {
        return new HyperParameters(
                getString(ENCODER),
                getString(DECODER),
                getInt(EMBED_SIZE),
                getInt(HIDDEN_SIZE),
                getInt(LAYERS),
                getInt(EPOCHS),
                getInt(BATCH_SIZE),
                getDouble(LEARNING_RATE),
                getInt(PATIENCE),
                getLong(SEED));
    }

    /** Largest encoded image accepted. */
    public long imageMaxBytes() {
        return getLong(IMAGE_MAX_BYTES);
    }

    /** Longest caption accepted, in characters. */
    public int captionMaxChars() {
        return getInt(CAPTION_MAX_CHARS);
    }

    /** Directories {@code file:} URIs may point into; empty refuses every URI. */
    public List<Path> fetchAllowedDirectories() {
        return getList(FETCH_ALLOWED_DIRS).stream()
                .filter(s -> !s.isBlank())
                .map(s -> Path.of(s).toAbsolutePath().normalize())
                .toList();
    }

    /** Ops port. */
    public int httpPort() {
        return getInt(HTTP_PORT);
    }

    /** Ops bind address. */
    public String httpBindAddress() {
        return getString(HTTP_BIND_ADDRESS);
    }

    /** Keys not in the table. */
    public Map<String, String> passThrough() {
        return passThrough;
    }

    private static ConfigDef buildDefinition() {
        // Trainer defaults come from a default builder so they follow CaptionTrainer's.
        HyperParameters d = HyperParameters.defaults();
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
                TOPIC_PREFIX,
                Type.STRING,
                "",
                Importance.LOW,
                "Prefix of every topic name (labeled-pairs, models, training-runs,"
                        + " training-control).");
        def.define(
                DATA_DIR,
                Type.STRING,
                Path.of(System.getProperty("user.home"), ".captioner", "training-service")
                        .toString(),
                new ConfigDef.NonEmptyString(),
                Importance.HIGH,
                "Directory of the service's durable data: the rebuildable image cache (cache/) and"
                        + " candidate and active artifacts (work/).");
        def.define(
                MODEL_NAME,
                Type.STRING,
                "captioner",
                new ConfigDef.NonEmptyString(),
                Importance.HIGH,
                "Model name trained and published; the streams app serves the same name by"
                        + " default.");
        def.define(
                TRIGGER_PAIRS,
                Type.INT,
                1000,
                Range.atLeast(1),
                Importance.HIGH,
                "New or changed labeled pairs (tombstones included) since the last run that"
                        + " start a run.");
        def.define(
                SCHEDULE_INTERVAL_MS,
                Type.LONG,
                0L,
                Range.atLeast(0),
                Importance.MEDIUM,
                "Also run this long after the last run when at least one pair changed; 0 turns"
                        + " the schedule off.");
        def.define(
                VALIDATION_FRACTION,
                Type.DOUBLE,
                0.1,
                // 0 leaves nothing to score a candidate on: every run would fail.
                Range.between(0.01, 0.9),
                Importance.MEDIUM,
                "Fraction of images (by a hash of the image id) in the validation split, 0.01 to"
                        + " 0.9, unless a pair's split hint says otherwise.");
        def.define(
                GATE_METRIC,
                Type.STRING,
                MetricScores.CIDER,
                ValidString.in(GATE_METRICS.toArray(new String[0])),
                Importance.MEDIUM,
                "Metric on the validation split by which a candidate must beat the active"
                        + " version to be published.");
        def.define(
                GATE_MARGIN,
                Type.DOUBLE,
                0.0,
                Range.atLeast(0.0),
                Importance.MEDIUM,
                "Amount by which the candidate must exceed the active version's gate metric; 0"
                        + " publishes any improvement.");
        def.define(
                SIGNING_KEY,
                Type.STRING,
                "",
                Importance.MEDIUM,
                "Ed25519 private key (PEM, from 'models keygen', public.pem beside it) that signs"
                        + " published versions and activations; empty publishes unsigned.");
        def.define(
                TRANSACTIONAL_ID,
                Type.STRING,
                "captioner-training-service",
                new ConfigDef.NonEmptyString(),
                Importance.LOW,
                "Transactional id of the service's publisher; a second instance with the same id"
                        + " fences the first.");
        def.define(
                ENCODER,
                Type.STRING,
                d.encoder(),
                ValidString.in("tiny-cnn", "resnet18", "resnet50"),
                Importance.MEDIUM,
                "Encoder of the models trained: tiny-cnn, resnet18 or resnet50.");
        def.define(
                DECODER,
                Type.STRING,
                d.decoder(),
                ValidString.in("lstm", "attention"),
                Importance.MEDIUM,
                "Decoder of the models trained: lstm (the seed's; the default, as an attention run"
                        + " takes about 3x the time per epoch and, over a frozen ResNet, keeps a 7x7"
                        + " feature grid per image in memory) or attention (soft attention over the"
                        + " encoder grid; higher BLEU, see model/MODEL.md).");
        def.define(
                EMBED_SIZE,
                Type.INT,
                d.embedSize(),
                Range.atLeast(1),
                Importance.MEDIUM,
                "Word embedding (and projected image feature) size.");
        def.define(
                HIDDEN_SIZE,
                Type.INT,
                d.hiddenSize(),
                Range.atLeast(1),
                Importance.MEDIUM,
                "LSTM hidden size.");
        def.define(
                LAYERS,
                Type.INT,
                d.layers(),
                Range.atLeast(1),
                Importance.LOW,
                "Stacked LSTM layers.");
        def.define(
                EPOCHS,
                Type.INT,
                d.epochs(),
                Range.atLeast(1),
                Importance.MEDIUM,
                "Maximum epochs of a run (early stopping may end it sooner).");
        def.define(
                BATCH_SIZE,
                Type.INT,
                d.batchSize(),
                Range.atLeast(1),
                Importance.LOW,
                "Images per training batch.");
        def.define(
                LEARNING_RATE,
                Type.DOUBLE,
                d.learningRate(),
                Range.atLeast(1e-9),
                Importance.LOW,
                "Adam learning rate at the start of a run.");
        def.define(
                PATIENCE,
                Type.INT,
                d.patience(),
                Range.atLeast(1),
                Importance.LOW,
                "Epochs without validation improvement before a run stops training.");
        def.define(
                SEED, Type.LONG, d.seed(), Importance.LOW, "Seed of initialization and shuffling.");
        def.define(
                IMAGE_MAX_BYTES,
                Type.LONG,
                20L * 1024 * 1024,
                Range.atLeast(1),
                Importance.LOW,
                "Largest encoded image accepted; larger pairs are skipped as OVERSIZED_IMAGE.");
        def.define(
                CAPTION_MAX_CHARS,
                Type.INT,
                500,
                Range.atLeast(1),
                Importance.LOW,
                "Longest reference caption accepted, in characters; longer pairs are skipped as"
                        + " CAPTION_TOO_LONG.");
        def.define(
                FETCH_ALLOWED_DIRS,
                Type.LIST,
                "",
                Importance.LOW,
                "Directories file: image URIs may point into (comma-separated); empty skips"
                        + " every URI pair as FORBIDDEN_URI. http(s) URIs are always skipped.");
        def.define(
                HTTP_PORT,
                Type.INT,
                DEFAULT_HTTP_PORT,
                Range.between(0, 65535),
                Importance.MEDIUM,
                "Port of the ops endpoint (/health, /ready, /metrics, /status); 0 picks a free"
                        + " one.");
        def.define(
                HTTP_BIND_ADDRESS,
                Type.STRING,
                "0.0.0.0",
                Importance.LOW,
                "Address the ops endpoint binds.");
        return def;
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
         * @throws org.apache.kafka.common.config.ConfigException if a key has an invalid value
         */
        public TrainingServiceConfig build() {
            return new TrainingServiceConfig(
                    sources().merge(DEFINITION.names(), TrainingServiceConfig::envName));
        }
    }
}
