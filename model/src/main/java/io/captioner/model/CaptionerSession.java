package io.captioner.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import java.util.List;
import java.util.Objects;

/**
 * A per-thread inference context over one {@link Captioner}: its own NDManager under the model's, a
 * parameter store, and PyTorch's autograd switched off on the calling thread while it captions.
 * Serving code keeps one session per inference thread, the role a DJL {@code Predictor} plays for a
 * single-forward model (our decoding is a search loop of many block calls, which a {@code
 * Predictor}'s translator cannot express).
 *
 * <p>Not thread-safe: use a session from one thread at a time. Closing it frees what it still
 * holds; the captioner stays open, and closing the captioner also frees its sessions' memory.
 */
public final class CaptionerSession implements AutoCloseable {

    private final Captioner captioner;
    private final NDManager manager;
    private final boolean pytorch;

    CaptionerSession(Captioner captioner, NDManager modelManager) {
        this.captioner = Objects.requireNonNull(captioner, "captioner");
        this.manager = modelManager.newSubManager();
        this.pytorch = "PyTorch".equals(manager.getEngine().getEngineName());
    }

    /** The captioner this session runs. */
    public Captioner captioner() {
        return captioner;
    }

    /** Side of the square input images in pixels ({@link #captionResized} expects this size). */
    public int inputSize() {
        return captioner.preprocessor().size();
    }

    /**
     * Captions images already resized by {@link io.captioner.model.image.ImagePreprocessor#resize}
     * of this model's preprocessor ({@code size * size * 3} RGB bytes each), all in one forward
     * pass however many there are; one result per image, in order.
     *
     * @throws IllegalArgumentException if an image has the wrong number of bytes
     */
    public List<CaptionResult> captionResized(List<byte[]> resized, DecodingOptions options) {
        Objects.requireNonNull(options, "options");
        if (resized.isEmpty()) {
            return List.of();
        }
        // Autograd state is thread-local in libtorch: off here, inference records no graph even
        // though the loaded parameters are marked as trainable.
        boolean previous = pytorch && JniUtils.isGradMode();
        if (previous) {
            JniUtils.setGradMode(false);
        }
        try (NDManager scope = manager.newSubManager()) {
            ParameterStore ps = new ParameterStore(scope, false);
            NDArray pixels = captioner.preprocessor().toTensor(scope, resized);
            return captioner.captionPixels(ps, pixels, options);
        } finally {
            if (previous) {
                JniUtils.setGradMode(true);
            }
        }
    }

    /** Frees the session's native memory; idempotent. */
    @Override
    public void close() {
        manager.close();
    }
}
