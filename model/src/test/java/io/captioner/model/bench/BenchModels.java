package io.captioner.model.bench;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import io.captioner.model.Captioner;
import io.captioner.model.artifact.ModelArtifact;
import io.captioner.model.artifact.ModelManifest;
import io.captioner.model.image.ImagePreprocessor;
import io.captioner.model.nn.Architecture;
import io.captioner.model.nn.Backbones;
import io.captioner.model.nn.CaptionNet;
import io.captioner.model.nn.DecoderType;
import io.captioner.model.nn.EncoderType;
import io.captioner.model.text.Vocabulary;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Random-weight captioners of the default sizes and Flickr-sized images for benchmarks. */
final class BenchModels {

    private BenchModels() {}

    /** Untrained LSTM-decoder captioner (embed 256, hidden 512) with {@code words} words. */
    static Captioner randomCaptioner(EncoderType encoder, int words) throws IOException {
        return randomCaptioner(encoder, words, DecoderType.LSTM);
    }

    /** Untrained captioner (embed 256, hidden 512) with {@code words} words and a decoder. */
    static Captioner randomCaptioner(EncoderType encoder, int words, DecoderType decoder)
            throws IOException {
        List<String> vocabulary = new ArrayList<>(List.of("<pad>", "<start>", "<end>", "<unk>"));
        for (int i = 0; i < words; i++) {
            vocabulary.add("w" + i);
        }
        Model model = Model.newInstance("bench", Device.cpu(), "PyTorch");
        Backbones.Loaded backbone =
                Backbones.forTraining(encoder, decoder, null, true, model.getNDManager());
        Architecture architecture =
                Architecture.of(
                        encoder, backbone.format(), 256, 512, 1, vocabulary.size(), decoder);
        CaptionNet net = new CaptionNet(architecture, backbone.block());
        model.setBlock(net);
        net.initialize(model.getNDManager(), DataType.FLOAT32, net.trainingInputShapes(2, 2, 4));
        ImagePreprocessor p = ImagePreprocessor.imagenet(architecture.inputSize());
        return Captioner.of(
                model,
                new ModelManifest(
                        ModelArtifact.FORMAT_VERSION,
                        "bench",
                        null,
                        null,
                        architecture,
                        new ModelManifest.Preprocessing(p.size(), p.mean(), p.std()),
                        Vocabulary.fromWords(vocabulary).words(),
                        null,
                        Map.of(),
                        null));
    }

    /** 500x375 images (Flickr8k's typical size) with random shapes. */
    static List<BufferedImage> images(int count) {
        Random random = new Random(1);
        List<BufferedImage> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            BufferedImage image = new BufferedImage(500, 375, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = image.createGraphics();
            g.setColor(new Color(random.nextInt(0xffffff)));
            g.fillRect(0, 0, 500, 375);
            g.setColor(new Color(random.nextInt(0xffffff)));
            g.fillOval(random.nextInt(300), random.nextInt(200), 150, 150);
            g.dispose();
            out.add(image);
        }
        return out;
    }
}
