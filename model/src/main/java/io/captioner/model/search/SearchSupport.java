package io.captioner.model.search;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Arrays;

/** Small helpers shared by the search strategies. */
final class SearchSupport {

    private SearchSupport() {}

    /** Row (1, V) adding minus infinity to banned tokens and zero elsewhere. */
    static NDArray banRow(NDManager manager, int vocabularySize, SearchConfig config) {
        float[] row = new float[vocabularySize];
        for (int banned : config.bannedTokens()) {
            if (banned >= 0 && banned < vocabularySize) {
                row[banned] = Float.NEGATIVE_INFINITY;
            }
        }
        return manager.create(row).reshape(1, vocabularySize);
    }

    /** Row (1, V) that lets a finished hypothesis only repeat {@code token} at no cost. */
    static NDArray onlyTokenRow(NDManager manager, int vocabularySize, int token) {
        float[] row = new float[vocabularySize];
        Arrays.fill(row, Float.NEGATIVE_INFINITY);
        row[token] = 0f;
        return manager.create(row).reshape(1, vocabularySize);
    }

    /** Rows of a 2-D array picked by {@code rows} (K), in order. */
    static NDArray takeRows(NDArray matrix, NDArray rows) {
        long columns = matrix.getShape().get(1);
        long k = rows.getShape().get(0);
        return matrix.gather(rows.reshape(k, 1).broadcast(k, columns), 0);
    }

    /** GNMT-style length penalty: log-probability divided by {@code length^alpha}. */
    static double normalize(double logProbability, int length, double alpha) {
        if (alpha == 0.0) {
            return logProbability;
        }
        return logProbability / Math.pow(Math.max(1, length), alpha);
    }
}
