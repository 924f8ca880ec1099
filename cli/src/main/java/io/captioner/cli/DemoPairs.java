package io.captioner.cli;

import io.captioner.events.LabeledPair;
import io.captioner.model.data.CaptionedImage;
import io.captioner.model.data.SyntheticDataset;
import io.captioner.schemas.Topics;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

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
        this.producer =
                new KafkaProducer<>(
                        p,
                        topics.labeledPairs().keySerde().serializer(),
                        topics.labeledPairs().valueSerde().serializer());
    }

    /** Publishes images {@code from} (inclusive) to {@code to} (exclusive) of {@code data}. */
    void publish(SyntheticDataset data, int from, int to, PrintWriter err) {
        Progress progress =
                new Progress(err, "labeled-pairs", "pairs", to - from, Progress.stderrIsTerminal());
        for (int i = from; i < to; i++) {
            CaptionedImage image = data.get(i);
            producer.send(
                    new ProducerRecord<>(
                            topics.labeledPairs().name(),
                            image.id(),
                            LabeledPair.newBuilder()
                                    .setImageId(image.id())
                                    .setImageBytes(ByteBuffer.wrap(DemoFeed.png(image.image())))
                                    .setContentType("image/png")
                                    .setReferences(image.captions())
                                    .setSourceDataset("synthetic")
                                    .build()));
            progress.update(i - from + 1);
        }
        producer.flush();
        progress.finish();
    }

    @Override
    public void close() {
        producer.close();
    }
}
