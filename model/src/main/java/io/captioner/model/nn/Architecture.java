package io.captioner.model.nn;

/**
 * Sizes that define a captioning network; two models with equal architectures have interchangeable
 * weights, which is what warm starts and artifact loading rely on.
 *
 * @param encoder encoder id, see {@link EncoderType#id()}
 * @param backboneFormat how the backbone's weights are stored: {@link Backbones#DJL} or {@link
 *     Backbones#TORCHSCRIPT}
 * @param inputSize square image resolution fed to the encoder
 * @param featureSize length of the backbone's pooled feature vector
 * @param embedSize word embedding size, also the size of the projected image feature
 * @param hiddenSize LSTM hidden state size
 * @param layers number of stacked LSTM layers
 * @param vocabularySize number of words including the special tokens
 */
public record Architecture(
        String encoder,
        String backboneFormat,
        int inputSize,
        int featureSize,
        int embedSize,
        int hiddenSize,
        int layers,
        int vocabularySize) {

    /** Validates the sizes. */
    public Architecture {
        EncoderType type = EncoderType.fromId(encoder);
        if (!Backbones.DJL.equals(backboneFormat)
                && !Backbones.TORCHSCRIPT.equals(backboneFormat)) {
            throw new IllegalArgumentException("unknown backbone format: " + backboneFormat);
        }
        if (type.trainable() && !Backbones.DJL.equals(backboneFormat)) {
            throw new IllegalArgumentException(encoder + " is always a DJL block");
        }
        requirePositive("inputSize", inputSize);
        requirePositive("featureSize", featureSize);
        if (type == EncoderType.TINY_CNN) {
            TinyCnn.checkSupported(inputSize, featureSize);
        }
        requirePositive("embedSize", embedSize);
        requirePositive("hiddenSize", hiddenSize);
        requirePositive("layers", layers);
        if (vocabularySize < 5) {
            throw new IllegalArgumentException(
                    "vocabularySize must be at least 5 (4 special tokens + 1 word), was "
                            + vocabularySize);
        }
    }

    /** Architecture for an encoder with its default input and feature sizes. */
    public static Architecture of(
            EncoderType encoder,
            String backboneFormat,
            int embedSize,
            int hiddenSize,
            int layers,
            int vocabularySize) {
        return new Architecture(
                encoder.id(),
                backboneFormat,
                encoder.inputSize(),
                encoder.featureSize(),
                embedSize,
                hiddenSize,
                layers,
                vocabularySize);
    }

    /** The encoder as an enum. */
    public EncoderType encoderType() {
        return EncoderType.fromId(encoder);
    }

    private static void requirePositive(String name, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }
}
