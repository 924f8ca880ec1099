package io.captioner.cli;

import io.captioner.events.CaptionEvent;
import io.captioner.events.CaptionFailure;
import io.captioner.events.ImageEvent;
import io.captioner.model.Captioner;
import io.captioner.model.data.CaptionedImage;
import io.captioner.model.data.SyntheticDataset;
import io.captioner.model.metrics.CaptionMetrics;
import io.captioner.model.metrics.MetricScores;
import io.captioner.model.train.CaptionTrainer;
import io.captioner.modeltopic.ManifestInfo;
import io.captioner.modeltopic.ModelPublisher;
import io.captioner.release.CaptionerArtifacts;
import io.captioner.schemas.Topics;
import io.captioner.stack.LocalStack;
import io.captioner.streams.CaptioningApp;
import io.captioner.streams.config.StreamsAppConfig;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.Callable;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The embedded demo: a real Kafka broker and schema registry, a model trained on the synthetic
 * dataset, the captioning streams app, images in and captions out, all in one JVM.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Runs the whole system in one JVM: starts a temporary Kafka + schema registry, trains"
                    + " (or reuses) a tiny-cnn model on the synthetic dataset, starts the"
                    + " captioning streams app, publishes unseen images and two broken ones, and"
                    + " prints the captions, the dead-lettered failures and the BLEU score."
        })
public final class DemoCommand implements Callable<Integer> {

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--work-dir",
            defaultValue = ".captioner/demo",
            description =
                    "Where the demo keeps its trained model between runs (default: ${DEFAULT-VALUE}).")
    Path workDir;

    @Option(
            names = "--model",
            description =
                    "Serve this model artifact instead of training or reusing the demo's own.")
    Path model;

    @Option(
            names = "--retrain",
            description = "Train a fresh demo model even when one was saved by an earlier run.")
    boolean retrain;

    @Option(
            names = "--train-images",
            defaultValue = "1000",
            description =
                    "Synthetic images to train the demo model on (default: ${DEFAULT-VALUE}).")
    int trainImages;

    @Option(
            names = "--epochs",
            defaultValue = "6",
            description = "Training epochs for the demo model (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(
            names = "--images",
            defaultValue = "24",
            description =
                    "Unseen synthetic images to publish and caption (default: ${DEFAULT-VALUE}).")
    int images;

    @Option(
            names = "--timeout",
            defaultValue = "180",
            description =
                    "Seconds to wait for every caption and failure (default: ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @Option(
            names = "--device",
            paramLabel = "DEVICE",
            description = "Where the demo trains and serves: " + DeviceOption.DESCRIPTION)
    String device;

    private static final long TRAIN_SEED = 1;
    private static final long DEMO_SEED = 2026;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        // Training and the in-process streams app both load models without an explicit device.
        DeviceOption.applyToProcess(device);
        Files.createDirectories(workDir);
        Path modelFile = model != null ? model : demoModel(err);

        Path stateDir = Files.createTempDirectory(workDir, "streams-state-");
        try (LocalStack stack =
                LocalStack.builder().optTemporary().optKafkaPort(0).optRegistryPort(0).build()) {
            stack.start();
            err.printf(
                    "stack: bootstrap=%s registry=%s%n",
                    stack.bootstrapServers(), stack.registryUrl());
            Topics topics = Topics.create(Map.of("schema.registry.url", stack.registryUrl()));
            // The model reaches the app the way production models do: published to the models
            // topic and activated; the app loads the active version before it serves.
            ManifestInfo info;
            try {
                info = CaptionerArtifacts.manifestInfo(modelFile, null);
            } catch (IllegalArgumentException e) {
                err.println("demo: cannot publish " + modelFile + ": " + e.getMessage());
                return 2;
            }
            try (ModelPublisher publisher =
                    ModelPublisher.builder()
                            .setBootstrapServers(stack.bootstrapServers())
                            .setTopics(topics)
                            .build()) {
                publisher.publish(modelFile, info, true);
            }
            err.printf(
                    "model: published %s version %s to '%s' and activated it%n",
                    info.modelName(), info.version(), topics.models().name());
            StreamsAppConfig config =
                    StreamsAppConfig.of(
                            Map.of(
                                    StreamsAppConfig.BOOTSTRAP_SERVERS, stack.bootstrapServers(),
                                    StreamsAppConfig.SCHEMA_REGISTRY_URL, stack.registryUrl(),
                                    StreamsAppConfig.APPLICATION_ID, "captioner-demo",
                                    StreamsAppConfig.STATE_DIR, stateDir.toString(),
                                    StreamsAppConfig.MODEL_NAME, info.modelName(),
                                    StreamsAppConfig.MODEL_WORK_DIR, stateDir.toString(),
                                    StreamsAppConfig.HTTP_PORT, 0));
            try (CaptioningApp app = CaptioningApp.start(config)) {
                if (!app.awaitRunning(Duration.ofSeconds(60))) {
                    err.println("demo: the streams app did not reach RUNNING within 60 s");
                    return 1;
                }
                err.printf(
                        "streams app: running, serving %s, ops endpoint"
                                + " http://127.0.0.1:%d/metrics%n",
                        app.models().current().map(Object::toString).orElse("no model"),
                        app.httpPort());
                List<CaptionedImage> unseen =
                        SyntheticDataset.builder()
                                .setSeed(DEMO_SEED)
                                .setImages(images)
                                .build()
                                .generate();
                publish(stack.bootstrapServers(), topics, unseen);
                err.printf(
                        "published %d unseen images and 2 broken ones to '%s'%n",
                        unseen.size(), topics.images().name());
                return report(out, err, stack.bootstrapServers(), topics, unseen);
            }
        } finally {
            deleteQuietly(stateDir);
        }
    }

    private Path demoModel(PrintWriter err) throws IOException {
        Path file = workDir.resolve("tiny-cnn.captioner");
        if (Files.exists(file) && !retrain) {
            err.printf("model: reusing %s (--retrain to train a new one)%n", file);
            return file;
        }
        err.printf(
                "model: training tiny-cnn on %d synthetic images for %d epochs (CPU, a few"
                        + " minutes; reused on the next run)%n",
                trainImages, epochs);
        List<CaptionedImage> all =
                SyntheticDataset.builder()
                        .setSeed(TRAIN_SEED)
                        .setImages(trainImages)
                        .build()
                        .generate();
        int validation = Math.max(1, all.size() / 10);
        CaptionTrainer trainer =
                CaptionTrainer.builder()
                        .setEncoder("tiny-cnn")
                        .optEpochs(epochs)
                        .optModelName("captioner-demo")
                        .optListener(new TrainCommand.ProgressBar(err))
                        .build();
        try (Captioner trained =
                trainer.train(all.subList(validation, all.size()), all.subList(0, validation))) {
            trained.save(file);
        }
        err.printf("model: saved %s%n", file);
        return file;
    }

    private static void publish(String bootstrap, Topics topics, List<CaptionedImage> unseen) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (KafkaProducer<String, ImageEvent> producer =
                new KafkaProducer<>(
                        p,
                        topics.images().keySerde().serializer(),
                        topics.images().valueSerde().serializer())) {
            for (CaptionedImage image : unseen) {
                producer.send(
                        new ProducerRecord<>(
                                topics.images().name(),
                                image.id(),
                                inline(image.id(), png(image.image()), "image/png")));
            }
            byte[] garbage = new byte[512];
            new Random(7).nextBytes(garbage);
            producer.send(
                    new ProducerRecord<>(
                            topics.images().name(),
                            "broken-random-bytes",
                            inline("broken-random-bytes", garbage, "image/jpeg")));
            producer.send(
                    new ProducerRecord<>(
                            topics.images().name(),
                            "broken-forbidden-uri",
                            ImageEvent.newBuilder()
                                    .setImageId("broken-forbidden-uri")
                                    .setImageUri("file:///etc/passwd")
                                    .setEventTime(Instant.now())
                                    .build()));
            producer.flush();
        }
    }

    private static ImageEvent inline(String id, byte[] bytes, String contentType) {
        return ImageEvent.newBuilder()
                .setImageId(id)
                .setImageBytes(ByteBuffer.wrap(bytes))
                .setContentType(contentType)
                .setEventTime(Instant.now())
                .build();
    }

    private int report(
            PrintWriter out,
            PrintWriter err,
            String bootstrap,
            Topics topics,
            List<CaptionedImage> unseen) {
        Map<String, CaptionEvent> captions = new LinkedHashMap<>();
        Map<String, CaptionFailure> failures = new LinkedHashMap<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
        try (KafkaConsumer<String, byte[]> consumer = consumer(bootstrap)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(topics.captions().name(), topics.captionsDlq().name())) {
                consumer.partitionsFor(topic)
                        .forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while ((captions.size() < unseen.size() || failures.size() < 2)
                    && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(250))) {
                    if (r.topic().equals(topics.captions().name())) {
                        CaptionEvent c =
                                topics.captions()
                                        .valueSerde()
                                        .deserializer()
                                        .deserialize(r.topic(), r.value());
                        captions.put(c.getImageId(), c);
                    } else {
                        CaptionFailure f =
                                topics.captionsDlq()
                                        .valueSerde()
                                        .deserializer()
                                        .deserialize(r.topic(), r.value());
                        failures.put(r.key() == null ? "?" : r.key(), f);
                    }
                }
            }
        }

        Map<String, List<String>> refs = new LinkedHashMap<>();
        Map<String, String> hyps = new LinkedHashMap<>();
        out.println("captions (image id | model caption | a reference caption):");
        for (CaptionedImage image : unseen) {
            CaptionEvent c = captions.get(image.id());
            String text = c == null ? "(no caption yet)" : c.getCaption();
            out.printf("  %s | %s | %s%n", image.id(), text, image.captions().get(0));
            if (c != null) {
                refs.put(image.id(), image.captions());
                hyps.put(image.id(), c.getCaption());
            }
        }
        out.println("dead-lettered (key | reason | message):");
        failures.forEach(
                (key, f) -> out.printf("  %s | %s | %s%n", key, f.getReason(), f.getMessage()));
        if (!hyps.isEmpty()) {
            MetricScores scores = CaptionMetrics.score(refs, hyps);
            CaptionEvent any = captions.values().iterator().next();
            out.printf(
                    Locale.ROOT,
                    "model %s %s on %d unseen images: BLEU_4 %.3f, CIDEr %.3f%n",
                    any.getModelName(),
                    any.getModelVersion(),
                    hyps.size(),
                    scores.bleu4(),
                    scores.cider());
        }
        out.flush();
        boolean complete = captions.size() == unseen.size() && failures.size() == 2;
        if (!complete) {
            err.printf(
                    "demo: got %d of %d captions and %d of 2 failures within %d s%n",
                    captions.size(), unseen.size(), failures.size(), timeoutSeconds);
        }
        return complete ? 0 : 1;
    }

    private static KafkaConsumer<String, byte[]> consumer(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(
                p,
                new org.apache.kafka.common.serialization.StringDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer());
    }

    private static byte[] png(BufferedImage image) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            ImageIO.write(image, "png", bytes);
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder())
                    .forEach(
                            p -> {
                                try {
                                    Files.deleteIfExists(p);
                                } catch (IOException e) {
                                    // best effort: a temp dir left behind is harmless
                                }
                            });
        } catch (IOException e) {
            // best effort
        }
    }
}
