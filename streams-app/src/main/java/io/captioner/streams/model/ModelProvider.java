package io.captioner.streams.model;

import io.captioner.model.artifact.ModelManifest;
import java.util.Optional;

/**
 * Where the captioning processors get their model from, one lease per batch, so the model can be
 * replaced between batches (from a file today, from the model topic later).
 */
public interface ModelProvider {

    /**
     * Leases the current model, or returns empty while none is loaded; callers keep their images
     * and try again later instead of failing them.
     */
    Optional<ModelLease> tryAcquire();

    /** The manifest of the current model, or empty while none is loaded. */
    Optional<ModelManifest> currentManifest();
}
