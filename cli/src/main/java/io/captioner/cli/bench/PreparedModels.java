package io.captioner.cli.bench;

import io.captioner.model.Captioner;
import io.captioner.model.data.CaptionedImage;
import io.captioner.model.data.SyntheticDataset;
import io.captioner.model.nn.EncoderType;
import io.captioner.model.train.CaptionTrainer;
import io.captioner.model.train.TrainingListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The model the bench times when it is given none: the seed's sizes (embed 256, hidden 512, one
 * LSTM layer) trained briefly on synthetic images, so that its captions end where real ones do.
 *
 * <p>Why trained and not random: decoding runs until every caption of a batch has emitted its end
 * token, and an untrained decoder almost never does, so it would run to the maximum caption length
 * (30 tokens by default) every time, about three times the steps of a real caption. Twenty epochs
 * on 72 images give captions of realistic length (9.6 words on average against 9.5 in the
 * references); their quality is irrelevant to the timing. ResNet encoders keep random frozen
 * weights (none can be downloaded here); their arithmetic, and so their timing, is the same as with
 * pretrained ones. Preparation is not timed, and the model is kept under the data directory and
 * reused.
 */
public final class PreparedModels {

    /** Bumped whenever the recipe changes, so an older prepared model is not reused. */
    static final int RECIPE = 1;

    private static final int TRAIN_IMAGES = 72;
    private static final int VALIDATION_IMAGES = 8;
    private static final int EPOCHS = 20;
    private static final long DATA_SEED = 1;

    private PreparedModels() {}

    /** Where the prepared model of {@code encoder} is kept under {@code dataDir}. */
    public static Path file(Path dataDir, EncoderType encoder) {
        return dataDir.resolve("models").resolve(encoder.id() + "-r" + RECIPE + ".captioner");
    }

    /**
     * Returns the prepared model of {@code encoder}, training it first when it is missing or {@code
     * retrain} is set; {@code progress} gets one line per few epochs.
     */
    public static Path prepare(
            Path dataDir, EncoderType encoder, boolean retrain, Consumer<String> progress)
            throws IOException {
        Path file = file(dataDir, encoder);
        if (Files.isRegularFile(file) && !retrain) {
            progress.accept("model: reusing " + file + " (--retrain to prepare it again)");
            return file;
        }
        Files.createDirectories(file.getParent());
        progress.accept(
                String.format(
                        Locale.ROOT,
                        "model: training %s for %d epochs on %d synthetic images so captions have"
                                + " realistic lengths (once; kept in %s)%s",
                        encoder.id(),
                        EPOCHS,
                        TRAIN_IMAGES,
                        file,
                        encoder.trainable() ? "" : "; frozen backbone with random weights"));
        List<CaptionedImage> all =
                SyntheticDataset.builder()
                        .setSeed(DATA_SEED)
                        .setImages(TRAIN_IMAGES + VALIDATION_IMAGES)
                        .build()
                        .generate();
        CaptionTrainer trainer =
                CaptionTrainer.builder()
                        .setEncoder(encoder)
                        .optEpochs(EPOCHS)
                        .optSeed(DATA_SEED)
                        .optModelName("captioner-bench")
                        .optAllowRandomEncoderWeights(!encoder.trainable())
                        .optListener(
                                new TrainingListener() {
                                    @Override
                                    public void onEpochEnd(
                                            int epoch, double trainLoss, double validationLoss) {
                                        if (epoch % 5 == 0) {
                                            progress.accept(
                                                    String.format(
                                                            Locale.ROOT,
                                                            "model: epoch %d/%d, validation loss"
                                                                    + " %.3f",
                                                            epoch,
                                                            EPOCHS,
                                                            validationLoss));
                                        }
                                    }
                                })
                        .build();
        // Captioner.save writes a temporary file and renames it: no half-written model is reused.
        try (Captioner trained =
                trainer.train(
                        all.subList(VALIDATION_IMAGES, all.size()),
                        all.subList(0, VALIDATION_IMAGES))) {
            trained.save(file);
        }
        progress.accept("model: saved " + file);
        return file;
    }
}
