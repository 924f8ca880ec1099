package io.captioner.training;

import io.captioner.events.LabeledPair;
import io.captioner.events.TrainingCommand;
import io.captioner.events.TrainingRun;
import io.captioner.events.TrainingTrigger;
import io.captioner.model.nn.EncoderType;
import io.captioner.modeltopic.ModelPublisher;
import io.captioner.modeltopic.ModelSigning;
import io.captioner.modeltopic.ModelTopicReader;
import io.captioner.modeltopic.SigningKey;
import io.captioner.modeltopic.TrustedKeys;
import io.captioner.ops.HealthCheck;
import io.captioner.ops.OpsServer;
import io.captioner.ops.ServiceMetrics;
import io.captioner.schemas.Topics;
import io.captioner.training.config.TrainingServiceConfig;
import io.captioner.training.data.DatasetSplit;
import io.captioner.training.data.ImageCache;
import io.captioner.training.data.PairDataset;
import io.captioner.training.data.PairIngestor;
import io.captioner.training.data.SkipReason;
import io.captioner.training.run.Gate;
import io.captioner.training.run.RunStatus;
import io.captioner.training.run.RunTrigger;
import io.captioner.training.run.TrainingRunner;
import io.captioner.training.run.TriggerPolicy;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training service: follows {@code labeled-pairs} (the dataset of record) and {@code
 * training-control}, starts one run at a time when enough pairs changed, on its schedule or on a
 * train-now command, and serves {@code /health}, {@code /ready}, {@code /metrics} and {@code
 * /status}.
 *
 * <p>At start it reads {@code training-runs} to learn what the last run included (the offsets of
 * {@code labeled-pairs} and of {@code training-control}), so a restart never retrains on the same
 * data without a new trigger; it then reads {@code labeled-pairs} from the beginning, rebuilding
 * the dataset and, for images it does not have, the image cache.
 */
public final class TrainingService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingService.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final TrainingServiceConfig config;
    private final Clock clock;
    private final Topics topics;
    private final PairDataset dataset = new PairDataset();
    private final RunStatus status;
    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong images = new AtomicLong();
    private final TriggerPolicy triggers;
    private final ExecutorService runThread =
            Executors.newSingleThreadExecutor(r -> new Thread(r, "training-run"));
    private ServiceMetrics serviceMetrics;
    private TrainingMetrics metrics;
    private ImageCache cache;
    private PairIngestor ingestor;
    private ModelPublisher publisher;
    private TrainingRunner runner;
    private OpsServer ops;
    private KafkaConsumer<String, byte[]> consumer;
    private Thread ingestThread;
    private volatile boolean running;
    private volatile boolean caughtUp;
    private volatile Throwable died;
    // Completed when the ingest loop ends: normally after close(), exceptionally when it died.
    private final CompletableFuture<Void> ingestEnded = new CompletableFuture<>();
    private volatile TrainingRun lastRun;
    private volatile Map<String, Object> skippedView = Map.of();
    private Future<TrainingRun> current;
    private RunTrigger pendingCommand;
    // labeled-pairs end offsets when the pending command arrived (null until known): its run
    // waits until the consumer has read to them.
    private Map<TopicPartition, Long> commandEnd = Map.of();
    private long controlNext;
    private Instant lastRunEnded;
    private Map<TopicPartition, Long> startEnd = Map.of();

    /** A service over {@code config}; {@link #start()} connects. */
    public TrainingService(TrainingServiceConfig config) {
        this(config, Clock.systemUTC());
    }

    /** A service on {@code clock}. */
    public TrainingService(TrainingServiceConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.status = new RunStatus(clock);
        this.triggers =
                new TriggerPolicy(config.triggerPairs(), config.scheduleInterval().orElse(null));
        this.topics =
                Topics.builder()
                        .setSerdeConfig(config.serdeConfig())
                        .optNamePrefix(config.topicPrefix())
                        .build();
    }

    /**
     * Creates missing topics, reads the run history, starts the ops endpoint and the ingest thread.
     *
     * @throws IOException if the data directory or the ops port cannot be used
     */
    public synchronized TrainingService start() throws IOException {
        EncoderType encoder = EncoderType.fromId(config.hyperParameters().encoder());
        cache = new ImageCache(config.cacheDirectory(), encoder.id(), encoder.inputSize());
        ingestor =
                new PairIngestor(
                        cache,
                        config.imageMaxBytes(),
                        config.captionMaxChars(),
                        config.fetchAllowedDirectories());
        serviceMetrics = ServiceMetrics.builder().build();
        metrics = new TrainingMetrics(serviceMetrics.registry(), images::get, pending::get);
        TrainingTopics.ensure(config.bootstrapServers(), config.clientConfig(), topics);
        SigningKey key =
                config.signingKey()
                        .map(
                                p ->
                                        ModelSigning.loadKeys(
                                                p, p.resolveSibling(ModelSigning.PUBLIC_KEY_FILE)))
                        .orElse(null);
        ModelPublisher.Builder publisherBuilder =
                ModelPublisher.builder()
                        .setBootstrapServers(config.bootstrapServers())
                        .setTopics(topics)
                        .optTransactionalId(config.transactionalId())
                        .optClientConfig(config.clientConfig())
                        // Ours or not, every activation counts when comparing with the active one.
                        .optTrustedKeys(TrustedKeys.none());
        if (key != null) {
            publisherBuilder.optSigningKey(key);
        }
        publisher = publisherBuilder.build();
        ModelTopicReader.Builder activeReader =
                ModelTopicReader.builder()
                        .setBootstrapServers(config.bootstrapServers())
                        .setTopics(topics)
                        .optConsumerConfig(config.clientConfig())
                        .optWorkDirectory(config.workDirectory().resolve("spool"));
        runner =
                new TrainingRunner(
                        new TrainingRunner.Settings(
                                config.modelName(),
                                config.hyperParameters(),
                                new DatasetSplit(config.validationFraction()),
                                config.validationFraction(),
                                new Gate(config.gateMetric(), config.gateMargin()),
                                config.workDirectory()),
                        cache,
                        topics,
                        publisher,
                        activeReader,
                        metrics,
                        status,
                        clock);
        recover();
        consumer = newConsumer();
        serviceMetrics.bindKafkaClient(consumer);
        assign();
        running = true;
        ingestThread = new Thread(this::ingestLoop, "training-ingest");
        ingestThread.start();
        ops =
                OpsServer.builder()
                        .setMetrics(serviceMetrics.registry())
                        .setPort(config.httpPort())
                        .optBindAddress(config.httpBindAddress())
                        .optLiveness(
                                HealthCheck.of(
                                        () -> died == null && ingestThread.isAlive(),
                                        "the ingest thread stopped"))
                        .optReadiness(
                                HealthCheck.of(
                                        () -> caughtUp, "still reading labeled-pairs to its end"))
                        .optJson("/status", this::status)
                        .build()
                        .start();
        LOG.info(
                "training service for model {} started: ops on port {}, data in {}",
                config.modelName(),
                ops.port(),
                config.dataDirectory());
        return this;
    }

    /** The ops endpoint's port. */
    public int httpPort() {
        return ops.port();
    }

    /** Whether the dataset has been read to the end it had at start. */
    public boolean isReady() {
        return caughtUp;
    }

    /** The topics in use. */
    public Topics topics() {
        return topics;
    }

    /** The last recorded run, as read at start or made since. */
    public Optional<TrainingRun> lastRun() {
        return Optional.ofNullable(lastRun);
    }

    /** What {@code /status} shows: the current run, the last decision, the dataset. */
    public Map<String, Object> status() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", config.modelName());
        out.put("ready", caughtUp);
        out.put("run", status.asMap());
        TrainingRun last = lastRun;
        if (last == null) {
            out.put("last_run", null);
        } else {
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("run_id", last.getRunId());
            l.put("trigger", last.getTrigger().name());
            l.put("decision", last.getDecision().name());
            l.put("reason", last.getReason());
            l.put("error", last.getError());
            l.put("version", last.getVersion());
            l.put("candidate", last.getCandidateMetrics());
            l.put("active", last.getActiveMetrics());
            l.put("finished", last.getFinishedTime().toString());
            out.put("last_run", l);
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("images", images.get());
        data.put("pending_changes", pending.get());
        data.put("trigger_pairs", config.triggerPairs());
        data.put("skipped", skippedView);
        out.put("dataset", data);
        return out;
    }

    /** Takes the last run of this model from training-runs: what it included is not new. */
    private void recover() {
        List<TrainingRun> runs =
                TrainingRunLog.readAll(
                        config.bootstrapServers(), config.clientConfig(), topics.trainingRuns());
        TrainingRun last = null;
        for (TrainingRun run : runs) {
            if (run.getModelName().equals(config.modelName())) {
                last = run;
            }
        }
        lastRun = last;
        Map<Integer, Long> baseline = new HashMap<>();
        if (last != null) {
            last.getPairOffsets().forEach((p, o) -> baseline.put(Integer.parseInt(p), o));
            controlNext = last.getControlOffset() == null ? 0 : last.getControlOffset();
            lastRunEnded = last.getFinishedTime();
            LOG.info(
                    "last run {} ({}) included labeled-pairs up to {}; later pairs are new",
                    last.getRunId(),
                    last.getDecision(),
                    baseline);
        } else {
            lastRunEnded = clock.instant();
        }
        dataset.setBaseline(baseline);
    }

    private KafkaConsumer<String, byte[]> newConsumer() {
        Map<String, Object> props = new HashMap<>(config.clientConfig());
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, config.transactionalId() + "-ingest");
        props.putIfAbsent(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024);
        return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** No consumer group: every start reads the whole dataset; offsets live in the run records. */
    private void assign() {
        List<TopicPartition> pairs = new ArrayList<>();
        for (PartitionInfo p :
                consumer.partitionsFor(topics.labeledPairs().name(), Duration.ofSeconds(30))) {
            pairs.add(new TopicPartition(p.topic(), p.partition()));
        }
        TopicPartition control = new TopicPartition(topics.trainingControl().name(), 0);
        List<TopicPartition> all = new ArrayList<>(pairs);
        all.add(control);
        consumer.assign(all);
        consumer.seekToBeginning(pairs);
        consumer.seek(control, controlNext);
        startEnd = consumer.endOffsets(pairs, Duration.ofSeconds(30));
    }

    private void ingestLoop() {
        try {
            while (running) {
                var records = consumer.poll(POLL);
                for (ConsumerRecord<String, byte[]> r : records) {
                    if (r.topic().equals(topics.trainingControl().name())) {
                        command(r);
                    } else {
                        pair(r);
                    }
                }
                if (!records.isEmpty()) {
                    // A later good pair or a tombstone can clear a skip, so refresh the view.
                    Map<String, Object> view = new LinkedHashMap<>();
                    dataset.skippedIds().forEach((k, v) -> view.put(k.name(), v));
                    skippedView = view;
                }
                pending.set(dataset.changes());
                images.set(dataset.size());
                if (!caughtUp) {
                    caughtUp =
                            startEnd.entrySet().stream()
                                    .allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
                    if (caughtUp) {
                        LOG.info(
                                "dataset read: {} images, {} changes since the last run",
                                dataset.size(),
                                dataset.changes());
                    }
                }
                if (caughtUp) {
                    maybeStartRun();
                }
            }
        } catch (WakeupException e) {
            if (running) {
                died = e;
            }
        } catch (RuntimeException | Error e) {
            died = e;
            LOG.error("the ingest thread stopped", e);
        } finally {
            // KafkaConsumer is single-threaded: the thread that polls it closes it.
            try {
                consumer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                LOG.warn("closing the ingest consumer failed: {}", e.toString());
            }
            Throwable cause = died;
            if (cause == null) {
                ingestEnded.complete(null);
            } else {
                ingestEnded.completeExceptionally(cause);
            }
        }
    }

    /**
     * Completes when the ingest thread ends: normally after {@link #close()}, exceptionally with
     * the cause when it died, after which the service learns nothing more and should be restarted.
     */
    public CompletableFuture<Void> termination() {
        return ingestEnded.copy();
    }

    /** Why the ingest thread died, if it did. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(died);
    }

    private void pair(ConsumerRecord<String, byte[]> r) {
        metrics.consumed();
        if (r.value() == null) {
            if (r.key() != null) {
                dataset.remove(r.partition(), r.offset(), r.key());
            }
            return;
        }
        LabeledPair pair;
        try {
            pair =
                    topics.labeledPairs()
                            .valueSerde()
                            .deserializer()
                            .deserialize(r.topic(), r.value());
        } catch (RuntimeException e) {
            skipped(r, r.key(), SkipReason.INVALID_RECORD, e.getMessage());
            return;
        }
        PairIngestor.Outcome outcome = ingestor.ingest(pair);
        if (outcome.accepted()) {
            dataset.put(r.partition(), r.offset(), outcome.entry());
        } else {
            String id = pair.getImageId() != null ? pair.getImageId().toString() : r.key();
            skipped(r, id, outcome.reason(), outcome.message());
        }
    }

    private void skipped(
            ConsumerRecord<String, byte[]> r, String id, SkipReason reason, String why) {
        metrics.skipped(reason);
        // Logged once per record: the service reads each record once per start.
        LOG.warn(
                "skipped labeled pair {} at {}-{}@{}: {} ({})",
                id,
                r.topic(),
                r.partition(),
                r.offset(),
                reason,
                why);
        dataset.skip(r.partition(), r.offset(), id, reason);
    }

    private void command(ConsumerRecord<String, byte[]> r) {
        controlNext = r.offset() + 1;
        if (r.value() == null) {
            return;
        }
        TrainingCommand command;
        try {
            command =
                    topics.trainingControl()
                            .valueSerde()
                            .deserializer()
                            .deserialize(r.topic(), r.value());
        } catch (RuntimeException e) {
            LOG.warn(
                    "ignored an undecodable training command at offset {}: {}",
                    r.offset(),
                    e.toString());
            return;
        }
        if (!command.getModelName().equals(config.modelName())) {
            return;
        }
        LOG.info(
                "train-now command {} from {}{}",
                command.getCommandId(),
                command.getRequestedBy(),
                command.getForce() ? " (force)" : "");
        boolean force = command.getForce() || (pendingCommand != null && pendingCommand.force());
        pendingCommand = new RunTrigger(TrainingTrigger.COMMAND, force, command.getCommandId());
        // Pairs sent before the command may sit unread on other partitions: train on them too.
        commandEnd = null;
        commandDataRead();
    }

    /**
     * Whether the pending command's run may start: labeled-pairs read to its end at the command.
     */
    private boolean commandDataRead() {
        if (commandEnd == null) {
            try {
                commandEnd = consumer.endOffsets(startEnd.keySet(), Duration.ofSeconds(5));
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                // The broker is away: the run waits; the next poll asks again.
                LOG.warn(
                        "cannot read the end of labeled-pairs for a command yet: {}", e.toString());
                return false;
            }
        }
        return commandEnd.entrySet().stream()
                .allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    private void maybeStartRun() {
        if (current != null) {
            if (!current.isDone()) {
                return;
            }
            collect();
        }
        RunTrigger command = pendingCommand != null && commandDataRead() ? pendingCommand : null;
        Optional<RunTrigger> due =
                triggers.due(dataset.changes(), command, lastRunEnded, clock.instant());
        if (due.isEmpty()) {
            return;
        }
        RunTrigger trigger = due.get();
        if (command != null) {
            // A pairs or schedule run meanwhile leaves the command pending: it may not see all.
            pendingCommand = null;
            commandEnd = Map.of();
        }
        PairDataset.Snapshot snapshot = dataset.snapshot();
        pending.set(dataset.changes());
        long control = controlNext;
        current = runThread.submit(() -> runner.run(snapshot, trigger, control));
    }

    private void collect() {
        try {
            lastRun = current.get();
        } catch (ExecutionException e) {
            // The runner records failures itself; this is Kafka failing to take the record.
            LOG.error("a run ended without a record", e.getCause());
        } catch (CancellationException e) {
            LOG.info("a run was cancelled");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        current = null;
        lastRunEnded = clock.instant();
    }

    /** Stops the ingest thread, interrupts a run in progress (it records nothing), closes all. */
    @Override
    public synchronized void close() {
        running = false;
        if (ingestThread != null) {
            // Only wakeup() is safe from another thread; the ingest loop closes the consumer.
            consumer.wakeup();
            try {
                ingestThread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (ingestThread.isAlive()) {
                LOG.warn("the ingest thread did not stop within 10 s");
            }
        } else if (consumer != null) {
            // start() failed before the ingest thread took the consumer over.
            consumer.close(Duration.ofSeconds(5));
        }
        runThread.shutdownNow();
        try {
            if (!runThread.awaitTermination(60, TimeUnit.SECONDS)) {
                LOG.warn("the run thread did not stop within 60 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (ops != null) {
            ops.close();
        }
        if (publisher != null) {
            publisher.close();
        }
        if (serviceMetrics != null) {
            serviceMetrics.close();
        }
    }
}
