package io.captioner.training.config;

import io.captioner.model.train.CaptionTrainer;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The trainer settings of a run, recorded in its {@code TrainingRun} and in the manifest of a
 * published version.
 *
 * @param encoder encoder id of models trained from scratch
 * @param decoder decoder id ({@code lstm} or {@code attention}) of models trained from scratch
 * @param embedSize word embedding size
 * @param hiddenSize LSTM hidden size
 * @param layers stacked LSTM layers
 * @param epochs maximum epochs
 * @param batchSize images per batch
 * @param learningRate Adam learning rate
 * @param patience epochs without validation improvement before stopping
 * @param seed initialization and shuffling seed
 */
public record HyperParameters(
        String encoder,
        String decoder,
        int embedSize,
        int hiddenSize,
        int layers,
        int epochs,
        int batchSize,
        double learningRate,
        int patience,
        long seed) {

    /**
     * The defaults of {@link CaptionTrainer.Builder} (it exposes no getters, so they are repeated
     * here; keep them in step).
     */
    public static HyperParameters defaults() {
        return new HyperParameters(
                "tiny-cnn",
                "lstm",
                256,
                512,
                1,
                30,
                16,
                1e-3,
                CaptionTrainer.DEFAULT_PATIENCE,
                42L);
    }

    /** A trainer builder with these settings. */
    public CaptionTrainer.Builder toTrainer() {
        return CaptionTrainer.builder()
                .setEncoder(encoder)
                .optDecoder(decoder)
                .optEmbedSize(embedSize)
                .optHiddenSize(hiddenSize)
                .optLayers(layers)
                .optEpochs(epochs)
                .optBatchSize(batchSize)
                .optLearningRate(learningRate)
                .optPatience(patience)
                .optSeed(seed);
    }

    /** The settings as text by name, in declaration order. */
    public Map<String, String> asMap() {
        Map<String, String> map = new LinkedHashMap<>();
        map.put("encoder", encoder);
        map.put("decoder", decoder);
        map.put("embed_size", Integer.toString(embedSize));
        map.put("hidden_size", Integer.toString(hiddenSize));
        map.put("layers", Integer.toString(layers));
        map.put("epochs", Integer.toString(epochs));
        map.put("batch_size", Integer.toString(batchSize));
        map.put("learning_rate", String.format(Locale.ROOT, "%s", learningRate));
        map.put("patience", Integer.toString(patience));
        map.put("seed", Long.toString(seed));
        return map;
    }
}
