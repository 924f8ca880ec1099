package io.captioner.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.captioner.events.CaptionEvent;
import io.captioner.events.ImageEvent;
import io.captioner.model.Captioner;
import io.captioner.model.DecodingOptions;
import io.captioner.model.image.ImageDecoder;
import io.captioner.schemas.Topics;
import io.captioner.stack.LocalStack;
import io.captioner.streams.config.StreamsAppConfig;
import io.captioner.streams.processor.CaptioningTopology;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opt-in throughput harness (until {@code ./captioner bench}): the same images through the offline
 * path (decode + caption in batches, in-process) and through the app on a backlog, with one
 * inference thread, two, and two instances. Prints images/s and the ratio to the offline path; it
 * asserts only that every image was captioned. Run: {@code mvn -B -o -pl streams-app -am verify
 * -Dit.test=PipelineThroughputIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
 * -Dfailsafe.failIfNoSpecifiedTests=false -Dcaptioner.bench.throughput=true}.
 */
@EnabledIfSystemProperty(named = "captioner.bench.throughput", matches = "true")
class PipelineThroughputIT {

    private static final int IMAGES = Integer.getInteger("captioner.bench.images", 800);
    private static final int MAX_LENGTH = 16;

    @TempDir static Path dir;
    private static LocalStack stack;
    private static Path modelFile;
    private static byte[] image;

    @BeforeAll
    static void startStack() throws Exception {
        stack = LocalStack.builder().optTemporary().optKafkaPort(0).optRegistryPort(0).build();
        stack.start();
        // The seed's decoder sizes (embed 256, hidden 512) and a 1000-word vocabulary.
        modelFile = Fixtures.model(dir, "bench", 1, 256, 512, 1000);
        image = Fixtures.bandsPng(320, 240);
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void shouldReportThroughputOfTheOfflinePathAndTheAppOnABacklog() throws Exception {
        double offline = offline();
        System.err.printf(Locale.ROOT, "throughput: offline %.1f images/s%n", offline);
        for (int[] threads : new int[][] {{1, 0}, {2, 1}}) {
            double e2e = backlog("t" + threads[0] + "-", 1, threads[0], threads[1]);
            System.err.printf(
                    Locale.ROOT,
                    "throughput: app, 1 instance, %d inference thread(s): %.1f images/s, %.2f of"
                            + " offline%n",
                    threads[0],
                    e2e,
                    e2e / offline);
        }
        double pair = backlog("pair-", 2, 1, 1);
        System.err.printf(
                Locale.ROOT,
                "throughput: app, 2 instances x 1 inference thread x 1 intra-op: %.1f images/s,"
                        + " %.2f of offline%n",
                pair,
                pair / offline);
    }

    private static double offline() throws Exception {
        DecodingOptions options = DecodingOptions.greedy().withMaxLength(MAX_LENGTH);
        ImageDecoder decoder = ImageDecoder.builder().build();
        try (Captioner captioner = Captioner.load(modelFile)) {
            captioner.caption(List.of(decoder.decode(image).image()), options);
            long start = System.nanoTime();
            for (int done = 0; done < IMAGES; done += 16) {
                List<BufferedImage> batch = new ArrayList<>();
                for (int i = done; i < Math.min(IMAGES, done + 16); i++) {
                    batch.add(decoder.decode(image).image());
                }
                captioner.caption(batch, options);
            }
            return IMAGES / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static double backlog(String prefix, int instances, int inference, int intraOp)
            throws Exception {
        List<StreamsAppConfig> configs = new ArrayList<>();
        for (int n = 0; n < instances; n++) {
            Map<String, Object> p = new HashMap<>();
            p.put(StreamsAppConfig.BOOTSTRAP_SERVERS, stack.bootstrapServers());
            p.put(StreamsAppConfig.SCHEMA_REGISTRY_URL, stack.registryUrl());
            p.put(StreamsAppConfig.APPLICATION_ID, prefix + "app");
            p.put(StreamsAppConfig.TOPIC_PREFIX, prefix);
            p.put(StreamsAppConfig.DATA_DIR, dir.resolve("data-" + prefix + n).toString());
            p.put(StreamsAppConfig.MODEL_PATH, modelFile.toString());
            p.put(StreamsAppConfig.MODEL_TOPIC_ENABLED, false);
            p.put(StreamsAppConfig.HTTP_PORT, 0);
            p.put(StreamsAppConfig.DECODING_MAX_LENGTH, MAX_LENGTH);
            p.put(StreamsAppConfig.INFERENCE_THREADS, inference);
            if (intraOp > 0) {
                p.put(StreamsAppConfig.INFERENCE_INTRA_OP_THREADS, intraOp);
            }
            configs.add(StreamsAppConfig.of(p));
        }
        Topics topics = CaptioningTopology.topics(configs.get(0));
        CaptioningApp.createTopics(configs.get(0));
        List<ImageEvent> events = new ArrayList<>();
        for (int i = 0; i < IMAGES; i++) {
            events.add(Fixtures.inline(prefix + i, image));
        }
        KafkaTestSupport.sendRaw(
                stack.bootstrapServers(),
                topics.images().name(),
                KafkaTestSupport.serialize(topics, events));
        List<CaptioningApp> apps = new ArrayList<>();
        try {
            for (StreamsAppConfig config : configs) {
                apps.add(CaptioningApp.start(config));
            }
            List<ConsumerRecord<String, CaptionEvent>> out =
                    KafkaTestSupport.readCommitted(
                            stack.bootstrapServers(),
                            topics.captions().name(),
                            topics.captions().valueSerde().deserializer(),
                            Duration.ofMinutes(8),
                            read -> read.size() >= IMAGES);
            assertThat(out).hasSize(IMAGES);
            // From the first caption to the last: the steady rate, start-up left out.
            long first = Long.MAX_VALUE;
            long last = Long.MIN_VALUE;
            for (ConsumerRecord<String, CaptionEvent> r : out) {
                long t = r.value().getCaptionedTime().toEpochMilli();
                first = Math.min(first, t);
                last = Math.max(last, t);
            }
            return (IMAGES - 1) / Math.max(0.001, (last - first) / 1000.0);
        } finally {
            for (CaptioningApp app : apps) {
                app.close();
            }
        }
    }
}
