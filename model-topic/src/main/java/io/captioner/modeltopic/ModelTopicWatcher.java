package io.captioner.modeltopic;

import io.captioner.events.ModelActivation;
import io.captioner.modeltopic.internal.TopicTail;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the {@code models} topic on a background thread and tells a {@link ModelTopicListener}
 * about activations, each only once its version is complete and verified.
 *
 * <p>The watcher first reads the topic from the beginning up to its end as of the start (catch up)
 * and then delivers the activation in force of every model ({@link ModelCatalog#activation}), so a
 * freshly started app gets its model; after that it delivers every change of the activation in
 * force. With trusted keys only a validly signed activation newer than the one in force counts, so
 * a forged, replayed or deleted activation changes nothing (the listener hears of it through {@link
 * ModelTopicListener#onRecordRefused}). An activation whose version's manifest or chunks have not
 * all arrived yet is held, and delivered as soon as they have; a newer activation of the same model
 * replaces a held one. An activation of the version delivered last for that model is not delivered
 * again. A complete version that fails verification (or whose sha256 is not the one the activation
 * names) goes to {@link ModelTopicListener#onRejected} instead, and is not retried until activated
 * again. Whatever the listener throws, {@link Error}s included, is logged and the watcher goes on.
 *
 * <p>The listener runs on the watcher thread, so a slow model load delays only the watcher. The
 * artifact file of an {@link ActivationEvent} is deleted when the callback returns; a listener that
 * wants to keep it moves it. {@link #close()} stops the thread and releases the consumer and the
 * catalog.
 */
public final class ModelTopicWatcher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModelTopicWatcher.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final ModelTopicReader reader;
    private final ModelTopicListener listener;
    private final ModelCatalog catalog;
    private final TopicTail tail;
    private final Thread thread;
    private final CountDownLatch caughtUpLatch = new CountDownLatch(1);
    private final CountDownLatch closeRequested = new CountDownLatch(1);
    private final Map<String, ModelActivation> held = new LinkedHashMap<>();
    private final Map<String, ModelActivation> considered = new HashMap<>();
    private final Map<String, String> delivered = new HashMap<>();
    private final Map<String, String> reportedHeld = new HashMap<>();
    private final List<AutoCloseable> consumerBindings = new CopyOnWriteArrayList<>();
    private volatile boolean closing;
    private volatile Throwable failure;

    ModelTopicWatcher(ModelTopicReader reader, ModelTopicListener listener) {
        this.reader = reader;
        this.listener = listener;
        this.catalog = reader.newCatalog();
        try {
            this.tail = reader.newTail(catalog);
        } catch (RuntimeException e) {
            catalog.close();
            throw e;
        }
        this.thread = new Thread(this::run, "model-topic-watcher-" + reader.topicName());
        thread.setDaemon(true);
        thread.start();
    }

    /** The live catalog the watcher fills; valid until {@link #close()}. */
    public ModelCatalog catalog() {
        return catalog;
    }

    /**
     * Waits until the watcher has read the topic up to its end as of the start and delivered the
     * current activations.
     *
     * @return false if that did not happen within {@code timeout}
     */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUpLatch.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Whether the watcher thread is running. */
    public boolean isRunning() {
        return thread.isAlive();
    }

    /** The error that stopped the watcher thread, if one did. */
    public Optional<Throwable> failure() {
        return Optional.ofNullable(failure);
    }

    /**
     * Binds something to the watcher's Kafka consumer for as long as the watcher lives, e.g.
     * Micrometer's {@code KafkaClientMetrics} (so the protocol module needs no metrics library):
     * {@code binder} gets the consumer now, and what it returns is closed by {@link #close()}. Only
     * the consumer's thread-safe {@code metrics()} may be used; the watcher thread polls it.
     *
     * @throws IllegalStateException if the watcher is closed
     */
    public void bindConsumer(Function<? super Consumer<?, ?>, ? extends AutoCloseable> binder) {
        if (closing) {
            throw new IllegalStateException("the model topic watcher is closed");
        }
        consumerBindings.add(Objects.requireNonNull(binder.apply(tail.consumer()), "binding"));
    }

    /** Stops the thread, waits for it and closes the consumer, its bindings and the catalog. */
    @Override
    public void close() {
        closing = true;
        closeRequested.countDown();
        tail.wakeup();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (AutoCloseable binding : consumerBindings) {
            try {
                binding.close();
            } catch (Exception e) {
                LOG.warn("Closing a binding of the model topic consumer failed", e);
            }
        }
        consumerBindings.clear();
        if (thread.isAlive()) {
            LOG.warn("Model topic watcher did not stop within 30 s (listener still busy?)");
            return;
        }
        catalog.close();
    }

    private void run() {
        Duration backoff = reader.pollInterval();
        try {
            boolean assigned = false;
            boolean caughtUp = false;
            while (!closing) {
                try {
                    if (!assigned) {
                        assigned = tail.assign(reader.readTimeout());
                        if (!assigned) {
                            LOG.debug("Topic {} does not exist yet", reader.topicName());
                            if (!caughtUp) {
                                // Nothing to catch up on: an absent topic is an empty topic.
                                caughtUp = true;
                                caughtUpLatch.countDown();
                            }
                            pause(reader.pollInterval());
                            continue;
                        }
                    }
                    for (ModelVerificationException refusal :
                            tail.pollOnce(reader.pollInterval())) {
                        notifyRefused(refusal);
                    }
                    if (!caughtUp && tail.reachedStartEnd()) {
                        caughtUp = true;
                        holdChangedActivations();
                        deliverHeld();
                        caughtUpLatch.countDown();
                    } else if (caughtUp) {
                        holdChangedActivations();
                        deliverHeld();
                    }
                    backoff = reader.pollInterval();
                } catch (WakeupException e) {
                    if (!closing) {
                        throw e;
                    }
                } catch (KafkaException e) {
                    LOG.warn(
                            "Reading topic {} failed, retrying in {}: {}",
                            reader.topicName(),
                            backoff,
                            e.toString());
                    pause(backoff);
                    backoff =
                            backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
                                    ? MAX_BACKOFF
                                    : backoff.multipliedBy(2);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            // Reported through failure() and the log; rethrowing would only print it again.
            failure = e;
            LOG.error("Model topic watcher stopped by an unexpected error", e);
        } finally {
            tail.close();
        }
    }

    /** Waits for {@code duration} or until {@link #close()} is called, whichever comes first. */
    private void pause(Duration duration) throws InterruptedException {
        // Not Thread.sleep: close() must not wait out a backoff of up to 30 s.
        closeRequested.await(duration.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Holds the activation in force of every model whose activation in force changed. */
    private void holdChangedActivations() {
        for (String name : catalog.modelNames()) {
            Optional<ModelActivation> current = catalog.activation(name);
            if (current.isPresent() && !current.get().equals(considered.get(name))) {
                considered.put(name, current.get());
                held.put(name, current.get());
            }
        }
    }

    private void notifyRefused(ModelVerificationException refusal) {
        try {
            listener.onRecordRefused(refusal);
        } catch (RuntimeException | Error listenerError) {
            LOG.error("Model listener failed in onRecordRefused", listenerError);
        }
    }

    private void deliverHeld() {
        for (Map.Entry<String, ModelActivation> entry : List.copyOf(held.entrySet())) {
            String name = entry.getKey();
            ModelActivation activation = entry.getValue();
            if (catalog.activation(name).isEmpty()) {
                LOG.info("Activation of model {} was deleted before it could be delivered", name);
                held.remove(name);
                continue;
            }
            String version = activation.getVersion();
            if (!catalog.isComplete(name, version)) {
                // Once per held activation at INFO; every poll would flood the log.
                if (!version.equals(reportedHeld.put(name, version))) {
                    LOG.info(
                            "Holding activation of model {} version {} until its manifest and all"
                                    + " chunks arrived",
                            name,
                            version);
                }
                continue;
            }
            reportedHeld.remove(name);
            if (version.equals(delivered.get(name))) {
                LOG.debug("Model {} version {} is already the delivered one", name, version);
                held.remove(name);
                continue;
            }
            if (deliver(activation)) {
                held.remove(name);
            }
        }
    }

    /** Delivers or rejects {@code activation}; false if it should be tried again later. */
    private boolean deliver(ModelActivation activation) {
        String name = activation.getModelName();
        String version = activation.getVersion();
        VerifiedArtifact artifact;
        try {
            Optional<VerifiedArtifact> assembled = catalog.assemble(name, version);
            if (assembled.isEmpty()) {
                LOG.warn(
                        "Model {} version {} vanished before it could be delivered", name, version);
                return true;
            }
            artifact = assembled.get();
            checkActivatedBytes(activation, artifact);
        } catch (UncheckedIOException e) {
            // Local trouble (e.g. a full disk), not a bad model: keep it held and try again.
            LOG.error(
                    "Cannot write the artifact of model {} version {}, will retry: {}",
                    name,
                    version,
                    e.toString());
            return false;
        } catch (ModelVerificationException e) {
            LOG.warn(
                    "Refusing activation of model {} version {}: {}",
                    name,
                    version,
                    e.getMessage());
            try {
                listener.onRejected(activation, e);
            } catch (RuntimeException | Error listenerError) {
                LOG.error("Model listener failed in onRejected", listenerError);
            }
            return true;
        } catch (RuntimeException | Error e) {
            // Not retried until activated again: the same bytes would most likely fail the same
            // way.
            LOG.error("Cannot assemble model {} version {}; it is not delivered", name, version, e);
            return true;
        }
        try {
            LOG.info("Delivering activation of model {} version {}", name, version);
            listener.onActivation(new ActivationEvent(activation, artifact));
            delivered.put(name, version);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closing = true;
        } catch (Exception | Error e) {
            // An Error (OutOfMemoryError, LinkageError) while loading a model is the model's fault
            // as far as the watcher can tell: that version is not served, the watcher goes on.
            LOG.error("Model listener failed to take model {} version {}", name, version, e);
        } finally {
            try {
                Files.deleteIfExists(artifact.path());
            } catch (IOException e) {
                LOG.warn("Cannot delete artifact file {}: {}", artifact.path(), e.toString());
            }
        }
        return true;
    }

    /** A signed activation names the bytes it activates: refuse other bytes under that version. */
    private static void checkActivatedBytes(ModelActivation activation, VerifiedArtifact artifact)
            throws ModelVerificationException {
        String expected = activation.getArtifactSha256();
        if (expected != null && !expected.equals(artifact.sha256())) {
            try {
                Files.deleteIfExists(artifact.path());
            } catch (IOException e) {
                LOG.warn("Cannot delete artifact file {}: {}", artifact.path(), e.toString());
            }
            throw new ModelVerificationException(
                    ModelVerificationException.Reason.ACTIVATION_MISMATCH,
                    activation.getModelName(),
                    activation.getVersion(),
                    "the activation names artifact sha256 "
                            + expected
                            + " but the version on the topic has "
                            + artifact.sha256());
        }
    }
}
