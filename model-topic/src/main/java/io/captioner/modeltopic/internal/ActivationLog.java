package io.captioner.modeltopic.internal;

import io.captioner.events.ModelActivation;
import io.captioner.modeltopic.ModelVerificationException;
import io.captioner.modeltopic.ModelVerificationException.Reason;
import io.captioner.modeltopic.TrustedKeys;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The activations of one model as read so far, and which one is in force.
 *
 * <p>Without trusted keys the rule is the one the topic always had: the activation record with the
 * highest offset still present is in force, and a tombstone deletes the activation its key names.
 *
 * <p>With trusted keys an activation counts only if it is under its own sequenced key (the legacy
 * key {@code <name>/activation} is ignored), its signature verifies, its sequence equals the one in
 * its key, and its sequence is above the one in force: so neither a forged activation, nor a
 * replayed older signed one, nor a tombstone can move a reader off the version it serves, and a
 * reader that starts after compaction (which keeps every activation under its own key) finds the
 * same activation in force.
 */
public final class ActivationLog {

    private static final Logger LOG = LoggerFactory.getLogger(ActivationLog.class);

    private record Entry(ModelActivation activation, long offset) {}

    private final String modelName;
    private final Map<String, Entry> present = new HashMap<>();
    private final List<ModelActivation> history = new ArrayList<>();
    private ModelActivation current;
    private long currentOffset = -1;
    private long highestSequence;

    /** An empty log for {@code modelName}. */
    public ActivationLog(String modelName) {
        this.modelName = Objects.requireNonNull(modelName, "modelName");
    }

    /**
     * Applies an activation record.
     *
     * @param key the parsed key, an activation key of this model
     * @param rawKey the key as on the topic
     * @return the refusal, when trusted keys are configured and the record does not count
     */
    public Optional<ModelVerificationException> apply(
            ModelKey key,
            String rawKey,
            ModelActivation activation,
            long offset,
            TrustedKeys keys) {
        if (activation.getSequence() != null) {
            highestSequence = Math.max(highestSequence, activation.getSequence());
        }
        if (keys.isEmpty()) {
            present.put(rawKey, new Entry(activation, offset));
            if (!isCopyOfCurrent(key, activation)) {
                history.add(activation);
            }
            if (offset >= currentOffset) {
                current = activation;
                currentOffset = offset;
            }
            return Optional.empty();
        }
        if (key.isLegacyActivation()) {
            // With trusted keys only activations under their own sequenced key count; the legacy
            // key holds the compatibility copy for old readers (or whatever a writer put there).
            if (current == null || !sameActivation(activation, current)) {
                LOG.info(
                        "Ignoring the activation of model {} version {} under the legacy key {}:"
                                + " with trusted keys only signed activations under {}/activation/"
                                + "<sequence> count",
                        modelName,
                        activation.getVersion(),
                        rawKey,
                        modelName);
            }
            return Optional.empty();
        }
        try {
            keys.verify(activation);
        } catch (ModelVerificationException e) {
            return Optional.of(e);
        }
        if (key.sequence() != activation.getSequence()) {
            return Optional.of(
                    refusal(
                            Reason.ACTIVATION_MISMATCH,
                            activation,
                            "signed for sequence "
                                    + activation.getSequence()
                                    + " but written under key "
                                    + rawKey));
        }
        if (current != null) {
            long inForce = current.getSequence();
            long offered = activation.getSequence();
            if (offered == inForce && sameActivation(activation, current)) {
                // The same record written again under its key: changes nothing.
                return Optional.empty();
            }
            if (offered <= inForce) {
                return Optional.of(
                        refusal(
                                Reason.STALE_ACTIVATION,
                                activation,
                                "activation "
                                        + offered
                                        + " is not newer than activation "
                                        + inForce
                                        + " of version "
                                        + current.getVersion()
                                        + " in force; a replayed activation cannot downgrade"));
            }
        }
        present.put(rawKey, new Entry(activation, offset));
        history.add(activation);
        current = activation;
        currentOffset = offset;
        return Optional.empty();
    }

    /**
     * Applies a tombstone on an activation key.
     *
     * @return the refusal, when trusted keys are configured: then activations cannot be deleted
     */
    public Optional<ModelVerificationException> tombstone(
            ModelKey key, String rawKey, TrustedKeys keys) {
        if (!keys.isEmpty() && key.isLegacyActivation()) {
            // Nothing under the legacy key counts with trusted keys, so deleting it changes
            // nothing.
            return Optional.empty();
        }
        if (!keys.isEmpty()) {
            return Optional.of(
                    new ModelVerificationException(
                            Reason.ACTIVATION_TOMBSTONE,
                            modelName,
                            null,
                            "tombstone on "
                                    + rawKey
                                    + " ignored: with trusted keys activations are never deleted,"
                                    + " only superseded by a newer signed one"));
        }
        Entry removed = present.remove(rawKey);
        if (removed != null && removed.offset() == currentOffset) {
            current = null;
            currentOffset = -1;
            for (Entry entry : present.values()) {
                if (entry.offset() > currentOffset) {
                    current = entry.activation();
                    currentOffset = entry.offset();
                }
            }
        }
        return Optional.empty();
    }

    /** The activation in force, if any. */
    public Optional<ModelActivation> current() {
        return Optional.ofNullable(current);
    }

    /** The activations that counted, in topic order, compatibility copies left out. */
    public List<ModelActivation> history() {
        return List.copyOf(history);
    }

    /** The highest sequence of any activation record seen, valid or not; 0 if none. */
    public long highestSequence() {
        return highestSequence;
    }

    /** Whether nothing is known of this model's activations any more. */
    public boolean isEmpty() {
        return present.isEmpty() && history.isEmpty();
    }

    private boolean isCopyOfCurrent(ModelKey key, ModelActivation activation) {
        return key.isLegacyActivation()
                && activation.getSequence() != null
                && current != null
                && sameActivation(activation, current);
    }

    private static boolean sameActivation(ModelActivation a, ModelActivation b) {
        return Objects.equals(a.getSequence(), b.getSequence())
                && a.getVersion().equals(b.getVersion())
                && Objects.equals(a.getArtifactSha256(), b.getArtifactSha256());
    }

    private ModelVerificationException refusal(
            Reason reason, ModelActivation activation, String message) {
        return new ModelVerificationException(reason, modelName, activation.getVersion(), message);
    }
}
