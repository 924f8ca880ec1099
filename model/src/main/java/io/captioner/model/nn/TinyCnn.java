package io.captioner.model.nn;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;

/**
 * A four-stage CNN for 64x64 images that keeps a 4x4 spatial grid in its output, so the decoder can
 * tell left from right and top from bottom, which global pooling would erase.
 */
public final class TinyCnn {

    private static final int[] FILTERS = {16, 32, 64, 64};

    /** Length of the flattened output: last stage's filters times the 4x4 grid. */
    public static final int FEATURE_SIZE = FILTERS[FILTERS.length - 1] * 4 * 4;

    private TinyCnn() {}

    /** Builds the untrained backbone mapping (N, 3, 64, 64) to (N, {@link #FEATURE_SIZE}). */
    public static SequentialBlock build() {
        SequentialBlock block = new SequentialBlock();
        for (int filters : FILTERS) {
            block.add(
                            Conv2d.builder()
                                    .setKernelShape(new Shape(3, 3))
                                    .optPadding(new Shape(1, 1))
                                    .setFilters(filters)
                                    .optBias(false)
                                    .build())
                    .add(BatchNorm.builder().build())
                    .add(Activation.reluBlock())
                    .add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
        }
        return block.add(Blocks.batchFlattenBlock());
    }
}
