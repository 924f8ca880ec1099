package io.captioner.model.search;

import java.util.Arrays;

/**
 * One decoded token sequence with its total log-probability; {@code finished} is true when the last
 * token is {@code <end>}, false when decoding stopped at the maximum length.
 *
 * @param tokens generated token ids, including the final {@code <end>} when finished
 * @param logProbability sum of the tokens' log-probabilities under the model
 * @param score ranking score: log-probability divided by {@code length^alpha}
 * @param finished whether the sequence ended with {@code <end>}
 */
public record Hypothesis(int[] tokens, double logProbability, double score, boolean finished) {

    /** Defensive copy of the tokens. */
    public Hypothesis {
        tokens = tokens.clone();
    }

    /** Tokens without the trailing {@code <end>}. */
    public int[] words() {
        return finished ? Arrays.copyOf(tokens, tokens.length - 1) : tokens.clone();
    }

    /** {@inheritDoc} */
    @Override
    public int[] tokens() {
        return tokens.clone();
    }

    /** {@inheritDoc} */
    @Override
    public boolean equals(Object o) {
        return o instanceof Hypothesis h
                && Arrays.equals(tokens, h.tokens)
                && Double.compare(logProbability, h.logProbability) == 0
                && Double.compare(score, h.score) == 0
                && finished == h.finished;
    }

    /** {@inheritDoc} */
    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(tokens) + Double.hashCode(logProbability);
    }

    /** {@inheritDoc} */
    @Override
    public String toString() {
        return "Hypothesis" + Arrays.toString(tokens) + " logP=" + logProbability;
    }
}
