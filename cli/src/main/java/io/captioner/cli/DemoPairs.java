package io.captioner.cli;

import io.captioner.events.LabeledPair;
import io.captioner.model.data.CaptionedImage;
import io.captioner.model.data.SyntheticDataset;
import io.captioner.schemas.Topics;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Publishes synthetic training images to {@code labeled-pairs} as inline PNGs with their reference
 * captions, keyed by image id, with a progress bar: what a user does with {@code import}.
 */
final class DemoPairs implements AutoCloseable {

    private final Topics topics;
    private final KafkaProducer<String, LabeledPair> producer;

    DemoPairs(String bootstrap, Topics topics) {
        this.topics = topics;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, ClientSettings.IMAGE_BATCH_BYTES);
        this.producer =
                new KafkaProducer<>(
                        p,
                        topics.labeledPairs().keySerde().serializer(),
                        topics.labeledPairs().valueSerde().serializer());
    }

    /**
     * Publishes images {@code from} (inclusive) to {@code to} (exclusive) of {@code data} and waits
     * until the broker has every one.
     *
     * @throws IllegalStateException if the broker refused a pair (the service would never reach its
     *     trigger)
     */
    void publish(SyntheticDataset data, int from, int to, PrintWriter err)
            throws InterruptedException {
        Progress progress =
                new Progress(err, "labeled-pairs", "pairs", to - from, Progress.stderrIsTerminal());
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (int i = from; i < to; i++) {
            CaptionedImage image = data.get(i);
            sent.add(
                    producer.send(
                            new ProducerRecord<>(
                                    topics.labeledPairs().name(),
                                    image.id(),
                                    LabeledPair.newBuilder()
                                            .setImageId(image.id())
                                            .setImageBytes(
                                                    ByteBuffer.wrap(DemoFeed.png(image.image())))
                                            .setContentType("image/png")
                                            .setReferences(image.captions())
                                            .setSourceDataset("synthetic")
                                            .build())));
            progress.update(i - from + 1);
        }
        producer.flush();
        progress.finish();
        for (Future<RecordMetadata> f : sent) {
            try {
                f.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException(
                        "the broker refused a labeled pair: " + e.getCause().getMessage(), e);
            }
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
