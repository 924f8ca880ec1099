package io.captioner.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.captioner.model.search.StepModel;

/**
 * Adapts {@link CaptionNet} to the search strategies: {@link #start} reads the projected image
 * feature and the start token, each {@link #next} one more token; the state is the LSTM's {@code
 * (h, c)}, whose batch axis is 1, followed for the attention decoder by the image's grid and its
 * attention projection, whose batch axis is 0.
 */
public final class CaptionStepModel implements StepModel {

    private final CaptionNet net;
    private final ParameterStore parameterStore;
    private final int startToken;

    /** Wraps a network for inference with its start-token id. */
    public CaptionStepModel(CaptionNet net, ParameterStore parameterStore, int startToken) {
        this.net = net;
        this.parameterStore = parameterStore;
        this.startToken = startToken;
    }

    /** {@inheritDoc} */
    @Override
    public int vocabularySize() {
        return net.architecture().vocabularySize();
    }

    /** {@inheritDoc} */
    @Override
    public NDList start(NDArray encoded) {
        NDList state = net.startDecoding(parameterStore, encoded);
        long rows = encoded.getShape().get(0);
        NDArray start =
                encoded.getManager()
                        .full(new ai.djl.ndarray.types.Shape(rows), startToken)
                        .toType(DataType.INT64, false);
        return net.decodeStep(parameterStore, start, state);
    }

    /** {@inheritDoc} */
    @Override
    public NDList next(NDArray tokens, NDList state) {
        return net.decodeStep(parameterStore, tokens, state);
    }

    /** {@inheritDoc} */
    @Override
    public NDList selectRows(NDList state, NDArray rows) {
        NDList selected = new NDList(state.size());
        long k = rows.getShape().get(0);
        for (int i = 0; i < state.size(); i++) {
            NDArray array = state.get(i);
            // (h, c) are (layers, M, hidden); the attention grids are (M, cells, size).
            int axis = i < 2 ? 1 : 0;
            long[] dims = array.getShape().getShape().clone();
            long[] indexShape = new long[dims.length];
            java.util.Arrays.fill(indexShape, 1);
            indexShape[axis] = k;
            dims[axis] = k;
            NDArray index = rows.reshape(indexShape).broadcast(new Shape(dims));
            selected.add(array.gather(index, axis));
        }
        return selected;
    }
}
