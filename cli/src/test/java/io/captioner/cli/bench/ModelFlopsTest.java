package io.captioner.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import io.captioner.model.nn.Architecture;
import io.captioner.model.nn.Backbones;
import io.captioner.model.nn.EncoderType;
import org.junit.jupiter.api.Test;

class ModelFlopsTest {

    @Test
    void shouldCountConvolutionAndLinearMacsPerImageFromTheStoredInputShapes() {
        SequentialBlock block =
                new SequentialBlock()
                        .add(
                                Conv2d.builder()
                                        .setKernelShape(new Shape(3, 3))
                                        .optPadding(new Shape(1, 1))
                                        .setFilters(8)
                                        .build())
                        .add(Activation::relu)
                        .add(
                                Conv2d.builder()
                                        .setKernelShape(new Shape(1, 1))
                                        .optStride(new Shape(2, 2))
                                        .setFilters(4)
                                        .build())
                        .add(Blocks.batchFlattenBlock())
                        .add(Linear.builder().setUnits(10).build());
        try (NDManager manager = NDManager.newBaseManager()) {
            // Initialised for a batch of 2: the count must still be per image.
            block.initialize(manager, DataType.FLOAT32, new Shape(2, 3, 8, 8));
        }

        double macs = ModelFlops.backboneMacs(block).orElseThrow();

        double conv1 = 8.0 * 8 * 8 * 3 * 9; // 8 filters x 8x8 outputs, each 3 channels x 3x3
        double conv2 = 4.0 * 4 * 4 * 8; // 4 filters x 4x4 outputs (stride 2), 8 channels x 1x1
        double linear = 4.0 * 4 * 4 * 10; // 64 flattened inputs x 10 units
        assertThat(macs).isEqualTo(conv1 + conv2 + linear);
    }

    @Test
    void shouldFindNothingToCountInABlockWithoutLayers() {
        assertThat(ModelFlops.backboneMacs(new SequentialBlock())).isEmpty();
    }

    @Test
    void shouldCountTheProjectionAndEveryLstmStepOfTheDecoder() {
        Architecture a = Architecture.of(EncoderType.TINY_CNN, Backbones.DJL, 256, 512, 2, 60);

        double macs = ModelFlops.decoderMacs(a, 10);

        double projection = 1088.0 * 256;
        double layer1 = 4.0 * 512 * (256 + 512);
        double layer2 = 4.0 * 512 * (512 + 512);
        double vocabulary = 512.0 * 60;
        assertThat(macs).isEqualTo(projection + 10 * (layer1 + layer2 + vocabulary));
    }

    @Test
    void shouldCountTheGridProjectionAndEveryAttentionStepOfTheDecoder() {
        Architecture a =
                Architecture.of(
                        EncoderType.TINY_CNN,
                        Backbones.DJL,
                        256,
                        512,
                        1,
                        60,
                        io.captioner.model.nn.DecoderType.ATTENTION);

        double macs = ModelFlops.decoderMacs(a, 10);

        double perImage = 16.0 * 64 * 256 + 16.0 * 256 * 512 + 2.0 * 256 * 512;
        double attend = 512.0 * 512 + 16.0 * 512 + 16.0 * 256 + 512.0 * 256;
        double lstm = 4.0 * 512 * (512 + 512);
        double vocabulary = 512.0 * 60;
        assertThat(macs).isEqualTo(perImage + 10 * (attend + lstm + vocabulary));
    }
}
