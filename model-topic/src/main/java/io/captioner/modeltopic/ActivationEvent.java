package io.captioner.modeltopic;

import io.captioner.events.ModelActivation;
import java.util.Objects;
import java.util.Optional;

/**
 * A model version became active and its artifact passed verification: what {@link
 * ModelTopicListener#onActivation} receives.
 *
 * @param activation the activation record
 * @param artifact the verified artifact; its file is deleted once the callback returns unless the
 *     listener moved it away
 */
public record ActivationEvent(ModelActivation activation, VerifiedArtifact artifact) {

    /** Validates the components. */
    public ActivationEvent {
        Objects.requireNonNull(activation, "activation");
        Objects.requireNonNull(artifact, "artifact");
    }

    /** The model name. */
    public String modelName() {
        return activation.getModelName();
    }

    /** The activated version. */
    public String version() {
        return activation.getVersion();
    }

    /** The version active before, as the activation records it. */
    public Optional<String> previousVersion() {
        return Optional.ofNullable(activation.getPreviousVersion());
    }
}
