package io.captioner.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.captioner.events.CaptionEvent;
import io.captioner.events.ImageEvent;
import io.captioner.schemas.Topics;
import io.captioner.stack.LocalStack;
import io.captioner.streams.config.StreamsAppConfig;
import io.captioner.streams.processor.CaptioningTopology;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills the app with SIGKILL while images sit in its batch buffer, three times, and checks that in
 * the end every image has exactly one caption for a {@code read_committed} reader.
 */
class CrashRecoveryIT {

    private static final int ROUNDS = 3;
    private static final int PER_ROUND = 40;

    /** Child logs stay in the build directory for diagnosis. */
    private static final Path LOGS = Path.of("target", "crash-it");

    @TempDir static Path dir;
    private static LocalStack stack;
    private static Path modelFile;

    @BeforeAll
    static void startStack() throws Exception {
        stack =
                LocalStack.builder()
                        .optTemporary()
                        .optKafkaPort(0)
                        .optRegistryPort(0)
                        // A killed producer's open transaction is aborted soon after it times out.
                        .optBrokerConfig(
                                "transaction.abort.timed.out.transaction.cleanup.interval.ms",
                                "500")
                        .build();
        stack.start();
        modelFile = Fixtures.tinyModel(dir);
        Files.createDirectories(LOGS);
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void shouldCaptionEveryImageExactlyOnceDespiteRepeatedKillsWithBufferedBatches()
            throws Exception {
        Path props = writeConfig();
        StreamsAppConfig config = StreamsAppConfig.builder().optPropertiesFile(props).build();
        CaptioningApp.createTopics(config);
        Topics topics = CaptioningTopology.topics(config);
        List<String> ids = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        // Max wait is 2 s and a round is smaller than a batch: at 0.9 s the images sit in the
        // buffer; at 2.1-2.3 s the punctuator is flushing them, so the kill may hit mid-batch
        // or between the outputs and the commit.
        long[] killAfterMillis = {900, 2300, 2100};

        for (int round = 0; round < ROUNDS; round++) {
            Path log = LOGS.resolve("child-" + round + ".log");
            logs.add(log);
            Process child = startChild(props, log);
            try {
                awaitLog(log, "READY", Duration.ofSeconds(60));
                List<ImageEvent> events = new ArrayList<>();
                for (int i = 0; i < PER_ROUND; i++) {
                    String id = "r" + round + "-img-" + i;
                    ids.add(id);
                    events.add(Fixtures.inline(id, Fixtures.png(round * PER_ROUND + i)));
                }
                KafkaTestSupport.sendRaw(
                        stack.bootstrapServers(),
                        topics.images().name(),
                        KafkaTestSupport.serialize(topics, events));
                Thread.sleep(killAfterMillis[round]);
            } finally {
                child.destroyForcibly();
                child.waitFor(30, TimeUnit.SECONDS);
            }
        }

        Path finalLog = LOGS.resolve("child-final.log");
        logs.add(finalLog);
        long restartedAt = System.currentTimeMillis();
        Process survivor = startChild(props, finalLog);
        try {
            awaitLog(finalLog, "READY", Duration.ofSeconds(60));
            long readyAt = System.currentTimeMillis();
            List<ConsumerRecord<String, CaptionEvent>> first =
                    KafkaTestSupport.readCommitted(
                            stack.bootstrapServers(),
                            topics.captions().name(),
                            topics.captions().valueSerde().deserializer(),
                            Duration.ofSeconds(60),
                            read ->
                                    read.stream()
                                            .anyMatch(
                                                    r ->
                                                            r.value()
                                                                            .getCaptionedTime()
                                                                            .toEpochMilli()
                                                                    >= restartedAt));
            long firstAt =
                    first.stream()
                            .mapToLong(r -> r.value().getCaptionedTime().toEpochMilli())
                            .filter(t -> t >= restartedAt)
                            .min()
                            .orElseThrow();
            System.err.printf(
                    "crash-recovery: restart to READY %d ms, READY to first caption %d ms%n",
                    readyAt - restartedAt, firstAt - readyAt);
            // The killed member's session (45 s) has not expired: only static membership lets the
            // restarted child caption this soon.
            assertThat(firstAt - restartedAt).isLessThan(40_000);
            List<ConsumerRecord<String, CaptionEvent>> captions =
                    KafkaTestSupport.readCommitted(
                            stack.bootstrapServers(),
                            topics.captions().name(),
                            topics.captions().valueSerde().deserializer(),
                            Duration.ofSeconds(75),
                            read -> read.size() >= ids.size());
            // Keep reading briefly: a duplicate committed late would show up here.
            List<ConsumerRecord<String, CaptionEvent>> settled =
                    KafkaTestSupport.readCommitted(
                            stack.bootstrapServers(),
                            topics.captions().name(),
                            topics.captions().valueSerde().deserializer(),
                            Duration.ofSeconds(3),
                            read -> false);

            Map<String, Long> perId =
                    settled.stream()
                            .collect(
                                    Collectors.groupingBy(
                                            ConsumerRecord::key,
                                            TreeMap::new,
                                            Collectors.counting()));
            assertThat(captions).hasSizeGreaterThanOrEqualTo(ids.size());
            assertThat(perId.keySet()).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(perId.values()).allMatch(n -> n == 1L, "exactly one caption per image");
            boolean restored = false;
            for (Path log : logs) {
                restored |= Files.readString(log).contains("restored");
            }
            assertThat(restored)
                    .as("at least one restart found images in the restored batch buffer")
                    .isTrue();
        } finally {
            survivor.destroy();
            if (!survivor.waitFor(30, TimeUnit.SECONDS)) {
                survivor.destroyForcibly();
            }
        }
    }

    @Test
    void shouldCaptionABatchOf36MegapixelImagesUnderA1GiBHeap() throws Exception {
        Path props = writeConfig("mp36-", 16, 500);
        StreamsAppConfig config = StreamsAppConfig.builder().optPropertiesFile(props).build();
        CaptioningApp.createTopics(config);
        Topics topics = CaptioningTopology.topics(config);
        // 6000 x 6000 = 36 MP each (under the 40 MP limit), small to send: 144 MB of pixels
        // apiece at full size, 2.3 GB for the batch, were they decoded whole.
        byte[] photo = Fixtures.bandsPng(6000, 6000);
        List<ImageEvent> events = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            events.add(Fixtures.inline("mp36-" + i, photo));
        }
        Path log = LOGS.resolve("child-36mp.log");
        Path gc = LOGS.resolve("child-36mp-gc.log");
        Process child = startChild(props, log, "-Xmx1g", "-Xlog:gc:file=" + gc);
        try {
            awaitLog(log, "READY", Duration.ofSeconds(60));
            KafkaTestSupport.sendRaw(
                    stack.bootstrapServers(),
                    topics.images().name(),
                    KafkaTestSupport.serialize(topics, events));
            List<ConsumerRecord<String, CaptionEvent>> captions =
                    KafkaTestSupport.readCommitted(
                            stack.bootstrapServers(),
                            topics.captions().name(),
                            topics.captions().valueSerde().deserializer(),
                            Duration.ofSeconds(120),
                            read -> read.size() >= events.size());

            assertThat(captions)
                    .extracting(ConsumerRecord::key)
                    .containsExactlyInAnyOrderElementsOf(
                            events.stream().map(ImageEvent::getImageId).toList());
            String text = Files.readString(log);
            assertThat(text)
                    .doesNotContain("OutOfMemoryError")
                    .doesNotContain("Stream thread failed");
            System.err.printf(
                    "36 MP batch under -Xmx1g: largest heap before a GC %d MB (%s)%n",
                    peakHeapMb(gc), gc);
        } finally {
            child.destroy();
            if (!child.waitFor(30, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
    }

    /** The largest heap occupancy a {@code -Xlog:gc} log shows before a collection, in MB. */
    private static long peakHeapMb(Path gcLog) throws IOException {
        long peak = 0;
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("(\\d+)M->\\d+M\\(\\d+M\\)")
                        .matcher(Files.exists(gcLog) ? Files.readString(gcLog) : "");
        while (m.find()) {
            peak = Math.max(peak, Long.parseLong(m.group(1)));
        }
        return peak;
    }

    private Path writeConfig() throws IOException {
        return writeConfig("crash-", 1000, 2000);
    }

    private Path writeConfig(String prefix, int batch, long waitMs) throws IOException {
        Properties p = new Properties();
        p.setProperty(StreamsAppConfig.BOOTSTRAP_SERVERS, stack.bootstrapServers());
        p.setProperty(StreamsAppConfig.SCHEMA_REGISTRY_URL, stack.registryUrl());
        p.setProperty(StreamsAppConfig.APPLICATION_ID, prefix + "app");
        p.setProperty(StreamsAppConfig.TOPIC_PREFIX, prefix);
        p.setProperty(StreamsAppConfig.DATA_DIR, dir.resolve("data-" + prefix).toString());
        p.setProperty(StreamsAppConfig.MODEL_PATH, modelFile.toString());
        p.setProperty(StreamsAppConfig.HTTP_PORT, "0");
        p.setProperty(StreamsAppConfig.BATCH_MAX_SIZE, String.valueOf(batch));
        p.setProperty(StreamsAppConfig.BATCH_MAX_WAIT_MS, String.valueOf(waitMs));
        // Nothing about the group or session: the defaults (static membership under the name
        // kept in the data dir, the 45 s session timeout) must make a restarted child resume at
        // once. Its predecessor's open transaction is fenced by the restarted child, which keeps
        // the process id (and so the transactional id) because the RocksDB buffer makes Streams
        // persist it.
        Path file = dir.resolve(prefix + "app.properties");
        try (var out = Files.newBufferedWriter(file)) {
            p.store(out, "crash test");
        }
        return file;
    }

    private static Process startChild(Path props, Path log) throws IOException {
        return startChild(props, log, "-Xmx512m");
    }

    private static Process startChild(Path props, Path log, String... jvmOptions)
            throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(List.of(jvmOptions));
        command.addAll(
                List.of(
                        "-Xss4m",
                        "-Dai.djl.offline=true",
                        "-cp",
                        System.getProperty("java.class.path"),
                        CaptioningAppMain.class.getName(),
                        props.toString()));
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    private static void awaitLog(Path log, String text, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains(text)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(
                "child did not log "
                        + text
                        + " within "
                        + timeout
                        + ":\n"
                        + (Files.exists(log) ? Files.readString(log) : "(no log)"));
    }
}
