package io.captioner.model.search;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;

/**
 * A step model whose next-token probabilities depend only on the previous token, read from a table
 * the test controls; its state is the previous token of every row.
 */
final class TableStepModel implements StepModel {

    static final int START = 1;

    private final double[][] probabilities;

    /** {@code probabilities[previous][next]}; rows for every token that can be previous. */
    TableStepModel(double[][] probabilities) {
        this.probabilities = probabilities;
    }

    @Override
    public int vocabularySize() {
        return probabilities[0].length;
    }

    @Override
    public NDList start(NDArray encoded) {
        long rows = encoded.getShape().get(0);
        long[] previous = new long[(int) rows];
        java.util.Arrays.fill(previous, START);
        return next(encoded.getManager().create(previous), new NDList());
    }

    @Override
    public NDList next(NDArray tokens, NDList state) {
        long[] previous = tokens.toLongArray();
        int v = vocabularySize();
        float[] logProbs = new float[previous.length * v];
        for (int r = 0; r < previous.length; r++) {
            for (int t = 0; t < v; t++) {
                logProbs[r * v + t] = (float) Math.log(probabilities[(int) previous[r]][t]);
            }
        }
        NDArray out = tokens.getManager().create(logProbs, new Shape(previous.length, v));
        return new NDList(out, tokens.duplicate());
    }

    @Override
    public NDList selectRows(NDList state, NDArray rows) {
        NDList selected = new NDList();
        for (NDArray array : state) {
            long[] values = array.toLongArray();
            long[] picked = new long[(int) rows.getShape().get(0)];
            long[] index = rows.toLongArray();
            for (int i = 0; i < picked.length; i++) {
                picked[i] = values[(int) index[i]];
            }
            selected.add(array.getManager().create(picked));
        }
        return selected;
    }
}
