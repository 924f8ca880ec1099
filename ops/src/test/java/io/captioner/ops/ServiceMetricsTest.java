package io.captioner.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metrics setup: JVM binders, Kafka binders on real clients and their lifecycle. The clients
 * point at a closed port: their metrics exist from construction, no broker is needed to bind them
 * (the streams app's ops IT scrapes them from clients of a running broker).
 */
class ServiceMetricsTest {

    private static final String NO_BROKER = "127.0.0.1:1";

    @TempDir Path stateDir;

    @Test
    void shouldExposeTheJvmAndSystemFamilies() {
        try (ServiceMetrics metrics = ServiceMetrics.builder().build()) {
            String scrape = metrics.registry().scrape();

            assertThat(scrape)
                    .contains("jvm_memory_used_bytes{area=\"heap\"")
                    .contains("jvm_memory_max_bytes")
                    .contains("jvm_gc_")
                    .contains("jvm_threads_live_threads")
                    .contains("jvm_classes_loaded_classes")
                    .contains("jvm_info{")
                    .contains("system_cpu_count")
                    .contains("process_uptime_seconds")
                    .contains("process_files_open_files");
        }
    }

    @Test
    void shouldLeaveTheJvmFamiliesOutWhenAsked() {
        try (ServiceMetrics metrics = ServiceMetrics.builder().optJvmMetrics(false).build()) {
            Counter.builder("captioner.captions").register(metrics.registry()).increment();

            assertThat(metrics.registry().scrape())
                    .doesNotContain("jvm_")
                    .contains("captioner_captions_total 1.0");
        }
    }

    @Test
    void shouldTagEveryMeterWithTheCommonTags() {
        try (ServiceMetrics metrics =
                ServiceMetrics.builder()
                        .optJvmMetrics(false)
                        .optCommonTag("service", "training")
                        .build()) {
            Counter.builder("captioner.runs").register(metrics.registry());

            assertThat(metrics.registry().scrape())
                    .contains("captioner_runs_total{service=\"training\"} 0.0");
        }
    }

    @Test
    void shouldBindAConsumersMetricsUntilItsHandleIsClosed() throws Exception {
        try (ServiceMetrics metrics = ServiceMetrics.builder().optJvmMetrics(false).build();
                KafkaConsumer<byte[], byte[]> consumer =
                        new KafkaConsumer<>(
                                Map.of(
                                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                        NO_BROKER,
                                        ConsumerConfig.CLIENT_ID_CONFIG,
                                        "watcher"),
                                new ByteArrayDeserializer(),
                                new ByteArrayDeserializer())) {
            AutoCloseable binding = metrics.bindKafkaClient(consumer);
            String bound = metrics.registry().scrape();
            binding.close();
            binding.close(); // a second close is harmless

            assertThat(bound)
                    .contains("kafka_consumer_fetch_manager_records_lag_max{client_id=\"watcher\"")
                    .contains("kafka_consumer_fetch_manager_fetch_latency_avg");
            assertThat(metrics.registry().scrape()).doesNotContain("kafka_consumer");
            assertThat(kafkaRefreshThreadsAfterTheyEnd()).isZero();
        }
    }

    @Test
    void shouldBindAProducer() {
        try (ServiceMetrics metrics = ServiceMetrics.builder().optJvmMetrics(false).build();
                KafkaProducer<byte[], byte[]> producer =
                        new KafkaProducer<>(
                                Map.of(
                                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                        NO_BROKER,
                                        ProducerConfig.CLIENT_ID_CONFIG,
                                        "publisher"),
                                new ByteArraySerializer(),
                                new ByteArraySerializer())) {
            metrics.bindKafkaClient(producer);

            assertThat(metrics.registry().scrape())
                    .contains("kafka_producer_record_send_total{client_id=\"publisher\"");
        }
    }

    @Test
    void shouldBindAnAdminClientAsAdminCreateReturnsIt() {
        try (ServiceMetrics metrics = ServiceMetrics.builder().optJvmMetrics(false).build();
                Admin admin =
                        Admin.create(
                                Map.of(
                                        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                                        NO_BROKER,
                                        AdminClientConfig.CLIENT_ID_CONFIG,
                                        "topics"))) {
            metrics.bindKafkaClient(admin);

            assertThat(metrics.registry().scrape()).contains("{client_id=\"topics\"");
            admin.close(Duration.ZERO); // it never reached a broker: nothing to wait for
        }
    }

    @Test
    void shouldBindAStreamsClientAndCloseEveryBinderWithTheService() throws Exception {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "ops-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, NO_BROKER);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(
                StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG,
                Serdes.ByteArraySerde.class.getName());
        props.put(
                StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG,
                Serdes.ByteArraySerde.class.getName());
        StreamsBuilder topology = new StreamsBuilder();
        topology.stream("in").to("out");
        String scrape;
        ServiceMetrics metrics = ServiceMetrics.builder().optJvmMetrics(false).build();
        try (KafkaStreams streams = new KafkaStreams(topology.build(), props)) {
            metrics.bindKafkaStreams(streams);
            scrape = metrics.registry().scrape();
            assertThat(kafkaRefreshThreads()).isEqualTo(1);
        } finally {
            metrics.close();
        }

        assertThat(scrape)
                .contains("kafka_stream_thread_commit_latency_avg")
                .contains("kafka_consumer_coordinator_rebalance_total")
                .contains("kafka_consumer_fetch_manager_records_lag_max");
        assertThat(kafkaRefreshThreadsAfterTheyEnd()).isZero();
        assertThat(metrics.registry().getMeters()).isEmpty();
    }

    @Test
    void shouldCloseCloseableBindersAndRefuseNewOnesOnceClosed() {
        AtomicInteger closed = new AtomicInteger();
        ServiceMetrics metrics = ServiceMetrics.builder().optJvmMetrics(false).build();
        metrics.bind(new ClosingBinder(closed));

        metrics.close();
        metrics.close();

        assertThat(closed).hasValue(1);
        assertThatThrownBy(() -> metrics.bind(new ClosingBinder(closed)))
                .isInstanceOf(IllegalStateException.class);
        assertThat(closed).hasValue(2); // the refused binder is closed, not leaked
    }

    /**
     * Refresh threads still alive once every one of them had up to 5 s to end: a terminated
     * executor's worker can still be finishing its exit when awaitTermination returns.
     */
    private static long kafkaRefreshThreadsAfterTheyEnd() throws InterruptedException {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("captioner-kafka-metrics")) {
                t.join(5_000);
            }
        }
        return kafkaRefreshThreads();
    }

    private static long kafkaRefreshThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("captioner-kafka-metrics") && t.isAlive())
                .count();
    }

    private static final class ClosingBinder implements MeterBinder, AutoCloseable {
        private final AtomicInteger closed;

        ClosingBinder(AtomicInteger closed) {
            this.closed = closed;
        }

        @Override
        public void bindTo(io.micrometer.core.instrument.MeterRegistry registry) {
            Counter.builder("test.bound").register(registry);
        }

        @Override
        public void close() {
            closed.incrementAndGet();
        }
    }
}
