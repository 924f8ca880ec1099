package io.captioner.streams.processor;

import io.captioner.events.AlternativeCaption;
import io.captioner.events.CaptionEvent;
import io.captioner.events.CaptionFailure;
import io.captioner.events.DecodingStrategy;
import io.captioner.events.FailureReason;
import io.captioner.events.ImageEvent;
import io.captioner.model.CaptionResult;
import io.captioner.model.Captioner;
import io.captioner.model.DecodingOptions;
import io.captioner.schemas.EventValidation;
import io.captioner.streams.model.ModelLease;
import io.captioner.streams.model.ModelProvider;
import io.captioner.streams.model.ServingModel;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buffers image records in a changelogged store and captions them in batches; one instance per task
 * (partition).
 *
 * <p>{@link #process} deserializes and validates a record (failures go straight to the dead-letter
 * sink) and puts it into the store keyed by its offset. A full buffer is captioned at once; a
 * wall-clock punctuator captions a partial one when its oldest image has waited {@code maxWait}.
 * Captions and dead letters are forwarded and the images deleted from the store in the same
 * processing step, so under exactly-once the outputs, the store's changelog and the input offsets
 * commit together: a crash at any point either keeps an image in the (restored) buffer or has its
 * output committed, never neither and never both. Without a model the buffer waits.
 */
final class CaptioningProcessor implements Processor<byte[], byte[], String, SpecificRecord> {

    private static final Logger LOG = LoggerFactory.getLogger(CaptioningProcessor.class);

    private final Settings settings;
    private ProcessorContext<String, SpecificRecord> context;
    private KeyValueStore<Long, PendingImage> store;
    private int pending;
    private long oldestBufferedAt = -1;
    private boolean waitingLogged;

    CaptioningProcessor(Settings settings) {
        this.settings = settings;
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.store = context.getStateStore(settings.storeName());
        // A revived task (e.g. after an aborted transaction) re-initializes the same instance
        // without always closing it: forget the previous life's count, the store is the truth.
        settings.metrics().buffered(-pending);
        pending = 0;
        oldestBufferedAt = -1;
        try (KeyValueIterator<Long, PendingImage> it = store.all()) {
            while (it.hasNext()) {
                PendingImage p = it.next().value;
                if (oldestBufferedAt < 0) {
                    oldestBufferedAt = p.bufferedAtMs();
                }
                pending++;
            }
        }
        if (pending > 0) {
            LOG.info(
                    "Task {} restored {} buffered image(s); captioning them first",
                    context.taskId(),
                    pending);
            settings.metrics().buffered(pending);
        }
        long maxWait = settings.maxWait().toMillis();
        long interval = Math.max(1, Math.min(250, maxWait / 4));
        context.schedule(
                Duration.ofMillis(interval), PunctuationType.WALL_CLOCK_TIME, this::punctuate);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata meta =
                context.recordMetadata()
                        .orElseThrow(() -> new IllegalStateException("record without metadata"));
        String keyText =
                record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        ImageEvent event = null;
        try {
            if (record.value() == null) {
                throw new SerializationException(
                        "record "
                                + describe(meta)
                                + " has a null value (tombstone), not an image event");
            }
            event = settings.deserializer().deserialize(meta.topic(), record.value());
            EventValidation.validate(event);
        } catch (RuntimeException e) {
            if (settings.deadLetters().isTransient(e)) {
                // Not the record's fault: fail the thread, Streams replaces it and retries.
                throw e;
            }
            String imageId = event == null ? null : blankToNull(event.getImageId());
            deadLetter(
                    e,
                    imageId,
                    imageId != null ? imageId : keyText,
                    meta.topic(),
                    meta.partition(),
                    meta.offset(),
                    record.key(),
                    record.value(),
                    record.timestamp());
            return;
        }
        long now = context.currentSystemTimeMs();
        byte[] encoded;
        try {
            encoded = toBytes(event.toByteBuffer());
        } catch (IOException e) {
            throw new SerializationException(
                    "cannot re-encode image event " + event.getImageId(), e);
        }
        store.put(
                meta.offset(),
                new PendingImage(
                        meta.topic(),
                        meta.partition(),
                        meta.offset(),
                        record.timestamp(),
                        now,
                        record.key(),
                        record.value(),
                        encoded));
        pending++;
        settings.metrics().buffered(1);
        if (oldestBufferedAt < 0) {
            oldestBufferedAt = now;
        }
        if (pending >= settings.maxBatch()) {
            drain(false);
        }
    }

    private void punctuate(long now) {
        if (pending > 0 && now - oldestBufferedAt >= settings.maxWait().toMillis()) {
            drain(true);
        }
    }

    /** Captions full batches, and the partial rest too when {@code all}; waits without a model. */
    private void drain(boolean all) {
        Optional<ModelLease> acquired = settings.models().tryAcquire();
        if (acquired.isEmpty()) {
            if (!waitingLogged) {
                LOG.warn(
                        "Task {}: no model loaded; {} image(s) wait in the buffer",
                        context.taskId(),
                        pending);
                waitingLogged = true;
            }
            return;
        }
        waitingLogged = false;
        try (ModelLease lease = acquired.get()) {
            while (pending >= settings.maxBatch() || (all && pending > 0)) {
                captionNextBatch(lease.model());
            }
        }
        oldestBufferedAt = -1;
        if (pending > 0) {
            try (KeyValueIterator<Long, PendingImage> it = store.all()) {
                if (it.hasNext()) {
                    oldestBufferedAt = it.next().value.bufferedAtMs();
                }
            }
        }
    }

    private void captionNextBatch(ServingModel model) {
        List<KeyValue<Long, PendingImage>> batch = new ArrayList<>(settings.maxBatch());
        try (KeyValueIterator<Long, PendingImage> it = store.all()) {
            while (it.hasNext() && batch.size() < settings.maxBatch()) {
                batch.add(it.next());
            }
        }
        if (batch.isEmpty()) {
            // The in-memory count drifted from the store; trust the store.
            pending = 0;
            return;
        }
        List<PendingImage> ready = new ArrayList<>(batch.size());
        List<ImageEvent> events = new ArrayList<>(batch.size());
        List<BufferedImage> images = new ArrayList<>(batch.size());
        for (KeyValue<Long, PendingImage> entry : batch) {
            PendingImage p = entry.value;
            ImageEvent event = null;
            try {
                event = ImageEvent.fromByteBuffer(ByteBuffer.wrap(p.event()));
                images.add(settings.resolver().resolve(event));
                ready.add(p);
                events.add(event);
            } catch (Exception e) {
                String id = event == null ? null : event.getImageId();
                deadLetter(
                        e,
                        id,
                        id,
                        p.topic(),
                        p.partition(),
                        p.offset(),
                        p.key(),
                        p.value(),
                        p.timestamp());
            }
        }
        if (!images.isEmpty()) {
            caption(model, ready, events, images);
        }
        for (KeyValue<Long, PendingImage> entry : batch) {
            store.delete(entry.key);
        }
        pending -= batch.size();
        settings.metrics().buffered(-batch.size());
    }

    private void caption(
            ServingModel model,
            List<PendingImage> ready,
            List<ImageEvent> events,
            List<BufferedImage> images) {
        Captioner captioner = model.captioner();
        DecodingOptions options = settings.options();
        List<CaptionResult> results;
        List<RuntimeException> errors = new ArrayList<>();
        long start = System.nanoTime();
        try {
            results = captioner.caption(images, options);
            settings.metrics().batch(images.size(), System.nanoTime() - start);
        } catch (RuntimeException batchFailure) {
            // One bad image must not fail its neighbours: retry one by one.
            LOG.warn(
                    "Batch of {} image(s) failed in model {}/{}; retrying one by one",
                    images.size(),
                    model.name(),
                    model.version(),
                    batchFailure);
            results = new ArrayList<>(images.size());
            for (BufferedImage image : images) {
                try {
                    results.add(captioner.caption(image, options));
                    errors.add(null);
                } catch (RuntimeException e) {
                    results.add(null);
                    errors.add(e);
                }
            }
        }
        // The real clock, not Streams' cached one: the latency must include the inference.
        long now = System.currentTimeMillis();
        for (int i = 0; i < ready.size(); i++) {
            PendingImage p = ready.get(i);
            ImageEvent event = events.get(i);
            CaptionResult result = results.get(i);
            if (result == null) {
                deadLetter(
                        new CaptioningException(
                                FailureReason.MODEL_ERROR,
                                "model "
                                        + model.name()
                                        + "/"
                                        + model.version()
                                        + " failed on the image: "
                                        + errors.get(i),
                                errors.get(i)),
                        event.getImageId(),
                        event.getImageId(),
                        p.topic(),
                        p.partition(),
                        p.offset(),
                        p.key(),
                        p.value(),
                        p.timestamp());
                continue;
            }
            CaptionEvent caption = toCaption(model, event, result, options, now);
            context.forward(
                    new Record<String, SpecificRecord>(event.getImageId(), caption, p.timestamp()),
                    CaptioningTopology.CAPTIONS_SINK);
            settings.metrics().caption(caption.getLatencyMillis());
        }
    }

    static CaptionEvent toCaption(
            ServingModel model,
            ImageEvent event,
            CaptionResult result,
            DecodingOptions options,
            long nowMs) {
        List<AlternativeCaption> alternatives = new ArrayList<>(result.alternatives().size());
        for (CaptionResult alt : result.alternatives()) {
            alternatives.add(
                    AlternativeCaption.newBuilder()
                            .setText(alt.text())
                            .setTokens(List.copyOf(alt.tokens()))
                            .setScore(alt.logProbability())
                            .build());
        }
        Instant eventTime = event.getEventTime();
        return CaptionEvent.newBuilder()
                .setImageId(event.getImageId())
                .setCaption(result.text())
                .setTokens(List.copyOf(result.tokens()))
                .setScore(result.logProbability())
                .setAlternatives(alternatives)
                .setModelName(model.name())
                .setModelVersion(model.version())
                .setDecodingStrategy(
                        options.beamSize() == 1 ? DecodingStrategy.GREEDY : DecodingStrategy.BEAM)
                .setBeamSize(options.beamSize())
                .setImageEventTime(eventTime)
                .setCaptionedTime(Instant.ofEpochMilli(nowMs))
                .setLatencyMillis(nowMs - eventTime.toEpochMilli())
                .build();
    }

    private void deadLetter(
            Throwable failure,
            String imageId,
            String outputKey,
            String topic,
            int partition,
            long offset,
            byte[] key,
            byte[] value,
            long timestamp) {
        long now = System.currentTimeMillis();
        CaptionFailure letter =
                settings.deadLetters()
                        .of(failure, imageId, topic, partition, offset, key, value, now);
        LOG.info(
                "Dead-lettering {}/{}@{} (image {}): {} {}",
                topic,
                partition,
                offset,
                imageId,
                letter.getReason(),
                letter.getMessage());
        settings.metrics().failure(letter.getReason());
        context.forward(
                new Record<String, SpecificRecord>(outputKey, letter, timestamp),
                CaptioningTopology.DLQ_SINK);
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }

    private static String describe(RecordMetadata meta) {
        return meta.topic() + "/" + meta.partition() + "@" + meta.offset();
    }

    private static byte[] toBytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    @Override
    public void close() {
        settings.metrics().buffered(-pending);
        pending = 0;
    }

    /** What every processor instance of a topology shares; immutable and thread-safe. */
    record Settings(
            String storeName,
            Deserializer<ImageEvent> deserializer,
            ImageResolver resolver,
            DeadLetters deadLetters,
            ModelProvider models,
            DecodingOptions options,
            int maxBatch,
            Duration maxWait,
            CaptioningMetrics metrics) {}
}
