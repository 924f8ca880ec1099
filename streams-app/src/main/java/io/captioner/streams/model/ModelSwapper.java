package io.captioner.streams.model;

import io.captioner.events.ModelActivation;
import io.captioner.model.Captioner;
import io.captioner.model.DecodingOptions;
import io.captioner.model.artifact.ModelManifest;
import io.captioner.modeltopic.ActivationEvent;
import io.captioner.modeltopic.ModelTopicListener;
import io.captioner.modeltopic.ModelVerificationException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns activations on the models topic into hot swaps: loads the verified artifact, checks that it
 * is the version the topic names, warms it with one caption, and only then installs it in the
 * {@link ModelHolder}, which switches between batches. It runs on the model topic watcher's thread,
 * so loading and warming never hold up the stream threads, and a version that fails any step is
 * refused (logged, counted) while the current model keeps serving.
 */
public final class ModelSwapper implements ModelTopicListener {

    private static final Logger LOG = LoggerFactory.getLogger(ModelSwapper.class);

    private final ModelHolder holder;
    private final String modelName;
    private final Set<String> otherModelsSeen = ConcurrentHashMap.newKeySet();
    private final DecodingOptions warmUpOptions;
    private final ModelSwapMetrics metrics;
    private final ModelLoader loader;

    /** Loads a verified artifact file into a model (by default {@link Captioner#load(Path)}). */
    @FunctionalInterface
    public interface ModelLoader {
        /** Loads {@code artifact}; the caller owns (and closes) the model. */
        Captioner load(Path artifact) throws IOException;
    }

    /**
     * Creates a swapper serving activations of {@code modelName}.
     *
     * @param warmUpOptions the decoding options of the warm-up caption (those the app serves with)
     */
    public ModelSwapper(
            ModelHolder holder,
            String modelName,
            DecodingOptions warmUpOptions,
            ModelSwapMetrics metrics) {
        this(holder, modelName, warmUpOptions, metrics, Captioner::load);
    }

    /** Creates a swapper that loads artifacts with {@code loader}. */
    public ModelSwapper(
            ModelHolder holder,
            String modelName,
            DecodingOptions warmUpOptions,
            ModelSwapMetrics metrics,
            ModelLoader loader) {
        this.holder = Objects.requireNonNull(holder, "holder");
        this.modelName = Objects.requireNonNull(modelName, "modelName");
        this.warmUpOptions = Objects.requireNonNull(warmUpOptions, "warmUpOptions");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.loader = Objects.requireNonNull(loader, "loader");
    }

    /**
     * Loads, checks, warms and installs the activated version; other models' activations are
     * ignored.
     *
     * @throws ModelRefusedException if the version cannot be served; the current model stays
     */
    @Override
    public void onActivation(ActivationEvent event) throws ModelRefusedException {
        if (!modelName.equals(event.modelName())) {
            // Once per name at WARN: a user who published under another name otherwise sees
            // nothing happen and no reason why.
            if (otherModelsSeen.add(event.modelName())) {
                LOG.warn(
                        "The models topic activated model '{}' (version {}), but this app serves"
                                + " model '{}': ignoring it. Set captioner.model.name (streams"
                                + " --model-name) to serve it.",
                        event.modelName(),
                        event.version(),
                        modelName);
            } else {
                LOG.debug(
                        "Ignoring activation of model {} version {}: this app serves model {}",
                        event.modelName(),
                        event.version(),
                        modelName);
            }
            return;
        }
        long start = System.nanoTime();
        Captioner loaded;
        try {
            loaded = loader.load(event.artifact().path());
        } catch (IOException | RuntimeException | LinkageError | VirtualMachineError e) {
            // An artifact that exhausts the heap or native memory (OutOfMemoryError) or needs
            // classes or native code this build lacks (LinkageError) is refused like any other
            // unloadable one; the model serving now is untouched, and the watcher goes on.
            throw refuse(event, ModelSwapMetrics.LOAD_FAILED, "cannot load: " + e, e);
        }
        try {
            ModelManifest manifest = loaded.manifest();
            if (!event.modelName().equals(manifest.name())
                    || !event.version().equals(manifest.version())) {
                throw refuse(
                        event,
                        ModelSwapMetrics.MANIFEST_MISMATCH,
                        "the artifact says it is model "
                                + manifest.name()
                                + " version "
                                + manifest.version(),
                        null);
            }
            warmUp(event, loaded);
            double seconds = (System.nanoTime() - start) / 1e9;
            String previous = holder.current().map(ServingModel::version).orElse("none");
            Captioner ready = loaded;
            // The holder owns the model from here on, even if install throws (it then closes it).
            loaded = null;
            holder.install(ready);
            metrics.swapped(seconds);
            LOG.info(
                    "Model {} version {} loaded and warmed in {} ms off the processing path; now"
                            + " serving it (was {})",
                    event.modelName(),
                    event.version(),
                    Math.round(seconds * 1000),
                    previous);
        } finally {
            if (loaded != null) {
                loaded.close();
            }
        }
    }

    /**
     * Counts an activation record the watcher refused (unsigned, replayed, a tombstone while
     * trusted keys are configured); the model in force does not change.
     */
    @Override
    public void onRecordRefused(ModelVerificationException error) {
        if (modelName.equals(error.modelName())) {
            metrics.recordRefusal(error.reason().name());
        }
    }

    /** Counts a version the watcher refused in verification; the watcher has logged it. */
    @Override
    public void onRejected(ModelActivation activation, ModelVerificationException error) {
        if (modelName.equals(activation.getModelName())) {
            metrics.recordRefusal(error.reason().name());
        }
    }

    private void warmUp(ActivationEvent event, Captioner loaded) throws ModelRefusedException {
        try {
            int size = loaded.preprocessor().size();
            BufferedImage blank = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
            // The first forward pass allocates and initialises native kernels; paying that here
            // keeps it out of the first served batch.
            loaded.caption(List.of(blank), warmUpOptions);
        } catch (RuntimeException | LinkageError | VirtualMachineError e) {
            throw refuse(event, ModelSwapMetrics.WARMUP_FAILED, "warm-up caption failed: " + e, e);
        }
    }

    private ModelRefusedException refuse(
            ActivationEvent event, String reason, String message, Throwable cause) {
        metrics.recordRefusal(reason);
        return new ModelRefusedException(
                reason
                        + ": refusing model "
                        + event.modelName()
                        + " version "
                        + event.version()
                        + ", the current model keeps serving: "
                        + message,
                cause);
    }

    /** An activated version that cannot be served; the message says why. */
    public static final class ModelRefusedException extends Exception {
        private static final long serialVersionUID = 1L;

        ModelRefusedException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
