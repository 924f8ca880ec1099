package io.captioner.model.nn;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.basicmodelzoo.cv.classification.ResNetV1;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates encoder backbones: the trainable tiny CNN, or a frozen ResNet whose pretrained weights
 * come from a file the user supplies (DJL {@code ResNetV1} parameters or a TorchScript module).
 */
public final class Backbones {

    /** Backbone stored as DJL block parameters. */
    public static final String DJL = "djl";

    /** Backbone stored as a TorchScript module (PyTorch engine only). */
    public static final String TORCHSCRIPT = "torchscript";

    private static final Logger LOG = LoggerFactory.getLogger(Backbones.class);

    private static final Pattern DJL_PARAMS = Pattern.compile("(.+)-(\\d{4})\\.params");

    private Backbones() {}

    /** A backbone block together with the format its weights are stored in. */
    public record Loaded(Block block, String format) {}

    /**
     * Backbone for training a new model. ResNets need {@code weights}: a {@code .params} file
     * written by DJL's {@code Model.save} for a {@code ResNetV1} of the same depth and a 224x224
     * input, or a TorchScript ({@code .pt}) feature extractor; random ResNet weights only when
     * {@code allowRandomWeights} is set, since captions from them are meaningless.
     */
    public static Loaded forTraining(
            EncoderType type, Path weights, boolean allowRandomWeights, NDManager manager)
            throws IOException {
        if (type.trainable()) {
            if (weights != null) {
                throw new IllegalArgumentException(
                        type.id() + " is trained from scratch and takes no encoder weights");
            }
            return new Loaded(TinyCnn.build(type.inputSize(), type.featureSize()), DJL);
        }
        if (weights == null) {
            if (!allowRandomWeights) {
                throw new IllegalArgumentException(
                        "encoder "
                                + type.id()
                                + " is frozen and needs pretrained weights (a DJL ResNetV1"
                                + " .params file or a TorchScript .pt); pass them or allow"
                                + " random weights explicitly");
            }
            LOG.warn(
                    "encoder {} uses RANDOM frozen weights: the model cannot learn useful image"
                            + " features and its captions will be meaningless",
                    type.id());
            return new Loaded(resnetFeatures(type), DJL);
        }
        String name = weights.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".pt") || name.endsWith(".torchscript")) {
            return new Loaded(loadTorchScript(weights, manager), TORCHSCRIPT);
        }
        return new Loaded(loadResNetParams(type, weights, manager), DJL);
    }

    /**
     * Backbone for training a new model with {@code decoder}: as {@link #forTraining(EncoderType,
     * Path, boolean, NDManager)}, except that the attention decoder gets a ResNet's last stage as a
     * 7x7 grid instead of its pooled vector (the tiny CNN's output holds its grid already).
     *
     * @throws IllegalArgumentException for attention over a TorchScript backbone, which gives
     *     pooled features only
     */
    public static Loaded forTraining(
            EncoderType type,
            DecoderType decoder,
            Path weights,
            boolean allowRandomWeights,
            NDManager manager)
            throws IOException {
        Loaded loaded = forTraining(type, weights, allowRandomWeights, manager);
        if (decoder != DecoderType.ATTENTION || type.trainable()) {
            return loaded;
        }
        if (!DJL.equals(loaded.format())) {
            throw new IllegalArgumentException(
                    "the attention decoder needs the encoder's spatial grid, which a TorchScript"
                            + " backbone (pooled features) does not give; use DJL ResNetV1"
                            + " .params weights");
        }
        return new Loaded(grid((SequentialBlock) loaded.block()), DJL);
    }

    /** Backbone with the right structure and no weights, to load a saved model into. */
    public static Block empty(Architecture architecture, NDManager manager) {
        EncoderType type = architecture.encoderType();
        if (type.trainable()) {
            return TinyCnn.build(architecture.inputSize(), architecture.featureSize());
        }
        if (TORCHSCRIPT.equals(architecture.backboneFormat())) {
            return new PtSymbolBlock((PtNDManager) manager);
        }
        return architecture.attention() ? grid(resnetFeatures(type)) : resnetFeatures(type);
    }

    /** The ResNet features without their global pooling and flattening: (N, C, 7, 7). */
    static SequentialBlock grid(SequentialBlock pooledFeatures) {
        List<Block> children = pooledFeatures.getChildren().values();
        SequentialBlock grid = new SequentialBlock();
        for (int i = 0; i < children.size() - 2; i++) {
            grid.add(children.get(i));
        }
        return grid;
    }

    /** DJL's ResNetV1 classifier for a 224x224 input, the layout pretrained files must match. */
    public static SequentialBlock resnetClassifier(EncoderType type, long classes) {
        return ResNetV1.builder()
                .setImageShape(new Shape(3, type.inputSize(), type.inputSize()))
                .setNumLayers(type.resnetLayers())
                .setOutSize(classes)
                .build();
    }

    /** The ResNet without its classification head: ends with global pooling and flattening. */
    static SequentialBlock resnetFeatures(EncoderType type) {
        return withoutHead(resnetClassifier(type, 1000));
    }

    private static SequentialBlock withoutHead(SequentialBlock classifier) {
        // ResNetV1 ends with global pool, flatten, Linear, flatten: drop the last two.
        List<Block> children = classifier.getChildren().values();
        SequentialBlock features = new SequentialBlock();
        for (int i = 0; i < children.size() - 2; i++) {
            features.add(children.get(i));
        }
        return features;
    }

    private static Block loadResNetParams(EncoderType type, Path file, NDManager manager)
            throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("encoder weights not found: " + file);
        }
        Matcher name = DJL_PARAMS.matcher(file.getFileName().toString());
        if (!name.matches()) {
            throw new IOException(
                    "encoder weights "
                            + file
                            + " must be a DJL parameter file named PREFIX-NNNN.params (as"
                            + " Model.save writes it) or a TorchScript .pt file");
        }
        byte[] featureParams;
        // The temporary model owns the loaded arrays: copy the feature layers' parameters out
        // before it closes, then load them into blocks owned by the caller's manager.
        try (Model model = Model.newInstance("encoder", Device.cpu(), "PyTorch")) {
            SequentialBlock classifier = resnetClassifier(type, 1000);
            model.setBlock(classifier);
            try {
                model.load(file.getParent(), name.group(1), Map.of("epoch", name.group(2)));
            } catch (MalformedModelException | IOException | RuntimeException e) {
                throw new IOException(
                        "cannot read DJL ResNetV1-"
                                + type.resnetLayers()
                                + " parameters from "
                                + file
                                + ": "
                                + e.getMessage(),
                        e);
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            for (Block layer : withoutHead(classifier).getChildren().values()) {
                layer.saveParameters(out);
            }
            out.flush();
            featureParams = bytes.toByteArray();
        }
        SequentialBlock features = resnetFeatures(type);
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(featureParams))) {
            for (Block layer : features.getChildren().values()) {
                layer.loadParameters(manager, in);
            }
        } catch (MalformedModelException e) {
            throw new IOException("cannot reload ResNet parameters from " + file, e);
        }
        LOG.info("loaded frozen {} weights from {}", type.id(), file);
        return features;
    }

    private static Block loadTorchScript(Path file, NDManager manager) throws IOException {
        // A torchvision export and the test fixture (written without PyTorch) load the same way.
        try (InputStream in = Files.newInputStream(file)) {
            long handle = JniUtils.loadModuleHandle(in, manager.getDevice(), true, false);
            LOG.info("loaded frozen TorchScript backbone from {}", file);
            return new PtSymbolBlock((PtNDManager) manager, handle);
        }
    }
}
