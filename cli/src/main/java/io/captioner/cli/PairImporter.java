package io.captioner.cli;

import io.captioner.events.LabeledPair;
import io.captioner.model.data.DatasetEntry;
import io.captioner.schemas.Topic;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;

/**
 * Publishes dataset entries to {@code labeled-pairs} as {@link LabeledPair}s keyed by image id, one
 * image in memory at a time: the reusable core of {@code captioner import} (and the demo).
 *
 * <p>What is published is {@link PairBuilder}'s decision; this class sends, tracks every
 * acknowledgement and reports what was published and what was skipped and why. Sends are
 * asynchronous under an idempotent producer whose {@code buffer.memory} bounds what is in flight. A
 * record the broker or client refuses as too large is counted as {@link PairSkip#OVERSIZED}; any
 * other send failure stops the import after the records already handed over are settled, and is
 * reported in {@link Report#failure()}. Re-importing is harmless: the topic is compacted by image
 * id.
 */
public final class PairImporter {

    /** Hears about progress and skips as they happen, e.g. to draw a progress bar. */
    public interface Listener {
        /** {@code done} of {@code total} entries are settled (published or skipped). */
        default void onProgress(long done, long total) {}

        /** An entry was skipped. */
        default void onSkip(String id, PairSkip reason, String detail) {}
    }

    private final Topic<String, LabeledPair> topic;
    private final Map<String, Object> producerConfig;
    private final PairBuilder builder;
    private final Listener listener;

    private PairImporter(Builder b) {
        this.topic = b.topic;
        this.producerConfig = Map.copyOf(b.producerConfig);
        this.builder = b.pairBuilder;
        this.listener = b.listener;
    }

    /** Starts a builder; {@code setTopic}, {@code setProducerConfig}, {@code setPairBuilder}. */
    public static Builder builder() {
        return new Builder();
    }

    /** Publishes every entry and waits until each is acknowledged, skipped or failed. */
    public Report publish(List<DatasetEntry> entries) {
        long total = entries.size();
        AtomicLong settled = new AtomicLong();
        AtomicLong published = new AtomicLong();
        Map<PairSkip, Long> skipped = new EnumMap<>(PairSkip.class);
        AtomicReference<String> failure = new AtomicReference<>();
        long captionsDropped = 0;
        try (Producer<String, LabeledPair> producer =
                new KafkaProducer<>(
                        producerConfig,
                        topic.keySerde().serializer(),
                        topic.valueSerde().serializer())) {
            for (DatasetEntry entry : entries) {
                if (failure.get() != null) {
                    break;
                }
                PairBuilder.Outcome outcome = builder.build(entry);
                if (outcome.pair() == null) {
                    skip(skipped, entry.id(), outcome.skip(), outcome.detail());
                    listener.onProgress(settled.incrementAndGet(), total);
                    continue;
                }
                captionsDropped += outcome.captionsDropped();
                ProducerRecord<String, LabeledPair> record =
                        new ProducerRecord<>(topic.name(), entry.id(), outcome.pair());
                try {
                    producer.send(
                            record,
                            (metadata, error) -> {
                                if (error == null) {
                                    published.incrementAndGet();
                                } else if (error instanceof RecordTooLargeException) {
                                    skip(
                                            skipped,
                                            entry.id(),
                                            PairSkip.OVERSIZED,
                                            error.getMessage());
                                } else {
                                    failure.compareAndSet(
                                            null, entry.id() + ": not sent: " + error.getMessage());
                                }
                                listener.onProgress(settled.incrementAndGet(), total);
                            });
                } catch (KafkaException e) {
                    failure.compareAndSet(null, entry.id() + ": " + e.getMessage());
                }
            }
            producer.flush();
        } catch (KafkaException e) {
            failure.compareAndSet(null, "Kafka error: " + e.getMessage());
        }
        synchronized (skipped) {
            return new Report(
                    total, published.get(), new EnumMap<>(skipped), captionsDropped, failure.get());
        }
    }

    private void skip(Map<PairSkip, Long> skipped, String id, PairSkip reason, String detail) {
        synchronized (skipped) {
            skipped.merge(reason, 1L, Long::sum);
        }
        listener.onSkip(id, reason, detail);
    }

    /**
     * What an import did.
     *
     * @param listed entries it was given
     * @param published pairs acknowledged by Kafka
     * @param skipped entries not published, by reason
     * @param captionsDropped blank or over-long captions left out of published pairs
     * @param failure the send failure that stopped the import, or null
     */
    public record Report(
            long listed,
            long published,
            Map<PairSkip, Long> skipped,
            long captionsDropped,
            String failure) {

        /** Defensive copy. */
        public Report {
            skipped = Map.copyOf(skipped);
        }

        /** Entries skipped for any reason. */
        public long skippedTotal() {
            return skipped.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** Builder of {@link PairImporter}: {@code setX} is required, {@code optX} not. */
    public static final class Builder {
        private Topic<String, LabeledPair> topic;
        private Map<String, Object> producerConfig;
        private PairBuilder pairBuilder;
        private Listener listener = new Listener() {};

        private Builder() {}

        /** The {@code labeled-pairs} topic with its serdes. */
        public Builder setTopic(Topic<String, LabeledPair> topic) {
            this.topic = Objects.requireNonNull(topic, "topic");
            return this;
        }

        /**
         * Producer settings: bootstrap servers, security, acks... (serializers are the topic's).
         */
        public Builder setProducerConfig(Map<String, Object> producerConfig) {
            this.producerConfig = Objects.requireNonNull(producerConfig, "producerConfig");
            return this;
        }

        /** What becomes a pair. */
        public Builder setPairBuilder(PairBuilder pairBuilder) {
            this.pairBuilder = Objects.requireNonNull(pairBuilder, "pairBuilder");
            return this;
        }

        /** Who hears about progress and skips (default: nobody). */
        public Builder optListener(Listener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /** Validates and builds. */
        public PairImporter build() {
            if (topic == null || producerConfig == null || pairBuilder == null) {
                throw new IllegalArgumentException(
                        "topic, producerConfig and pairBuilder are required");
            }
            return new PairImporter(this);
        }
    }
}
