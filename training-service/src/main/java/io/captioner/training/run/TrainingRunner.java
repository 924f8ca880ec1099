package io.captioner.training.run;

import io.captioner.events.TrainingDecision;
import io.captioner.events.TrainingRun;
import io.captioner.model.Captioner;
import io.captioner.model.DecodingOptions;
import io.captioner.model.data.CaptionedImage;
import io.captioner.model.eval.CaptionEvaluator;
import io.captioner.model.eval.EvaluationReport;
import io.captioner.model.text.Tokenizer;
import io.captioner.model.text.Vocabulary;
import io.captioner.model.train.CaptionTrainer;
import io.captioner.model.train.TrainingListener;
import io.captioner.modeltopic.ManifestInfo;
import io.captioner.modeltopic.ModelCatalog;
import io.captioner.modeltopic.ModelPublisher;
import io.captioner.modeltopic.ModelTopicReader;
import io.captioner.modeltopic.PublishedVersion;
import io.captioner.modeltopic.VerifiedArtifact;
import io.captioner.release.CaptionerArtifacts;
import io.captioner.schemas.Topics;
import io.captioner.training.TrainingMetrics;
import io.captioner.training.config.HyperParameters;
import io.captioner.training.data.DatasetSplit;
import io.captioner.training.data.ImageCache;
import io.captioner.training.data.PairDataset;
import io.captioner.training.data.PairEntry;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One training run from a dataset snapshot to a recorded decision: split, load the active version,
 * warm or cold start, train, evaluate candidate and active version on the same validation split,
 * and publish the candidate with its activation and the {@link TrainingRun} record in one Kafka
 * transaction, or record the rejection or failure alone.
 */
public final class TrainingRunner {

    private static final Logger LOG = LoggerFactory.getLogger(TrainingRunner.class);

    /** Words per caption the trainer keeps (its MAX_CAPTION_WORDS), for the vocabulary check. */
    static final int TRAINER_MAX_CAPTION_WORDS = 40;

    private static final DateTimeFormatter RUN_ID =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT)
                    .withZone(ZoneOffset.UTC);

    private final Settings settings;
    private final ImageCache cache;
    private final Topics topics;
    private final ModelPublisher publisher;
    private final ModelTopicReader.Builder activeReader;
    private final TrainingMetrics metrics;
    private final RunStatus status;
    private final Clock clock;

    /**
     * Everything a run needs from the configuration.
     *
     * @param modelName model trained and compared
     * @param hyperParameters trainer settings
     * @param split the train/validation split
     * @param validationFraction the split's fraction, recorded in the manifest
     * @param gate the publish decision
     * @param workDirectory where artifacts are written
     */
    public record Settings(
            String modelName,
            HyperParameters hyperParameters,
            DatasetSplit split,
            double validationFraction,
            Gate gate,
            Path workDirectory) {}

    /**
     * A runner.
     *
     * @param activeReader reads the models topic to find and assemble the active version; built per
     *     run, so every run sees the topic as it is
     */
    public TrainingRunner(
            Settings settings,
            ImageCache cache,
            Topics topics,
            ModelPublisher publisher,
            ModelTopicReader.Builder activeReader,
            TrainingMetrics metrics,
            RunStatus status,
            Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.cache = cache;
        this.topics = topics;
        this.publisher = publisher;
        this.activeReader = activeReader;
        this.metrics = metrics;
        this.status = status;
        this.clock = clock;
    }

    /** A new sortable run id: the start time and a random suffix. */
    public static String newRunId(Instant now) {
        byte[] suffix = new byte[3];
        ThreadLocalRandom.current().nextBytes(suffix);
        return RUN_ID.format(now) + "-" + HexFormat.of().formatHex(suffix);
    }

    /**
     * Runs once and records the outcome on {@code training-runs}.
     *
     * @param controlOffset next training-control offset handled, recorded for restarts
     * @return the recorded run
     * @throws CancellationException when interrupted (the service is stopping); nothing is recorded
     *     and the next start runs again
     */
    public TrainingRun run(PairDataset.Snapshot snapshot, RunTrigger trigger, Long controlOffset) {
        Instant started = clock.instant();
        String runId = newRunId(started);
        status.start(runId, trigger.kind().name());
        LOG.info(
                "run {} ({}{}) on {} images",
                runId,
                trigger.kind(),
                trigger.force() ? ", forced" : "",
                snapshot.entries().size());
        TrainingRun.Builder run =
                TrainingRun.newBuilder()
                        .setRunId(runId)
                        .setModelName(settings.modelName())
                        .setTrigger(trigger.kind())
                        .setForced(trigger.force())
                        .setCommandId(trigger.commandId())
                        .setStartedTime(started)
                        .setFinishedTime(started)
                        .setPairsTrain(0)
                        .setPairsValidation(0)
                        .setSkipped(new TreeMap<>(snapshot.skipped()))
                        .setGateMetric(settings.gate().metric())
                        .setGateMargin(settings.gate().margin())
                        .setDecision(TrainingDecision.FAILED)
                        .setHyperParameters(settings.hyperParameters().asMap())
                        .setPairOffsets(offsets(snapshot.offsets()))
                        .setControlOffset(controlOffset);
        Path candidateFile = settings.workDirectory().resolve("candidate-" + runId + ".zip");
        try {
            TrainingRun recorded = attempt(snapshot, trigger, run, candidateFile);
            finish(recorded, started);
            return recorded;
        } catch (CancellationException e) {
            throw e;
        } catch (RuntimeException | IOException e) {
            if (Thread.currentThread().isInterrupted()
                    || e.getCause() instanceof InterruptedException) {
                throw new CancellationException("run " + runId + " interrupted");
            }
            LOG.error("run {} failed", runId, e);
            run.setDecision(TrainingDecision.FAILED)
                    .setVersion(null)
                    .setReason(null)
                    .setError(e.getClass().getSimpleName() + ": " + e.getMessage())
                    .setFinishedTime(clock.instant());
            TrainingRun failed = run.build();
            publisher.transact(tx -> tx.send(topics.trainingRuns(), failed.getRunId(), failed));
            finish(failed, started);
            return failed;
        } finally {
            status.idle();
            try {
                Files.deleteIfExists(candidateFile);
            } catch (IOException e) {
                LOG.warn("cannot delete {}: {}", candidateFile, e.toString());
            }
        }
    }

    private void finish(TrainingRun recorded, Instant started) {
        metrics.run(recorded.getDecision(), Duration.between(started, clock.instant()));
        LOG.info(
                "run {}: {} ({}){}",
                recorded.getRunId(),
                recorded.getDecision(),
                recorded.getReason() == null ? recorded.getError() : recorded.getReason(),
                recorded.getVersion() == null ? "" : ", version " + recorded.getVersion());
    }

    private TrainingRun attempt(
            PairDataset.Snapshot snapshot,
            RunTrigger trigger,
            TrainingRun.Builder run,
            Path candidateFile)
            throws IOException {
        List<CaptionedImage> train = new ArrayList<>();
        List<CaptionedImage> validation = new ArrayList<>();
        long notCached = 0;
        for (PairEntry entry : snapshot.entries()) {
            DatasetSplit.Part part = settings.split().part(entry.imageId(), entry.split());
            if (part == DatasetSplit.Part.HELD_OUT) {
                continue;
            }
            BufferedImage image = cache.get(entry.contentSha256());
            if (image == null) {
                // Deleted under a running service: the next start rebuilds it from the topic.
                notCached++;
                continue;
            }
            CaptionedImage captioned = new CaptionedImage(entry.imageId(), image, entry.captions());
            (part == DatasetSplit.Part.VALIDATION ? validation : train).add(captioned);
        }
        if (notCached > 0) {
            Map<String, Long> skipped = new TreeMap<>(run.getSkipped());
            skipped.merge("NOT_CACHED", notCached, Long::sum);
            run.setSkipped(skipped);
        }
        run.setPairsTrain(train.size()).setPairsValidation(validation.size());
        if (train.isEmpty() || validation.isEmpty()) {
            throw new IllegalStateException(
                    "need training and validation images, have "
                            + train.size()
                            + " and "
                            + validation.size());
        }
        Files.createDirectories(settings.workDirectory());
        try (ActiveModel active = loadActive()) {
            run.setParentVersion(active.version());
            HyperParameters hp = settings.hyperParameters();
            CaptionTrainer.Builder trainer =
                    hp.toTrainer()
                            .optModelName(settings.modelName())
                            .optListener(new StatusListener());
            boolean warm =
                    active.captioner() != null && warmStartFits(active.captioner(), train, hp);
            if (warm) {
                trainer.optWarmStart(active.captioner());
            }
            run.setWarmStart(warm);
            status.phase(RunStatus.Phase.TRAINING);
            long trainStart = System.nanoTime();
            try (Captioner candidate = trainer.build().train(train, validation)) {
                double trainingSeconds = (System.nanoTime() - trainStart) / 1e9;
                run.setTrainingSeconds(trainingSeconds)
                        .setEpochs(candidate.manifest().training().epochs());
                status.phase(RunStatus.Phase.EVALUATING);
                long evalStart = System.nanoTime();
                CaptionEvaluator evaluator = CaptionEvaluator.builder().optExamples(0).build();
                Map<String, Double> mine = scores(evaluator, candidate, validation);
                Map<String, Double> theirs =
                        active.captioner() == null
                                ? null
                                : scores(evaluator, active.captioner(), validation);
                run.setEvaluationSeconds((System.nanoTime() - evalStart) / 1e9)
                        .setCandidateMetrics(mine)
                        .setActiveMetrics(theirs);
                metrics.scores("candidate", mine);
                if (theirs != null) {
                    metrics.scores("active", theirs);
                }
                Gate.Verdict verdict = settings.gate().judge(mine, theirs, trigger.force());
                run.setDecision(verdict.decision()).setReason(verdict.reason()).setError(null);
                if (verdict.decision() != TrainingDecision.PUBLISHED) {
                    run.setFinishedTime(clock.instant());
                    TrainingRun rejected = run.build();
                    publisher.transact(
                            tx -> tx.send(topics.trainingRuns(), rejected.getRunId(), rejected));
                    return rejected;
                }
                status.phase(RunStatus.Phase.PUBLISHING);
                candidate.withMetrics(
                        manifestMetrics(
                                mine, train.size(), validation.size(), trainingSeconds, warm));
                candidate.save(candidateFile);
                ManifestInfo info =
                        CaptionerArtifacts.manifestInfo(candidateFile, active.version());
                run.setVersion(info.version()).setFinishedTime(clock.instant());
                TrainingRun published = run.build();
                String reason = "training run " + published.getRunId() + ": " + verdict.reason();
                publisher.transact(
                        tx -> {
                            PublishedVersion version = tx.publish(candidateFile, info);
                            tx.activate(version.modelName(), version.version(), reason);
                            tx.prune(version.modelName());
                            tx.send(topics.trainingRuns(), published.getRunId(), published);
                            return version;
                        });
                return published;
            }
        }
    }

    /**
     * Metrics for the manifest: the scores, plus data size, split, training time, warm start and
     * the numeric hyper-parameters, since the topic's manifest carries only a map of numbers.
     */
    private Map<String, Double> manifestMetrics(
            Map<String, Double> scores, int train, int validation, double seconds, boolean warm) {
        Map<String, Double> out = new LinkedHashMap<>(scores);
        HyperParameters hp = settings.hyperParameters();
        out.put("data.pairs_train", (double) train);
        out.put("data.pairs_validation", (double) validation);
        out.put("data.validation_fraction", settings.validationFraction());
        out.put("train.seconds", seconds);
        out.put("train.warm_start", warm ? 1.0 : 0.0);
        out.put("hp.embed_size", (double) hp.embedSize());
        out.put("hp.hidden_size", (double) hp.hiddenSize());
        out.put("hp.layers", (double) hp.layers());
        out.put("hp.epochs", (double) hp.epochs());
        out.put("hp.batch_size", (double) hp.batchSize());
        out.put("hp.learning_rate", hp.learningRate());
        out.put("hp.patience", (double) hp.patience());
        out.put("hp.seed", (double) hp.seed());
        return out;
    }

    private static Map<String, Double> scores(
            CaptionEvaluator evaluator, Captioner captioner, List<CaptionedImage> validation) {
        EvaluationReport report =
                evaluator.evaluate(captioner, DecodingOptions.greedy(), validation);
        return new LinkedHashMap<>(report.scores().asMap());
    }

    /**
     * Whether the trainer can continue from {@code active}: same encoder and sizes, and the
     * vocabulary the training captions give equals the active one (the trainer refuses otherwise).
     */
    static boolean warmStartFits(Captioner active, List<CaptionedImage> train, HyperParameters hp) {
        var a = active.architecture();
        if (!a.encoder().equals(hp.encoder())
                || !a.decoder().equals(hp.decoder())
                || a.embedSize() != hp.embedSize()
                || a.hiddenSize() != hp.hiddenSize()
                || a.layers() != hp.layers()) {
            LOG.info(
                    "cold start: the active version's architecture {} differs from the configured one",
                    a);
            return false;
        }
        List<List<String>> tokens = new ArrayList<>();
        for (CaptionedImage image : train) {
            for (String caption : image.captions()) {
                List<String> words = Tokenizer.tokenize(caption);
                tokens.add(
                        words.size() > TRAINER_MAX_CAPTION_WORDS
                                ? words.subList(0, TRAINER_MAX_CAPTION_WORDS)
                                : words);
            }
        }
        List<String> words = Vocabulary.build(tokens, 1).words();
        if (!words.equals(active.vocabulary().words())) {
            LOG.info(
                    "cold start: the training captions give a vocabulary of {} words, the active"
                            + " version has {}",
                    words.size(),
                    active.vocabulary().size());
            return false;
        }
        return true;
    }

    private ActiveModel loadActive() throws IOException {
        ModelTopicReader reader = activeReader.build();
        try (ModelCatalog catalog = reader.readToEnd()) {
            Optional<String> version = catalog.activeVersion(settings.modelName());
            if (version.isEmpty()) {
                LOG.info(
                        "no active version of {}: this run trains from scratch",
                        settings.modelName());
                return new ActiveModel(null, null, null);
            }
            Path file = settings.workDirectory().resolve("active-" + version.get() + ".zip");
            Optional<VerifiedArtifact> artifact;
            try {
                artifact = catalog.assemble(settings.modelName(), version.get(), file);
            } catch (io.captioner.modeltopic.ModelVerificationException e) {
                LOG.warn(
                        "active version {} cannot be assembled ({}); compared with nothing",
                        version.get(),
                        e.getMessage());
                return new ActiveModel(version.get(), null, null);
            }
            if (artifact.isEmpty()) {
                return new ActiveModel(version.get(), null, null);
            }
            try {
                return new ActiveModel(version.get(), Captioner.load(file), file);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(file);
                LOG.warn("active version {} cannot be loaded: {}", version.get(), e.getMessage());
                return new ActiveModel(version.get(), null, null);
            }
        }
    }

    private static Map<String, Long> offsets(Map<Integer, Long> offsets) {
        Map<String, Long> out = new TreeMap<>();
        offsets.forEach((p, o) -> out.put(Integer.toString(p), o));
        return out;
    }

    /** The version served when the run started, loaded when possible; closes and deletes it. */
    private record ActiveModel(String version, Captioner captioner, Path file)
            implements AutoCloseable {
        @Override
        public void close() throws IOException {
            if (captioner != null) {
                captioner.close();
            }
            if (file != null) {
                Files.deleteIfExists(file);
            }
        }
    }

    /** Feeds the trainer's progress to the status and the epoch timer. */
    private final class StatusListener implements TrainingListener {
        @Override
        public void onEpochStart(int epoch, int epochs, int batches) {
            status.epochStart(epoch, epochs, batches);
        }

        @Override
        public void onBatch(int epoch, int batch, int batches, double loss) {
            status.batch(batch, loss);
        }

        @Override
        public void onEpochEnd(int epoch, double trainLoss, double validationLoss) {
            metrics.epoch(status.epochEnd(trainLoss, validationLoss));
        }
    }
}
