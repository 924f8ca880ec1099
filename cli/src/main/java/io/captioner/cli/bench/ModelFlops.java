package io.captioner.cli.bench;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.nn.core.Linear;
import io.captioner.model.Captioner;
import io.captioner.model.nn.Architecture;
import java.util.OptionalDouble;

/**
 * Multiply-accumulates per image of a loaded captioner, counted from its network: every convolution
 * and fully connected layer of the backbone (from the input shapes stored with the weights), the
 * projection, and the decoder (LSTM or attention) per generated step. Activations, normalisation
 * and pooling are left out (a few percent of a ResNet's arithmetic).
 */
public final class ModelFlops {

    private ModelFlops() {}

    /**
     * The backbone's MACs per image; empty when the backbone has no DJL convolution or linear layer
     * whose input shape is known (a TorchScript backbone is opaque).
     */
    public static OptionalDouble backboneMacs(Block backbone) {
        double[] macs = {0};
        boolean[] found = {false};
        walk(backbone, macs, found);
        return found[0] ? OptionalDouble.of(macs[0]) : OptionalDouble.empty();
    }

    /**
     * MACs of the decoder per image: the projection of the image feature, then {@code steps} LSTM
     * steps each followed by the vocabulary layer.
     */
    public static double decoderMacs(Architecture a, double steps) {
        if (a.attention()) {
            return attentionDecoderMacs(a, steps);
        }
        double projection = (double) a.featureSize() * a.embedSize();
        double lstm = 0;
        for (int layer = 0; layer < a.layers(); layer++) {
            int in = layer == 0 ? a.embedSize() : a.hiddenSize();
            lstm += 4.0 * a.hiddenSize() * (in + a.hiddenSize());
        }
        double vocabulary = (double) a.hiddenSize() * a.vocabularySize();
        return projection + steps * (lstm + vocabulary);
    }

    /**
     * The attention decoder: the projection of every grid cell, the grid's attention projection and
     * the state init once per image; per step the query, the scores and context over the cells, the
     * gate, the LSTM on word plus context, and the vocabulary layer.
     */
    private static double attentionDecoderMacs(Architecture a, double steps) {
        double cells = a.gridCells();
        double embed = a.embedSize();
        double hidden = a.hiddenSize();
        double perImage =
                cells * a.gridChannels() * embed
                        + cells * embed * hidden
                        + 2 * embed * a.layers() * hidden;
        double lstm = 0;
        for (int layer = 0; layer < a.layers(); layer++) {
            double in = layer == 0 ? 2 * embed : hidden;
            lstm += 4.0 * hidden * (in + hidden);
        }
        double attend = hidden * hidden + cells * hidden + cells * embed + hidden * embed;
        double vocabulary = hidden * a.vocabularySize();
        return perImage + steps * (attend + lstm + vocabulary);
    }

    /**
     * GFLOP (2 per MAC) per image of {@code captioner} when its captions have {@code meanTokens}
     * words: the image step predicts the first word and each word the next, the end token last;
     * empty when the backbone cannot be counted.
     */
    public static OptionalDouble gflopPerImage(Captioner captioner, double meanTokens) {
        OptionalDouble backbone = backboneMacs(captioner.network().backbone());
        if (backbone.isEmpty()) {
            return OptionalDouble.empty();
        }
        double decoder = decoderMacs(captioner.architecture(), meanTokens + 1);
        return OptionalDouble.of(2 * (backbone.getAsDouble() + decoder) / 1e9);
    }

    private static void walk(Block block, double[] macs, boolean[] found) {
        if (!block.isInitialized()) {
            return;
        }
        Shape[] in = block.getInputShapes();
        if (block instanceof Convolution conv && in != null && in.length > 0) {
            Shape out = block.getOutputShapes(in)[0];
            long perImageOutputs = out.size() / out.get(0);
            long inputChannels = in[0].get(1) / conv.getGroups();
            macs[0] += (double) perImageOutputs * inputChannels * conv.getKernelShape().size();
            found[0] = true;
        } else if (block instanceof Linear && in != null && in.length > 0) {
            Shape out = block.getOutputShapes(in)[0];
            long rows = in[0].size() / in[0].get(in[0].dimension() - 1) / in[0].get(0);
            macs[0] +=
                    (double) rows * in[0].get(in[0].dimension() - 1) * out.get(out.dimension() - 1);
            found[0] = true;
        }
        for (var child : block.getChildren()) {
            walk(child.getValue(), macs, found);
        }
    }
}
