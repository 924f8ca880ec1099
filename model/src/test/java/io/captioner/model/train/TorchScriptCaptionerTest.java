package io.captioner.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.captioner.model.Captioner;
import io.captioner.model.DecodingOptions;
import io.captioner.model.TestModels;
import io.captioner.model.data.CaptionedImage;
import io.captioner.model.nn.Backbones;
import io.captioner.model.nn.EncoderType;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A frozen encoder from a TorchScript file, as users export one from torchvision: the committed
 * fixture {@code torchscript/conv-feature-extractor.pt} (2 KB, written by {@code make_fixture.py}
 * beside it, since no Python PyTorch is available here) maps 224x224 images to 2048 features.
 */
class TorchScriptCaptionerTest {

    @TempDir Path dir;

    private Path fixture() throws IOException {
        Path file = dir.resolve("conv-feature-extractor.pt");
        try (InputStream in =
                getClass().getResourceAsStream("/torchscript/conv-feature-extractor.pt")) {
            Files.copy(in, file);
        }
        return file;
    }

    @Test
    void shouldLoadATorchScriptBackboneThatMapsImagesToResNet50SizedFeatures() throws IOException {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            Backbones.Loaded loaded =
                    Backbones.forTraining(EncoderType.RESNET50, fixture(), false, manager);

            assertThat(loaded.format()).isEqualTo(Backbones.TORCHSCRIPT);
            NDList features =
                    loaded.block()
                            .forward(
                                    new ParameterStore(manager, false),
                                    new NDList(manager.ones(new Shape(2, 3, 224, 224))),
                                    false);
            assertThat(features.singletonOrThrow().getShape()).isEqualTo(new Shape(2, 2048));
        }
    }

    @Test
    void shouldTrainSaveAndReloadACaptionerWithAFrozenTorchScriptEncoder() throws IOException {
        List<CaptionedImage> images = TestModels.shapes(6, 4);

        try (Captioner trained =
                CaptionTrainer.builder()
                        .setEncoder("resnet50")
                        .optEncoderWeights(fixture())
                        .optEmbedSize(8)
                        .optHiddenSize(16)
                        .optBatchSize(3)
                        .optEpochs(1)
                        .build()
                        .train(images, List.of())) {
            assertThat(trained.architecture().encoder()).isEqualTo("resnet50");
            assertThat(trained.architecture().backboneFormat()).isEqualTo(Backbones.TORCHSCRIPT);
            assertThat(trained.architecture().featureSize()).isEqualTo(2048);
            Path file = dir.resolve("torchscript.captioner");
            trained.save(file);
            List<BufferedImage> pictures = images.stream().map(CaptionedImage::image).toList();
            DecodingOptions options = DecodingOptions.greedy().withMaxLength(4);

            try (Captioner loaded = Captioner.load(file)) {
                assertThat(loaded.architecture().backboneFormat()).isEqualTo(Backbones.TORCHSCRIPT);
                assertThat(loaded.caption(pictures, options))
                        .isEqualTo(trained.caption(pictures, options));
            }
        }
    }
}
