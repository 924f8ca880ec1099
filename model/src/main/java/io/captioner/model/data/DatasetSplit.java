package io.captioner.model.data;

import java.util.Locale;
import java.util.Optional;

/**
 * The split a dataset assigns an image to, so training, validation and evaluation can honour a
 * published split (Karpathy's) instead of drawing their own.
 */
public enum DatasetSplit {
    /** Images to train on. */
    TRAIN,
    /** Images for model selection (early stopping, the training service's gate). */
    VALIDATION,
    /** Held-out images for the reported scores. */
    TEST;

    /**
     * The split of a Karpathy split file's {@code split} value: {@code train} and {@code restval}
     * are training images, {@code val} validation and {@code test} test; anything else is empty.
     */
    public static Optional<DatasetSplit> ofKarpathy(String value) {
        if (value == null) {
            return Optional.empty();
        }
        switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "train":
            case "restval":
                return Optional.of(TRAIN);
            case "val":
            case "validation":
                return Optional.of(VALIDATION);
            case "test":
                return Optional.of(TEST);
            default:
                return Optional.empty();
        }
    }

    /**
     * Parses a split name as users type it: {@code train}, {@code validation} (or {@code val}),
     * {@code test}, in any case.
     *
     * @throws IllegalArgumentException for any other name
     */
    public static DatasetSplit parse(String name) {
        return ofKarpathy(name)
                .filter(split -> !name.strip().equalsIgnoreCase("restval"))
                .orElseThrow(
                        () ->
                                new IllegalArgumentException(
                                        "unknown split '"
                                                + name
                                                + "': expected train, validation or test"));
    }

    /** The lower-case name users type. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
