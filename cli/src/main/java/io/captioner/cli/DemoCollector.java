package io.captioner.cli;

import io.captioner.events.CaptionEvent;
import io.captioner.events.CaptionFailure;
import io.captioner.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows {@code captions} and {@code captions-dlq} with a {@code read_committed} consumer on its
 * own thread, keeping the first caption of each image (with when it arrived), every dead letter,
 * and a count of captions that arrived for an image already captioned, so the demo can tell what
 * was lost or duplicated.
 */
final class DemoCollector implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DemoCollector.class);

    /** A caption as the demo saw it. */
    record Arrival(CaptionEvent event, long receivedMillis) {}

    /** Called on the collector's thread for each new caption. */
    interface Listener {
        void onCaption(CaptionEvent caption);
    }

    private final Topics topics;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Listener listener;
    private final Thread thread;
    private final Map<String, Arrival> captions = new LinkedHashMap<>();
    private final Map<String, CaptionFailure> failures = new LinkedHashMap<>();
    private int duplicates;
    private int unreadable;
    private RuntimeException failed;
    private volatile boolean running = true;

    private DemoCollector(String bootstrap, Topics topics, Listener listener) {
        this.topics = topics;
        this.listener = listener;
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.consumer =
                new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(topics.captions().name(), topics.captionsDlq().name())) {
            consumer.partitionsFor(topic)
                    .forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        this.thread = new Thread(this::run, "demo-collector");
        thread.setDaemon(true);
    }

    /** Starts following both topics from their beginning. */
    static DemoCollector start(String bootstrap, Topics topics, Listener listener) {
        DemoCollector collector = new DemoCollector(bootstrap, topics, listener);
        collector.thread.start();
        return collector;
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    accept(r);
                }
            }
        } catch (WakeupException e) {
            // close() asked us to stop
        } catch (RuntimeException e) {
            // Kafka failed for good: say so and let waiters stop waiting.
            LOG.error("The demo stopped reading captions: {}", e.toString());
            synchronized (this) {
                failed = e;
                notifyAll();
            }
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void accept(ConsumerRecord<String, byte[]> r) {
        try {
            if (r.topic().equals(topics.captions().name())) {
                CaptionEvent c =
                        topics.captions()
                                .valueSerde()
                                .deserializer()
                                .deserialize(r.topic(), r.value());
                boolean fresh;
                synchronized (this) {
                    fresh = !captions.containsKey(c.getImageId());
                    if (fresh) {
                        captions.put(c.getImageId(), new Arrival(c, System.currentTimeMillis()));
                    } else {
                        duplicates++;
                    }
                    notifyAll();
                }
                if (fresh) {
                    listener.onCaption(c);
                }
            } else {
                CaptionFailure f =
                        topics.captionsDlq()
                                .valueSerde()
                                .deserializer()
                                .deserialize(r.topic(), r.value());
                synchronized (this) {
                    failures.put(r.key() == null ? "(no key)" : r.key(), f);
                    notifyAll();
                }
            }
        } catch (RuntimeException e) {
            LOG.warn(
                    "Could not read {}-{}@{}: {}",
                    r.topic(),
                    r.partition(),
                    r.offset(),
                    e.toString());
            synchronized (this) {
                unreadable++;
            }
        }
    }

    /**
     * Waits until every id in {@code ids} has a caption or a dead letter, or the timeout passes.
     *
     * @return whether all arrived
     */
    synchronized boolean awaitOutcomes(List<String> ids, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long missing =
                    ids.stream()
                            .filter(id -> !captions.containsKey(id) && !failures.containsKey(id))
                            .count();
            if (missing == 0) {
                return true;
            }
            if (failed != null) {
                return false;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, Math.min(left / 1_000_000, 500)));
        }
    }

    /** The first caption of each image, in arrival order. */
    synchronized Map<String, Arrival> captions() {
        return new LinkedHashMap<>(captions);
    }

    /** Dead letters by record key, in arrival order. */
    synchronized Map<String, CaptionFailure> failures() {
        return new LinkedHashMap<>(failures);
    }

    /** Captions that arrived for an image that already had one. */
    synchronized int duplicates() {
        return duplicates;
    }

    /** Records that could not be deserialized. */
    synchronized int unreadable() {
        return unreadable;
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
