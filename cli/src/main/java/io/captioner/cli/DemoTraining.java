package io.captioner.cli;

import io.captioner.model.Captioner;
import io.captioner.model.DecodingOptions;
import io.captioner.model.data.CaptionedImage;
import io.captioner.model.data.SyntheticDataset;
import io.captioner.model.eval.CaptionEvaluator;
import io.captioner.model.eval.EvaluationReport;
import io.captioner.model.metrics.MetricScores;
import io.captioner.model.train.CaptionTrainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Trains the demo's model versions on the synthetic dataset, evaluates each on one fixed validation
 * set, and keeps them under the demo's data dir keyed by their settings, so a second run reuses
 * them and changed settings retrain instead of being ignored.
 */
final class DemoTraining {

    /** The synthetic seed of the training images. */
    static final long TRAIN_SEED = 1;

    /** The synthetic seed of the validation images (never served, never trained on). */
    static final long VALIDATION_SEED = 3;

    /** The name the demo publishes under: the name `./captioner streams` serves by default. */
    static final String MODEL_NAME = "captioner";

    private static final int VALIDATION_IMAGES = 100;

    /**
     * A trained version.
     *
     * @param file its artifact
     * @param training how it was trained, in words
     * @param validation its scores on the validation set
     * @param seconds training wall time in this run (0 when reused)
     */
    record Trained(Path file, String training, MetricScores validation, double seconds) {}

    private final Path modelsDir;
    private final boolean retrain;
    private final PrintWriter err;
    private List<CaptionedImage> validation;

    DemoTraining(Path modelsDir, boolean retrain, PrintWriter err) {
        this.modelsDir = modelsDir;
        this.retrain = retrain;
        this.err = err;
    }

    /**
     * Trains (or reuses) a version on the first {@code images} synthetic training images for {@code
     * epochs}, warm started from {@code parent} when given and compatible, else from scratch.
     */
    Trained train(String label, int images, int epochs, Trained parent) throws IOException {
        Files.createDirectories(modelsDir);
        String key =
                String.format(
                        Locale.ROOT,
                        "tiny-cnn-%s-%dimages-%depochs%s.captioner",
                        label,
                        images,
                        epochs,
                        parent == null ? "" : "-from-" + parent.file().getFileName());
        Path file = modelsDir.resolve(key.replace(".captioner.captioner", ".captioner"));
        if (Files.exists(file) && !retrain) {
            err.printf("model %s: reusing %s (--retrain trains it again)%n", label, file);
            try (Captioner reused = Captioner.load(file)) {
                return new Trained(
                        file, description(images, epochs, parent != null), validate(reused), 0);
            }
        }
        SyntheticDataset data =
                SyntheticDataset.builder().setSeed(TRAIN_SEED).setImages(images).build();
        List<CaptionedImage> all = data.generate();
        int held = Math.max(2, all.size() / 10);
        long started = System.nanoTime();
        Captioner warm = parent == null ? null : Captioner.load(parent.file());
        try {
            Captioner trained;
            try {
                trained =
                        trainer(label, images, epochs, warm)
                                .train(all.subList(held, all.size()), all.subList(0, held));
            } catch (IllegalArgumentException incompatible) {
                if (warm == null) {
                    throw incompatible;
                }
                err.printf(
                        "model %s: cannot warm start (%s); training from scratch%n",
                        label, incompatible.getMessage());
                warm.close();
                warm = null;
                trained =
                        trainer(label, images, epochs, null)
                                .train(all.subList(held, all.size()), all.subList(0, held));
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            boolean warmStarted = warm != null;
            try (Captioner model = trained) {
                MetricScores scores = validate(model);
                model.withMetrics(scores.asMap()).save(file);
                return new Trained(file, description(images, epochs, warmStarted), scores, seconds);
            }
        } finally {
            if (warm != null) {
                warm.close();
            }
        }
    }

    private CaptionTrainer trainer(String label, int images, int epochs, Captioner warm) {
        err.printf(
                "model %s: training tiny-cnn on %d synthetic images for %d epochs, %s%n",
                label,
                images,
                epochs,
                warm == null ? "from scratch" : "warm from the served version");
        CaptionTrainer.Builder b =
                CaptionTrainer.builder()
                        .setEncoder("tiny-cnn")
                        .optEpochs(epochs)
                        .optModelName(MODEL_NAME)
                        .optListener(new TrainCommand.ProgressBar(err));
        if (warm != null) {
            b.optWarmStart(warm);
        }
        return b.build();
    }

    /** Scores {@code model} greedily on the fixed validation set. */
    MetricScores validate(Captioner model) {
        if (validation == null) {
            validation =
                    new ArrayList<>(
                            SyntheticDataset.builder()
                                    .setSeed(VALIDATION_SEED)
                                    .setImages(VALIDATION_IMAGES)
                                    .build()
                                    .generate());
        }
        EvaluationReport report =
                CaptionEvaluator.builder()
                        .build()
                        .evaluate(model, DecodingOptions.greedy(), validation);
        return report.scores();
    }

    private static String description(int images, int epochs, boolean warmStarted) {
        return String.format(
                Locale.ROOT,
                "%d images, %d epochs, %s",
                images,
                epochs,
                warmStarted ? "warm start" : "cold start");
    }
}
