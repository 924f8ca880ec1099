package io.captioner.cli;

import io.captioner.events.CaptionFailure;
import io.captioner.events.FailureReason;
import io.captioner.schemas.Topic;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Re-publishes dead letters' original records to the images topic, each at most once, however often
 * and however filtered it runs.
 *
 * <p>It is a transactional consume-transform-produce: the replayed records and the replay group's
 * offsets commit in one transaction, so a crash replays nothing twice and a concurrent second run
 * fences the first (same {@code transactional.id}). Because a run filtered by {@code --reason}
 * passes over dead letters of other reasons, the group's offset metadata keeps a mark per reason
 * ({@link ReplayMarks}). Dead letters whose original value was too large to copy carry a {@code
 * topic/partition@offset} reference; the record is fetched from its topic while it is retained, and
 * reported when it is not.
 */
final class DeadLetterReplay {

    /** One replayed or unreplayable dead letter, for the command's output. */
    interface Listener {
        void replayed(String id, FailureReason reason, String from, String to);

        void unreplayable(String id, FailureReason reason, String from, String why);
    }

    /** What a run did. */
    record Result(int replayed, int unreplayable, int alreadyReplayed, int otherReasons) {}

    private static final Duration POLL = Duration.ofMillis(500);
    private static final Pattern REF = Pattern.compile("(.+)/(\\d+)@(\\d+)");
    private static final String HEADER = "captioner.replayed.from";

    private final ClientSettings settings;
    private final Topic<String, CaptionFailure> dlq;
    private final String imagesTopic;
    private final String group;
    private final Set<FailureReason> reasons;
    private final boolean dryRun;
    private final Duration timeout;

    DeadLetterReplay(
            ClientSettings settings,
            Topic<String, CaptionFailure> dlq,
            String imagesTopic,
            String group,
            Set<FailureReason> reasons,
            boolean dryRun,
            Duration timeout) {
        this.settings = settings;
        this.dlq = dlq;
        this.imagesTopic = imagesTopic;
        this.group = group;
        this.reasons = Set.copyOf(reasons);
        this.dryRun = dryRun;
        this.timeout = timeout;
    }

    Result run(Listener listener) {
        try (KafkaConsumer<byte[], byte[]> consumer =
                        new KafkaConsumer<>(
                                consumerConfig(group),
                                new ByteArrayDeserializer(),
                                new ByteArrayDeserializer());
                KafkaProducer<byte[], byte[]> producer = dryRun ? null : producer()) {
            if (producer != null) {
                // Before reading the marks: fences an earlier run and settles its transaction.
                producer.initTransactions();
            }
            List<PartitionInfo> infos = consumer.partitionsFor(dlq.name(), timeout);
            if (infos == null || infos.isEmpty()) {
                throw new UserException(
                        1, "topic " + dlq.name() + " does not exist: no dead letters");
            }
            List<TopicPartition> partitions =
                    infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, OffsetAndMetadata> committed =
                    consumer.committed(Set.copyOf(partitions), timeout);
            Map<TopicPartition, ReplayMarks> marks = new HashMap<>();
            for (TopicPartition tp : partitions) {
                OffsetAndMetadata c = committed.get(tp);
                ReplayMarks m = ReplayMarks.parse(c == null ? null : c.metadata(), group);
                marks.put(tp, m);
                m.start(reasons)
                        .ifPresentOrElse(
                                offset -> consumer.seek(tp, offset),
                                () -> consumer.seekToBeginning(List.of(tp)));
            }
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            Deserializer<CaptionFailure> values = dlq.valueSerde().deserializer();
            int replayed = 0;
            int unreplayable = 0;
            int already = 0;
            int others = 0;
            try (SourceFetcher fetcher = new SourceFetcher()) {
                long deadline = System.nanoTime() + timeout.toNanos();
                while (!caughtUp(consumer, end)) {
                    if (System.nanoTime() - deadline > 0) {
                        throw new UserException(
                                1,
                                "timed out after "
                                        + timeout.toSeconds()
                                        + " s reading "
                                        + dlq.name()
                                        + " (see --timeout); what was replayed so far is"
                                        + " committed");
                    }
                    List<ProducerRecord<byte[], byte[]>> batch = new ArrayList<>();
                    List<Runnable> reports = new ArrayList<>();
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                        if (record.offset() >= end.get(tp)) {
                            continue;
                        }
                        String from =
                                record.topic() + "-" + record.partition() + "@" + record.offset();
                        CaptionFailure failure;
                        try {
                            failure =
                                    values.deserialize(
                                            record.topic(), record.headers(), record.value());
                        } catch (RuntimeException e) {
                            String registry = TopicTailCommand.registryFailure(e);
                            if (registry != null) {
                                throw new UserException(1, "cannot read " + from + ": " + registry);
                            }
                            unreplayable++;
                            String why = "unreadable dead letter: " + e.getMessage();
                            reports.add(() -> listener.unreplayable(null, null, from, why));
                            continue;
                        }
                        FailureReason reason = failure.getReason();
                        String id = failure.getImageId();
                        if (!reasons.contains(reason)) {
                            others++;
                            continue;
                        }
                        if (!marks.get(tp).pending(reason, record.offset())) {
                            already++;
                            continue;
                        }
                        byte[] value = bytes(failure.getOriginalValue());
                        String why = null;
                        if (value == null && failure.getOriginalValueRef() != null) {
                            SourceFetcher.Fetched fetched =
                                    fetcher.fetch(failure.getOriginalValueRef());
                            value = fetched.value();
                            why = fetched.why();
                        } else if (value == null) {
                            why = "the dead letter holds no original value";
                        }
                        if (value == null) {
                            unreplayable++;
                            String because = why;
                            reports.add(() -> listener.unreplayable(id, reason, from, because));
                            continue;
                        }
                        ProducerRecord<byte[], byte[]> replay =
                                new ProducerRecord<>(
                                        imagesTopic, bytes(failure.getOriginalKey()), value);
                        replay.headers().add(HEADER, from.getBytes(StandardCharsets.UTF_8));
                        batch.add(replay);
                        replayed++;
                        reports.add(() -> listener.replayed(id, reason, from, imagesTopic));
                    }
                    if (!dryRun && !batch.isEmpty()) {
                        commit(producer, consumer, partitions, end, marks, batch);
                        deadline = System.nanoTime() + timeout.toNanos();
                    }
                    reports.forEach(Runnable::run);
                }
                if (!dryRun) {
                    // Nothing new to send, but the marks of the reasons asked for move to the end.
                    commit(producer, consumer, partitions, end, marks, List.of());
                }
            }
            return new Result(replayed, unreplayable, already, others);
        }
    }

    private void commit(
            KafkaProducer<byte[], byte[]> producer,
            KafkaConsumer<byte[], byte[]> consumer,
            List<TopicPartition> partitions,
            Map<TopicPartition, Long> end,
            Map<TopicPartition, ReplayMarks> marks,
            List<ProducerRecord<byte[], byte[]>> batch) {
        producer.beginTransaction();
        for (ProducerRecord<byte[], byte[]> record : batch) {
            producer.send(record);
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition tp : partitions) {
            // Records past the end seen at start were passed over: they are the next run's.
            long position = Math.min(consumer.position(tp), end.get(tp));
            ReplayMarks advanced = marks.get(tp).advance(reasons, position);
            marks.put(tp, advanced);
            offsets.put(tp, new OffsetAndMetadata(position, advanced.format()));
        }
        producer.sendOffsetsToTransaction(offsets, new ConsumerGroupMetadata(group));
        producer.commitTransaction();
    }

    private static boolean caughtUp(
            KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private Properties consumerConfig(String groupId) {
        Map<String, Object> required = new HashMap<>();
        required.put(
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                IsolationLevel.READ_COMMITTED.toString().toLowerCase(Locale.ROOT));
        required.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        required.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        if (groupId != null) {
            required.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        }
        return settings.client(
                Map.of(
                        ConsumerConfig.CLIENT_ID_CONFIG, "captioner-cli-replay",
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                required);
    }

    private KafkaProducer<byte[], byte[]> producer() {
        Properties config =
                settings.client(
                        Map.of(
                                ProducerConfig.CLIENT_ID_CONFIG,
                                "captioner-cli-replay",
                                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                                (int) timeout.toMillis()),
                        Map.of(
                                ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                                group,
                                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                                true,
                                ProducerConfig.ACKS_CONFIG,
                                "all"));
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Fetches the original records that dead letters reference, from their own topics. */
    private final class SourceFetcher implements AutoCloseable {

        record Fetched(byte[] value, String why) {}

        private KafkaConsumer<byte[], byte[]> consumer;

        Fetched fetch(String ref) {
            Matcher m = REF.matcher(ref);
            if (!m.matches()) {
                return new Fetched(null, "unreadable original_value_ref '" + ref + "'");
            }
            TopicPartition tp = new TopicPartition(m.group(1), Integer.parseInt(m.group(2)));
            long offset = Long.parseLong(m.group(3));
            if (consumer == null) {
                consumer =
                        new KafkaConsumer<>(
                                consumerConfig(null),
                                new ByteArrayDeserializer(),
                                new ByteArrayDeserializer());
            }
            consumer.assign(List.of(tp));
            long first = consumer.beginningOffsets(List.of(tp), timeout).getOrDefault(tp, 0L);
            long last = consumer.endOffsets(List.of(tp), timeout).getOrDefault(tp, 0L);
            if (offset < first || offset >= last) {
                return new Fetched(
                        null,
                        "the original record "
                                + ref
                                + " is no longer retained ("
                                + tp
                                + " holds "
                                + first
                                + ".."
                                + (last - 1)
                                + ")");
            }
            consumer.seek(tp, offset);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline && consumer.position(tp) <= offset) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    if (record.offset() == offset) {
                        return record.value() == null
                                ? new Fetched(null, "the original record " + ref + " has no value")
                                : new Fetched(record.value(), null);
                    }
                }
            }
            return new Fetched(null, "the original record " + ref + " is no longer retained");
        }

        @Override
        public void close() {
            if (consumer != null) {
                consumer.close();
            }
        }
    }

    /** Every failure reason, the default selection. */
    static Set<FailureReason> allReasons() {
        return java.util.Arrays.stream(FailureReason.values())
                .collect(Collectors.toUnmodifiableSet());
    }
}
