package io.captioner.model.nn;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;

/**
 * A four-stage CNN for 64x64 images that keeps a 4x4 spatial grid in its output, so the decoder can
 * tell left from right and top from bottom, which global pooling would erase. Every stage halves
 * the resolution with a strided convolution (no pooling layers), which keeps the activations small:
 * on a CPU, memory traffic rather than arithmetic bounds small CNNs.
 */
public final class TinyCnn {

    private static final int[] FILTERS = {32, 64, 64, 64};

    /** Length of the flattened output: last stage's filters times the 4x4 grid. */
    public static final int FEATURE_SIZE = FILTERS[FILTERS.length - 1] * 4 * 4;

    private TinyCnn() {}

    /** Builds the untrained backbone mapping (N, 3, 64, 64) to (N, {@link #FEATURE_SIZE}). */
    public static SequentialBlock build() {
        SequentialBlock block = new SequentialBlock();
        for (int i = 0; i < FILTERS.length; i++) {
            // The first stage sees raw pixels: a 4x4 kernel with stride 2 covers each pixel once.
            int kernel = i == 0 ? 4 : 3;
            block.add(
                            Conv2d.builder()
                                    .setKernelShape(new Shape(kernel, kernel))
                                    .optStride(new Shape(2, 2))
                                    .optPadding(new Shape(1, 1))
                                    .setFilters(FILTERS[i])
                                    .optBias(false)
                                    .build())
                    .add(BatchNorm.builder().build())
                    .add(Activation.reluBlock());
        }
        return block.add(Blocks.batchFlattenBlock());
    }
}
