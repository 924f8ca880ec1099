package io.captioner.streams.model;

import io.captioner.model.CaptionResult;
import io.captioner.model.Captioner;
import io.captioner.model.CaptionerSession;
import io.captioner.model.DecodingOptions;
import java.util.List;

/**
 * One inference thread's context on a served model for one batch: captions images already resized
 * to the model's input size. The default is a {@link CaptionerSession}; {@link Factory} lets a
 * deployment or a test decorate it. Not thread-safe.
 */
public interface InferenceSession extends AutoCloseable {

    /** Side of the square input images in pixels. */
    int inputSize();

    /**
     * Captions {@code inputSize() * inputSize() * 3} RGB bytes per image in one forward pass, one
     * result per image in order.
     */
    List<CaptionResult> caption(List<byte[]> resized, DecodingOptions options);

    /** Frees what the session holds. */
    @Override
    void close();

    /** Opens sessions on a captioner. */
    @FunctionalInterface
    interface Factory {

        /** Sessions straight on the captioner ({@link Captioner#newSession()}). */
        Factory DEFAULT = captioner -> of(captioner.newSession());

        /** Opens a session on {@code captioner} for the calling thread. */
        InferenceSession open(Captioner captioner);
    }

    /** Adapts a {@link CaptionerSession}. */
    static InferenceSession of(CaptionerSession session) {
        return new InferenceSession() {
            @Override
            public int inputSize() {
                return session.inputSize();
            }

            @Override
            public List<CaptionResult> caption(List<byte[]> resized, DecodingOptions options) {
                return session.captionResized(resized, options);
            }

            @Override
            public void close() {
                session.close();
            }
        };
    }
}
