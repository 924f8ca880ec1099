package io.captioner.model.search;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/**
 * A decoder seen one token at a time, which is all the search strategies need; the captioning
 * network implements it, and tests implement it with log-probabilities they control.
 *
 * <p>Rows are independent hypotheses; the search may duplicate, drop or reorder rows with {@link
 * #selectRows}. All arrays returned must belong to the manager of the arrays passed in, so a search
 * run inside a sub-manager releases everything when that closes.
 */
public interface StepModel {

    /** Number of token ids the model scores. */
    int vocabularySize();

    /**
     * Starts decoding from the encoded inputs (one row each) and returns the log-probabilities (N,
     * V) of the first caption token followed by the decoder state arrays.
     */
    NDList start(NDArray encoded);

    /**
     * Feeds one token per row (M, int64) with the state from the previous call; returns the next
     * log-probabilities (M, V) followed by the new state arrays.
     */
    NDList next(NDArray tokens, NDList state);

    /** State rows picked by {@code rows} (K, int64), possibly repeating rows, in that order. */
    NDList selectRows(NDList state, NDArray rows);
}
