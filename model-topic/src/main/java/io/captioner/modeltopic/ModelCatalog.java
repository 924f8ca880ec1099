package io.captioner.modeltopic;

import io.captioner.events.ModelActivation;
import io.captioner.events.ModelChunk;
import io.captioner.events.ModelManifest;
import io.captioner.events.ModelTopicRecord;
import io.captioner.modeltopic.ModelVerificationException.Reason;
import io.captioner.modeltopic.internal.ActivationLog;
import io.captioner.modeltopic.internal.ArtifactAssembler;
import io.captioner.modeltopic.internal.ChunkStore;
import io.captioner.modeltopic.internal.HeldVersion;
import io.captioner.modeltopic.internal.ModelKey;
import io.captioner.modeltopic.internal.StoredChunk;
import io.captioner.modeltopic.internal.VersionHolding;
import io.captioner.schemas.EventValidation;
import io.captioner.schemas.InvalidEventException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state of the {@code models} topic as read so far: every version's manifest and chunks, and
 * every model's activations with the one in force. This class is the record state machine (keys and
 * payloads to versions and activations) and the query API; what is held of a version within the
 * limits is {@link VersionHolding}'s policy, chunk bytes live in a {@link ChunkStore}, assembly and
 * its checks are {@link ArtifactAssembler}'s, the choice of the activation in force is {@link
 * ActivationLog}'s.
 *
 * <p>A catalog is filled by {@link ModelTopicReader#readToEnd()} (a snapshot) or by a {@link
 * ModelTopicWatcher} (live); it is thread-safe, so the watcher's thread may apply records while
 * others query. Tombstones delete the manifest, chunk or (without trusted keys) activation their
 * key names. Records whose key does not match their payload or whose payload is invalid are skipped
 * with a warning and counted in {@link #skippedRecords()}.
 *
 * <p>Bounded holding ({@link CatalogLimits}): a manifest is verified when it arrives (size within
 * the maximum artifact size and, with trusted keys, its signature); a chunk's bytes are stored only
 * if it is exactly a chunk its verified manifest announces, or, before any manifest of its version
 * arrived, while all such unverified chunks hold less than the budget. Everything else keeps only
 * its metadata, so what a writer of the topic can make a reader hold is bounded by the limits.
 *
 * <p>{@link #close()} deletes the spool directory, if any.
 */
public final class ModelCatalog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModelCatalog.class);

    private final ChunkStore store;
    private final TrustedKeys trustedKeys;
    private final VersionHolding holding;
    private final Map<String, ModelState> models = new TreeMap<>();
    private long skippedRecords;
    private boolean closed;

    /**
     * Creates an empty catalog with {@link CatalogLimits#defaults()}.
     *
     * @param storage where chunk bytes go
     * @param trustedKeys keys whose signatures are accepted on manifests and activations
     * @param workDir parent directory of the spool directory and of assembled artifacts; null for
     *     the system temporary directory
     */
    public ModelCatalog(ChunkStorage storage, TrustedKeys trustedKeys, Path workDir) {
        this(storage, trustedKeys, workDir, CatalogLimits.defaults());
    }

    /** Creates an empty catalog holding at most what {@code limits} allow. */
    public ModelCatalog(
            ChunkStorage storage, TrustedKeys trustedKeys, Path workDir, CatalogLimits limits) {
        this.trustedKeys = Objects.requireNonNull(trustedKeys, "trustedKeys");
        Objects.requireNonNull(limits, "limits");
        this.store = new ChunkStore(storage, workDir);
        this.holding = new VersionHolding(store, trustedKeys, limits);
    }

    /**
     * Applies one record of the {@code models} topic: a manifest, chunk or activation, or a
     * tombstone ({@code value == null}) deleting what {@code key} names.
     *
     * @return the refusal when the record is an activation (or an activation tombstone) that does
     *     not count because of the trusted keys: unsigned, badly signed, replayed, deleting
     */
    public synchronized Optional<ModelVerificationException> apply(
            String key, ModelTopicRecord value, long offset) {
        checkOpen();
        Optional<ModelKey> parsed = ModelKey.parse(key);
        if (parsed.isEmpty()) {
            skip(key, offset, "key is not a models topic key");
            return Optional.empty();
        }
        ModelKey modelKey = parsed.get();
        if (value == null) {
            return applyTombstone(modelKey, key);
        }
        Object payload = value.getPayload();
        try {
            switch (modelKey.kind()) {
                case MANIFEST:
                    if (!(payload instanceof ModelManifest manifest)) {
                        skip(key, offset, "payload is not a ModelManifest");
                        return Optional.empty();
                    }
                    EventValidation.validate(manifest);
                    if (!manifest.getModelName().equals(modelKey.modelName())
                            || !manifest.getVersion().equals(modelKey.version())) {
                        skip(key, offset, "manifest names another model or version");
                        return Optional.empty();
                    }
                    holding.manifest(versionState(modelKey, offset), manifest);
                    return Optional.empty();
                case CHUNK:
                    if (!(payload instanceof ModelChunk chunk)) {
                        skip(key, offset, "payload is not a ModelChunk");
                        return Optional.empty();
                    }
                    EventValidation.validate(chunk);
                    if (!chunk.getModelName().equals(modelKey.modelName())
                            || !chunk.getVersion().equals(modelKey.version())
                            || chunk.getIndex() != modelKey.chunkIndex()) {
                        skip(key, offset, "chunk names another model, version or index");
                        return Optional.empty();
                    }
                    holding.chunk(versionState(modelKey, offset), chunk);
                    return Optional.empty();
                case ACTIVATION:
                    if (!(payload instanceof ModelActivation activation)) {
                        skip(key, offset, "payload is not a ModelActivation");
                        return Optional.empty();
                    }
                    if (!activation.getModelName().equals(modelKey.modelName())
                            || activation.getVersion() == null
                            || activation.getVersion().isBlank()
                            || activation.getVersion().contains("/")) {
                        skip(key, offset, "activation names another model or no version");
                        return Optional.empty();
                    }
                    Optional<ModelVerificationException> refusal =
                            model(modelKey.modelName())
                                    .activations
                                    .apply(modelKey, key, activation, offset, trustedKeys);
                    refusal.ifPresent(
                            e ->
                                    LOG.warn(
                                            "Refusing models record at offset {} with key {}: {}",
                                            offset,
                                            key,
                                            e.getMessage()));
                    return refusal;
                default:
                    throw new IllegalStateException("unknown key kind " + modelKey.kind());
            }
        } catch (InvalidEventException e) {
            skip(key, offset, e.getMessage());
            return Optional.empty();
        }
    }

    /** Names of the models with at least one version or activation. */
    public synchronized Set<String> modelNames() {
        return Set.copyOf(new TreeSet<>(models.keySet()));
    }

    /** The versions of {@code modelName} in topic order (oldest first). */
    public synchronized List<ModelVersionSummary> versions(String modelName) {
        ModelState model = models.get(modelName);
        if (model == null) {
            return List.of();
        }
        List<ModelVersionSummary> result = new ArrayList<>();
        model.versions.values().stream()
                .sorted(Comparator.comparingLong(HeldVersion::firstOffset))
                .forEach(v -> result.add(summary(model, v)));
        return List.copyOf(result);
    }

    /** What is known about {@code version} of {@code modelName}. */
    public synchronized Optional<ModelVersionSummary> version(String modelName, String version) {
        ModelState model = models.get(modelName);
        if (model == null || !model.versions.containsKey(version)) {
            return Optional.empty();
        }
        return Optional.of(summary(model, model.versions.get(version)));
    }

    /**
     * Whether the manifest of {@code version} and all its chunks are present; checksums and
     * signatures are checked only by {@link #assemble}.
     */
    public synchronized boolean isComplete(String modelName, String version) {
        HeldVersion state = state(modelName, version);
        return state != null && state.isComplete();
    }

    /** The indexes of the chunks present for {@code version} of {@code modelName}. */
    public synchronized Set<Integer> chunkIndexes(String modelName, String version) {
        HeldVersion state = state(modelName, version);
        return state == null ? Set.of() : Set.copyOf(state.chunks().keySet());
    }

    /**
     * The activation of {@code modelName} in force: without trusted keys the latest one still on
     * the topic; with trusted keys the validly signed one with the highest sequence.
     */
    public synchronized Optional<ModelActivation> activation(String modelName) {
        ModelState model = models.get(modelName);
        return model == null ? Optional.empty() : model.activations.current();
    }

    /** The active version of {@code modelName}, per the activation in force. */
    public synchronized Optional<String> activeVersion(String modelName) {
        return activation(modelName).map(ModelActivation::getVersion);
    }

    /**
     * The activations of {@code modelName} that counted, oldest first; the copies publishers write
     * under the legacy key for old readers are left out.
     */
    public synchronized List<ModelActivation> activationHistory(String modelName) {
        ModelState model = models.get(modelName);
        return model == null ? List.of() : model.activations.history();
    }

    /**
     * The highest activation sequence any record of {@code modelName} carried, valid or not; 0 if
     * none. A publisher's next activation takes the one after it.
     */
    public synchronized long highestActivationSequence(String modelName) {
        ModelState model = models.get(modelName);
        return model == null ? 0 : model.activations.highestSequence();
    }

    /** How many records were skipped because their key, payload or fields were invalid. */
    public synchronized long skippedRecords() {
        return skippedRecords;
    }

    /**
     * How many chunks' bytes were dropped because chunks without a verified manifest exceeded
     * {@link CatalogLimits#maxUnverifiedBytes()}.
     */
    public synchronized long droppedChunks() {
        return holding.droppedChunks();
    }

    /** Bytes now held for chunks whose version has no verified manifest. */
    public synchronized long unverifiedBytes() {
        return holding.unverifiedBytes();
    }

    /** Where chunk bytes are kept. */
    public ChunkStorage storage() {
        return store.storage();
    }

    /**
     * Reassembles and verifies {@code version} of {@code modelName} into a new temporary file in
     * the work directory, which the caller owns (and should delete).
     *
     * @return empty if nothing at all is known of this version
     * @throws ModelVerificationException if any check fails; no file is left behind
     */
    public Optional<VerifiedArtifact> assemble(String modelName, String version)
            throws ModelVerificationException {
        return assemble(modelName, version, null);
    }

    /**
     * Reassembles and verifies {@code version} of {@code modelName} into {@code target}, which only
     * ever receives verified bytes (they are written next to it and moved into place).
     *
     * <p>Checks, in order: a manifest exists; it was accepted when it arrived (size within the
     * limit and, with trusted keys, a valid signature); all chunks {@code 0..chunkCount-1} are
     * present and agree on the count; chunk lengths add up to the size; every chunk's bytes were
     * kept; every chunk's data matches its sha256; the whole artifact matches the manifest's
     * sha256.
     *
     * @param target the file to write, or null for a new temporary file in the work directory
     * @return empty if nothing at all is known of this version
     * @throws ModelVerificationException if any check fails
     * @throws IllegalStateException if the catalog keeps {@link ChunkStorage#METADATA_ONLY}
     */
    public synchronized Optional<VerifiedArtifact> assemble(
            String modelName, String version, Path target) throws ModelVerificationException {
        checkOpen();
        HeldVersion state = state(modelName, version);
        if (state == null) {
            return Optional.empty();
        }
        ModelManifest manifest = state.manifest();
        if (manifest == null) {
            throw new ModelVerificationException(
                    Reason.NO_MANIFEST,
                    modelName,
                    version,
                    state.chunks().size() + " chunk(s) present but no manifest");
        }
        if (!store.keepsBytes()) {
            throw new IllegalStateException(
                    "This catalog keeps only chunk metadata; read with SPOOL or MEMORY to assemble");
        }
        if (state.refusal() != null) {
            throw state.refusal();
        }
        Path file = ArtifactAssembler.write(manifest, state.chunks(), store, target);
        return Optional.of(new VerifiedArtifact(manifest, file));
    }

    /** Deletes spooled chunks; the catalog is unusable afterwards. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (ModelState model : models.values()) {
            for (HeldVersion state : model.versions.values()) {
                state.chunks().values().forEach(store::release);
            }
        }
        models.clear();
        store.close();
    }

    private Optional<ModelVerificationException> applyTombstone(ModelKey key, String rawKey) {
        ModelState model = models.get(key.modelName());
        if (model == null && key.kind() != ModelKey.Kind.ACTIVATION) {
            return Optional.empty();
        }
        Optional<ModelVerificationException> refusal = Optional.empty();
        switch (key.kind()) {
            case ACTIVATION:
                refusal = model(key.modelName()).activations.tombstone(key, rawKey, trustedKeys);
                refusal.ifPresent(e -> LOG.warn("Refusing models record: {}", e.getMessage()));
                model = models.get(key.modelName());
                break;
            case MANIFEST:
            case CHUNK:
                HeldVersion state = model.versions.get(key.version());
                if (state == null) {
                    return Optional.empty();
                }
                if (key.kind() == ModelKey.Kind.MANIFEST) {
                    holding.deleteManifest(state);
                } else {
                    holding.deleteChunk(state, key.chunkIndex());
                }
                if (state.isEmpty()) {
                    model.versions.remove(key.version());
                }
                break;
            default:
                throw new IllegalStateException("unknown key kind " + key.kind());
        }
        if (model.versions.isEmpty() && model.activations.isEmpty()) {
            models.remove(key.modelName());
        }
        return refusal;
    }

    private ModelState model(String name) {
        return models.computeIfAbsent(name, ModelState::new);
    }

    private HeldVersion state(String modelName, String version) {
        ModelState model = models.get(modelName);
        return model == null ? null : model.versions.get(version);
    }

    private HeldVersion versionState(ModelKey key, long offset) {
        return model(key.modelName())
                .versions
                .computeIfAbsent(key.version(), v -> new HeldVersion(key.modelName(), v, offset));
    }

    private void skip(String key, long offset, String why) {
        skippedRecords++;
        LOG.warn("Skipping models record at offset {} with key {}: {}", offset, key, why);
    }

    private ModelVersionSummary summary(ModelState model, HeldVersion state) {
        long bytes = state.chunks().values().stream().mapToLong(StoredChunk::length).sum();
        boolean active =
                model.activations
                        .current()
                        .map(a -> a.getVersion().equals(state.version()))
                        .orElse(false);
        return new ModelVersionSummary(
                state.modelName(),
                state.version(),
                Optional.ofNullable(state.manifest()),
                state.chunks().size(),
                bytes,
                state.isComplete(),
                active,
                state.firstOffset());
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("model catalog is closed");
        }
    }

    private static final class ModelState {
        private final Map<String, HeldVersion> versions = new LinkedHashMap<>();
        private final ActivationLog activations;

        private ModelState(String name) {
            this.activations = new ActivationLog(name);
        }
    }
}
