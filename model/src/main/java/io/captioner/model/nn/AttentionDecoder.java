package io.captioner.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.recurrent.LSTM;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The attention decoder of Show, Attend and Tell (Xu et al. 2015) as a DJL block: at every step
 * soft (Bahdanau) attention over the projected encoder grid with the previous hidden state, the
 * context gated by {@code sigmoid(f_beta(h))}, the word embedding and the context as the LSTM's
 * input, and a Linear layer over the vocabulary; the LSTM state starts from Linear layers of the
 * grid's mean.
 *
 * <p>It is driven one step at a time by {@link CaptionNet}, which owns the word embedding; the
 * state is {@code (h, c, grid, gridAttention)}: the LSTM's states (layers, M, hidden), the
 * projected grid (M, cells, embed) and its attention projection (M, cells, hidden), computed once
 * per image.
 */
public final class AttentionDecoder extends AbstractBlock {

    private static final byte VERSION = 1;

    private final Architecture architecture;
    private final float dropout;
    private final Linear encoderAttention;
    private final Linear decoderAttention;
    private final Linear attentionScore;
    private final Linear initHidden;
    private final Linear initCell;
    private final Linear gate;
    private final LSTM lstm;
    private final Linear classifier;

    /** Creates the decoder for {@code architecture} with output dropout {@code dropout}. */
    public AttentionDecoder(Architecture architecture, float dropout) {
        super(VERSION);
        this.architecture = architecture;
        this.dropout = dropout;
        int hidden = architecture.hiddenSize();
        int layers = architecture.layers();
        // The attention space has the hidden size, as in the paper's implementation (512 = 512).
        this.encoderAttention = addChildBlock("encoderAttention", linear(hidden));
        this.decoderAttention = addChildBlock("decoderAttention", linear(hidden));
        this.attentionScore = addChildBlock("attentionScore", linear(1));
        this.initHidden = addChildBlock("initHidden", linear((long) layers * hidden));
        this.initCell = addChildBlock("initCell", linear((long) layers * hidden));
        this.gate = addChildBlock("gate", linear(architecture.embedSize()));
        this.lstm =
                addChildBlock(
                        "lstm",
                        LSTM.builder()
                                .setStateSize(hidden)
                                .setNumLayers(layers)
                                .optBatchFirst(true)
                                .optReturnState(true)
                                .build());
        this.classifier = addChildBlock("classifier", linear(architecture.vocabularySize()));
    }

    private static Linear linear(long units) {
        return Linear.builder().setUnits(units).build();
    }

    /**
     * Initial state for the projected grid (M, cells, embed): {@code (h, c, grid, gridAttention)}.
     */
    public NDList start(ParameterStore ps, NDArray grid, boolean training) {
        long rows = grid.getShape().get(0);
        NDArray mean = grid.mean(new int[] {1});
        NDArray h = layerMajor(initHidden.forward(ps, new NDList(mean), training).head(), rows);
        NDArray c = layerMajor(initCell.forward(ps, new NDList(mean), training).head(), rows);
        NDArray gridAttention = encoderAttention.forward(ps, new NDList(grid), training).head();
        return new NDList(h, c, grid, gridAttention);
    }

    private NDArray layerMajor(NDArray flat, long rows) {
        return flat.reshape(rows, architecture.layers(), architecture.hiddenSize())
                .transpose(1, 0, 2);
    }

    /**
     * One step: attends with the top layer's hidden state, feeds the word vectors (M, embed) and
     * the gated context to the LSTM; returns the logits (M, V), the attention weights (M, cells)
     * and the new {@code (h, c, grid, gridAttention)}.
     */
    public NDList step(ParameterStore ps, NDArray words, NDList state, boolean training) {
        NDArray h = state.get(0);
        NDArray c = state.get(1);
        NDArray grid = state.get(2);
        NDArray gridAttention = state.get(3);
        NDArray top = h.get(h.getShape().get(0) - 1);
        NDArray query = decoderAttention.forward(ps, new NDList(top), training).head();
        NDArray energy =
                attentionScore
                        .forward(
                                ps,
                                new NDList(Activation.relu(gridAttention.add(query.expandDims(1)))),
                                training)
                        .head()
                        .squeeze(2);
        NDArray alpha = energy.softmax(1);
        NDArray context = grid.mul(alpha.expandDims(2)).sum(new int[] {1});
        NDArray gateValue = Activation.sigmoid(gate.forward(ps, new NDList(top), training).head());
        NDArray input = words.concat(gateValue.mul(context), 1).expandDims(1);
        NDList out = lstm.forward(ps, new NDList(input, h, c), training);
        NDArray output = out.get(0).squeeze(1);
        if (training && dropout > 0f) {
            output = Dropout.dropout(output, dropout, true).head();
        }
        NDArray logits = classifier.forward(ps, new NDList(output), training).head();
        return new NDList(logits, alpha, out.get(1), out.get(2), grid, gridAttention);
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        throw new UnsupportedOperationException("driven step by step through CaptionNet");
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long rows = inputShapes[0].get(0);
        return new Shape[] {new Shape(rows, architecture.vocabularySize())};
    }

    /** Initializes for a grid (M, cells, embed); the word vectors have the embedding size. */
    @Override
    protected void initializeChildBlocks(
            NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape grid = inputShapes[0];
        long rows = grid.get(0);
        long embed = architecture.embedSize();
        long hidden = architecture.hiddenSize();
        encoderAttention.initialize(manager, dataType, grid);
        decoderAttention.initialize(manager, dataType, new Shape(rows, hidden));
        attentionScore.initialize(manager, dataType, new Shape(rows, grid.get(1), hidden));
        initHidden.initialize(manager, dataType, new Shape(rows, embed));
        initCell.initialize(manager, dataType, new Shape(rows, embed));
        gate.initialize(manager, dataType, new Shape(rows, hidden));
        lstm.initialize(manager, dataType, new Shape(rows, 1, 2 * embed));
        classifier.initialize(manager, dataType, new Shape(rows, hidden));
    }
}
