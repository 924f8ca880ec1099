package io.captioner.model.train;

/**
 * Progress callbacks from {@link CaptionTrainer}, called on the training thread; epochs and batches
 * are 1-based.
 */
public interface TrainingListener {

    /** An epoch of {@code batches} batches is starting. */
    default void onEpochStart(int epoch, int epochs, int batches) {}

    /** A batch finished with the given mean per-token training loss. */
    default void onBatch(int epoch, int batch, int batches, double loss) {}

    /**
     * An epoch finished; {@code validationLoss} is NaN when there is no validation set.
     *
     * @param epoch the finished epoch
     * @param trainLoss mean per-token training loss over the epoch
     * @param validationLoss mean per-token validation loss after the epoch
     */
    default void onEpochEnd(int epoch, double trainLoss, double validationLoss) {}
}
