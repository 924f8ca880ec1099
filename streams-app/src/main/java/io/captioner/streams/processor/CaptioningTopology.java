package io.captioner.streams.processor;

import io.captioner.events.CaptionFailure;
import io.captioner.schemas.Topics;
import io.captioner.streams.config.StreamsAppConfig;
import io.captioner.streams.model.ModelProvider;
import java.util.Objects;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds the captioning topology: {@code images} (raw bytes) to the batching {@link
 * CaptioningProcessor} with its changelogged buffer store, to {@code captions} and {@code
 * captions-dlq}.
 *
 * <p>Keys and values are consumed as raw bytes and deserialized inside the processor rather than by
 * a Streams {@code DeserializationExceptionHandler}: that way a wrong magic byte, an unknown schema
 * id, garbage or a tombstone becomes a {@link CaptionFailure} with {@code DESERIALIZATION_ERROR},
 * the source coordinates and the original bytes, produced in the same transaction as everything
 * else, and the mapping is ours rather than the handler's record format.
 */
public final class CaptioningTopology {

    /** Name of the source node. */
    public static final String SOURCE = "images-source";

    /** Name of the batching captioning processor. */
    public static final String PROCESSOR = "captioner";

    /** Name of the captions sink. */
    public static final String CAPTIONS_SINK = "captions-sink";

    /** Name of the dead-letter sink. */
    public static final String DLQ_SINK = "dlq-sink";

    /** Name of the changelogged batch buffer store. */
    public static final String BUFFER_STORE = "pending-images";

    private CaptioningTopology() {}

    /** Builds the topology with the default failure mapping. */
    public static Topology build(
            StreamsAppConfig config, ModelProvider models, CaptioningMetrics metrics) {
        return build(config, models, metrics, FailureMapper.defaults());
    }

    /**
     * Builds the topology; the serdes, fetch policy, size limits, batching and decoding come from
     * {@code config}, the model from {@code models}.
     */
    public static Topology build(
            StreamsAppConfig config,
            ModelProvider models,
            CaptioningMetrics metrics,
            FailureMapper failureMapper) {
        Objects.requireNonNull(models, "models");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(failureMapper, "failureMapper");
        Topics topics = topics(config);
        CaptioningProcessor.Settings settings =
                new CaptioningProcessor.Settings(
                        BUFFER_STORE,
                        topics.images().valueSerde().deserializer(),
                        new ImageResolver(config.imageFetcher(), config.imageDecoder()),
                        new DeadLetters(failureMapper, config.dlqMaxOriginalBytes()),
                        models,
                        config.decodingOptions(),
                        config.batchMaxSize(),
                        config.batchMaxWait(),
                        metrics);
        StoreBuilder<KeyValueStore<Long, PendingImage>> store =
                Stores.keyValueStoreBuilder(
                        config.persistentBuffer()
                                ? Stores.persistentKeyValueStore(BUFFER_STORE)
                                : Stores.inMemoryKeyValueStore(BUFFER_STORE),
                        Serdes.Long(),
                        PendingImage.serde());
        ProcessorSupplier<byte[], byte[], String, SpecificRecord> supplier =
                new ProcessorSupplier<>() {
                    @Override
                    public Processor<byte[], byte[], String, SpecificRecord> get() {
                        return new CaptioningProcessor(settings);
                    }

                    @Override
                    public Set<StoreBuilder<?>> stores() {
                        return Set.of(store);
                    }
                };
        Topology topology = new Topology();
        topology.addSource(
                SOURCE,
                Serdes.ByteArray().deserializer(),
                Serdes.ByteArray().deserializer(),
                topics.images().name());
        topology.addProcessor(PROCESSOR, supplier, SOURCE);
        topology.addSink(
                CAPTIONS_SINK,
                topics.captions().name(),
                Serdes.String().serializer(),
                widen(topics.captions().valueSerde().serializer()),
                PROCESSOR);
        topology.addSink(
                DLQ_SINK,
                topics.captionsDlq().name(),
                Serdes.String().serializer(),
                widen(topics.captionsDlq().valueSerde().serializer()),
                PROCESSOR);
        return topology;
    }

    /** The topics of {@code config} (prefix and serdes). */
    public static Topics topics(StreamsAppConfig config) {
        return Topics.builder()
                .setSerdeConfig(config.serdeConfig())
                .optNamePrefix(config.topicPrefix())
                .build();
    }

    /**
     * Lets a sink typed for one record class accept the processor's common output type; the
     * processor forwards each class only to its own sink.
     */
    @SuppressWarnings("unchecked")
    private static <V extends SpecificRecord> Serializer<SpecificRecord> widen(
            Serializer<V> serializer) {
        return (Serializer<SpecificRecord>) serializer;
    }
}
