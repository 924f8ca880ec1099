package io.captioner.modeltopic;

import io.captioner.events.ModelActivation;

/**
 * Callbacks of a {@link ModelTopicWatcher}, called on the watcher's own thread, so loading and
 * warming a model there keeps it off the record-processing path.
 */
public interface ModelTopicListener {

    /**
     * Called once the activated version is complete on the topic and verified; the listener loads
     * the model from {@link ActivationEvent#artifact()}. Anything thrown, an {@link Error} such as
     * {@link OutOfMemoryError} included, is logged and does not stop the watcher.
     */
    void onActivation(ActivationEvent event) throws Exception;

    /**
     * Called when an activated version is complete but fails verification; the watcher also logs
     * it. The default does nothing more, so the previous model stays in use.
     */
    default void onRejected(ModelActivation activation, ModelVerificationException error) {}

    /**
     * Called when an activation record (or an activation tombstone) does not count because of the
     * trusted keys: unsigned, signed by an unknown key, badly signed, replayed or stale, or a
     * deletion. The activation in force does not change; the watcher also logs it. The default does
     * nothing more.
     */
    default void onRecordRefused(ModelVerificationException error) {}
}
