package io.captioner.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.captioner.schemas.Topic;
import io.captioner.schemas.Topics;
import io.captioner.schemas.registry.SchemaRegistryConnectionException;
import io.captioner.schemas.registry.SchemaRegistryException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options and consumer loop shared by the commands that print one topic ({@code captions},
 * {@code failures}).
 *
 * <p>The consumer has no group: it assigns every partition and seeks, so it never commits offsets
 * nor disturbs consumer groups. It reads with {@code isolation.level=read_committed}, so records of
 * aborted transactions of the exactly-once captioner never show. Values are deserialized here, not
 * by the consumer, so one unreadable record is reported on stderr and skipped instead of stopping
 * the command.
 *
 * @param <V> the topic's value type
 */
abstract class TopicTailCommand<V> implements Callable<Integer> {

    /** Shared by the subclasses to write JSON lines. */
    static final ObjectMapper JSON = new ObjectMapper();

    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration METADATA_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration TOPIC_RETRY = Duration.ofSeconds(1);
    private static final long SHUTDOWN_WAIT_SECONDS = 10;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Mixin KafkaOptions kafka;

    @Option(
            names = "--from-beginning",
            description = "Start at the oldest record still on the topic instead of its end.")
    boolean fromBeginning;

    @Option(
            names = "--follow",
            description =
                    "Keep printing new records until Ctrl-C or SIGTERM (or --timeout, or"
                            + " --max-records); without it, exit once the records present at"
                            + " start are printed.")
    boolean follow;

    @Option(names = "--json", description = "Print one JSON object per line.")
    boolean json;

    @Option(
            names = "--timeout",
            paramLabel = "SECONDS",
            description =
                    "Stop after this many seconds. Exit code 1 if the command had not finished"
                            + " by then (caught up, or --max-records printed); with --follow and"
                            + " no --max-records, the timeout is a normal end (exit code 0).")
    Long timeoutSeconds;

    @Option(
            names = "--max-records",
            paramLabel = "N",
            description = "Exit after printing N records (e.g. with --follow, to await N results).")
    Long maxRecords;

    @Option(
            names = "--topic-prefix",
            paramLabel = "PREFIX",
            defaultValue = "",
            description = "Prefix of the topic names, for a shared cluster (default: none).")
    String topicPrefix;

    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean stopRequested;
    private volatile Consumer<byte[], byte[]> consumer;
    private boolean topicWasMissing;
    private long skipped;

    /** The topic to print. */
    abstract Topic<String, V> topic(Topics topics);

    /** One tab-separated line for a human. */
    abstract String humanLine(String key, V value);

    /** One JSON object for a program. */
    abstract ObjectNode jsonObject(String key, V value);

    /**
     * Stops a running command as SIGINT/SIGTERM do: it returns 0 after closing its consumer. Safe
     * from any thread.
     */
    void stop() {
        stopRequested = true;
        Consumer<byte[], byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        String name = spec.name();
        if (timeoutSeconds != null && timeoutSeconds <= 0) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--timeout must be positive, got " + timeoutSeconds);
        }
        if (maxRecords != null && maxRecords <= 0) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--max-records must be positive, got " + maxRecords);
        }
        Topics topics = kafka.settings().topics(topicPrefix);
        Topic<String, V> topic = topic(topics);
        Thread hook = new Thread(this::stopAndAwait, "captioner-" + name + "-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try (Consumer<byte[], byte[]> opened =
                new KafkaConsumer<>(
                        consumerConfig(name),
                        new ByteArrayDeserializer(),
                        new ByteArrayDeserializer())) {
            consumer = opened;
            if (stopRequested) {
                return CommandLine.ExitCode.OK;
            }
            return withSkipped(run(opened, topic, err), err);
        } catch (WakeupException e) {
            // Only stop() wakes the consumer up: a requested stop is a normal end.
            return withSkipped(CommandLine.ExitCode.OK, err);
        } catch (KafkaException e) {
            err.println(name + ": Kafka error (bootstrap " + kafka.bootstrap() + "): " + e);
            return 1;
        } finally {
            consumer = null;
            spec.commandLine().getOut().flush();
            err.flush();
            finished.countDown();
            removeHook(hook);
        }
    }

    private int run(Consumer<byte[], byte[]> consumer, Topic<String, V> topic, PrintWriter err) {
        String name = spec.name();
        long deadline =
                timeoutSeconds == null
                        ? Long.MAX_VALUE
                        : System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        List<TopicPartition> partitions = awaitPartitions(consumer, topic.name(), deadline, err);
        if (partitions == null) {
            return stopRequested ? CommandLine.ExitCode.OK : 1;
        }
        consumer.assign(partitions);
        // A topic created while we waited holds only records that are new to this run.
        if (fromBeginning || topicWasMissing) {
            consumer.seekToBeginning(partitions);
        } else {
            consumer.seekToEnd(partitions);
        }
        // Under read_committed these are the last stable offsets: the end of committed data.
        Map<TopicPartition, Long> end = follow ? Map.of() : consumer.endOffsets(partitions);
        Deserializer<V> values = topic.valueSerde().deserializer();
        PrintWriter out = spec.commandLine().getOut();
        long printed = 0;
        while (true) {
            if (stopRequested) {
                return CommandLine.ExitCode.OK;
            }
            if (maxRecords != null && printed >= maxRecords) {
                return CommandLine.ExitCode.OK;
            }
            if (!follow && caughtUp(consumer, end)) {
                if (printed == 0 && !fromBeginning) {
                    err.println(
                            name
                                    + ": nothing new on "
                                    + topic.name()
                                    + "; --from-beginning prints the records already there,"
                                    + " --follow waits for new ones");
                }
                return CommandLine.ExitCode.OK;
            }
            long remainingNanos = deadline - System.nanoTime();
            if (remainingNanos <= 0) {
                if (follow && maxRecords == null) {
                    return CommandLine.ExitCode.OK;
                }
                err.printf(
                        Locale.ROOT,
                        "%s: timed out after %d s with %d record%s printed%s%n",
                        name,
                        timeoutSeconds,
                        printed,
                        printed == 1 ? "" : "s",
                        maxRecords == null ? " before catching up" : " of " + maxRecords);
                return 1;
            }
            Duration poll =
                    remainingNanos < POLL.toNanos() ? Duration.ofNanos(remainingNanos) : POLL;
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(poll)) {
                if (print(record, values, out, err)) {
                    printed++;
                    if (maxRecords != null && printed >= maxRecords) {
                        break;
                    }
                }
            }
            out.flush();
            err.flush();
        }
    }

    /** A command that skipped records it could not read did not do what it was asked: exit 1. */
    private int withSkipped(int code, PrintWriter err) {
        if (code != CommandLine.ExitCode.OK || skipped == 0) {
            return code;
        }
        err.printf(
                Locale.ROOT,
                "%s: %d unreadable record%s skipped%n",
                spec.name(),
                skipped,
                skipped == 1 ? " was" : "s were");
        return 1;
    }

    /**
     * Prints one record; unreadable ones are reported on stderr and counted instead.
     *
     * @throws UserException when the registry is unreachable or refuses the client, which would
     *     make every record unreadable
     */
    private boolean print(
            ConsumerRecord<byte[], byte[]> record,
            Deserializer<V> values,
            PrintWriter out,
            PrintWriter err) {
        String where = record.topic() + "-" + record.partition() + "@" + record.offset();
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        if (record.value() == null) {
            // A tombstone is a record without a value, not an unreadable one.
            err.println(spec.name() + ": skipping record " + where + " without a value");
            return false;
        }
        String line;
        try {
            V value = values.deserialize(record.topic(), record.headers(), record.value());
            line = json ? JSON.writeValueAsString(jsonObject(key, value)) : humanLine(key, value);
        } catch (RuntimeException | JsonProcessingException e) {
            String registryDown = registryFailure(e);
            if (registryDown != null) {
                throw new UserException(
                        1, "cannot read " + where + " and the rest: " + registryDown);
            }
            skipped++;
            err.println(
                    spec.name() + ": skipping unreadable record " + where + ": " + e.getMessage());
            return false;
        }
        out.println(line);
        return true;
    }

    /**
     * The topic's partitions; without {@code --follow} null (after a message) when the topic does
     * not exist, with it waits for the topic to be created.
     */
    private List<TopicPartition> awaitPartitions(
            Consumer<byte[], byte[]> consumer, String topic, long deadline, PrintWriter err) {
        boolean noted = false;
        while (!stopRequested) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, METADATA_TIMEOUT);
            if (infos != null && !infos.isEmpty()) {
                return infos.stream()
                        .map(info -> new TopicPartition(info.topic(), info.partition()))
                        .sorted((a, b) -> Integer.compare(a.partition(), b.partition()))
                        .collect(Collectors.toList());
            }
            if (!follow) {
                err.println(
                        spec.name()
                                + ": topic "
                                + topic
                                + " does not exist (yet): is the captioner app running?");
                return null;
            }
            if (System.nanoTime() - deadline >= 0) {
                err.println(spec.name() + ": timed out waiting for topic " + topic);
                return null;
            }
            topicWasMissing = true;
            if (!noted) {
                err.println(spec.name() + ": waiting for topic " + topic + " to be created");
                err.flush();
                noted = true;
            }
            try {
                Thread.sleep(TOPIC_RETRY.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }

    /**
     * Why the registry, not the record, failed (unreachable, credentials refused, server error), or
     * null when the record itself is unreadable.
     */
    static String registryFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SchemaRegistryConnectionException) {
                return t.getMessage() + " (is the schema registry running? see --registry)";
            }
            if (t instanceof SchemaRegistryException r
                    && (r.httpStatus() == 401 || r.httpStatus() == 403 || r.httpStatus() >= 500)) {
                return t.getMessage();
            }
        }
        return null;
    }

    private static boolean caughtUp(
            Consumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private Properties consumerConfig(String name) {
        return kafka.settings()
                .client(
                        Map.of(
                                ConsumerConfig.CLIENT_ID_CONFIG,
                                "captioner-cli-" + name,
                                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                                "earliest"),
                        Map.of(
                                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                                IsolationLevel.READ_COMMITTED.toString().toLowerCase(Locale.ROOT),
                                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                                false,
                                // Reading must never create the topic under the app's feet with
                                // broker defaults.
                                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG,
                                false));
    }

    /** The shutdown hook: wakes the loop up and lets it close the consumer before the JVM ends. */
    private void stopAndAwait() {
        stop();
        try {
            finished.await(SHUTDOWN_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down: this hook is what stopped the command.
        }
    }

    /** Text of a field for a tab-separated line: tabs and line breaks become spaces. */
    static String cell(Object value) {
        return value == null ? "-" : value.toString().replaceAll("[\\t\\r\\n]", " ");
    }
}
