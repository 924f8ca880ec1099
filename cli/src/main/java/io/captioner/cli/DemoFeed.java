package io.captioner.cli;

import io.captioner.events.ImageEvent;
import io.captioner.model.data.CaptionedImage;
import io.captioner.schemas.Topics;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Publishes the demo's images to {@code images} as inline PNGs, remembering what it sent (bytes,
 * references, send time) so the demo can match captions to them; and the two broken inputs whose
 * dead letters the demo expects.
 */
final class DemoFeed implements AutoCloseable {

    /** The record keys of the broken inputs. */
    static final List<String> BROKEN = List.of("broken-random-bytes", "broken-forbidden-uri");

    /** An image the feed sent. */
    record Sent(CaptionedImage image, byte[] png, long sentMillis, String stage) {}

    private final Topics topics;
    private final KafkaProducer<String, ImageEvent> producer;
    private final List<Sent> sent = new ArrayList<>();

    DemoFeed(String bootstrap, Topics topics) {
        this.topics = topics;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, ClientSettings.IMAGE_BATCH_BYTES);
        this.producer =
                new KafkaProducer<>(
                        p,
                        topics.images().keySerde().serializer(),
                        topics.images().valueSerde().serializer());
    }

    /** Publishes one image and flushes it. */
    synchronized void send(CaptionedImage image, String stage) {
        byte[] png = png(image.image());
        producer.send(
                new ProducerRecord<>(
                        topics.images().name(),
                        image.id(),
                        ImageEvent.newBuilder()
                                .setImageId(image.id())
                                .setImageBytes(ByteBuffer.wrap(png))
                                .setContentType("image/png")
                                .setEventTime(Instant.now())
                                .build()));
        producer.flush();
        // Keep the bytes, not the decoded image: the report embeds them and memory stays small.
        CaptionedImage light = new CaptionedImage(image.id(), tiny(), image.captions());
        sent.add(new Sent(light, png, System.currentTimeMillis(), stage));
    }

    /** Publishes random bytes and a forbidden {@code file:} URI, each a dead letter by design. */
    synchronized void sendBroken() {
        byte[] garbage = new byte[512];
        new Random(7).nextBytes(garbage);
        producer.send(
                new ProducerRecord<>(
                        topics.images().name(),
                        BROKEN.get(0),
                        ImageEvent.newBuilder()
                                .setImageId(BROKEN.get(0))
                                .setImageBytes(ByteBuffer.wrap(garbage))
                                .setContentType("image/jpeg")
                                .setEventTime(Instant.now())
                                .build()));
        producer.send(
                new ProducerRecord<>(
                        topics.images().name(),
                        BROKEN.get(1),
                        ImageEvent.newBuilder()
                                .setImageId(BROKEN.get(1))
                                .setImageUri("file:///etc/passwd")
                                .setEventTime(Instant.now())
                                .build()));
        producer.flush();
    }

    /** Everything sent so far, in order. */
    synchronized List<Sent> sent() {
        return List.copyOf(sent);
    }

    /** Ids of everything sent so far, broken inputs excluded. */
    synchronized List<String> sentIds() {
        return sent.stream().map(s -> s.image().id()).toList();
    }

    @Override
    public void close() {
        producer.close();
    }

    private static BufferedImage tiny() {
        return new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
    }

    /** The image as PNG bytes, what the demo publishes inline. */
    static byte[] png(BufferedImage image) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            ImageIO.write(image, "png", bytes);
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
