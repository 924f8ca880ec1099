package io.captioner.model.search;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Batched greedy decoding: every row takes its most likely token at each step until it emits {@code
 * <end>} or reaches the maximum length. Unlike the seed's {@code sample()}, which stops the whole
 * batch at the first row's {@code <end>}, rows finish independently.
 */
public final class GreedySearch {

    /**
     * Steps between the device path's checks whether every row has finished: each check waits for
     * the device, and a few extra steps of a finished batch cost less on a GPU than a wait per
     * step.
     */
    static final int DEVICE_CHECK_EVERY = 8;

    private GreedySearch() {}

    /**
     * Decodes every row of {@code encoded}; returns one hypothesis per row, in order. On a GPU the
     * tokens stay on the device until the end ({@link #searchOnDevice}); on a CPU reading each
     * step's tokens costs a copy, not a wait, and the host loop does fewer operations.
     */
    public static List<Hypothesis> search(StepModel model, NDArray encoded, SearchConfig config) {
        return encoded.getDevice().isGpu()
                ? searchOnDevice(model, encoded, config, DEVICE_CHECK_EVERY)
                : searchOnHost(model, encoded, config);
    }

    /** The host loop: each step's tokens are read back to decide which rows have finished. */
    static List<Hypothesis> searchOnHost(StepModel model, NDArray encoded, SearchConfig config) {
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

        return hypotheses(tokens, lengths, logProbabilities, finished);
    }

    /**
     * The same decoding with the tokens, the finished rows and the log-probabilities kept on the
     * device: the host reads whether every row has finished once every {@code checkEvery} steps,
     * and the tokens once at the end. Rows go on stepping after their end token until the batch
     * stops; what they emit after it is not part of their caption and adds nothing to their score.
     */
    static List<Hypothesis> searchOnDevice(
            StepModel model, NDArray encoded, SearchConfig config, int checkEvery) {
        if (checkEvery < 1) {
            throw new IllegalArgumentException("checkEvery must be >= 1, was " + checkEvery);
        }
        int rows = Math.toIntExact(encoded.getShape().get(0));
        NDArray ban = SearchSupport.banRow(encoded.getManager(), model.vocabularySize(), config);
        NDArray finished = encoded.getManager().zeros(new Shape(rows), DataType.BOOLEAN);
        NDArray scores = encoded.getManager().zeros(new Shape(rows), DataType.FLOAT64);
        NDArray zero = encoded.getManager().zeros(new Shape(rows), DataType.FLOAT64);
        NDList steps = new NDList();

        NDList out = model.start(encoded);
        for (int step = 0; step < config.maxLength(); step++) {
            NDArray logProbs = out.get(0).add(ban);
            NDArray best = logProbs.argMax(1);
            NDArray bestLogProbs =
                    logProbs.gather(best.expandDims(1), 1)
                            .squeeze(1)
                            .toType(DataType.FLOAT64, false);
            scores = scores.add(NDArrays.where(finished, zero, bestLogProbs));
            finished = finished.logicalOr(best.eq(config.endToken()));
            steps.add(best);
            if (step == config.maxLength() - 1
                    || (step + 1) % checkEvery == 0 && finished.all().getBoolean()) {
                break;
            }
            out = model.next(best, out.subNDList(1));
        }

        int taken = steps.size();
        long[] ids = NDArrays.stack(steps, 1).toLongArray();
        double[] sums = scores.toDoubleArray();
        int[][] tokens = new int[rows][];
        int[] lengths = new int[rows];
        boolean[] ended = new boolean[rows];
        for (int r = 0; r < rows; r++) {
            tokens[r] = new int[taken];
            while (lengths[r] < taken && !ended[r]) {
                int id = (int) ids[r * taken + lengths[r]];
                tokens[r][lengths[r]++] = id;
                ended[r] = id == config.endToken();
            }
        }
        return hypotheses(tokens, lengths, sums, ended);
    }

    private static List<Hypothesis> hypotheses(
            int[][] tokens, int[] lengths, double[] logProbabilities, boolean[] finished) {
        List<Hypothesis> result = new ArrayList<>(tokens.length);
        for (int r = 0; r < tokens.length; r++) {
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
