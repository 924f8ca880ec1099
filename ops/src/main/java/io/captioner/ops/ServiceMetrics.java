package io.captioner.ops;

import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metrics of one service process: a Micrometer {@link PrometheusMeterRegistry} with the JVM
 * binders bound (memory, GC, threads, class loading, processor, uptime, file descriptors, JVM info)
 * and the Kafka binders a service attaches to its clients ({@link #bindKafkaStreams}, {@link
 * #bindKafkaClient}), so consumer lag, commit latency, rebalances, GC and heap are on {@code
 * /metrics} next to the service's own meters.
 *
 * <p>The service registers its own meters on {@link #registry()} with Micrometer's API. Every
 * binder bound here is closed by {@link #close()}, together with the registry; a binder of a client
 * that goes away earlier is closed by closing the handle its bind method returned. Thread-safe.
 *
 * <pre>{@code
 * try (ServiceMetrics metrics = ServiceMetrics.builder().build();
 *         OpsServer ops = OpsServer.builder().setMetrics(metrics.registry()).setPort(8088).build()) {
 *     metrics.bindKafkaStreams(streams);
 *     ops.start();
 *     ...
 * }
 * }</pre>
 */
public final class ServiceMetrics implements AutoCloseable {

    /** How often the Kafka binders look for client metrics that appeared (default). */
    public static final Duration DEFAULT_KAFKA_REFRESH = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(ServiceMetrics.class);

    private final PrometheusMeterRegistry registry;
    private final Duration kafkaRefresh;
    private final Deque<AutoCloseable> binders = new ArrayDeque<>();
    private boolean closed;

    private ServiceMetrics(Builder b) {
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.kafkaRefresh = b.kafkaRefresh;
        if (!b.commonTags.isEmpty()) {
            registry.config().commonTags(b.commonTags);
        }
        if (b.jvmMetrics) {
            for (MeterBinder binder :
                    List.of(
                            new JvmMemoryMetrics(),
                            new JvmGcMetrics(),
                            new JvmThreadMetrics(),
                            new ClassLoaderMetrics(),
                            new JvmInfoMetrics(),
                            new ProcessorMetrics(),
                            new UptimeMetrics(),
                            new FileDescriptorMetrics())) {
                bind(binder);
            }
        }
    }

    /** Starts a builder; everything is optional. */
    public static Builder builder() {
        return new Builder();
    }

    /** The registry: register the service's meters here and serve it at {@code /metrics}. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /**
     * Binds {@code binder} to the registry; if it is {@link AutoCloseable} (e.g. {@link
     * JvmGcMetrics}) it is closed with this object.
     *
     * @return a handle that unbinds early (closes the binder, if closeable); closing it twice is
     *     harmless
     * @throws IllegalStateException if this is closed
     */
    public AutoCloseable bind(MeterBinder binder) {
        Objects.requireNonNull(binder, "binder");
        return bind(binder, binder instanceof AutoCloseable c ? c : () -> {});
    }

    /**
     * Binds Micrometer's {@link KafkaStreamsMetrics} to {@code streams}: the metrics of the client,
     * its stream threads, tasks and stores, and of every consumer, producer and admin client inside
     * it ({@code kafka_consumer_fetch_manager_records_lag_max}, {@code
     * kafka_stream_thread_commit_latency_avg}, {@code kafka_consumer_coordinator_rebalance_total},
     * ...). Metrics that appear later (per partition, after an assignment) are picked up every
     * {@link Builder#optKafkaRefresh refresh interval}.
     *
     * @return a handle that unbinds early; otherwise {@link #close()} does
     */
    public AutoCloseable bindKafkaStreams(KafkaStreams streams) {
        Objects.requireNonNull(streams, "streams");
        return bindKafka(
                scheduler ->
                        new KafkaStreamsMetrics(streams, Tags.empty(), scheduler, kafkaRefresh));
    }

    /**
     * Binds Micrometer's {@link KafkaClientMetrics} to a consumer the service owns (fetch lag,
     * commit latency, rebalances of its group, ...).
     *
     * @return a handle that unbinds; close it when the consumer is closed before the service
     */
    public AutoCloseable bindKafkaClient(Consumer<?, ?> consumer) {
        Objects.requireNonNull(consumer, "consumer");
        return bindKafka(
                scheduler ->
                        new KafkaClientMetrics(consumer, Tags.empty(), scheduler, kafkaRefresh));
    }

    /**
     * Binds Micrometer's {@link KafkaClientMetrics} to a producer the service owns (send rate,
     * errors, transaction times, ...).
     *
     * @return a handle that unbinds; close it when the producer is closed before the service
     */
    public AutoCloseable bindKafkaClient(Producer<?, ?> producer) {
        Objects.requireNonNull(producer, "producer");
        return bindKafka(
                scheduler ->
                        new KafkaClientMetrics(producer, Tags.empty(), scheduler, kafkaRefresh));
    }

    /**
     * Binds Micrometer's {@link KafkaClientMetrics} to an admin client the service owns, as {@link
     * Admin#create} returns it.
     *
     * @return a handle that unbinds; close it when the admin client is closed before the service
     * @throws IllegalArgumentException if {@code admin} is not an {@link AdminClient}, the only
     *     kind Micrometer's binder takes
     */
    public AutoCloseable bindKafkaClient(Admin admin) {
        Objects.requireNonNull(admin, "admin");
        if (!(admin instanceof AdminClient client)) {
            throw new IllegalArgumentException(
                    "Micrometer binds AdminClient instances only, not " + admin.getClass());
        }
        return bindKafka(
                scheduler -> new KafkaClientMetrics(client, Tags.empty(), scheduler, kafkaRefresh));
    }

    /**
     * Binds a Kafka binder with a refresh thread of its own. Micrometer leaves the refresh task of
     * an externally managed scheduler running after the binder's close, where it would register the
     * meters again; stopping that scheduler first makes unbinding final.
     */
    private AutoCloseable bindKafka(
            Function<ScheduledExecutorService, ? extends MeterBinder> create) {
        ScheduledExecutorService scheduler =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "captioner-kafka-metrics");
                            t.setDaemon(true);
                            return t;
                        });
        MeterBinder binder;
        try {
            binder = create.apply(scheduler);
        } catch (RuntimeException e) {
            scheduler.shutdownNow();
            throw e;
        }
        AutoCloseable closeBinder = binder instanceof AutoCloseable c ? c : () -> {};
        AutoCloseable both =
                () -> {
                    scheduler.shutdownNow();
                    try {
                        if (!scheduler.awaitTermination(5, TimeUnit.SECONDS)) {
                            LOG.warn("Kafka metrics refresh did not stop within 5 s");
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } finally {
                        closeBinder.close();
                    }
                };
        return bind(binder, both);
    }

    private AutoCloseable bind(MeterBinder binder, AutoCloseable closer) {
        AutoCloseable handle = once(closer);
        synchronized (this) {
            try {
                checkOpen();
                binder.bindTo(registry);
            } catch (RuntimeException e) {
                close(handle);
                throw e;
            }
            binders.push(handle);
        }
        return () -> {
            synchronized (this) {
                binders.remove(handle);
            }
            handle.close();
        };
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("service metrics are closed");
        }
    }

    /**
     * Closes every binder, newest first, then the registry; later scrapes see an empty registry.
     * Idempotent.
     */
    @Override
    public void close() {
        List<AutoCloseable> toClose;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            toClose = new ArrayList<>(binders);
            binders.clear();
        }
        for (AutoCloseable binder : toClose) {
            close(binder);
        }
        registry.close();
    }

    private static void close(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.warn("Closing a metrics binder failed", e);
        }
    }

    /** Wraps {@code closeable} so that only the first close does anything. */
    private static AutoCloseable once(AutoCloseable closeable) {
        return new AutoCloseable() {
            private boolean done;

            @Override
            public void close() throws Exception {
                synchronized (this) {
                    if (done) {
                        return;
                    }
                    done = true;
                }
                closeable.close();
            }
        };
    }

    /** Configures {@link ServiceMetrics}; every setting is optional. */
    public static final class Builder {
        private boolean jvmMetrics = true;
        private Duration kafkaRefresh = DEFAULT_KAFKA_REFRESH;
        private final List<Tag> commonTags = new ArrayList<>();

        private Builder() {}

        /** Whether the JVM and system binders are bound (default true). */
        public Builder optJvmMetrics(boolean enabled) {
            this.jvmMetrics = enabled;
            return this;
        }

        /**
         * How often the Kafka binders look for client metrics that appeared since the last look,
         * e.g. per-partition lag after a rebalance (default {@link #DEFAULT_KAFKA_REFRESH}).
         */
        public Builder optKafkaRefresh(Duration interval) {
            Objects.requireNonNull(interval, "interval");
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException(
                        "refresh interval must be positive: " + interval);
            }
            this.kafkaRefresh = interval;
            return this;
        }

        /**
         * Adds a tag to every meter, e.g. {@code service=training}; none by default, so series keep
         * the labels users already query.
         */
        public Builder optCommonTag(String key, String value) {
            commonTags.add(Tag.of(key, value));
            return this;
        }

        /** Creates the registry and binds the JVM binders. */
        public ServiceMetrics build() {
            return new ServiceMetrics(this);
        }
    }
}
