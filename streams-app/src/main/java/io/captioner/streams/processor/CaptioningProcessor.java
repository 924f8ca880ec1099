package io.captioner.streams.processor;

import io.captioner.events.CaptionEvent;
import io.captioner.events.CaptionFailure;
import io.captioner.events.FailureReason;
import io.captioner.events.ImageEvent;
import io.captioner.schemas.EventValidation;
import io.captioner.streams.model.ModelLease;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stream-thread side of captioning, one instance per task (partition): it validates records,
 * buffers the valid ones in the changelogged store, hands them to the {@link CaptioningPipeline},
 * and forwards what the pipeline finished together with the deletes of their buffer entries.
 *
 * <p>Exactly-once: an image enters the buffer in the transaction that consumes its record, and
 * leaves it in the transaction that carries its caption or dead letter; fetching, decoding and
 * inference run on the pipeline's threads between the two, inside no transaction. A crash at any
 * point either keeps an image in the (restored) buffer, whose next owner redoes it, or has its
 * output committed, never neither and never both. A transaction holds only this thread's own quick
 * work, plus waits for a full buffer to make room that are bounded per loop round ({@link
 * BlockBudget}); that wait is what slows consumption to the model's pace on a backlog, so the
 * buffer (and a restore after a crash) stays small.
 *
 * <p>Finished images are forwarded at the next record or punctuation (a wall-clock punctuator every
 * few milliseconds); a closed or revived task drops its lane, so results of a task this instance no
 * longer owns are never forwarded.
 */
final class CaptioningProcessor implements Processor<byte[], byte[], String, SpecificRecord> {

    private static final Logger LOG = LoggerFactory.getLogger(CaptioningProcessor.class);

    private final Shared shared;
    private final ProcessorSettings settings;
    private ProcessorContext<String, SpecificRecord> context;
    private BufferQueue queue;
    private PipelineLane lane;
    private long counted;
    private boolean waitingLogged;

    CaptioningProcessor(Shared shared) {
        this.shared = shared;
        this.settings = shared.settings();
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        KeyValueStore<Long, byte[]> store = context.getStateStore(shared.storeName());
        // A revived task (after an aborted transaction) re-initializes the same instance without
        // always closing it: drop the previous life's lane, the restored store is the truth.
        if (lane != null) {
            lane.close();
        }
        if (queue != null) {
            queue.close();
        }
        shared.metrics().buffered((int) -counted);
        String clientId = context.applicationId() + "-" + context.taskId() + "-source-reader";
        queue =
                new BufferQueue(
                        store,
                        settings.inflightImages() + settings.maxWaitingImages(),
                        () -> shared.sources().open(context.appConfigs(), clientId));
        long restored = queue.restore();
        counted = restored;
        shared.metrics().buffered((int) restored);
        if (restored > 0) {
            LOG.info(
                    "Task {} restored {} buffered image(s); captioning them first",
                    context.taskId(),
                    restored);
        }
        lane =
                shared.pipeline()
                        .openLane(
                                context.taskId().toString(),
                                settings.inflightImages(),
                                settings.maxBatch(),
                                settings.maxWait().toMillis());
        long interval = Math.max(1, Math.min(20, settings.maxWait().toMillis() / 4));
        // Restored entries are handed to the pipeline by the first punctuation (init may not
        // forward, and a corrupt entry would need a dead letter).
        context.schedule(
                Duration.ofMillis(interval), PunctuationType.WALL_CLOCK_TIME, this::punctuate);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata meta =
                context.recordMetadata()
                        .orElseThrow(() -> new IllegalStateException("record without metadata"));
        forwardFinished();
        String where = FailureTracker.where(meta.topic(), meta.partition(), meta.offset());
        Optional<FailureTracker.Failure> prior = shared.tracker().get(where);
        if (prior.isPresent() && prior.get().attempts() >= settings.maxAttempts()) {
            // This record failed the same way every time it was processed: let it go.
            deadLetter(
                    poison(prior.get()),
                    null,
                    keyText(record.key()),
                    new PendingImage(
                            meta.topic(),
                            meta.partition(),
                            meta.offset(),
                            record.timestamp(),
                            context.currentSystemTimeMs(),
                            record.key(),
                            new byte[0]),
                    record.value());
            shared.tracker().clear(where);
            return;
        }
        try {
            accept(record, meta);
            if (prior.isPresent()) {
                shared.tracker().clear(where);
            }
        } catch (RuntimeException | Error e) {
            if (!shared.deadLetters().isTransient(e)) {
                shared.tracker().failed(where, e);
            }
            throw e;
        }
        long now = context.currentSystemTimeMs();
        dispatch(now);
        awaitRoom();
    }

    private void accept(Record<byte[], byte[]> record, RecordMetadata meta) {
        long now = context.currentSystemTimeMs();
        PendingImage entry =
                new PendingImage(
                        meta.topic(),
                        meta.partition(),
                        meta.offset(),
                        record.timestamp(),
                        now,
                        record.key(),
                        record.value() == null ? new byte[0] : record.value());
        ImageEvent event = null;
        try {
            if (record.value() == null) {
                throw new SerializationException(
                        "record "
                                + FailureTracker.where(
                                        meta.topic(), meta.partition(), meta.offset())
                                + " has a null value (tombstone), not an image event");
            }
            event = shared.pipeline().deserializer().deserialize(meta.topic(), record.value());
            EventValidation.validate(event);
            EventRules.check(event, record.key(), record.value().length, settings, now);
        } catch (RuntimeException e) {
            if (shared.deadLetters().isTransient(e)) {
                // Not the record's fault: fail the thread, Streams replaces it and retries.
                throw e;
            }
            String imageId =
                    event == null || !EventRules.idFits(event, settings)
                            ? null
                            : blankToNull(event.getImageId());
            String keyText = keyText(record.key());
            deadLetter(e, imageId, imageId != null ? imageId : keyText, entry, record.value());
            return;
        }
        queue.append(entry);
        counted++;
        shared.metrics().buffered(1);
    }

    private void punctuate(long now) {
        shared.budgets().get().reset();
        forwardFinished();
        dispatch(now);
        lane.tick(now);
    }

    /** Hands waiting entries to the pipeline while the lane has room and a model is loaded. */
    private void dispatch(long now) {
        int room = lane.room();
        if (room == 0 || queue.waiting() == 0) {
            return;
        }
        Optional<ModelLease> lease = shared.pipeline().models().tryAcquire();
        if (lease.isEmpty()) {
            if (!waitingLogged) {
                LOG.warn(
                        "Task {}: no model loaded; {} image(s) wait in the buffer",
                        context.taskId(),
                        queue.size());
                waitingLogged = true;
            }
            return;
        }
        waitingLogged = false;
        ModelLease first = lease.get();
        boolean firstUsed = false;
        try {
            for (BufferQueue.Taken taken : queue.take(room, now)) {
                if (taken.image() == null) {
                    deadLetterCorrupt(taken);
                    continue;
                }
                if (taken.error() != null) {
                    deadLetterGone(taken);
                    continue;
                }
                ModelLease itemLease;
                if (!firstUsed) {
                    itemLease = first;
                    firstUsed = true;
                } else {
                    Optional<ModelLease> more = shared.pipeline().models().tryAcquire();
                    if (more.isEmpty()) {
                        queue.redo(taken.offset(), now);
                        continue;
                    }
                    itemLease = more.get();
                }
                lane.submit(new PipelineItem(taken.image(), itemLease));
            }
        } finally {
            if (!firstUsed) {
                first.close();
            }
        }
    }

    /**
     * Waits (bounded per round of this thread's loop) while this task has more waiting images than
     * it may buffer, forwarding and dispatching whatever finishes meanwhile.
     */
    private void awaitRoom() {
        BlockBudget budget = shared.budgets().get();
        while (queue.waiting() >= settings.maxWaitingImages()) {
            long left = budget.remainingMillis();
            if (left <= 0) {
                return;
            }
            long start = System.nanoTime();
            try {
                lane.awaitFinished(Math.min(left, 50));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                budget.used(System.nanoTime() - start);
            }
            forwardFinished();
            dispatch(context.currentSystemTimeMs());
        }
    }

    /** Forwards the pipeline's finished images and deletes their buffer entries. */
    private void forwardFinished() {
        List<PipelineItem> done = lane.drain();
        if (done.isEmpty()) {
            return;
        }
        long now = context.currentSystemTimeMs();
        for (PipelineItem item : done) {
            Outcome outcome = item.outcome();
            PendingImage p = item.image();
            String where = FailureTracker.where(p.topic(), p.partition(), p.offset());
            if (outcome.isRedo()) {
                if (!outcome.countsAsAttempt()) {
                    queue.redo(p.offset(), now + outcome.redoAfterMs());
                    continue;
                }
                int attempts = shared.tracker().failed(where, outcome.failure());
                if (attempts < settings.maxAttempts()) {
                    LOG.warn(
                            "Image {} at {} failed unexpectedly (attempt {} of {}); retrying",
                            outcome.imageId(),
                            where,
                            attempts,
                            settings.maxAttempts(),
                            outcome.failure());
                    queue.redo(p.offset(), now + outcome.redoAfterMs());
                    continue;
                }
                outcome =
                        Outcome.failed(
                                poison(shared.tracker().get(where).orElseThrow()),
                                outcome.imageId());
            }
            shared.tracker().clear(where);
            if (outcome.caption() != null) {
                CaptionEvent caption = outcome.caption();
                context.forward(
                        new Record<String, SpecificRecord>(
                                caption.getImageId(), caption, p.timestamp()),
                        CaptioningTopology.CAPTIONS_SINK);
                shared.metrics().caption(caption.getLatencyMillis());
            } else {
                String id = outcome.imageId();
                deadLetter(outcome.failure(), id, id != null ? id : keyText(p.key()), p, p.value());
            }
            remove(p.offset());
        }
    }

    private void remove(long offset) {
        queue.remove(offset);
        counted--;
        shared.metrics().buffered(-1);
    }

    private void deadLetterCorrupt(BufferQueue.Taken taken) {
        deadLetter(
                new CaptioningException(
                        FailureReason.INTERNAL_ERROR,
                        "buffered entry at offset "
                                + taken.offset()
                                + " is corrupt: "
                                + taken.error().getMessage(),
                        taken.error()),
                null,
                null,
                new PendingImage(
                        context.recordMetadata().map(RecordMetadata::topic).orElse("unknown"),
                        context.taskId().partition(),
                        taken.offset(),
                        context.currentSystemTimeMs(),
                        context.currentSystemTimeMs(),
                        null,
                        taken.corrupt()),
                taken.corrupt());
        remove(taken.offset());
    }

    /** Dead-letters a buffered reference whose record the input topic no longer has. */
    private void deadLetterGone(BufferQueue.Taken taken) {
        PendingImage p = taken.image();
        deadLetter(taken.error(), null, keyText(p.key()), p, null);
        remove(taken.offset());
    }

    private CaptioningException poison(FailureTracker.Failure failure) {
        return new CaptioningException(
                FailureReason.INTERNAL_ERROR,
                "failed "
                        + failure.attempts()
                        + " time(s) the same way; giving up on it: "
                        + failure.cause(),
                failure.cause());
    }

    /** Forwards the dead letter of the record at {@code p}'s coordinates with its raw value. */
    private void deadLetter(
            Throwable failure, String imageId, String outputKey, PendingImage p, byte[] value) {
        long now = System.currentTimeMillis();
        CaptionFailure letter =
                shared.deadLetters()
                        .of(
                                failure,
                                imageId,
                                p.topic(),
                                p.partition(),
                                p.offset(),
                                p.key(),
                                value,
                                now);
        LOG.info(
                "Dead-lettering {}/{}@{} (image {}): {} {}",
                p.topic(),
                p.partition(),
                p.offset(),
                imageId,
                letter.getReason(),
                letter.getMessage());
        shared.metrics().failure(letter.getReason());
        context.forward(
                new Record<String, SpecificRecord>(outputKey, letter, p.timestamp()),
                CaptioningTopology.DLQ_SINK);
    }

    private String keyText(byte[] key) {
        if (key == null || key.length > settings.maxIdBytes()) {
            return null;
        }
        return new String(key, StandardCharsets.UTF_8);
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }

    @Override
    public void close() {
        if (lane != null) {
            lane.close();
        }
        if (queue != null) {
            queue.close();
        }
        shared.metrics().buffered((int) -counted);
        counted = 0;
    }

    /** What every processor instance of a topology shares; thread-safe. */
    record Shared(
            String storeName,
            ProcessorSettings settings,
            CaptioningPipeline pipeline,
            FailureTracker tracker,
            ThreadLocal<BlockBudget> budgets,
            SourceReaders sources) {

        DeadLetters deadLetters() {
            return pipeline.deadLetters();
        }

        CaptioningMetrics metrics() {
            return pipeline.metrics();
        }
    }
}
