package io.captioner.model.artifact;

/**
 * How a model was trained, recorded in its manifest so a model can be compared with others.
 *
 * @param epochs epochs run (early stopping may end before the configured number)
 * @param bestEpoch 1-based epoch whose weights were kept (lowest validation loss)
 * @param trainLoss mean per-token training cross-entropy of the kept epoch
 * @param validationLoss mean per-token validation cross-entropy of the kept epoch (NaN when no
 *     validation set was given)
 * @param trainImages images in the training set
 * @param trainPairs (image, caption) pairs in the training set
 * @param validationImages images in the validation set
 * @param batchSize images per batch (with all their captions)
 * @param learningRate Adam learning rate
 * @param seed random seed of initialization and shuffling
 * @param seconds wall-clock training time
 */
public record TrainingSummary(
        int epochs,
        int bestEpoch,
        double trainLoss,
        double validationLoss,
        int trainImages,
        int trainPairs,
        int validationImages,
        int batchSize,
        double learningRate,
        long seed,
        double seconds) {}
