package io.captioner.cli.bench;

import io.captioner.cli.ClientSettings;
import io.captioner.events.ImageEvent;
import io.captioner.schemas.Topic;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Loads the running app through Kafka as producers do: inline PNG image events to {@code images},
 * captions read back by a {@link CaptionTracker}. A backlog sends everything at once; an open-loop
 * load sends on a fixed schedule.
 */
public final class PipelineBench implements AutoCloseable {

    private final Topic<String, ImageEvent> images;
    private final BenchImages pictures;
    private final CaptionTracker tracker;
    private final KafkaProducer<String, ImageEvent> producer;
    private final AtomicReference<Exception> sendFailure = new AtomicReference<>();
    private final AtomicLong sendFailures = new AtomicLong();
    private final Callback onSent =
            (metadata, e) -> {
                if (e != null) {
                    sendFailures.incrementAndGet();
                    sendFailure.compareAndSet(null, e);
                }
            };

    /** Sends {@code pictures} to {@code images} on {@code bootstrap}; captions through tracker. */
    public PipelineBench(
            String bootstrap,
            Topic<String, ImageEvent> images,
            BenchImages pictures,
            CaptionTracker tracker) {
        this.images = images;
        this.pictures = pictures;
        this.tracker = tracker;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, ClientSettings.IMAGE_BATCH_BYTES);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "captioner-bench-producer");
        this.producer =
                new KafkaProducer<>(
                        p, images.keySerde().serializer(), images.valueSerde().serializer());
    }

    /**
     * Publishes {@code count} images as fast as the producer takes them and waits for every
     * caption: throughput over the whole backlog, latency of each image from its send.
     */
    public BacklogResult backlog(String stage, String idPrefix, int count, Duration timeout)
            throws InterruptedException {
        List<String> ids = new ArrayList<>(count);
        long first = System.nanoTime();
        for (int i = 0; i < count; i++) {
            String id = idPrefix + i;
            ids.add(id);
            tracker.expect(id, System.nanoTime());
            send(id, i);
        }
        producer.flush();
        checkSends(stage);
        CaptionTracker.Outcome outcome = tracker.await(ids, timeout);
        check(stage, outcome, count, timeout);
        return new BacklogResult(
                count, (outcome.lastArrivalNanos() - first) / 1e9, outcome.latency());
    }

    /**
     * Sends on {@code schedule}, each image's latency counted from when it was due (not from when
     * the sender got to it), then waits up to {@code drainTimeout} for the last captions.
     */
    public SteadyResult openLoop(
            String stage, String idPrefix, OpenLoopSchedule schedule, Duration drainTimeout)
            throws InterruptedException {
        List<String> ids = new ArrayList<>(schedule.count());
        // A short lead so the first send is not already late.
        long start = System.nanoTime() + 50_000_000L;
        long maxLag =
                schedule.drive(
                        start,
                        OpenLoopSchedule.NanoClock.SYSTEM,
                        (i, due) -> {
                            String id = idPrefix + i;
                            ids.add(id);
                            tracker.expect(id, due);
                            send(id, i);
                        });
        producer.flush();
        checkSends(stage);
        CaptionTracker.Outcome outcome = tracker.await(ids, drainTimeout);
        check(stage, outcome, schedule.count(), drainTimeout);
        return new SteadyResult(
                schedule.ratePerSecond(),
                schedule.count(),
                schedule.span().toNanos() / 1e9,
                outcome.latency(),
                maxLag / 1e6);
    }

    private void send(String id, int index) {
        ImageEvent event =
                ImageEvent.newBuilder()
                        .setImageId(id)
                        .setImageBytes(ByteBuffer.wrap(pictures.get(index)))
                        .setContentType("image/png")
                        .setEventTime(Instant.now())
                        .build();
        producer.send(new ProducerRecord<>(images.name(), id, event), onSent);
    }

    private void checkSends(String stage) {
        Exception e = sendFailure.getAndSet(null);
        if (e != null) {
            long n = sendFailures.getAndSet(0);
            throw new BenchException(
                    stage + ": " + n + " image(s) could not be published: " + e.getMessage(), e);
        }
    }

    private static void check(
            String stage, CaptionTracker.Outcome outcome, int count, Duration timeout) {
        if (outcome.deadLettered().isEmpty() && outcome.missing().isEmpty()) {
            return;
        }
        StringBuilder message = new StringBuilder(stage).append(": ");
        if (!outcome.missing().isEmpty()) {
            message.append(
                    String.format(
                            Locale.ROOT,
                            "%d of %d images got no caption within %d s",
                            outcome.missing().size(),
                            count,
                            timeout.toSeconds()));
        }
        if (!outcome.deadLettered().isEmpty()) {
            Map.Entry<String, String> any = outcome.deadLettered().entrySet().iterator().next();
            message.append(outcome.missing().isEmpty() ? "" : "; ")
                    .append(outcome.deadLettered().size())
                    .append(" dead-lettered, e.g. ")
                    .append(any.getKey())
                    .append(" (")
                    .append(any.getValue())
                    .append(')');
        }
        throw new BenchException(message.toString());
    }

    /** Closes the producer. */
    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }

    /**
     * A backlog's figures.
     *
     * @param images images published and captioned
     * @param seconds from the first send to the last caption
     * @param latency each image's send-to-caption time
     */
    public record BacklogResult(int images, double seconds, LatencyStats latency) {

        /** Images captioned per second over the backlog. */
        public double imagesPerSecond() {
            return images / seconds;
        }
    }

    /**
     * An open-loop load's figures.
     *
     * @param ratePerSecond the scheduled rate
     * @param images images sent
     * @param seconds span of the schedule
     * @param latency each image's time from its scheduled send to its caption
     * @param maxSendLagMillis how late the sender was at worst (large values mean the load
     *     generator, not the app, could not keep the schedule)
     */
    public record SteadyResult(
            double ratePerSecond,
            int images,
            double seconds,
            LatencyStats latency,
            double maxSendLagMillis) {}
}
