package io.captioner.model.search;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Batched greedy decoding: every row takes its most likely token at each step until it emits {@code
 * <end>} or reaches the maximum length. Unlike the seed's {@code sample()}, which stops the whole
 * batch at the first row's {@code <end>}, rows finish independently.
 */
public final class GreedySearch {

    private GreedySearch() {}

    /** Decodes every row of {@code encoded}; returns one hypothesis per row, in order. */
    public static List<Hypothesis> search(StepModel model, NDArray encoded, SearchConfig config) {
        int rows = Math.toIntExact(encoded.getShape().get(0));
        int vocabularySize = model.vocabularySize();
        NDArray ban = SearchSupport.banRow(encoded.getManager(), vocabularySize, config);
        int[][] tokens = new int[rows][config.maxLength()];
        int[] lengths = new int[rows];
        double[] logProbabilities = new double[rows];
        boolean[] finished = new boolean[rows];

        NDList out = model.start(encoded);
        for (int step = 0; step < config.maxLength(); step++) {
            NDArray logProbs = out.get(0).add(ban);
            NDArray best = logProbs.argMax(1);
            NDArray bestLogProbs = logProbs.gather(best.expandDims(1), 1);
            long[] ids = best.toLongArray();
            float[] values = bestLogProbs.toFloatArray();
            boolean allFinished = true;
            for (int r = 0; r < rows; r++) {
                if (!finished[r]) {
                    tokens[r][lengths[r]++] = (int) ids[r];
                    logProbabilities[r] += values[r];
                    finished[r] = ids[r] == config.endToken();
                }
                allFinished &= finished[r];
            }
            if (allFinished || step == config.maxLength() - 1) {
                break;
            }
            out = model.next(best, out.subNDList(1));
        }

        List<Hypothesis> result = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            result.add(
                    new Hypothesis(
                            Arrays.copyOf(tokens[r], lengths[r]),
                            logProbabilities[r],
                            logProbabilities[r],
                            finished[r]));
        }
        return result;
    }
}
