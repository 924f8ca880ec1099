package io.captioner.streams.processor;

import io.captioner.events.CaptionFailure;
import io.captioner.schemas.Topics;
import io.captioner.streams.config.StreamsAppConfig;
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
 * Builds the captioning topology: {@code images} (raw bytes) to the buffering {@link
 * CaptioningProcessor} with its changelogged buffer store, to {@code captions} and {@code
 * captions-dlq}; the processor hands buffered images to a {@link CaptioningPipeline} and forwards
 * what it finished.
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

    /**
     * Builds the topology: names and serdes from {@code topics}, buffering and batching from {@code
     * settings}, fetching, decoding, the model and the failure mapping from {@code pipeline} (which
     * the caller owns and closes after the Streams client).
     */
    public static Topology build(
            Topics topics, ProcessorSettings settings, CaptioningPipeline pipeline) {
        return build(topics, settings, pipeline, new FailureTracker());
    }

    /** Like {@link #build(Topics, ProcessorSettings, CaptioningPipeline)} with a given tracker. */
    static Topology build(
            Topics topics,
            ProcessorSettings settings,
            CaptioningPipeline pipeline,
            FailureTracker tracker) {
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(pipeline, "pipeline");
        long blockMs = settings.maxBlockPerRound().toMillis();
        CaptioningProcessor.Shared shared =
                new CaptioningProcessor.Shared(
                        BUFFER_STORE,
                        settings,
                        pipeline,
                        tracker,
                        ThreadLocal.withInitial(() -> new BlockBudget(blockMs)),
                        SourceReaders.kafka());
        StoreBuilder<KeyValueStore<Long, byte[]>> store =
                Stores.keyValueStoreBuilder(
                                settings.persistentBuffer()
                                        ? Stores.persistentKeyValueStore(BUFFER_STORE)
                                        : Stores.inMemoryKeyValueStore(BUFFER_STORE),
                                Serdes.Long(),
                                Serdes.ByteArray())
                        .withLoggingEnabled(settings.changelogConfig());
        ProcessorSupplier<byte[], byte[], String, SpecificRecord> supplier =
                new ProcessorSupplier<>() {
                    @Override
                    public Processor<byte[], byte[], String, SpecificRecord> get() {
                        return new CaptioningProcessor(shared);
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
