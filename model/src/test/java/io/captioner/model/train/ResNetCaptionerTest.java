package io.captioner.model.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.SequentialBlock;
import io.captioner.model.Captioner;
import io.captioner.model.DecodingOptions;
import io.captioner.model.TestModels;
import io.captioner.model.data.CaptionedImage;
import io.captioner.model.nn.Backbones;
import io.captioner.model.nn.EncoderType;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A frozen ResNet-18 encoder whose weights come from a DJL parameter file, end to end. */
class ResNetCaptionerTest {

    @TempDir Path dir;

    @Test
    void shouldTrainSaveAndReloadACaptionerWithAFrozenResNetFromDjlParameters() throws IOException {
        Path weights = writeRandomResNet18();
        List<CaptionedImage> images = TestModels.shapes(6, 4);

        try (Captioner trained =
                CaptionTrainer.builder()
                        .setEncoder("resnet18")
                        .optEncoderWeights(weights)
                        .optEmbedSize(8)
                        .optHiddenSize(16)
                        .optBatchSize(3)
                        .optEpochs(1)
                        .build()
                        .train(images, List.of())) {
            assertThat(trained.architecture().encoder()).isEqualTo("resnet18");
            assertThat(trained.architecture().featureSize()).isEqualTo(512);
            assertThat(trained.preprocessor().size()).isEqualTo(224);
            assertThat(trained.manifest().training().validationLoss()).isNaN();
            Path file = dir.resolve("resnet.captioner");
            trained.save(file);
            List<BufferedImage> pictures = images.stream().map(CaptionedImage::image).toList();
            DecodingOptions options = DecodingOptions.greedy().withMaxLength(4);

            try (Captioner loaded = Captioner.load(file)) {
                assertThat(loaded.caption(pictures, options))
                        .isEqualTo(trained.caption(pictures, options));
            }
        }
    }

    private Path writeRandomResNet18() throws IOException {
        try (Model model = Model.newInstance("resnet18", Device.cpu(), "PyTorch")) {
            SequentialBlock classifier = Backbones.resnetClassifier(EncoderType.RESNET18, 10);
            model.setBlock(classifier);
            classifier.initialize(
                    model.getNDManager(), DataType.FLOAT32, new Shape(1, 3, 224, 224));
            model.save(dir, "resnet18");
        }
        return dir.resolve("resnet18-0000.params");
    }
}
