package io.captioner.streams;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import io.captioner.events.ImageEvent;
import io.captioner.events.ModelActivation;
import io.captioner.events.ModelArchitecture;
import io.captioner.model.Captioner;
import io.captioner.model.artifact.ModelArtifact;
import io.captioner.model.artifact.ModelManifest;
import io.captioner.model.image.ImagePreprocessor;
import io.captioner.model.nn.Architecture;
import io.captioner.model.nn.Backbones;
import io.captioner.model.nn.CaptionNet;
import io.captioner.model.nn.DecoderType;
import io.captioner.model.nn.EncoderType;
import io.captioner.modeltopic.ActivationEvent;
import io.captioner.modeltopic.VerifiedArtifact;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;

/** Test fixtures: a tiny untrained model file, images and poison inputs. */
public final class Fixtures {

    private Fixtures() {}

    /**
     * Writes an untrained tiny-CNN captioner (deterministic weights) to {@code dir}; its captions
     * are noise but exercise the whole serving path.
     */
    public static Path tinyModel(Path dir) throws IOException {
        return tinyModel(dir, 7);
    }

    /** Like {@link #tinyModel(Path)} with other weights, hence another version. */
    public static Path tinyModel(Path dir, int seed) throws IOException {
        return model(dir, "tiny", seed, 16, 16);
    }

    /** An untrained tiny-CNN captioner with the attention decoder (embed 16, hidden 16). */
    public static Path attentionModel(Path dir, int seed) throws IOException {
        return model(
                dir, "attention", seed, EncoderType.TINY_CNN, DecoderType.ATTENTION, 16, 16, 12);
    }

    /**
     * Writes an untrained tiny-CNN captioner named {@code name} with the given decoder sizes; the
     * seed's sizes (embed 256, hidden 512) make a file of about 7.5 MB.
     */
    public static Path model(Path dir, String name, int seed, int embed, int hidden)
            throws IOException {
        return model(dir, name, seed, embed, hidden, 12);
    }

    /**
     * Like {@link #model(Path, String, int, int, int)} with {@code words} words besides the four
     * special tokens; a large vocabulary makes a large file (embedding and output layer).
     */
    public static Path model(Path dir, String name, int seed, int embed, int hidden, int words)
            throws IOException {
        return model(dir, name, seed, EncoderType.TINY_CNN, embed, hidden, words);
    }

    /**
     * Like {@link #model(Path, String, int, int, int, int)} with a choice of encoder; frozen
     * ResNets get random weights, so a resnet50 model has the real size (about 100 MB) but
     * meaningless captions.
     */
    public static Path model(
            Path dir, String name, int seed, EncoderType encoder, int embed, int hidden, int words)
            throws IOException {
        return model(dir, name, seed, encoder, DecoderType.LSTM, embed, hidden, words);
    }

    /** Like {@link #model(Path, String, int, EncoderType, int, int, int)} with a decoder. */
    public static Path model(
            Path dir,
            String name,
            int seed,
            EncoderType encoder,
            DecoderType decoder,
            int embed,
            int hidden,
            int words)
            throws IOException {
        Engine.getEngine("PyTorch").setRandomSeed(seed);
        List<String> vocabulary = new ArrayList<>(List.of("<pad>", "<start>", "<end>", "<unk>"));
        for (int i = 0; i < words; i++) {
            vocabulary.add("w" + i);
        }
        Architecture architecture =
                Architecture.of(
                        encoder, Backbones.DJL, embed, hidden, 1, vocabulary.size(), decoder);
        Model model = Model.newInstance(name, Device.cpu(), "PyTorch");
        CaptionNet net =
                new CaptionNet(
                        architecture,
                        Backbones.forTraining(encoder, decoder, null, true, model.getNDManager())
                                .block());
        model.setBlock(net);
        net.initialize(model.getNDManager(), DataType.FLOAT32, net.trainingInputShapes(2, 2, 4));
        ImagePreprocessor p = ImagePreprocessor.imagenet(architecture.inputSize());
        ModelManifest manifest =
                new ModelManifest(
                        ModelArtifact.FORMAT_VERSION,
                        name,
                        null,
                        null,
                        architecture,
                        new ModelManifest.Preprocessing(p.size(), p.mean(), p.std()),
                        vocabulary,
                        null,
                        Map.of(),
                        null);
        Path file =
                dir.resolve(
                        String.join(
                                        "-",
                                        name,
                                        encoder.id(),
                                        String.valueOf(seed),
                                        String.valueOf(hidden),
                                        String.valueOf(words))
                                + ".zip");
        try (Captioner captioner = Captioner.of(model, manifest)) {
            captioner.save(file);
        }
        return file;
    }

    /** A topic manifest's architecture record of a small tiny-cnn captioner. */
    public static ModelArchitecture topicArchitecture() {
        return ModelArchitecture.newBuilder()
                .setEncoderName("tiny-cnn")
                .setEmbedSize(16)
                .setHiddenSize(16)
                .setNumLayers(1)
                .setVocabSize(16)
                .build();
    }

    /** The activation record of {@code name}/{@code version}. */
    public static ModelActivation activation(String name, String version) {
        return ModelActivation.newBuilder()
                .setModelName(name)
                .setVersion(version)
                .setActivatedTime(Instant.now())
                .build();
    }

    /**
     * What the model topic watcher hands its listener for {@code file}, as if the file had come off
     * the topic and passed verification (the manifest's sizes and checksum are placeholders).
     */
    public static ActivationEvent activationEvent(String name, String version, Path file) {
        io.captioner.events.ModelManifest manifest =
                io.captioner.events.ModelManifest.newBuilder()
                        .setModelName(name)
                        .setVersion(version)
                        .setArtifactSizeBytes(1)
                        .setSha256("0".repeat(64))
                        .setChunkCount(1)
                        .setChunkSizeBytes(1)
                        .setArchitecture(topicArchitecture())
                        .setCreatedTime(Instant.now())
                        .build();
        return new ActivationEvent(activation(name, version), new VerifiedArtifact(manifest, file));
    }

    /** A small PNG with a colour depending on {@code seed}. */
    public static byte[] png(int seed) {
        BufferedImage image = new BufferedImage(48, 32, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color((seed * 53) & 0xff, (seed * 97) & 0xff, (seed * 31) & 0xff));
        g.fillRect(0, 0, 48, 32);
        g.setColor(Color.WHITE);
        g.fillOval(seed % 20, 4, 20, 20);
        g.dispose();
        return encode(image, "png");
    }

    /**
     * A PNG of random pixels, which PNG cannot compress: about {@code 3 * width * height} bytes,
     * for images of a chosen encoded size.
     */
    public static byte[] noisePng(int width, int height, long seed) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        java.util.Random random = new java.util.Random(seed);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        return encode(image, "png");
    }

    /** A large PNG of smooth bands (small to send, {@code width x height} pixels to decode). */
    public static byte[] bandsPng(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        for (int band = 0; band < 8; band++) {
            g.setColor(new Color(band * 30, 255 - band * 30, (band * 70) & 0xff));
            g.fillRect(0, band * height / 8, width, height / 8 + 1);
        }
        g.dispose();
        return encode(image, "png");
    }

    /** A small PNG of one colour. */
    public static byte[] solid(int rgb) {
        BufferedImage image = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(rgb));
        g.fillRect(0, 0, 40, 30);
        g.dispose();
        return encode(image, "png");
    }

    /** Whether a resized image is the colour {@code rgb} at its top-left pixel. */
    public static boolean startsWith(byte[] resized, int rgb) {
        return (resized[0] & 0xff) == (rgb >> 16 & 0xff)
                && (resized[1] & 0xff) == (rgb >> 8 & 0xff)
                && (resized[2] & 0xff) == (rgb & 0xff);
    }

    /**
     * Unusual but valid images by name: a 1x1 PNG, a 2000x8 panorama, a greyscale PNG, a
     * transparent PNG, a GIF, a BMP and a JPEG.
     */
    public static Map<String, byte[]> oddImages() {
        Map<String, byte[]> out = new LinkedHashMap<>();
        out.put("one-pixel", encode(new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB), "png"));
        out.put("panorama", encode(new BufferedImage(2000, 8, BufferedImage.TYPE_INT_RGB), "png"));
        BufferedImage grey = new BufferedImage(40, 30, BufferedImage.TYPE_BYTE_GRAY);
        grey.getGraphics().fillRect(5, 5, 10, 10);
        out.put("grey", encode(grey, "png"));
        BufferedImage alpha = new BufferedImage(40, 30, BufferedImage.TYPE_INT_ARGB);
        alpha.setRGB(3, 3, 0x80ff0000);
        out.put("transparent", encode(alpha, "png"));
        BufferedImage rgb = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        rgb.getGraphics().fillOval(4, 4, 20, 20);
        out.put("gif", encode(rgb, "gif"));
        out.put("bmp", encode(rgb, "bmp"));
        out.put("jpeg", encode(rgb, "jpeg"));
        return out;
    }

    /** A JPEG cut in half: the decoder must refuse it as truncated. */
    public static byte[] truncatedJpeg() {
        BufferedImage image = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 64; y++) {
            for (int x = 0; x < 64; x++) {
                image.setRGB(x, y, (x * 4) << 16 | (y * 4) << 8 | ((x ^ y) & 0xff));
            }
        }
        byte[] full = encode(image, "jpeg");
        return Arrays.copyOf(full, full.length / 2);
    }

    /**
     * A PNG whose header declares {@code width x height} with a valid CRC but almost no data: a
     * decompression bomb as the header reader sees it.
     */
    public static byte[] pngHeaderOnly(int width, int height) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
        ByteBuffer ihdr = ByteBuffer.allocate(13);
        ihdr.putInt(width).putInt(height).put((byte) 8).put((byte) 2);
        ihdr.put((byte) 0).put((byte) 0).put((byte) 0);
        chunk(out, "IHDR", ihdr.array());
        Deflater deflater = new Deflater();
        deflater.setInput(new byte[64]);
        deflater.finish();
        byte[] idat = new byte[128];
        int n = deflater.deflate(idat);
        deflater.end();
        chunk(out, "IDAT", Arrays.copyOf(idat, n));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    /** An image event with inline bytes. */
    public static ImageEvent inline(String id, byte[] bytes) {
        return ImageEvent.newBuilder()
                .setImageId(id)
                .setImageBytes(ByteBuffer.wrap(bytes))
                .setEventTime(Instant.now())
                .build();
    }

    /** An image event with a claim-check URI. */
    public static ImageEvent byUri(String id, String uri) {
        return ImageEvent.newBuilder()
                .setImageId(id)
                .setImageUri(uri)
                .setEventTime(Instant.now())
                .build();
    }

    private static byte[] encode(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        out.writeBytes(typeBytes);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
