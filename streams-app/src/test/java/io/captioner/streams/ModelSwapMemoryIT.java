package io.captioner.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.captioner.events.CaptionEvent;
import io.captioner.events.ImageEvent;
import io.captioner.model.nn.EncoderType;
import io.captioner.modeltopic.ModelPublisher;
import io.captioner.release.CaptionerArtifacts;
import io.captioner.schemas.Topics;
import io.captioner.stack.LocalStack;
import io.captioner.streams.config.StreamsAppConfig;
import io.captioner.streams.model.ServingModel;
import io.captioner.streams.processor.CaptioningTopology;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opt-in measurement of resident memory across hot swaps: the app serves a steady stream while the
 * models topic swaps between three versions of the default-size tiny-cnn model ten times; it logs
 * the process RSS before and after, and each load-and-warm time. Too slow for the default suite
 * (about a minute); run with {@code mvn -B -o verify -pl streams-app -Dit.test=ModelSwapMemoryIT
 * -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dcaptioner.bench.swapMemory=true}. It
 * asserts only correctness (every image captioned once).
 */
@EnabledIfSystemProperty(named = "captioner.bench.swapMemory", matches = "true")
class ModelSwapMemoryIT {

    private static final Logger LOG = LoggerFactory.getLogger(ModelSwapMemoryIT.class);
    private static final String MODEL = "mem";
    private static final int SWAPS = Integer.getInteger("captioner.bench.swapMemory.swaps", 10);

    @TempDir Path dir;

    @Test
    void shouldKeepResidentMemoryFlatAcrossTenSwaps() throws Exception {
        try (LocalStack stack =
                LocalStack.builder().optTemporary().optKafkaPort(0).optRegistryPort(0).build()) {
            stack.start();
            Map<String, Object> props = new HashMap<>();
            props.put(StreamsAppConfig.BOOTSTRAP_SERVERS, stack.bootstrapServers());
            props.put(StreamsAppConfig.SCHEMA_REGISTRY_URL, stack.registryUrl());
            props.put(StreamsAppConfig.APPLICATION_ID, "mem-app");
            props.put(StreamsAppConfig.STATE_DIR, dir.resolve("state").toString());
            props.put(StreamsAppConfig.HTTP_PORT, 0);
            props.put(StreamsAppConfig.MODEL_NAME, MODEL);
            props.put(StreamsAppConfig.MODEL_WORK_DIR, dir.resolve("work").toString());
            StreamsAppConfig config = StreamsAppConfig.of(props);
            Topics topics = CaptioningTopology.topics(config);
            List<String> versions = new ArrayList<>();
            try (ModelPublisher publisher =
                    ModelPublisher.builder()
                            .setBootstrapServers(stack.bootstrapServers())
                            .setTopics(topics)
                            .build()) {
                for (int seed = 1; seed <= 3; seed++) {
                    Path file =
                            Fixtures.model(dir, MODEL, seed, EncoderType.TINY_CNN, 256, 512, 56);
                    versions.add(
                            publisher
                                    .publish(
                                            file,
                                            CaptionerArtifacts.manifestInfo(file, null),
                                            seed == 1)
                                    .manifest()
                                    .getVersion());
                }
                AtomicBoolean producing = new AtomicBoolean(true);
                AtomicInteger sent = new AtomicInteger();
                try (CaptioningApp app = CaptioningApp.start(config)) {
                    Thread producer =
                            new Thread(
                                    () -> produce(stack, config, producing, sent), "it-producer");
                    producer.start();
                    awaitCaptions(app, 200);
                    long before = residentKb();
                    LOG.info("Before the swaps: {}", memory());
                    List<Long> loadMillis = new ArrayList<>();
                    for (int swap = 1; swap <= SWAPS; swap++) {
                        String next = versions.get(swap % versions.size());
                        publisher.activate(MODEL, next);
                        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                        while (!served(app).equals(Optional.of(next))) {
                            assertThat(System.nanoTime()).isLessThan(deadline);
                            Thread.sleep(20);
                        }
                        loadMillis.add(Math.round(app.swapMetrics().lastLoadSeconds() * 1000));
                        awaitCaptions(app, (long) app.metrics().captions() + 100);
                        LOG.info("After swap {}: {}", swap, memory());
                    }
                    long after = residentKb();
                    producing.set(false);
                    producer.join();
                    LOG.info(
                            "RSS before the swaps {} MB, after {} swaps {} MB ({} MB change);"
                                    + " load-and-warm ms per swap {}",
                            before / 1024,
                            SWAPS,
                            after / 1024,
                            (after - before) / 1024,
                            loadMillis);
                    List<ConsumerRecord<String, CaptionEvent>> out =
                            KafkaTestSupport.readCommitted(
                                    stack.bootstrapServers(),
                                    topics.captions().name(),
                                    topics.captions().valueSerde().deserializer(),
                                    Duration.ofSeconds(120),
                                    read -> read.size() >= sent.get());
                    assertThat(out).hasSize(sent.get());
                    assertThat(out.stream().map(ConsumerRecord::key).distinct().count())
                            .isEqualTo(sent.get());
                    assertThat(app.swapMetrics().swaps()).isEqualTo(SWAPS + 1);
                }
            }
        }
    }

    private static Optional<String> served(CaptioningApp app) {
        return app.models().current().map(ServingModel::version);
    }

    private static void awaitCaptions(CaptioningApp app, long count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (app.metrics().captions() < count) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static void produce(
            LocalStack stack,
            StreamsAppConfig config,
            AtomicBoolean producing,
            AtomicInteger sent) {
        Topics topics = CaptioningTopology.topics(config);
        Map<String, Object> props =
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            while (producing.get()) {
                List<ImageEvent> events = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    int n = sent.get() + i;
                    events.add(Fixtures.inline("mem-" + n, Fixtures.png(n)));
                }
                for (Map.Entry<String, byte[]> r : KafkaTestSupport.serialize(topics, events)) {
                    producer.send(
                            new ProducerRecord<>(topics.images().name(), r.getKey(), r.getValue()));
                }
                producer.flush();
                sent.addAndGet(events.size());
                // About 100 images/s, steady, while the swaps happen.
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("Producer failed", e);
        }
    }

    /** RSS and the JVM heap, to tell native growth from heap growth. */
    private static String memory() throws IOException {
        Runtime rt = Runtime.getRuntime();
        return String.format(
                java.util.Locale.ROOT,
                "RSS %d MB, heap committed %d MB, heap used %d MB",
                residentKb() / 1024,
                rt.totalMemory() >> 20,
                (rt.totalMemory() - rt.freeMemory()) >> 20);
    }

    private static long residentKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new IOException("no VmRSS in /proc/self/status");
    }
}
