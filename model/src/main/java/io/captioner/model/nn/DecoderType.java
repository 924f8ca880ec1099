package io.captioner.model.nn;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The caption decoders a network can use, selected by name and recorded in the model artifact's
 * architecture.
 */
public enum DecoderType {
    /** The seed's LSTM: the pooled image feature is its first input, then the words. */
    LSTM("lstm"),
    /**
     * Soft (Bahdanau) attention over the encoder's spatial grid at every step (Show, Attend and
     * Tell, Xu et al. 2015): the gated, attention-weighted context is fed to the LSTM with the
     * word.
     */
    ATTENTION("attention");

    private final String id;

    DecoderType(String id) {
        this.id = id;
    }

    /**
     * Looks a decoder up by name; fails with the known names for anything else.
     *
     * @throws IllegalArgumentException for an unknown decoder
     */
    public static DecoderType fromId(String id) {
        String wanted = id.trim().toLowerCase(Locale.ROOT);
        for (DecoderType type : values()) {
            if (type.id.equals(wanted)) {
                return type;
            }
        }
        throw new IllegalArgumentException(
                "unknown decoder '"
                        + id
                        + "', expected one of "
                        + Arrays.stream(values())
                                .map(DecoderType::id)
                                .collect(Collectors.joining(", ")));
    }

    /** Name used on the command line and in manifests. */
    public String id() {
        return id;
    }
}
