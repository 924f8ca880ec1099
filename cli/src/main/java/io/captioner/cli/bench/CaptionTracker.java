package io.captioner.cli.bench;

import io.captioner.events.CaptionFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads {@code captions} and {@code captions-dlq} as a downstream consumer does ({@code
 * read_committed}, so a caption counts when its transaction commits) and records when each expected
 * image's caption or dead letter arrived.
 *
 * <p>One thread owns the consumer; it starts at the end of both topics, so only this run's records
 * count. Captions are matched by their key, the image id; values are not decoded (the bench is in
 * the same JVM as the app and should not spend its cores on that), dead letters are, for their
 * reason.
 */
public final class CaptionTracker implements AutoCloseable {

    private final KafkaConsumer<String, byte[]> consumer;
    private final String captionsTopic;
    private final String dlqTopic;
    private final Deserializer<CaptionFailure> failureDeserializer;
    private final Map<String, Long> started = new ConcurrentHashMap<>();
    private final Map<String, Long> received = new ConcurrentHashMap<>();
    private final Map<String, String> failed = new ConcurrentHashMap<>();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final CountDownLatch positioned = new CountDownLatch(1);
    private final Object arrivals = new Object();
    private final Thread thread;
    private volatile boolean running = true;

    private CaptionTracker(
            String bootstrap,
            String captionsTopic,
            String dlqTopic,
            Deserializer<CaptionFailure> failureDeserializer) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "captioner-bench-tracker");
        this.consumer =
                new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        this.captionsTopic = captionsTopic;
        this.dlqTopic = dlqTopic;
        this.failureDeserializer = failureDeserializer;
        this.thread = new Thread(this::loop, "bench-caption-tracker");
        this.thread.setDaemon(true);
    }

    /**
     * Starts tracking at the current end of both topics (which must exist); returns once the
     * positions are fixed, so every record produced afterwards is seen.
     */
    public static CaptionTracker start(
            String bootstrap,
            String captionsTopic,
            String dlqTopic,
            Deserializer<CaptionFailure> failureDeserializer,
            Duration timeout)
            throws InterruptedException {
        CaptionTracker tracker =
                new CaptionTracker(bootstrap, captionsTopic, dlqTopic, failureDeserializer);
        tracker.thread.start();
        if (!tracker.positioned.await(timeout.toMillis(), TimeUnit.MILLISECONDS)
                || tracker.failure.get() != null) {
            Throwable cause = tracker.failure.get();
            tracker.close();
            throw new BenchException(
                    "cannot read "
                            + captionsTopic
                            + " and "
                            + dlqTopic
                            + (cause == null ? " within " + timeout : ": " + cause.getMessage()),
                    cause);
        }
        return tracker;
    }

    /**
     * Registers an image whose latency counts from {@code startNanos} ({@link System#nanoTime}).
     */
    public void expect(String imageId, long startNanos) {
        started.put(imageId, startNanos);
    }

    /**
     * Waits until every one of {@code ids} has a caption or a dead letter, or {@code timeout}
     * passed, then forgets them.
     */
    public Outcome await(Collection<String> ids, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Throwable f = failure.get();
            if (f != null) {
                throw new BenchException("reading captions failed: " + f.getMessage(), f);
            }
            int open = 0;
            for (String id : ids) {
                if (!received.containsKey(id) && !failed.containsKey(id)) {
                    open++;
                }
            }
            long left = deadline - System.nanoTime();
            if (open == 0 || left <= 0) {
                break;
            }
            synchronized (arrivals) {
                arrivals.wait(Math.max(1, Math.min(100, TimeUnit.NANOSECONDS.toMillis(left))));
            }
        }
        long[] latencies = new long[ids.size()];
        int n = 0;
        long last = Long.MIN_VALUE;
        List<String> missing = new ArrayList<>();
        Map<String, String> deadLettered = new HashMap<>();
        for (String id : ids) {
            Long at = received.remove(id);
            Long from = started.remove(id);
            String reason = failed.remove(id);
            if (reason != null) {
                deadLettered.put(id, reason);
            } else if (at == null || from == null) {
                missing.add(id);
            } else {
                latencies[n++] = Math.max(0, at - from);
                last = Math.max(last, at);
            }
        }
        long[] trimmed = new long[n];
        System.arraycopy(latencies, 0, trimmed, 0, n);
        return new Outcome(LatencyStats.ofNanos(trimmed), last, missing, deadLettered);
    }

    /** Captions that arrived more than once for one image (0 under exactly-once). */
    public long duplicates() {
        return duplicates.get();
    }

    private void loop() {
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(captionsTopic, dlqTopic)) {
                consumer.partitionsFor(topic, Duration.ofSeconds(30))
                        .forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            // seekToEnd is lazy: asking for the positions fixes them now, before any send.
            partitions.forEach(tp -> consumer.position(tp, Duration.ofSeconds(30)));
            positioned.countDown();
            while (running) {
                ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(100));
                long now = System.nanoTime();
                for (ConsumerRecord<String, byte[]> r : records) {
                    if (r.key() == null || !started.containsKey(r.key())) {
                        continue;
                    }
                    if (r.topic().equals(captionsTopic)) {
                        if (received.putIfAbsent(r.key(), now) != null) {
                            duplicates.incrementAndGet();
                        }
                    } else {
                        failed.put(r.key(), describe(r));
                    }
                }
                if (!records.isEmpty()) {
                    synchronized (arrivals) {
                        arrivals.notifyAll();
                    }
                }
            }
        } catch (WakeupException e) {
            // close() woke the poll
        } catch (RuntimeException e) {
            failure.set(e);
        } finally {
            positioned.countDown();
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private String describe(ConsumerRecord<String, byte[]> r) {
        try {
            CaptionFailure f = failureDeserializer.deserialize(r.topic(), r.value());
            return f.getReason() + ": " + f.getMessage();
        } catch (RuntimeException e) {
            return "dead letter at " + r.topic() + "/" + r.partition() + "@" + r.offset();
        }
    }

    /** Stops the consumer thread and closes the consumer. */
    @Override
    public void close() {
        running = false;
        if (thread.isAlive()) {
            consumer.wakeup();
        }
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * What became of the awaited images.
     *
     * @param latency time from each image's start to its caption, for the captioned ones
     * @param lastArrivalNanos when the last caption arrived ({@link System#nanoTime})
     * @param missing images without caption or dead letter by the timeout
     * @param deadLettered images dead-lettered, with reason and message
     */
    public record Outcome(
            LatencyStats latency,
            long lastArrivalNanos,
            List<String> missing,
            Map<String, String> deadLettered) {}
}
