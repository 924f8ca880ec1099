package io.captioner.model;

/**
 * How captions are decoded.
 *
 * @param beamSize hypotheses kept per image; 1 is greedy decoding
 * @param maxLength maximum number of generated tokens, {@code <end>} included
 * @param lengthNormalizationAlpha beam ranking divides the log-probability by {@code length^alpha};
 *     0 ranks by raw log-probability (favouring short captions)
 * @param alternatives how many runner-up captions to return besides the best one, at most {@code
 *     beamSize - 1}
 */
public record DecodingOptions(
        int beamSize, int maxLength, double lengthNormalizationAlpha, int alternatives) {

    /** Default maximum caption length in tokens. */
    public static final int DEFAULT_MAX_LENGTH = 30;

    /** Validates the options. */
    public DecodingOptions {
        if (beamSize < 1) {
            throw new IllegalArgumentException("beamSize must be >= 1, was " + beamSize);
        }
        if (maxLength < 1) {
            throw new IllegalArgumentException("maxLength must be >= 1, was " + maxLength);
        }
        if (lengthNormalizationAlpha < 0 || Double.isNaN(lengthNormalizationAlpha)) {
            throw new IllegalArgumentException(
                    "lengthNormalizationAlpha must be >= 0, was " + lengthNormalizationAlpha);
        }
        if (alternatives < 0 || alternatives > beamSize - 1) {
            throw new IllegalArgumentException(
                    "alternatives must be in [0, beamSize - 1] = [0, "
                            + (beamSize - 1)
                            + "], was "
                            + alternatives);
        }
    }

    /** Greedy decoding (the seed's strategy) up to {@link #DEFAULT_MAX_LENGTH} tokens. */
    public static DecodingOptions greedy() {
        return new DecodingOptions(1, DEFAULT_MAX_LENGTH, 0.0, 0);
    }

    /** Beam search of width {@code k} with length normalization 0.7 and no alternatives. */
    public static DecodingOptions beam(int k) {
        return new DecodingOptions(k, DEFAULT_MAX_LENGTH, 0.7, 0);
    }

    /** Same options with another maximum length. */
    public DecodingOptions withMaxLength(int newMaxLength) {
        return new DecodingOptions(beamSize, newMaxLength, lengthNormalizationAlpha, alternatives);
    }

    /** Same options with another length-normalization exponent. */
    public DecodingOptions withAlpha(double alpha) {
        return new DecodingOptions(beamSize, maxLength, alpha, alternatives);
    }

    /** Same options returning {@code count} runner-up captions. */
    public DecodingOptions withAlternatives(int count) {
        return new DecodingOptions(beamSize, maxLength, lengthNormalizationAlpha, count);
    }
}
