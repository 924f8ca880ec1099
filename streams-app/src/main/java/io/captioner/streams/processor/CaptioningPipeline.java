package io.captioner.streams.processor;

import io.captioner.events.CaptionEvent;
import io.captioner.events.FailureReason;
import io.captioner.events.ImageEvent;
import io.captioner.model.CaptionResult;
import io.captioner.model.DecodingOptions;
import io.captioner.schemas.EventValidation;
import io.captioner.schemas.Topics;
import io.captioner.streams.config.StreamsAppConfig;
import io.captioner.streams.model.InferenceSession;
import io.captioner.streams.model.ModelProvider;
import io.captioner.streams.model.ServingModel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The asynchronous half of the serving path, shared by every task of an app: a bounded pool of
 * input threads that decode (and fetch) images and resize them to the model's input size, and
 * inference threads, each captioning one batch at a time in its own {@link InferenceSession};
 * batches form across the lanes (tasks) of the app ({@link #formBatches}).
 *
 * <p>Why this shape: the stream thread only buffers records and forwards finished outputs, so no
 * exactly-once transaction ever spans a fetch, a decode or a forward pass, however slow the input
 * or the model; input work for the next batch overlaps inference of the current one. The pipeline
 * holds nothing that cannot be rebuilt from the changelogged buffer: a crash or a revoked task
 * drops what is in flight, and the buffered entries are redone by the task's next owner.
 *
 * <p>Failures: what the image is at fault for becomes a dead letter (its mapped reason); a batch
 * that fails in the model is retried image by image and only the failing images become {@code
 * MODEL_ERROR}, unless the model also fails on a blank probe image: then the model, not the images,
 * is broken (a device out of memory, a bad version), so the images are redone later with an
 * exponential back-off and {@link #modelFailure()} reports it. Unexpected failures (an {@link
 * Error}, an unmapped exception) are redone, counting an attempt, so the processor dead-letters an
 * image only after it failed the same way several times. Thread-safe.
 */
public final class CaptioningPipeline implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CaptioningPipeline.class);

    /** Back-off before redoing an image whose attempt failed unexpectedly. */
    static final long ATTEMPT_RETRY_MS = 1000;

    /** First back-off after a whole-model failure; it doubles up to the configured maximum. */
    static final long MODEL_BACKOFF_START_MS = 500;

    private final ModelProvider models;
    private final ImageResolver resolver;
    private final Deserializer<ImageEvent> deserializer;
    private final String topic;
    private final DeadLetters deadLetters;
    private final DecodingOptions options;
    private final CaptioningMetrics metrics;
    private final long maxModelBackoffMs;
    private final ThreadPoolExecutor input;
    private final BlockingQueue<InferenceBatch> batches = new LinkedBlockingQueue<>();

    /** The open lanes, in the order they opened; guarded by itself, the batcher's lock. */
    private final Set<PipelineLane> lanes = new LinkedHashSet<>();

    /**
     * The clock of the last timed batching, guarded by {@link #lanes}: every task of a stream
     * thread ticks in the same round, and the first tick of a millisecond already sent what was due
     * (images prepared since then form full batches themselves; a partial one falling due waits for
     * the next round, a punctuation interval).
     */
    private long lastTickMs = Long.MIN_VALUE;

    private final List<Thread> inference = new ArrayList<>();
    private final int inferenceThreads;
    private volatile boolean closed;

    private final Object modelState = new Object();
    private int consecutiveModelFailures;
    private String modelFailure;

    private CaptioningPipeline(Builder b) {
        this.models = b.models;
        this.resolver = b.resolver;
        this.deserializer = b.deserializer;
        this.topic = b.topic;
        this.deadLetters = b.deadLetters;
        this.options = b.options;
        this.metrics = b.metrics;
        this.maxModelBackoffMs = b.maxModelBackoffMs;
        this.inferenceThreads = b.inferenceThreads;
        AtomicInteger inputIds = new AtomicInteger();
        this.input =
                new ThreadPoolExecutor(
                        b.inputThreads,
                        b.inputThreads,
                        0,
                        TimeUnit.MILLISECONDS,
                        new LinkedBlockingQueue<>(),
                        r -> daemon(r, "captioner-input-" + inputIds.incrementAndGet()));
        for (int i = 1; i <= b.inferenceThreads; i++) {
            Thread t = daemon(this::inferenceLoop, "captioner-inference-" + i);
            inference.add(t);
            t.start();
        }
    }

    /** Starts a builder; the {@code setX} options are required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts a builder with what {@code config} decides: the resolver (fetch policy, decoder
     * limits), the deserializer of {@code topics}' images, the failure mapping and the decoding
     * options; models, metrics and threads are the caller's.
     */
    public static Builder builder(StreamsAppConfig config, Topics topics) {
        return new Builder()
                .setResolver(new ImageResolver(config.imageFetcher(), config.imageDecoder()))
                .setDeserializer(
                        topics.images().valueSerde().deserializer(), topics.images().name())
                .setDeadLetters(
                        new DeadLetters(FailureMapper.defaults(), config.dlqMaxOriginalBytes()))
                .optDecodingOptions(config.decodingOptions());
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    DeadLetters deadLetters() {
        return deadLetters;
    }

    CaptioningMetrics metrics() {
        return metrics;
    }

    Deserializer<ImageEvent> deserializer() {
        return deserializer;
    }

    /** Where the processors lease the model for each image. */
    public ModelProvider models() {
        return models;
    }

    /** The inference threads this pipeline runs. */
    public int inferenceThreads() {
        return inferenceThreads;
    }

    /**
     * Why the model currently fails as a whole (every image of a batch and a blank probe), or empty
     * while it works.
     */
    public Optional<String> modelFailure() {
        synchronized (modelState) {
            return Optional.ofNullable(modelFailure);
        }
    }

    /** Opens a task's lane; close it with the task. */
    PipelineLane openLane(String name, int capacity, int maxBatch, long maxWaitMs) {
        if (closed) {
            throw new IllegalStateException("pipeline is closed");
        }
        PipelineLane lane = new PipelineLane(this, name, capacity, maxBatch, maxWaitMs);
        synchronized (lanes) {
            lanes.add(lane);
        }
        return lane;
    }

    /** Forgets a closed lane. */
    void laneClosed(PipelineLane lane) {
        synchronized (lanes) {
            lanes.remove(lane);
        }
    }

    /**
     * Forms the batches that may leave now from the prepared images of every lane (with {@code
     * nowMs} {@link Long#MIN_VALUE}: full ones only) and queues them for the inference threads.
     *
     * <p>Why across lanes: a lane is one partition, and at a moderate rate spread over many
     * partitions no partition fills a batch within the wait, so per-lane batches left small and the
     * model, slower per image at small batches, fell behind the load it could carry. A batch takes
     * one model's images oldest first (by the time they were buffered) from any lane; it leaves
     * once it is full, or once its oldest image waited its lane's maximum and no batch is queued
     * for the model (a busy model lets a partial batch fill: under a backlog every image is
     * overdue).
     */
    void formBatches(long nowMs) {
        synchronized (lanes) {
            if (nowMs == Long.MIN_VALUE ? !fullBatchPossible() : nowMs == lastTickMs) {
                return;
            }
            if (nowMs != Long.MIN_VALUE) {
                lastTickMs = nowMs;
            }
            while (!closed) {
                InferenceBatch batch = nextBatch(nowMs);
                if (batch == null) {
                    return;
                }
                batches.add(batch);
            }
        }
    }

    /**
     * Whether the lanes hold enough prepared images for a full batch, counted without forming the
     * offers: every prepared image calls for batches, and most find too few to fill one.
     */
    private boolean fullBatchPossible() {
        int ready = 0;
        int smallest = Integer.MAX_VALUE;
        for (PipelineLane lane : lanes) {
            ready += lane.readyCount();
            smallest = Math.min(smallest, lane.maxBatch());
        }
        return ready >= smallest;
    }

    private InferenceBatch nextBatch(long nowMs) {
        Map<ServingModel, List<PipelineItem>> offers = new IdentityHashMap<>();
        int maxBatch = Integer.MAX_VALUE;
        for (PipelineLane lane : lanes) {
            List<PipelineItem> offered = lane.offer(lane.maxBatch());
            if (!offered.isEmpty()) {
                maxBatch = Math.min(maxBatch, lane.maxBatch());
                offers.computeIfAbsent(offered.get(0).model(), m -> new ArrayList<>())
                        .addAll(offered);
            }
        }
        List<PipelineItem> chosen = null;
        long chosenOldest = Long.MAX_VALUE;
        for (List<PipelineItem> candidates : offers.values()) {
            candidates.sort(OLDEST_FIRST);
            PipelineItem oldest = candidates.get(0);
            boolean due =
                    nowMs != Long.MIN_VALUE
                            && nowMs - oldest.image().bufferedAtMs() >= oldest.lane().maxWaitMs()
                            && batches.isEmpty();
            if ((candidates.size() >= maxBatch || due)
                    && oldest.image().bufferedAtMs() < chosenOldest) {
                chosen = candidates;
                chosenOldest = oldest.image().bufferedAtMs();
            }
        }
        if (chosen == null) {
            return null;
        }
        Map<PipelineLane, List<PipelineItem>> byLane = new LinkedHashMap<>();
        for (PipelineItem item : chosen.subList(0, Math.min(maxBatch, chosen.size()))) {
            byLane.computeIfAbsent(item.lane(), l -> new ArrayList<>()).add(item);
        }
        List<PipelineItem> taken = new ArrayList<>();
        byLane.forEach((lane, items) -> taken.addAll(lane.take(items)));
        // Nothing taken: the lanes changed under the offers (closed); look again next time.
        return taken.isEmpty() ? null : new InferenceBatch(chosen.get(0).model(), taken);
    }

    private static final Comparator<PipelineItem> OLDEST_FIRST =
            Comparator.comparingLong((PipelineItem i) -> i.image().bufferedAtMs())
                    .thenComparingLong(PipelineItem::offset);

    /** Queues the input work of {@code item} on the input pool. */
    void prepare(PipelineLane lane, PipelineItem item) {
        try {
            input.execute(() -> runInput(lane, item));
        } catch (RejectedExecutionException e) {
            // Closing: the entry stays buffered for the next run.
            lane.finish(item, Outcome.retryLater(ATTEMPT_RETRY_MS, e, item.imageId()));
        }
    }

    private void runInput(PipelineLane lane, PipelineItem item) {
        if (lane.isClosed()) {
            return;
        }
        ImageEvent event = item.event();
        try {
            if (event == null) {
                event = deserializer.deserialize(topic, item.image().value());
                EventValidation.validate(event);
                item.event(event);
            }
            item.resized(resolver.prepare(event, item.model().captioner().preprocessor()));
            lane.prepared(item);
        } catch (Throwable t) {
            lane.finish(item, inputFailure(t, event == null ? null : event.getImageId()));
        }
    }

    private Outcome inputFailure(Throwable t, String imageId) {
        if (deadLetters.isTransient(t)) {
            // The registry is down, not the image's fault: redo it later, count nothing.
            return Outcome.retryLater(ATTEMPT_RETRY_MS, t, imageId);
        }
        if (t instanceof Error || deadLetters.reasonOf(t) == FailureReason.INTERNAL_ERROR) {
            return Outcome.attemptFailed(ATTEMPT_RETRY_MS, t, imageId);
        }
        return Outcome.failed(t, imageId);
    }

    private void inferenceLoop() {
        while (!closed) {
            InferenceBatch queued;
            try {
                queued = batches.poll(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (queued == null) {
                continue;
            }
            // Images of a task that is gone are redone by its next owner: drop them.
            List<PipelineItem> live = new ArrayList<>(queued.items().size());
            for (PipelineItem item : queued.items()) {
                if (item.lane().isClosed()) {
                    item.lane().finish(item, null);
                } else {
                    live.add(item);
                }
            }
            if (live.isEmpty()) {
                continue;
            }
            InferenceBatch batch = new InferenceBatch(queued.model(), live);
            try {
                caption(batch);
            } catch (Throwable t) {
                LOG.error("Inference batch of {} image(s) failed unexpectedly", live.size(), t);
                for (PipelineItem item : live) {
                    item.lane().finish(item, Outcome.attemptFailed(ATTEMPT_RETRY_MS, t, null));
                }
            }
        }
    }

    private void caption(InferenceBatch batch) {
        ServingModel model = batch.model();
        List<PipelineItem> items = batch.items();
        List<byte[]> pixels = new ArrayList<>(items.size());
        for (PipelineItem item : items) {
            pixels.add(item.resized());
        }
        List<CaptionResult> results;
        List<Throwable> errors = new ArrayList<>(items.size());
        long start = System.nanoTime();
        try (InferenceSession session = model.newSession()) {
            try {
                results = session.caption(pixels, options);
                metrics.batch(items.size(), System.nanoTime() - start);
                metrics.inferred(items.size());
                items.forEach(i -> errors.add(null));
            } catch (Throwable batchFailure) {
                LOG.warn(
                        "Batch of {} image(s) failed in model {}/{}; retrying one by one",
                        items.size(),
                        model.name(),
                        model.version(),
                        batchFailure);
                results = new ArrayList<>(items.size());
                for (byte[] image : pixels) {
                    try {
                        results.add(session.caption(List.of(image), options).get(0));
                        metrics.inferred(1);
                        errors.add(null);
                    } catch (Throwable e) {
                        results.add(null);
                        errors.add(e);
                    }
                }
                if (errors.stream().allMatch(Objects::nonNull)) {
                    Throwable probeFailure = probe(session);
                    if (probeFailure != null) {
                        modelFailed(batch, errors.get(0), probeFailure);
                        return;
                    }
                }
            }
        }
        modelWorked();
        // The real clock: the latency must include the inference.
        long now = System.currentTimeMillis();
        for (int i = 0; i < items.size(); i++) {
            PipelineItem item = items.get(i);
            Throwable error = errors.get(i);
            Outcome outcome;
            if (error == null) {
                CaptionEvent caption =
                        CaptionEvents.of(model, item.event(), results.get(i), options, now);
                outcome = Outcome.captioned(caption);
            } else if (error instanceof Error) {
                outcome = Outcome.attemptFailed(ATTEMPT_RETRY_MS, error, item.imageId());
            } else {
                outcome =
                        Outcome.failed(
                                new CaptioningException(
                                        FailureReason.MODEL_ERROR,
                                        "model "
                                                + model.name()
                                                + "/"
                                                + model.version()
                                                + " failed on the image: "
                                                + error,
                                        error),
                                item.imageId());
            }
            item.lane().finish(item, outcome);
        }
    }

    /** Captions a black image; returns why that failed too, or null when the model works. */
    private Throwable probe(InferenceSession session) {
        int size = session.inputSize();
        try {
            session.caption(List.of(new byte[size * size * 3]), options);
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    private void modelFailed(InferenceBatch batch, Throwable error, Throwable probe) {
        metrics.modelFailure();
        long backoff;
        synchronized (modelState) {
            consecutiveModelFailures++;
            backoff =
                    Math.min(
                            maxModelBackoffMs,
                            MODEL_BACKOFF_START_MS << Math.min(20, consecutiveModelFailures - 1));
            modelFailure =
                    "model "
                            + batch.model().name()
                            + "/"
                            + batch.model().version()
                            + " fails on every image and on a blank probe ("
                            + consecutiveModelFailures
                            + " batch(es) in a row): "
                            + error;
        }
        LOG.error(
                "Model {}/{} fails as a whole (a blank probe too: {}); the {} image(s) stay"
                        + " buffered and are retried in {} ms",
                batch.model().name(),
                batch.model().version(),
                probe.toString(),
                batch.items().size(),
                backoff,
                error);
        for (PipelineItem item : batch.items()) {
            item.lane().finish(item, Outcome.retryLater(backoff, error, item.imageId()));
        }
    }

    private void modelWorked() {
        synchronized (modelState) {
            if (modelFailure != null) {
                LOG.info(
                        "The model works again after {} failed batch(es)",
                        consecutiveModelFailures);
            }
            consecutiveModelFailures = 0;
            modelFailure = null;
        }
    }

    /**
     * Stops the threads and closes the resolver; what is in flight is dropped (it stays buffered).
     */
    @Override
    public void close() {
        closed = true;
        input.shutdownNow();
        for (Thread t : inference) {
            t.interrupt();
        }
        try {
            input.awaitTermination(10, TimeUnit.SECONDS);
            for (Thread t : inference) {
                t.join(10_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        batches.clear();
        resolver.close();
    }

    /** Images of one model, from one or more lanes, captioned in one forward pass. */
    record InferenceBatch(ServingModel model, List<PipelineItem> items) {}

    /** Builder of {@link CaptioningPipeline}: {@code setX} required, {@code optX} optional. */
    public static final class Builder {
        private ModelProvider models;
        private ImageResolver resolver;
        private Deserializer<ImageEvent> deserializer;
        private String topic;
        private DeadLetters deadLetters;
        private DecodingOptions options = DecodingOptions.greedy();
        private CaptioningMetrics metrics;
        private int inputThreads = 2;
        private int inferenceThreads = 1;
        private long maxModelBackoffMs = 30_000;

        private Builder() {}

        /** Sets where images lease their model. */
        public Builder setModels(ModelProvider models) {
            this.models = models;
            return this;
        }

        /** Sets how events become pixels (fetch policy, decoder limits); the pipeline closes it. */
        public Builder setResolver(ImageResolver resolver) {
            this.resolver = resolver;
            return this;
        }

        /** Sets the deserializer of buffered values and the topic they were read from. */
        public Builder setDeserializer(Deserializer<ImageEvent> deserializer, String topic) {
            this.deserializer = deserializer;
            this.topic = topic;
            return this;
        }

        /** Sets the failure mapping (which failures are transient, which reasons they get). */
        public Builder setDeadLetters(DeadLetters deadLetters) {
            this.deadLetters = deadLetters;
            return this;
        }

        /** Sets the metrics. */
        public Builder setMetrics(CaptioningMetrics metrics) {
            this.metrics = metrics;
            return this;
        }

        /** Decoding options of every caption; default greedy. */
        public Builder optDecodingOptions(DecodingOptions options) {
            this.options = options;
            return this;
        }

        /** Threads that fetch, decode and resize; default 2. */
        public Builder optInputThreads(int threads) {
            this.inputThreads = threads;
            return this;
        }

        /** Threads that run the model, one batch each at a time; default 1. */
        public Builder optInferenceThreads(int threads) {
            this.inferenceThreads = threads;
            return this;
        }

        /** Longest back-off after repeated whole-model failures; default 30 s. */
        public Builder optMaxModelBackoffMs(long ms) {
            this.maxModelBackoffMs = ms;
            return this;
        }

        /** Validates and starts the threads. */
        public CaptioningPipeline build() {
            Objects.requireNonNull(models, "models");
            Objects.requireNonNull(resolver, "resolver");
            Objects.requireNonNull(deserializer, "deserializer");
            Objects.requireNonNull(topic, "topic");
            Objects.requireNonNull(deadLetters, "deadLetters");
            Objects.requireNonNull(metrics, "metrics");
            Objects.requireNonNull(options, "options");
            if (inputThreads < 1 || inferenceThreads < 1) {
                throw new IllegalArgumentException(
                        "input and inference threads must be at least 1, got "
                                + inputThreads
                                + " and "
                                + inferenceThreads);
            }
            if (maxModelBackoffMs < MODEL_BACKOFF_START_MS) {
                throw new IllegalArgumentException(
                        "maxModelBackoffMs must be at least " + MODEL_BACKOFF_START_MS);
            }
            return new CaptioningPipeline(this);
        }
    }
}
