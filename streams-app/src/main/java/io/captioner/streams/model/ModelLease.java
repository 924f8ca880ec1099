package io.captioner.streams.model;

import io.captioner.model.Captioner;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The right to use one model for one batch; closing it gives the reference back, so a hot swap
 * never closes a model under a running batch. Not thread-safe; use it from one thread.
 */
public final class ModelLease implements AutoCloseable {

    private final ServingModel model;
    private final AtomicBoolean closed = new AtomicBoolean();

    ModelLease(ServingModel model) {
        this.model = model;
    }

    /** The leased model. */
    public ServingModel model() {
        return model;
    }

    /** Shortcut for {@code model().captioner()}. */
    public Captioner captioner() {
        return model.captioner();
    }

    /** Releases the reference; idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            model.release();
        }
    }
}
