package io.captioner.model.nn;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;

/**
 * A five-stage CNN for 64x64 images that keeps a 4x4 spatial grid in its output, so the decoder can
 * tell left from right and top from bottom, which global pooling would erase. The first stage works
 * at full resolution because small objects are only a few pixels wide and their shape lives in
 * those pixels; every later stage halves the resolution with a strided convolution (no pooling
 * layers), which keeps the activations small: on a CPU, memory traffic rather than arithmetic
 * bounds small CNNs.
 */
public final class TinyCnn {

    private static final int[] FILTERS = {16, 32, 64, 64, 64};

    /** Length of the flattened output: last stage's filters times the 4x4 grid. */
    public static final int FEATURE_SIZE = FILTERS[FILTERS.length - 1] * 4 * 4;

    private TinyCnn() {}

    /** Builds the untrained backbone mapping (N, 3, 64, 64) to (N, {@link #FEATURE_SIZE}). */
    public static SequentialBlock build() {
        SequentialBlock block = new SequentialBlock();
        for (int i = 0; i < FILTERS.length; i++) {
            int stride = i == 0 ? 1 : 2;
            block.add(
                            Conv2d.builder()
                                    .setKernelShape(new Shape(3, 3))
                                    .optStride(new Shape(stride, stride))
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
