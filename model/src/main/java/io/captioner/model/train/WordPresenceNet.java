package io.captioner.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.captioner.model.nn.CaptionNet;

/**
 * Training-time wrapper around a {@link CaptionNet} that adds a word-presence head: a Linear layer
 * from the projected image feature to one logit per vocabulary word, trained to predict which words
 * occur in any of the image's captions (multi-label, as in the visual-concept detectors of Fang et
 * al., "From captions to visual concepts and back", 2015).
 *
 * <p>Why: the captioning loss reaches the encoder only through the LSTM's first step, and the one
 * word that names a shape is a small part of it, so a CNN trained from scratch learns colours and
 * sizes but hardly any shapes in the epochs a CPU can afford. The head gives every content word a
 * direct gradient into the encoder. It is not part of the captioner: only the wrapped network's
 * parameters are saved, so artifacts and inference are unchanged.
 */
final class WordPresenceNet extends AbstractBlock {

    private static final byte VERSION = 1;

    private final CaptionNet net;
    private final Linear head;

    WordPresenceNet(CaptionNet net) {
        super(VERSION);
        this.net = addChildBlock("net", net);
        this.head =
                addChildBlock(
                        "wordPresence",
                        Linear.builder().setUnits(net.architecture().vocabularySize()).build());
    }

    /**
     * Returns the teacher-forced logits (N, L, V) and the word-presence logits (B, V), then the
     * attention decoder's weights if it has them.
     */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray first = inputs.get(0);
        NDArray features =
                first.getShape().dimension() == 2
                        ? first
                        : net.backboneFeatures(ps, first, training);
        NDArray projected = net.project(ps, features, training);
        NDList decoded = net.teacherForced(ps, projected, inputs.get(1), inputs.get(2), training);
        NDArray words = head.forward(ps, new NDList(net.pooled(projected)), training).head();
        NDList out = new NDList(decoded.head(), words);
        // The attention weights, when the decoder has them, stay last for the regulariser.
        out.addAll(decoded.subNDList(1));
        return out;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape[] decoded = net.getOutputShapes(inputShapes);
        Shape words = new Shape(inputShapes[0].get(0), net.architecture().vocabularySize());
        return decoded.length == 1
                ? new Shape[] {decoded[0], words}
                : new Shape[] {decoded[0], words, decoded[1]};
    }

    @Override
    protected void initializeChildBlocks(
            NDManager manager, DataType dataType, Shape... inputShapes) {
        net.initialize(manager, dataType, inputShapes);
        head.initialize(
                manager,
                dataType,
                new Shape(inputShapes[0].get(0), net.architecture().embedSize()));
    }

    /**
     * Mean over images of the summed binary cross-entropy between the word logits (B, V) and the
     * 0/1 targets (B, V); computed from logits in the numerically stable form.
     */
    static NDArray loss(NDArray wordLogits, NDArray targets) {
        NDArray perWord =
                wordLogits
                        .maximum(0f)
                        .sub(wordLogits.mul(targets))
                        .add(wordLogits.abs().neg().exp().add(1f).log());
        return perWord.sum().div(wordLogits.getShape().get(0));
    }
}
