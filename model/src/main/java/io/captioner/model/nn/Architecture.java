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
 * @param decoder decoder id, see {@link DecoderType#id()}; {@code null} (manifests written before
 *     the attention decoder existed) means {@code lstm}
 */
public record Architecture(
        String encoder,
        String backboneFormat,
        int inputSize,
        int featureSize,
        int embedSize,
        int hiddenSize,
        int layers,
        int vocabularySize,
        String decoder) {

    /** Validates the sizes; an unknown decoder fails with the known names. */
    public Architecture {
        EncoderType type = EncoderType.fromId(encoder);
        decoder = decoder == null ? DecoderType.LSTM.id() : DecoderType.fromId(decoder).id();
        if (DecoderType.ATTENTION.id().equals(decoder)
                && Backbones.TORCHSCRIPT.equals(backboneFormat)) {
            throw new IllegalArgumentException(
                    "the attention decoder needs the encoder's spatial grid, which a TorchScript"
                            + " backbone (pooled features) does not give");
        }
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

    /** Architecture with the LSTM decoder, the layout of every artifact before attention. */
    public Architecture(
            String encoder,
            String backboneFormat,
            int inputSize,
            int featureSize,
            int embedSize,
            int hiddenSize,
            int layers,
            int vocabularySize) {
        this(
                encoder,
                backboneFormat,
                inputSize,
                featureSize,
                embedSize,
                hiddenSize,
                layers,
                vocabularySize,
                DecoderType.LSTM.id());
    }

    /** LSTM-decoder architecture for an encoder with its default input and feature sizes. */
    public static Architecture of(
            EncoderType encoder,
            String backboneFormat,
            int embedSize,
            int hiddenSize,
            int layers,
            int vocabularySize) {
        return of(
                encoder,
                backboneFormat,
                embedSize,
                hiddenSize,
                layers,
                vocabularySize,
                DecoderType.LSTM);
    }

    /** Architecture for an encoder with its default input and feature sizes and a decoder. */
    public static Architecture of(
            EncoderType encoder,
            String backboneFormat,
            int embedSize,
            int hiddenSize,
            int layers,
            int vocabularySize,
            DecoderType decoder) {
        return new Architecture(
                encoder.id(),
                backboneFormat,
                encoder.inputSize(),
                encoder.featureSize(),
                embedSize,
                hiddenSize,
                layers,
                vocabularySize,
                decoder.id());
    }

    /** The decoder as an enum. */
    public DecoderType decoderType() {
        return DecoderType.fromId(decoder);
    }

    /** Whether the decoder attends over the encoder's grid. */
    public boolean attention() {
        return decoderType() == DecoderType.ATTENTION;
    }

    /**
     * Number of grid locations the attention decoder attends over: the tiny CNN's 4x4 grid, the
     * ResNets' last 7x7 stage.
     */
    public int gridCells() {
        return encoderType() == EncoderType.TINY_CNN ? TinyCnn.GRID_CELLS : 7 * 7;
    }

    /** Channels per grid location: the tiny CNN's last stage, the ResNets' pooled feature size. */
    public int gridChannels() {
        return encoderType() == EncoderType.TINY_CNN ? TinyCnn.GRID_CHANNELS : featureSize;
    }

    /**
     * Length of one image's backbone output as the network consumes it (and as frozen encoders
     * cache it): the pooled feature for the LSTM decoder, the flattened grid for attention over a
     * ResNet (the tiny CNN's output already holds its grid).
     */
    public int backboneOutputSize() {
        if (!attention() || encoderType() == EncoderType.TINY_CNN) {
            return featureSize;
        }
        return gridCells() * gridChannels();
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
