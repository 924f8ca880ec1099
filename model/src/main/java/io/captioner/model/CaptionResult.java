package io.captioner.model;

import java.util.List;

/**
 * A generated caption.
 *
 * @param text the words joined by single spaces
 * @param tokens the generated words, without special tokens
 * @param logProbability natural-log probability of the token sequence (including {@code <end>} when
 *     generated) under the model
 * @param alternatives runner-up captions from beam search, best first; empty for greedy
 */
public record CaptionResult(
        String text, List<String> tokens, double logProbability, List<CaptionResult> alternatives) {

    /** Copies the lists. */
    public CaptionResult {
        tokens = List.copyOf(tokens);
        alternatives = List.copyOf(alternatives);
    }
}
