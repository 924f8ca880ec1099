package io.captioner.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.captioner.events.LabeledPair;
import io.captioner.events.TrainingRun;
import io.captioner.model.data.CaptionedImage;
import io.captioner.model.data.SyntheticDataset;
import io.captioner.schemas.Topics;
import io.captioner.stack.LocalStack;
import io.captioner.training.config.TrainingServiceConfig;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The measurement, run by hand (not part of the build): {@code N} synthetic pairs published
 * to an embedded broker, the service reads them (pairs/s), runs one epoch, and the peak heap and
 * RSS of this JVM are reported. {@code -Dbench.pairs=20000 -Dbench.epochs=1}.
 */
class TrainingServiceBenchmark {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingServiceBenchmark.class);

    @TempDir Path dir;

    @Test
    void measureIngestEpochHeapAndRss() throws Exception {
        int pairs = Integer.getInteger("bench.pairs", 20_000);
        int epochs = Integer.getInteger("bench.epochs", 1);
        try (LocalStack stack =
                LocalStack.builder().optTemporary().optKafkaPort(0).optRegistryPort(0).build()) {
            stack.start();
            Topics topics =
                    Topics.builder()
                            .setSerdeConfig(Map.of("schema.registry.url", stack.registryUrl()))
                            .optNamePrefix("bench.")
                            .build();
            Map<String, Object> props = new HashMap<>();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
            props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
            long publishStart = System.nanoTime();
            try (KafkaProducer<String, LabeledPair> producer =
                    new KafkaProducer<>(
                            props,
                            new StringSerializer(),
                            topics.labeledPairs().valueSerde().serializer())) {
                SyntheticDataset data =
                        SyntheticDataset.builder()
                                .setSeed(5)
                                .setImages(pairs)
                                .optImageSize(64)
                                .build();
                for (int i = 0; i < pairs; i++) {
                    CaptionedImage image = data.get(i);
                    producer.send(
                            new ProducerRecord<>(
                                    topics.labeledPairs().name(),
                                    image.id(),
                                    LabeledPair.newBuilder()
                                            .setImageId(image.id())
                                            .setImageBytes(
                                                    ByteBuffer.wrap(
                                                            TrainingServiceIT.png(image.image())))
                                            .setReferences(image.captions())
                                            .build()));
                }
            }
            double publishSeconds = (System.nanoTime() - publishStart) / 1e9;
            AtomicLong peakHeap = new AtomicLong();
            Thread sampler =
                    new Thread(
                            () -> {
                                while (!Thread.currentThread().isInterrupted()) {
                                    long used = 0;
                                    for (MemoryPoolMXBean pool :
                                            ManagementFactory.getMemoryPoolMXBeans()) {
                                        if (pool.getType() == MemoryType.HEAP) {
                                            used += pool.getUsage().getUsed();
                                        }
                                    }
                                    peakHeap.accumulateAndGet(used, Math::max);
                                    try {
                                        Thread.sleep(200);
                                    } catch (InterruptedException e) {
                                        return;
                                    }
                                }
                            });
            sampler.setDaemon(true);
            sampler.start();
            Map<String, Object> config = new HashMap<>();
            config.put(TrainingServiceConfig.BOOTSTRAP_SERVERS, stack.bootstrapServers());
            config.put(TrainingServiceConfig.SCHEMA_REGISTRY_URL, stack.registryUrl());
            config.put(TrainingServiceConfig.TOPIC_PREFIX, "bench.");
            config.put(TrainingServiceConfig.DATA_DIR, dir.resolve("training").toString());
            config.put(TrainingServiceConfig.HTTP_PORT, 0);
            config.put(TrainingServiceConfig.TRIGGER_PAIRS, pairs);
            config.put(TrainingServiceConfig.EPOCHS, epochs);
            long ingestStart = System.nanoTime();
            try (TrainingService service =
                    new TrainingService(TrainingServiceConfig.of(config)).start()) {
                while (!service.isReady()) {
                    Thread.sleep(50);
                }
                double ingestSeconds = (System.nanoTime() - ingestStart) / 1e9;
                long deadline = System.nanoTime() + Duration.ofMinutes(60).toNanos();
                List<TrainingRun> runs = List.of();
                while (runs.isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(2000);
                    runs =
                            TrainingRunLog.readAll(
                                    stack.bootstrapServers(), Map.of(), topics.trainingRuns());
                }
                sampler.interrupt();
                assertThat(runs).hasSize(1);
                TrainingRun run = runs.get(0);
                String status = Files.readString(Path.of("/proc/self/status"));
                String rss =
                        status.lines().filter(l -> l.startsWith("VmHWM")).findFirst().orElse("?");
                LOG.warn(
                        String.format(
                                Locale.ROOT,
                                "BENCH pairs=%d publish=%.1fs ingest=%.1fs (%.0f pairs/s incl. decode+cache)"
                                        + " train=%d/%d epochs=%d training=%.1fs (%.1f s/epoch) eval=%.1fs"
                                        + " decision=%s peakHeapUsed=%d MiB maxHeap=%d MiB %s candidate=%s",
                                pairs,
                                publishSeconds,
                                ingestSeconds,
                                pairs / ingestSeconds,
                                run.getPairsTrain(),
                                run.getPairsValidation(),
                                run.getEpochs(),
                                run.getTrainingSeconds(),
                                run.getTrainingSeconds() / Math.max(1, run.getEpochs()),
                                run.getEvaluationSeconds(),
                                run.getDecision(),
                                peakHeap.get() >> 20,
                                Runtime.getRuntime().maxMemory() >> 20,
                                rss.replaceAll("\\s+", " "),
                                run.getCandidateMetrics()));
            }
        }
    }
}
