package io.captioner.model.nn;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The image encoders a captioner can use, selected by name; each fixes the input resolution and the
 * size of the pooled feature vector that the projection layer maps to the embedding size.
 */
public enum EncoderType {
    /** Small trainable CNN on 64x64 inputs: learns on a CPU in minutes, the default for demos. */
    TINY_CNN("tiny-cnn", 64, TinyCnn.FEATURE_SIZE, true, 0),
    /** Frozen ResNet-18 backbone (512-d pooled features) on 224x224 inputs. */
    RESNET18("resnet18", 224, 512, false, 18),
    /** Frozen ResNet-50 backbone (2048-d pooled features) on 224x224 inputs, as in the seed. */
    RESNET50("resnet50", 224, 2048, false, 50);

    private final String id;
    private final int inputSize;
    private final int featureSize;
    private final boolean trainable;
    private final int resnetLayers;

    EncoderType(String id, int inputSize, int featureSize, boolean trainable, int resnetLayers) {
        this.id = id;
        this.inputSize = inputSize;
        this.featureSize = featureSize;
        this.trainable = trainable;
        this.resnetLayers = resnetLayers;
    }

    /** Looks an encoder up by its command-line name, e.g. {@code tiny-cnn}. */
    public static EncoderType fromId(String id) {
        String wanted = id.trim().toLowerCase(Locale.ROOT);
        for (EncoderType type : values()) {
            if (type.id.equals(wanted)) {
                return type;
            }
        }
        throw new IllegalArgumentException(
                "unknown encoder '"
                        + id
                        + "', expected one of "
                        + Arrays.stream(values())
                                .map(EncoderType::id)
                                .collect(Collectors.joining(", ")));
    }

    /** Name used on the command line and in manifests. */
    public String id() {
        return id;
    }

    /** Square input resolution in pixels. */
    public int inputSize() {
        return inputSize;
    }

    /** Length of the backbone's pooled feature vector. */
    public int featureSize() {
        return featureSize;
    }

    /** Whether the backbone is trained with the decoder (true) or frozen (pretrained). */
    public boolean trainable() {
        return trainable;
    }

    /** Depth passed to DJL's {@code ResNetV1}, 0 for non-ResNet encoders. */
    public int resnetLayers() {
        return resnetLayers;
    }
}
