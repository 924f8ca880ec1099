package io.captioner.model.train;

import ai.djl.training.tracker.Tracker;

/**
 * Learning rate that the epoch loop lowers when the validation loss stops improving; Adam reads it
 * on every update.
 */
final class PlateauTracker implements Tracker {
    private volatile float value;

    PlateauTracker(float initial) {
        this.value = initial;
    }

    void scale(float factor) {
        value *= factor;
    }

    float value() {
        return value;
    }

    @Override
    public float getNewValue(int numUpdate) {
        return value;
    }
}
