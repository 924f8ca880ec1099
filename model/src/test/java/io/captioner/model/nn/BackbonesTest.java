package io.captioner.model.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackbonesTest {

    @TempDir Path dir;

    @Test
    void shouldLoadResNetFeaturesFromDjlParameters() throws IOException {
        Shape image = new Shape(1, 3, 224, 224);
        try (Model saved = Model.newInstance("resnet18", Device.cpu(), "PyTorch");
                NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            SequentialBlock classifier = Backbones.resnetClassifier(EncoderType.RESNET18, 10);
            saved.setBlock(classifier);
            classifier.initialize(saved.getNDManager(), DataType.FLOAT32, image);
            saved.save(dir, "resnet18");
            Path file;
            try (var files = Files.list(dir)) {
                file =
                        files.filter(p -> p.toString().endsWith(".params"))
                                .findFirst()
                                .orElseThrow();
            }

            Backbones.Loaded loaded =
                    Backbones.forTraining(EncoderType.RESNET18, file, false, manager);

            assertThat(loaded.format()).isEqualTo(Backbones.DJL);
            NDArray input = manager.randomNormal(image);
            NDArray features = forward(loaded.block(), manager, input);
            assertThat(features.getShape()).isEqualTo(new Shape(1, 512));
            // Same weights: the loaded features equal the original network's pooled features.
            List<Block> layers = classifier.getChildren().values();
            NDArray expected = input;
            for (int i = 0; i < layers.size() - 2; i++) {
                expected =
                        layers.get(i)
                                .forward(
                                        new ParameterStore(manager, false),
                                        new NDList(expected),
                                        false)
                                .head();
            }
            float[] a = features.toFloatArray();
            float[] b = expected.toFloatArray();
            for (int i = 0; i < a.length; i += 37) {
                assertThat(a[i]).isCloseTo(b[i], within(1e-4f));
            }
        }
    }

    @Test
    void shouldRefuseRandomResNetWeightsUnlessAllowed() throws IOException {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            assertThatThrownBy(
                            () -> Backbones.forTraining(EncoderType.RESNET50, null, false, manager))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("needs pretrained weights");

            Backbones.Loaded random =
                    Backbones.forTraining(EncoderType.RESNET50, null, true, manager);

            assertThat(random.format()).isEqualTo(Backbones.DJL);
        }
    }

    @Test
    void shouldFailClearlyOnMissingOrForeignWeightFiles() throws IOException {
        Path junk = dir.resolve("junk-0001.params");
        Files.write(junk, new byte[] {1, 2, 3});
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            assertThatThrownBy(
                            () ->
                                    Backbones.forTraining(
                                            EncoderType.RESNET18,
                                            dir.resolve("absent.params"),
                                            false,
                                            manager))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("not found");
            assertThatThrownBy(
                            () -> Backbones.forTraining(EncoderType.RESNET18, junk, false, manager))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("junk-0001.params");
        }
    }

    private static NDArray forward(Block block, NDManager manager, NDArray input) {
        NDArray out =
                block.forward(new ParameterStore(manager, false), new NDList(input), false).head();
        return out.reshape(out.getShape().get(0), -1);
    }
}
