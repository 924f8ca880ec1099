package io.captioner.model;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import io.captioner.model.artifact.ModelArtifact;
import io.captioner.model.artifact.ModelManifest;
import io.captioner.model.data.CaptionedImage;
import io.captioner.model.image.ImagePreprocessor;
import io.captioner.model.nn.Architecture;
import io.captioner.model.nn.Backbones;
import io.captioner.model.nn.CaptionNet;
import io.captioner.model.nn.EncoderType;
import io.captioner.model.text.Vocabulary;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Test fixtures: small random captioners and a toy dataset of coloured shapes. */
public final class TestModels {

    private TestModels() {}

    /** Words {@code w0..w(n-1)} after the special tokens. */
    public static Vocabulary vocabulary(int words) {
        List<String> all = new ArrayList<>(List.of("<pad>", "<start>", "<end>", "<unk>"));
        for (int i = 0; i < words; i++) {
            all.add("w" + i);
        }
        return Vocabulary.fromWords(all);
    }

    /** An untrained tiny-cnn captioner with small layers and deterministic random weights. */
    public static Captioner randomCaptioner(
            Vocabulary vocabulary, int embed, int hidden, int layers, int seed) {
        Engine.getEngine("PyTorch").setRandomSeed(seed);
        Architecture architecture =
                Architecture.of(
                        EncoderType.TINY_CNN,
                        Backbones.DJL,
                        embed,
                        hidden,
                        layers,
                        vocabulary.size());
        return randomCaptioner(architecture, vocabulary);
    }

    /**
     * An untrained captioner of the given architecture (DJL backbone) and vocabulary, with random
     * weights from the engine's current seed.
     */
    public static Captioner randomCaptioner(Architecture architecture, Vocabulary vocabulary) {
        Model model = Model.newInstance("test", Device.cpu(), "PyTorch");
        CaptionNet net =
                new CaptionNet(architecture, Backbones.empty(architecture, model.getNDManager()));
        model.setBlock(net);
        net.initialize(model.getNDManager(), DataType.FLOAT32, net.trainingInputShapes(2, 2, 4));
        ImagePreprocessor p = ImagePreprocessor.imagenet(architecture.inputSize());
        ModelManifest manifest =
                new ModelManifest(
                        ModelArtifact.FORMAT_VERSION,
                        "test",
                        null,
                        null,
                        architecture,
                        new ModelManifest.Preprocessing(p.size(), p.mean(), p.std()),
                        vocabulary.words(),
                        null,
                        Map.of(),
                        null);
        return Captioner.of(model, manifest);
    }

    /** Random noise images, distinct per index. */
    public static List<BufferedImage> noiseImages(int count, int seed) {
        Random random = new Random(seed);
        List<BufferedImage> images = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            BufferedImage image = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < image.getHeight(); y++) {
                for (int x = 0; x < image.getWidth(); x++) {
                    image.setRGB(x, y, random.nextInt(0xffffff));
                }
            }
            images.add(image);
        }
        return images;
    }

    /**
     * Toy dataset: a red or blue square or circle on a light background, with two caption wordings
     * naming colour and shape.
     */
    public static List<CaptionedImage> shapes(int count, int seed) {
        Random random = new Random(seed);
        String[] colours = {"red", "blue"};
        Color[] fills = {new Color(220, 30, 30), new Color(30, 40, 220)};
        String[] shapes = {"square", "circle"};
        List<CaptionedImage> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int c = random.nextInt(2);
            int s = random.nextInt(2);
            BufferedImage image = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = image.createGraphics();
            int shade = 200 + random.nextInt(56);
            g.setColor(new Color(shade, shade, shade));
            g.fillRect(0, 0, 64, 64);
            g.setColor(fills[c]);
            int size = 24 + random.nextInt(16);
            int x = random.nextInt(64 - size);
            int y = random.nextInt(64 - size);
            if (s == 0) {
                g.fillRect(x, y, size, size);
            } else {
                g.fillOval(x, y, size, size);
            }
            g.dispose();
            out.add(
                    new CaptionedImage(
                            "toy-" + i,
                            image,
                            List.of(
                                    "a " + colours[c] + " " + shapes[s],
                                    "there is a " + colours[c] + " " + shapes[s] + " here")));
        }
        return out;
    }
}
