package io.captioner.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A full stop and start of the stack on one data directory, and what a close leaves behind. */
class LocalStackRestartIT {

    @Test
    void shouldKeepSchemaIdsTopicsAndDataAcrossAFullRestartAndLeaveNoThreads(@TempDir Path dir)
            throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        Path dataDir = dir.resolve("data");
        int userId;
        int stringId;

        try (LocalStack first = stack(dataDir)) {
            first.start();
            RegistryHttp http = new RegistryHttp(client, first.registryUrl());
            userId = http.register("users-value", LocalStackIT.USER_V1);
            stringId = http.register("names-value", "\"string\"");
            try (KafkaProducer<String, String> producer =
                    EmbeddedKafkaIT.producer(first.kafka(), Map.of())) {
                producer.send(new ProducerRecord<>("kept-events", "k", "still here")).get();
            }
        }

        try (LocalStack second = stack(dataDir)) {
            second.start();
            RegistryHttp http = new RegistryHttp(client, second.registryUrl());

            assertThat(http.register("users-value", LocalStackIT.USER_V1)).isEqualTo(userId);
            assertThat(http.register("other-value", "\"string\"")).isEqualTo(stringId);
            assertThat(http.get("/schemas/ids/" + userId).status()).isEqualTo(200);
            assertThat(http.register("users-value", LocalStackIT.USER_V2))
                    .isEqualTo(Math.max(userId, stringId) + 1);
            assertThat(
                            EmbeddedKafkaIT.consume(
                                    second.kafka(), "kept-events", 1, "read_uncommitted"))
                    .extracting(ConsumerRecord::value)
                    .containsExactly("still here");
        }

        assertThat(leftoverThreads(before)).isEmpty();
    }

    private static LocalStack stack(Path dataDir) {
        return LocalStack.builder().optDataDir(dataDir).optKafkaPort(0).optRegistryPort(0).build();
    }

    /** Threads started since {@code before} that are still alive after a short grace period. */
    private static List<String> leftoverThreads(Set<Thread> before) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        List<String> leftover;
        do {
            leftover =
                    Thread.getAllStackTraces().keySet().stream()
                            .filter(t -> !before.contains(t) && t.isAlive())
                            .map(Thread::getName)
                            // JVM-wide pools that outlive any one user by design: the JDK's
                            // common pool and HTTP client, and the Yammer metrics registry that
                            // Kafka's broker keeps as a static singleton (started once per JVM).
                            .filter(name -> !name.startsWith("ForkJoinPool.commonPool"))
                            .filter(name -> !name.startsWith("HttpClient-"))
                            .filter(name -> !name.startsWith("metrics-meter-tick-thread"))
                            .sorted()
                            .collect(Collectors.toList());
            if (leftover.isEmpty()) {
                break;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        return leftover;
    }
}
