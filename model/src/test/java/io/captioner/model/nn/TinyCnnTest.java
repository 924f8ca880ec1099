package io.captioner.model.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.Test;

class TinyCnnTest {

    @Test
    void shouldOutputTheGridAndItsAverageForBothInputSizes() {
        assertThat(features(TinyCnn.build(64, TinyCnn.FEATURE_SIZE), 64))
                .isEqualTo(new Shape(2, TinyCnn.FEATURE_SIZE));
        assertThat(features(TinyCnn.build(128, TinyCnn.FEATURE_SIZE), 128))
                .isEqualTo(new Shape(2, TinyCnn.FEATURE_SIZE));
    }

    @Test
    void shouldEndWithTheAverageOfTheLastGrid() {
        try (Model model = Model.newInstance("tiny", Device.cpu(), "PyTorch")) {
            Block block = TinyCnn.build(64, TinyCnn.FEATURE_SIZE);
            model.setBlock(block);
            block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(1, 3, 64, 64));
            try (NDManager scope = model.getNDManager().newSubManager()) {
                NDArray pixels = scope.randomNormal(new Shape(1, 3, 64, 64));
                float[] out =
                        block.forward(new ParameterStore(scope, false), new NDList(pixels), false)
                                .head()
                                .toFloatArray();
                int channels = TinyCnn.FEATURE_SIZE - TinyCnn.STRIDED_FEATURE_SIZE;
                int cells = TinyCnn.STRIDED_FEATURE_SIZE / channels;
                for (int c = 0; c < channels; c++) {
                    float sum = 0;
                    for (int cell = 0; cell < cells; cell++) {
                        sum += out[c * cells + cell];
                    }
                    assertThat(out[TinyCnn.STRIDED_FEATURE_SIZE + c])
                            .isCloseTo(sum / cells, org.assertj.core.data.Offset.offset(1e-4f));
                }
            }
        }
    }

    @Test
    void shouldStillBuildTheStridedLayoutOfEarlierArtifacts() {
        assertThat(features(TinyCnn.build(64, TinyCnn.STRIDED_FEATURE_SIZE), 64))
                .isEqualTo(new Shape(2, TinyCnn.STRIDED_FEATURE_SIZE));
    }

    @Test
    void shouldRejectSizesWithoutALayoutNamingThem() {
        assertThatThrownBy(() -> TinyCnn.build(96, TinyCnn.FEATURE_SIZE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("inputSize 96");
        assertThatThrownBy(() -> TinyCnn.build(128, TinyCnn.STRIDED_FEATURE_SIZE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("featureSize " + TinyCnn.STRIDED_FEATURE_SIZE);
        assertThatThrownBy(
                        () -> new Architecture("tiny-cnn", Backbones.DJL, 64, 2048, 16, 16, 1, 9))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("featureSize 2048");
    }

    private static Shape features(Block block, int size) {
        try (Model model = Model.newInstance("tiny", Device.cpu(), "PyTorch")) {
            model.setBlock(block);
            block.initialize(model.getNDManager(), DataType.FLOAT32, new Shape(2, 3, size, size));
            try (NDManager scope = model.getNDManager().newSubManager()) {
                NDArray pixels = scope.randomNormal(new Shape(2, 3, size, size));
                return block.forward(new ParameterStore(scope, false), new NDList(pixels), false)
                        .head()
                        .getShape();
            }
        }
    }
}
