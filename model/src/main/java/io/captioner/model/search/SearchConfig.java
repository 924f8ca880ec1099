package io.captioner.model.search;

/**
 * Token ids and limits shared by the search strategies.
 *
 * @param endToken id that finishes a sequence
 * @param bannedTokens ids never generated (padding and the start token)
 * @param maxLength maximum number of generated tokens, {@code <end>} included
 */
public record SearchConfig(int endToken, int[] bannedTokens, int maxLength) {

    /** Validates and copies. */
    public SearchConfig {
        if (maxLength < 1) {
            throw new IllegalArgumentException("maxLength must be >= 1, was " + maxLength);
        }
        bannedTokens = bannedTokens.clone();
    }

    /** {@inheritDoc} */
    @Override
    public int[] bannedTokens() {
        return bannedTokens.clone();
    }
}
