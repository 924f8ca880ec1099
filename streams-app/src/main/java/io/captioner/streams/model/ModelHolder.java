package io.captioner.streams.model;

import io.captioner.model.Captioner;
import io.captioner.model.artifact.ModelManifest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ModelProvider} of the app: one current {@link ServingModel} in an atomic reference.
 * {@link #install} replaces it atomically; the old model is closed when its last lease is returned,
 * so batches in flight finish on the model they started with.
 */
public final class ModelHolder implements ModelProvider, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModelHolder.class);

    private final AtomicReference<ServingModel> current = new AtomicReference<>();
    private final List<Runnable> changeListeners = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    /** Creates a holder without a model; processors wait until one is installed. */
    public ModelHolder() {}

    /**
     * Loads a model artifact file and installs it.
     *
     * @throws IOException if the file cannot be read or is not a valid artifact
     */
    public static ModelHolder load(Path artifact) throws IOException {
        ModelHolder holder = new ModelHolder();
        holder.install(Captioner.load(artifact));
        return holder;
    }

    /**
     * Makes {@code captioner} the current model (taking ownership) and retires the previous one.
     *
     * @throws IllegalStateException if the holder is closed
     */
    public void install(Captioner captioner) {
        ServingModel next = ServingModel.of(captioner);
        ServingModel previous;
        // Synchronized with close(), so a model installed while the app closes is released
        // rather than stored after close() emptied the holder; leases stay lock-free.
        synchronized (this) {
            if (closed) {
                next.release();
                throw new IllegalStateException("model holder is closed");
            }
            previous = current.getAndSet(next);
        }
        LOG.info("Serving model {}/{}", next.name(), next.version());
        if (previous != null) {
            previous.release();
        }
        notifyChange();
    }

    /**
     * Calls {@code listener} after every install and at close, on the thread that changed the
     * model, e.g. to export the served version as a metric. Listeners read {@link
     * #currentManifest()} themselves, so a late call of a racing install still sees the newest.
     */
    public void addChangeListener(Runnable listener) {
        changeListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    private void notifyChange() {
        for (Runnable listener : changeListeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                // A listener is an observer: it must not undo or fail the swap.
                LOG.warn("Model change listener failed", e);
            }
        }
    }

    @Override
    public Optional<ModelLease> tryAcquire() {
        while (true) {
            ServingModel model = current.get();
            if (model == null) {
                return Optional.empty();
            }
            if (model.retain()) {
                return Optional.of(new ModelLease(model));
            }
            // The model was retired between get() and retain(); the next get() sees its successor.
            if (current.get() == model) {
                return Optional.empty();
            }
        }
    }

    @Override
    public Optional<ModelManifest> currentManifest() {
        ServingModel model = current.get();
        return model == null ? Optional.empty() : Optional.of(model.manifest());
    }

    /** The current model without a lease, for diagnostics (name, version). */
    public Optional<ServingModel> current() {
        return Optional.ofNullable(current.get());
    }

    /** Retires the current model; it is closed once its leases are returned. */
    @Override
    public void close() {
        ServingModel model;
        synchronized (this) {
            closed = true;
            model = current.getAndSet(null);
        }
        if (model != null) {
            model.release();
            notifyChange();
        }
    }
}
