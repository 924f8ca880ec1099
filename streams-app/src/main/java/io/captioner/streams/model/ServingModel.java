package io.captioner.streams.model;

import io.captioner.model.Captioner;
import io.captioner.model.artifact.ModelManifest;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loaded captioner with a reference count, so a model swapped out while a batch still uses it is
 * closed only after that batch has finished.
 *
 * <p>The holder owns one reference from {@link #of(Captioner)}; every {@link ModelLease} owns one
 * more. When the last reference is released the captioner's native memory is freed.
 */
public final class ServingModel {

    private final Captioner captioner;
    private final ModelManifest manifest;
    private final InferenceSession.Factory sessions;
    private final AtomicInteger references = new AtomicInteger(1);

    private ServingModel(Captioner captioner, InferenceSession.Factory sessions) {
        this.captioner = Objects.requireNonNull(captioner, "captioner");
        this.sessions = Objects.requireNonNull(sessions, "sessions");
        this.manifest = captioner.manifest();
    }

    /** Wraps a captioner; the caller holds the first reference and takes ownership. */
    public static ServingModel of(Captioner captioner) {
        return new ServingModel(captioner, InferenceSession.Factory.DEFAULT);
    }

    /**
     * Wraps a captioner whose inference sessions come from {@code sessions} (to decorate inference,
     * e.g. with tracing, or with a slow or failing model in tests); the caller holds the first
     * reference and takes ownership.
     */
    public static ServingModel of(Captioner captioner, InferenceSession.Factory sessions) {
        return new ServingModel(captioner, sessions);
    }

    /**
     * Opens an inference session for the calling thread; only valid while the caller holds a
     * reference. Close it after the batch.
     */
    public InferenceSession newSession() {
        return sessions.open(captioner);
    }

    /** The captioner; only valid while the caller holds a reference. */
    public Captioner captioner() {
        return captioner;
    }

    /** The model's manifest, captured at load time so it stays valid after closing. */
    public ModelManifest manifest() {
        return manifest;
    }

    /** The model name of the manifest. */
    public String name() {
        return manifest.name();
    }

    /** The model version of the manifest ({@code unversioned} when it has none). */
    public String version() {
        return manifest.version() == null ? "unversioned" : manifest.version();
    }

    /** Adds a reference unless the model is already closed; returns whether it was added. */
    boolean retain() {
        while (true) {
            int current = references.get();
            if (current <= 0) {
                return false;
            }
            if (references.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    /** Drops a reference; the last one closes the captioner. */
    void release() {
        int left = references.decrementAndGet();
        if (left == 0) {
            captioner.close();
        } else if (left < 0) {
            throw new IllegalStateException("model " + name() + "/" + version() + " over-released");
        }
    }

    /** The current number of references, for tests and diagnostics. */
    int references() {
        return references.get();
    }

    @Override
    public String toString() {
        return "ServingModel{" + name() + "/" + version() + '}';
    }
}
