package io.captioner.cli.ui;

import io.captioner.events.CaptionEvent;
import io.captioner.events.CaptionFailure;
import io.captioner.events.ImageEvent;
import io.captioner.events.ModelActivation;
import io.captioner.events.ModelManifest;
import io.captioner.events.ModelTopicRecord;
import io.captioner.events.TrainingRun;
import io.captioner.schemas.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows {@code images}, {@code captions}, {@code captions-dlq} and {@code models} with one
 * group-less consumer on a background thread and feeds what it reads to a {@link LiveState} (via
 * {@link LiveEvents}) and a {@link Thumbnails} cache: the page's only Kafka I/O.
 *
 * <p>The consumer must read {@code read_committed}, so captions of aborted transactions never show.
 * It starts the first three topics {@code recent} records before their end per partition (the page
 * opens with some history) and {@code models} at its beginning (to find the active version); topics
 * created later are read from their beginning. Chunk records of {@code models} are skipped without
 * being deserialized; {@code training-runs} gives the page its training decisions. A record that
 * cannot be read or shown is logged and skipped.
 */
public final class LiveFeed implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LiveFeed.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(5);
    private static final long TOPIC_RECHECK_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final Consumer<byte[], byte[]> consumer;
    private final LiveState state;
    private final Thumbnails thumbnails;
    private final long recent;
    private final String images;
    private final String captions;
    private final String dlq;
    private final String models;
    private final Deserializer<ImageEvent> imageValues;
    private final Deserializer<CaptionEvent> captionValues;
    private final Deserializer<CaptionFailure> failureValues;
    private final Deserializer<ModelTopicRecord> modelValues;
    private final String trainingRuns;
    private final Deserializer<TrainingRun> runValues;
    private final Set<String> followed = new HashSet<>();
    private final Thread thread;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private volatile boolean stopping;
    private volatile long skipped;
    private boolean unreachableReported;

    /**
     * Starts following on a new thread; the feed owns {@code consumer} (group-less, {@code
     * read_committed}, byte arrays) and closes it.
     */
    public LiveFeed(
            Consumer<byte[], byte[]> consumer,
            Topics topics,
            LiveState state,
            Thumbnails thumbnails,
            long recent) {
        this.consumer = consumer;
        this.state = state;
        this.thumbnails = thumbnails;
        this.recent = recent;
        this.images = topics.images().name();
        this.captions = topics.captions().name();
        this.dlq = topics.captionsDlq().name();
        this.models = topics.models().name();
        this.imageValues = topics.images().valueSerde().deserializer();
        this.captionValues = topics.captions().valueSerde().deserializer();
        this.failureValues = topics.captionsDlq().valueSerde().deserializer();
        this.modelValues = topics.models().valueSerde().deserializer();
        this.trainingRuns = topics.trainingRuns().name();
        this.runValues = topics.trainingRuns().valueSerde().deserializer();
        this.thread = new Thread(this::run, "captioner-ui-feed");
        thread.setDaemon(true);
        thread.start();
    }

    /** Waits until every topic present at start was read up to its end then; false on timeout. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Records skipped because they could not be read. */
    public long skipped() {
        return skipped;
    }

    private void run() {
        try {
            Map<TopicPartition, Long> startEnd = null;
            long nextCheck = 0;
            boolean first = true;
            while (!stopping) {
                if (followed.size() < topics().size() && System.nanoTime() - nextCheck >= 0) {
                    nextCheck = System.nanoTime() + TOPIC_RECHECK_NANOS;
                    Map<TopicPartition, Long> added;
                    try {
                        added = followNewTopics(first);
                    } catch (TimeoutException e) {
                        // The cluster is not reachable (yet): say so once, keep trying.
                        if (!unreachableReported) {
                            LOG.warn("Kafka not reachable yet, retrying: {}", e.getMessage());
                            unreachableReported = true;
                        }
                        continue;
                    }
                    if (first) {
                        startEnd = added;
                        first = false;
                    }
                }
                if (consumer.assignment().isEmpty()) {
                    sleep(POLL);
                } else {
                    dispatch(consumer.poll(POLL));
                }
                if (startEnd != null && caughtUp.getCount() > 0 && reached(startEnd)) {
                    caughtUp.countDown();
                }
            }
        } catch (WakeupException e) {
            // close() woke the consumer up: a normal end.
        } catch (KafkaException | IllegalStateException e) {
            if (!stopping) {
                LOG.error("The live page stopped following Kafka", e);
            }
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private List<String> topics() {
        return List.of(images, captions, dlq, models, trainingRuns);
    }

    /** Assigns the topics that exist now and were not followed yet; returns their end offsets. */
    private Map<TopicPartition, Long> followNewTopics(boolean atStart) {
        List<TopicPartition> fresh = new ArrayList<>();
        Set<String> freshTopics = new HashSet<>();
        for (String topic : topics()) {
            if (followed.contains(topic)) {
                continue;
            }
            List<PartitionInfo> infos = consumer.partitionsFor(topic, METADATA_TIMEOUT);
            if (infos == null || infos.isEmpty()) {
                continue;
            }
            freshTopics.add(topic);
            for (PartitionInfo info : infos) {
                fresh.add(new TopicPartition(topic, info.partition()));
            }
        }
        if (fresh.isEmpty()) {
            return Map.of();
        }
        List<TopicPartition> all = new ArrayList<>(consumer.assignment());
        all.addAll(fresh);
        consumer.assign(all);
        followed.addAll(freshTopics);
        Map<TopicPartition, Long> begin = consumer.beginningOffsets(fresh);
        Map<TopicPartition, Long> end = consumer.endOffsets(fresh);
        for (TopicPartition tp : fresh) {
            boolean whole = !atStart || tp.topic().equals(models);
            long from = whole ? begin.get(tp) : Math.max(begin.get(tp), end.get(tp) - recent);
            consumer.seek(tp, from);
        }
        return new HashMap<>(end);
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Images first, so a caption read in the same poll finds its thumbnail ready. A record that
     * fails to show (a thumbnail that cannot be made, say) is skipped, never the feed's end.
     */
    private void dispatch(ConsumerRecords<byte[], byte[]> records) {
        try {
            dispatchAll(records);
        } catch (RuntimeException e) {
            skipped++;
            LOG.warn("Skipping records the page could not show: {}", e.toString());
        }
    }

    private void dispatchAll(ConsumerRecords<byte[], byte[]> records) {
        for (ConsumerRecord<byte[], byte[]> r : records.records(images)) {
            ImageEvent event = read(imageValues, r);
            if (event != null && event.getImageBytes() != null) {
                ByteBuffer buffer = event.getImageBytes();
                byte[] bytes = new byte[buffer.remaining()];
                buffer.duplicate().get(bytes);
                try {
                    thumbnails.add(event.getImageId(), bytes);
                } catch (RuntimeException e) {
                    // An image the JDK cannot thumbnail shows without one; the caption still shows.
                    skipped++;
                    LOG.warn("No thumbnail for {}: {}", event.getImageId(), e.toString());
                }
            }
        }
        for (ConsumerRecord<byte[], byte[]> r : records.records(captions)) {
            CaptionEvent event = read(captionValues, r);
            if (event != null) {
                state.accept(LiveEvents.caption(key(r), event));
            }
        }
        for (ConsumerRecord<byte[], byte[]> r : records.records(dlq)) {
            CaptionFailure failure = read(failureValues, r);
            if (failure != null) {
                state.accept(LiveEvents.failure(key(r), failure));
            }
        }
        for (ConsumerRecord<byte[], byte[]> r : records.records(models)) {
            String key = key(r);
            // Chunks are the bulk of the topic and say nothing the page shows.
            if (key == null || key.contains("/chunk/")) {
                continue;
            }
            ModelTopicRecord record = read(modelValues, r);
            if (record == null) {
                continue;
            }
            Object payload = record.getPayload();
            if (payload instanceof ModelActivation activation) {
                state.accept(LiveEvents.activation(activation));
            } else if (payload instanceof ModelManifest manifest) {
                state.accept(LiveEvents.version(manifest));
            }
        }
        for (ConsumerRecord<byte[], byte[]> r : records.records(trainingRuns)) {
            TrainingRun run = read(runValues, r);
            if (run != null) {
                state.accept(LiveEvents.training(run));
            }
        }
    }

    private <T> T read(Deserializer<T> values, ConsumerRecord<byte[], byte[]> r) {
        if (r.value() == null) {
            return null;
        }
        try {
            return values.deserialize(r.topic(), r.headers(), r.value());
        } catch (RuntimeException e) {
            skipped++;
            LOG.warn(
                    "Skipping unreadable record {}-{}@{}: {}",
                    r.topic(),
                    r.partition(),
                    r.offset(),
                    e.toString());
            return null;
        }
    }

    private static String key(ConsumerRecord<byte[], byte[]> r) {
        return r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
    }

    private void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
        }
    }

    /** Stops the thread and closes the consumer. */
    @Override
    public void close() {
        stopping = true;
        consumer.wakeup();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
