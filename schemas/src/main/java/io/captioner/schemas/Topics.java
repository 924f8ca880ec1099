package io.captioner.schemas;

import io.captioner.events.CaptionEvent;
import io.captioner.events.CaptionFailure;
import io.captioner.events.ImageEvent;
import io.captioner.events.LabeledPair;
import io.captioner.events.ModelTopicRecord;
import io.captioner.events.TrainingCommand;
import io.captioner.events.TrainingRun;
import io.captioner.schemas.registry.SchemaRegistryClient;
import io.captioner.schemas.registry.SchemaRegistryClients;
import io.captioner.schemas.serde.SerdeFactory;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The immutable registry of the captioner's topics with their serdes.
 *
 * <p>Every key is a plain UTF-8 string ({@link Serdes#String()}), not Avro, so keys stay readable
 * in tools and partitioning does not depend on a schema id: the image id for {@code images}, {@code
 * captions}, {@code captions-dlq} (null when the image id is unknown) and {@code labeled-pairs}; a
 * {@link ModelTopicKeys} key for {@code models}; the run id for {@code training-runs}; the model
 * name for {@code training-control}. Values use the Avro serde chosen by {@link
 * SerdeFactory#AVRO_SERDE_CLASS_CONFIG} in the Confluent wire format with subjects {@code
 * <topic>-value}.
 *
 * <pre>{@code
 * Topics topics = Topics.create(Map.of("schema.registry.url", "http://127.0.0.1:8081"));
 * builder.stream(topics.images().name(),
 *         Consumed.with(topics.images().keySerde(), topics.images().valueSerde()));
 * }</pre>
 */
public final class Topics {

    /** Name of the topic of images to caption. */
    public static final String IMAGES = "images";

    /** Name of the topic of captions. */
    public static final String CAPTIONS = "captions";

    /** Name of the dead-letter topic of inputs that could not be captioned. */
    public static final String CAPTIONS_DLQ = "captions-dlq";

    /**
     * Name of the compacted topic of training pairs, the training service's dataset of record: the
     * latest pair of an image id replaces earlier ones, a tombstone removes the image.
     */
    public static final String LABELED_PAIRS = "labeled-pairs";

    /** Name of the single-partition, compacted topic of the training service's runs. */
    public static final String TRAINING_RUNS = "training-runs";

    /** Name of the single-partition, compacted topic of train-now requests. */
    public static final String TRAINING_CONTROL = "training-control";

    /** Name of the single-partition, compacted topic of model manifests, chunks, activations. */
    public static final String MODELS = "models";

    /**
     * Largest inline image we recommend in {@link ImageEvent#getImageBytes()}: below the broker's
     * default {@code max.message.bytes} (1 MiB) with room for the rest of the record; larger images
     * go by {@code imageUri}.
     */
    public static final int MAX_INLINE_IMAGE_BYTES = 900 * 1024;

    private final Topic<String, ImageEvent> images;
    private final Topic<String, CaptionEvent> captions;
    private final Topic<String, CaptionFailure> captionsDlq;
    private final Topic<String, LabeledPair> labeledPairs;
    private final Topic<String, ModelTopicRecord> models;
    private final Topic<String, TrainingRun> trainingRuns;
    private final Topic<String, TrainingCommand> trainingControl;

    private Topics(Builder builder) {
        String prefix = builder.namePrefix;
        Map<String, ?> config = builder.serdeConfig;
        SchemaRegistryClient client = builder.client;
        if (client == null && SerdeFactory.usesBuiltInSerde(config)) {
            // One client, so all topics share one HTTP client and one id cache.
            client = SchemaRegistryClients.fromConfig(config);
        }
        this.images = topic(prefix + IMAGES, ImageEvent.class, config, client, 3, delete());
        this.captions = topic(prefix + CAPTIONS, CaptionEvent.class, config, client, 3, delete());
        this.captionsDlq =
                topic(prefix + CAPTIONS_DLQ, CaptionFailure.class, config, client, 1, delete());
        this.labeledPairs =
                topic(prefix + LABELED_PAIRS, LabeledPair.class, config, client, 3, compact());
        this.models =
                topic(
                        prefix + MODELS,
                        ModelTopicRecord.class,
                        config,
                        client,
                        1,
                        TopicConfig.CLEANUP_POLICY_COMPACT);
        this.trainingRuns =
                topic(prefix + TRAINING_RUNS, TrainingRun.class, config, client, 1, compact());
        this.trainingControl =
                topic(
                        prefix + TRAINING_CONTROL,
                        TrainingCommand.class,
                        config,
                        client,
                        1,
                        compact());
    }

    /**
     * Creates the topics with serdes configured from {@code serdeConfig} ({@code
     * schema.registry.url} and the other keys of {@link io.captioner.schemas.serde.AvroSerdeConfig}
     * and {@link SerdeFactory}).
     */
    public static Topics create(Map<String, ?> serdeConfig) {
        return builder().setSerdeConfig(serdeConfig).build();
    }

    /**
     * Creates the topics with serdes over an existing registry client (e.g. an {@link
     * io.captioner.schemas.registry.InMemorySchemaRegistryClient} in tests).
     */
    public static Topics create(Map<String, ?> serdeConfig, SchemaRegistryClient client) {
        return builder().setSerdeConfig(serdeConfig).optClient(client).build();
    }

    /** Starts a builder; {@link Builder#setSerdeConfig} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Topic {@code images}: image id to {@link ImageEvent}. */
    public Topic<String, ImageEvent> images() {
        return images;
    }

    /** Topic {@code captions}: image id to {@link CaptionEvent}. */
    public Topic<String, CaptionEvent> captions() {
        return captions;
    }

    /** Topic {@code captions-dlq}: image id (or null) to {@link CaptionFailure}. */
    public Topic<String, CaptionFailure> captionsDlq() {
        return captionsDlq;
    }

    /** Topic {@code labeled-pairs}: image id to {@link LabeledPair}. */
    public Topic<String, LabeledPair> labeledPairs() {
        return labeledPairs;
    }

    /** Topic {@code models}: {@link ModelTopicKeys} key to {@link ModelTopicRecord}. */
    public Topic<String, ModelTopicRecord> models() {
        return models;
    }

    /** Topic {@code training-runs}: run id to {@link TrainingRun}. */
    public Topic<String, TrainingRun> trainingRuns() {
        return trainingRuns;
    }

    /** Topic {@code training-control}: model name to {@link TrainingCommand}. */
    public Topic<String, TrainingCommand> trainingControl() {
        return trainingControl;
    }

    /**
     * Every topic, in the order images, captions, captions-dlq, labeled-pairs, models,
     * training-runs, training-control.
     */
    public List<Topic<String, ?>> all() {
        return List.of(
                images, captions, captionsDlq, labeledPairs, models, trainingRuns, trainingControl);
    }

    private static String delete() {
        return TopicConfig.CLEANUP_POLICY_DELETE;
    }

    private static String compact() {
        return TopicConfig.CLEANUP_POLICY_COMPACT;
    }

    private static <V extends SpecificRecord> Topic<String, V> topic(
            String name,
            Class<V> type,
            Map<String, ?> config,
            SchemaRegistryClient client,
            int partitions,
            String cleanupPolicy) {
        Serde<V> valueSerde = SerdeFactory.avroSerde(type, config, false, client);
        return new Topic<>(name, Serdes.String(), valueSerde, partitions, cleanupPolicy);
    }

    /** Builder of {@link Topics}: {@code setX} is required, {@code optX} not. */
    public static final class Builder {

        private Map<String, ?> serdeConfig;
        private SchemaRegistryClient client;
        private String namePrefix = "";

        private Builder() {}

        /** Sets the serde configuration ({@code schema.registry.url} and friends). */
        public Builder setSerdeConfig(Map<String, ?> serdeConfig) {
            this.serdeConfig = Map.copyOf(serdeConfig);
            return this;
        }

        /** Uses this registry client instead of one made from the configuration. */
        public Builder optClient(SchemaRegistryClient client) {
            this.client = client;
            return this;
        }

        /**
         * Prefixes every topic name (e.g. {@code test-42.}), so tests can share one broker; the
         * registry subjects follow the prefixed names.
         */
        public Builder optNamePrefix(String namePrefix) {
            this.namePrefix = Objects.requireNonNull(namePrefix, "namePrefix");
            return this;
        }

        /** Builds and configures every serde. */
        public Topics build() {
            if (serdeConfig == null) {
                throw new IllegalArgumentException("serdeConfig is required");
            }
            return new Topics(this);
        }
    }
}
