package io.captioner.training.data;

import io.captioner.events.SplitHint;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Assigns an image to a split by its id alone, so it never moves between runs: a pair's split hint
 * wins (TEST images are held out of both splits); otherwise the first 8 bytes of the SHA-256 of the
 * id, as a fraction of 2^64, below {@code validationFraction} put it in validation.
 */
public final class DatasetSplit {

    /** Which part of a run an image belongs to. */
    public enum Part {
        /** Trained on. */
        TRAIN,
        /** Evaluated on, candidate and active version alike. */
        VALIDATION,
        /** Held out of every run (split hint TEST). */
        HELD_OUT
    }

    private final double validationFraction;

    /** A split with the given validation fraction in [0, 1). */
    public DatasetSplit(double validationFraction) {
        if (!(validationFraction >= 0 && validationFraction < 1)) {
            throw new IllegalArgumentException(
                    "validation fraction must be in [0, 1), was " + validationFraction);
        }
        this.validationFraction = validationFraction;
    }

    /** The part of {@code imageId} given its split hint (may be null). */
    public Part part(String imageId, SplitHint hint) {
        if (hint == SplitHint.TEST) {
            return Part.HELD_OUT;
        }
        if (hint == SplitHint.VALIDATION) {
            return Part.VALIDATION;
        }
        if (hint == SplitHint.TRAIN) {
            return Part.TRAIN;
        }
        return hashFraction(imageId) < validationFraction ? Part.VALIDATION : Part.TRAIN;
    }

    /** The id's hash as a number in [0, 1). */
    static double hashFraction(String imageId) {
        byte[] digest;
        try {
            digest =
                    MessageDigest.getInstance("SHA-256")
                            .digest(imageId.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
        long bits = 0;
        for (int i = 0; i < 8; i++) {
            bits = (bits << 8) | (digest[i] & 0xff);
        }
        // Top 53 bits as an exact double fraction.
        return (bits >>> 11) / (double) (1L << 53);
    }
}
