package io.captioner.modeltopic;

import io.captioner.events.ModelActivation;
import io.captioner.events.ModelChunk;
import io.captioner.events.ModelManifest;
import io.captioner.events.ModelTopicRecord;
import io.captioner.modeltopic.ModelVerificationException.Reason;
import io.captioner.modeltopic.internal.ModelKey;
import io.captioner.modeltopic.internal.Sha256;
import io.captioner.schemas.EventValidation;
import io.captioner.schemas.InvalidEventException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state of the {@code models} topic as read so far: every version's manifest and chunks, the
 * current activation of every model and the activations seen, in topic order.
 *
 * <p>A catalog is filled by {@link ModelTopicReader#readToEnd()} (a snapshot) or by a {@link
 * ModelTopicWatcher} (live); it is thread-safe, so the watcher's thread may apply records while
 * others query. Chunk bytes are kept as {@link ChunkStorage} says, once each. Tombstones delete the
 * manifest, chunk or activation their key names. Records whose key does not match their payload or
 * whose payload is invalid are skipped with a warning and counted in {@link #skippedRecords()}.
 *
 * <p>{@link #close()} deletes the spool directory, if any.
 */
public final class ModelCatalog implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ModelCatalog.class);
    private static final int MAX_LISTED_MISSING = 10;

    private final ChunkStorage storage;
    private final TrustedKeys trustedKeys;
    private final Path workDir;
    private final Path spoolDir;
    private final Map<String, ModelState> models = new TreeMap<>();
    private long spoolSequence;
    private long skippedRecords;
    private boolean closed;

    /**
     * Creates an empty catalog.
     *
     * @param storage where chunk bytes go
     * @param trustedKeys keys whose signatures {@link #assemble} accepts
     * @param workDir parent directory of the spool directory and of assembled artifacts; null for
     *     the system temporary directory
     */
    public ModelCatalog(ChunkStorage storage, TrustedKeys trustedKeys, Path workDir) {
        this.storage = Objects.requireNonNull(storage, "storage");
        this.trustedKeys = Objects.requireNonNull(trustedKeys, "trustedKeys");
        try {
            this.workDir =
                    workDir == null
                            ? Path.of(System.getProperty("java.io.tmpdir"))
                            : Files.createDirectories(workDir);
            this.spoolDir =
                    storage == ChunkStorage.SPOOL
                            ? Files.createTempDirectory(this.workDir, "model-chunks-")
                            : null;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create model work directory: " + e, e);
        }
    }

    /**
     * Applies one record of the {@code models} topic: a manifest, chunk or activation, or a
     * tombstone ({@code value == null}) deleting what {@code key} names.
     *
     * @return the activation if the record was a valid activation, for watchers
     */
    public synchronized Optional<ModelActivation> apply(
            String key, ModelTopicRecord value, long offset) {
        checkOpen();
        Optional<ModelKey> parsed = ModelKey.parse(key);
        if (parsed.isEmpty()) {
            return skip(key, offset, "key is not a models topic key");
        }
        ModelKey modelKey = parsed.get();
        if (value == null) {
            applyTombstone(modelKey);
            return Optional.empty();
        }
        Object payload = value.getPayload();
        try {
            switch (modelKey.kind()) {
                case MANIFEST:
                    if (!(payload instanceof ModelManifest manifest)) {
                        return skip(key, offset, "payload is not a ModelManifest");
                    }
                    EventValidation.validate(manifest);
                    if (!manifest.getModelName().equals(modelKey.modelName())
                            || !manifest.getVersion().equals(modelKey.version())) {
                        return skip(key, offset, "manifest names another model or version");
                    }
                    VersionState forManifest = versionState(modelKey, offset);
                    forManifest.manifest = manifest;
                    return Optional.empty();
                case CHUNK:
                    if (!(payload instanceof ModelChunk chunk)) {
                        return skip(key, offset, "payload is not a ModelChunk");
                    }
                    EventValidation.validate(chunk);
                    if (!chunk.getModelName().equals(modelKey.modelName())
                            || !chunk.getVersion().equals(modelKey.version())
                            || chunk.getIndex() != modelKey.chunkIndex()) {
                        return skip(key, offset, "chunk names another model, version or index");
                    }
                    VersionState forChunk = versionState(modelKey, offset);
                    StoredChunk previous = forChunk.chunks.put(chunk.getIndex(), store(chunk));
                    release(previous);
                    return Optional.empty();
                case ACTIVATION:
                    if (!(payload instanceof ModelActivation activation)) {
                        return skip(key, offset, "payload is not a ModelActivation");
                    }
                    if (!activation.getModelName().equals(modelKey.modelName())
                            || activation.getVersion() == null
                            || activation.getVersion().isBlank()
                            || activation.getVersion().contains("/")) {
                        return skip(key, offset, "activation names another model or no version");
                    }
                    ModelState model =
                            models.computeIfAbsent(modelKey.modelName(), n -> new ModelState());
                    model.activation = activation;
                    model.history.add(activation);
                    return Optional.of(activation);
                default:
                    throw new IllegalStateException("unknown key kind " + modelKey.kind());
            }
        } catch (InvalidEventException e) {
            return skip(key, offset, e.getMessage());
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
                .sorted(Comparator.comparingLong(v -> v.firstOffset))
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
        ModelState model = models.get(modelName);
        VersionState state = model == null ? null : model.versions.get(version);
        return state != null && state.isComplete();
    }

    /** The indexes of the chunks present for {@code version} of {@code modelName}. */
    public synchronized Set<Integer> chunkIndexes(String modelName, String version) {
        ModelState model = models.get(modelName);
        VersionState state = model == null ? null : model.versions.get(version);
        return state == null ? Set.of() : Set.copyOf(state.chunks.keySet());
    }

    /** The latest activation of {@code modelName}, unless none or deleted by a tombstone. */
    public synchronized Optional<ModelActivation> activation(String modelName) {
        ModelState model = models.get(modelName);
        return model == null ? Optional.empty() : Optional.ofNullable(model.activation);
    }

    /** The active version of {@code modelName}, per its latest activation. */
    public synchronized Optional<String> activeVersion(String modelName) {
        return activation(modelName).map(ModelActivation::getVersion);
    }

    /**
     * The activations of {@code modelName} still on the topic, oldest first; compaction may have
     * removed all but the latest.
     */
    public synchronized List<ModelActivation> activationHistory(String modelName) {
        ModelState model = models.get(modelName);
        return model == null ? List.of() : List.copyOf(model.history);
    }

    /** How many records were skipped because their key, payload or fields were invalid. */
    public synchronized long skippedRecords() {
        return skippedRecords;
    }

    /** Where chunk bytes are kept. */
    public ChunkStorage storage() {
        return storage;
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
     * <p>Checks, in order: a manifest exists; the signature, when trusted keys are configured; all
     * chunks {@code 0..chunkCount-1} are present and agree on the count; chunk lengths add up to
     * the size; every chunk's data matches its sha256; the whole artifact matches the manifest's
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
        ModelState model = models.get(modelName);
        VersionState state = model == null ? null : model.versions.get(version);
        if (state == null) {
            return Optional.empty();
        }
        ModelManifest manifest = state.manifest;
        if (manifest == null) {
            throw new ModelVerificationException(
                    Reason.NO_MANIFEST,
                    modelName,
                    version,
                    state.chunks.size() + " chunk(s) present but no manifest");
        }
        if (storage == ChunkStorage.METADATA_ONLY) {
            throw new IllegalStateException(
                    "This catalog keeps only chunk metadata; read with SPOOL or MEMORY to assemble");
        }
        trustedKeys.verify(manifest);
        checkChunksPresent(state, manifest);
        checkSizes(state, manifest);
        return Optional.of(new VerifiedArtifact(manifest, writeVerified(state, manifest, target)));
    }

    /** Deletes spooled chunks; the catalog is unusable afterwards. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (ModelState model : models.values()) {
            for (VersionState state : model.versions.values()) {
                state.chunks.values().forEach(this::release);
            }
        }
        models.clear();
        if (spoolDir != null) {
            try {
                Files.deleteIfExists(spoolDir);
            } catch (IOException e) {
                LOG.warn("Cannot delete chunk spool directory {}: {}", spoolDir, e.toString());
            }
        }
    }

    private void checkChunksPresent(VersionState state, ModelManifest manifest)
            throws ModelVerificationException {
        int count = manifest.getChunkCount();
        List<Integer> missing = new ArrayList<>();
        int missingTotal = 0;
        for (int i = 0; i < count; i++) {
            if (!state.chunks.containsKey(i)) {
                missingTotal++;
                if (missing.size() < MAX_LISTED_MISSING) {
                    missing.add(i);
                }
            }
        }
        if (missingTotal > 0) {
            throw new ModelVerificationException(
                    Reason.MISSING_CHUNKS,
                    manifest.getModelName(),
                    manifest.getVersion(),
                    String.format(
                            Locale.ROOT,
                            "%d of %d chunks missing, first missing indexes %s",
                            missingTotal,
                            count,
                            missing));
        }
        for (StoredChunk chunk : state.chunks.values()) {
            if (chunk.count != count) {
                throw new ModelVerificationException(
                        Reason.MISSING_CHUNKS,
                        manifest.getModelName(),
                        manifest.getVersion(),
                        String.format(
                                Locale.ROOT,
                                "chunk %d belongs to an upload of %d chunks, manifest has %d",
                                chunk.index,
                                chunk.count,
                                count));
            }
        }
    }

    private static void checkSizes(VersionState state, ModelManifest manifest)
            throws ModelVerificationException {
        int count = manifest.getChunkCount();
        long size = manifest.getArtifactSizeBytes();
        long chunkSize = manifest.getChunkSizeBytes();
        long total = 0;
        for (StoredChunk chunk : state.chunks.values()) {
            long expected =
                    chunk.index < count - 1 ? chunkSize : size - (long) (count - 1) * chunkSize;
            if (chunk.length != expected) {
                throw new ModelVerificationException(
                        Reason.SIZE_MISMATCH,
                        manifest.getModelName(),
                        manifest.getVersion(),
                        String.format(
                                Locale.ROOT,
                                "chunk %d holds %d bytes, expected %d (size %d, chunk size %d)",
                                chunk.index,
                                chunk.length,
                                expected,
                                size,
                                chunkSize));
            }
            total += chunk.length;
        }
        if (total != size) {
            throw new ModelVerificationException(
                    Reason.SIZE_MISMATCH,
                    manifest.getModelName(),
                    manifest.getVersion(),
                    "chunks hold " + total + " bytes, manifest says " + size);
        }
    }

    private Path writeVerified(VersionState state, ModelManifest manifest, Path target)
            throws ModelVerificationException {
        String name = manifest.getModelName();
        String version = manifest.getVersion();
        Path temp;
        try {
            Path dir = target == null ? workDir : target.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            temp = Files.createTempFile(dir, "model-", ".partial");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create artifact file: " + e, e);
        }
        boolean verified = false;
        try {
            MessageDigest whole = Sha256.newDigest();
            try (OutputStream out = Files.newOutputStream(temp)) {
                for (StoredChunk chunk : state.chunks.values()) {
                    byte[] data = load(chunk);
                    String actual = Sha256.hex(data);
                    if (!actual.equals(chunk.sha256)) {
                        throw new ModelVerificationException(
                                Reason.CHUNK_CHECKSUM_MISMATCH,
                                name,
                                version,
                                "chunk "
                                        + chunk.index
                                        + " data hashes to "
                                        + actual
                                        + ", its record says "
                                        + chunk.sha256);
                    }
                    whole.update(data);
                    out.write(data);
                }
            }
            String actual = Sha256.hex(whole);
            if (!actual.equals(manifest.getSha256())) {
                throw new ModelVerificationException(
                        Reason.CHECKSUM_MISMATCH,
                        name,
                        version,
                        "artifact hashes to " + actual + ", manifest says " + manifest.getSha256());
            }
            Path result = temp;
            if (target != null) {
                result = moveIntoPlace(temp, target);
            } else {
                Path named =
                        temp.resolveSibling(
                                temp.getFileName().toString().replace(".partial", ".artifact"));
                result = Files.move(temp, named);
            }
            verified = true;
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write artifact of " + name + "/" + version, e);
        } finally {
            if (!verified) {
                deleteQuietly(temp);
            }
        }
    }

    private static Path moveIntoPlace(Path temp, Path target) throws IOException {
        try {
            return Files.move(
                    temp,
                    target,
                    StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            return Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private StoredChunk store(ModelChunk chunk) {
        ByteBuffer data = chunk.getData();
        int length = data.remaining();
        switch (storage) {
            case MEMORY:
                byte[] bytes = new byte[length];
                data.duplicate().get(bytes);
                return new StoredChunk(chunk, length, bytes, null);
            case SPOOL:
                Path file =
                        spoolDir.resolve(
                                String.format(Locale.ROOT, "%012d.chunk", spoolSequence++));
                try (var channel =
                        Files.newByteChannel(
                                file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    ByteBuffer source = data.duplicate();
                    while (source.hasRemaining()) {
                        channel.write(source);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("Cannot spool model chunk to " + file, e);
                }
                return new StoredChunk(chunk, length, null, file);
            case METADATA_ONLY:
                return new StoredChunk(chunk, length, null, null);
            default:
                throw new IllegalStateException("unknown storage " + storage);
        }
    }

    private static byte[] load(StoredChunk chunk) throws IOException {
        if (chunk.bytes != null) {
            return chunk.bytes;
        }
        return Files.readAllBytes(chunk.file);
    }

    private void release(StoredChunk chunk) {
        if (chunk != null && chunk.file != null) {
            deleteQuietly(chunk.file);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("Cannot delete {}: {}", file, e.toString());
        }
    }

    private void applyTombstone(ModelKey key) {
        ModelState model = models.get(key.modelName());
        if (model == null) {
            return;
        }
        switch (key.kind()) {
            case ACTIVATION:
                model.activation = null;
                break;
            case MANIFEST:
            case CHUNK:
                VersionState state = model.versions.get(key.version());
                if (state == null) {
                    return;
                }
                if (key.kind() == ModelKey.Kind.MANIFEST) {
                    state.manifest = null;
                } else {
                    release(state.chunks.remove(key.chunkIndex()));
                }
                if (state.manifest == null && state.chunks.isEmpty()) {
                    model.versions.remove(key.version());
                }
                break;
            default:
                throw new IllegalStateException("unknown key kind " + key.kind());
        }
        if (model.versions.isEmpty() && model.activation == null && model.history.isEmpty()) {
            models.remove(key.modelName());
        }
    }

    private VersionState versionState(ModelKey key, long offset) {
        ModelState model = models.computeIfAbsent(key.modelName(), n -> new ModelState());
        return model.versions.computeIfAbsent(key.version(), v -> new VersionState(offset));
    }

    private Optional<ModelActivation> skip(String key, long offset, String why) {
        skippedRecords++;
        LOG.warn("Skipping models record at offset {} with key {}: {}", offset, key, why);
        return Optional.empty();
    }

    private static ModelVersionSummary summary(ModelState model, VersionState state) {
        long bytes = state.chunks.values().stream().mapToLong(c -> c.length).sum();
        String version = state.versionName();
        boolean active =
                model.activation != null
                        && version != null
                        && model.activation.getVersion().equals(version);
        return new ModelVersionSummary(
                state.modelName(),
                version,
                Optional.ofNullable(state.manifest),
                state.chunks.size(),
                bytes,
                state.isComplete(),
                active,
                state.firstOffset);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("model catalog is closed");
        }
    }

    private static final class ModelState {
        private final Map<String, VersionState> versions = new LinkedHashMap<>();
        private final List<ModelActivation> history = new ArrayList<>();
        private ModelActivation activation;
    }

    private static final class VersionState {
        private final long firstOffset;
        private final TreeMap<Integer, StoredChunk> chunks = new TreeMap<>();
        private ModelManifest manifest;

        private VersionState(long firstOffset) {
            this.firstOffset = firstOffset;
        }

        private boolean isComplete() {
            if (manifest == null) {
                return false;
            }
            int count = manifest.getChunkCount();
            for (int i = 0; i < count; i++) {
                StoredChunk chunk = chunks.get(i);
                if (chunk == null || chunk.count != count) {
                    return false;
                }
            }
            return true;
        }

        private String modelName() {
            if (manifest != null) {
                return manifest.getModelName();
            }
            return chunks.firstEntry().getValue().modelName;
        }

        private String versionName() {
            if (manifest != null) {
                return manifest.getVersion();
            }
            return chunks.firstEntry().getValue().version;
        }
    }

    private static final class StoredChunk {
        private final String modelName;
        private final String version;
        private final int index;
        private final int count;
        private final String sha256;
        private final int length;
        private final byte[] bytes;
        private final Path file;

        private StoredChunk(ModelChunk chunk, int length, byte[] bytes, Path file) {
            this.modelName = chunk.getModelName();
            this.version = chunk.getVersion();
            this.index = chunk.getIndex();
            this.count = chunk.getCount();
            this.sha256 = chunk.getSha256();
            this.length = length;
            this.bytes = bytes;
            this.file = file;
        }
    }
}
