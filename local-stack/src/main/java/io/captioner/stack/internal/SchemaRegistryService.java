package io.captioner.stack.internal;

import io.captioner.schemas.registry.CompatibilityLevel;
import io.captioner.stack.internal.StoreEntry.ConfigChange;
import io.captioner.stack.internal.StoreEntry.SchemaVersion;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.avro.Schema;

/**
 * The registry's rules over its state: Confluent-compatible id assignment, idempotent registration
 * and compatibility checks. Every change is written to the {@link SchemaStore} before it is applied
 * and acknowledged; all methods are serialized on this object, so concurrent registrations can
 * never hand out the same id twice.
 */
public final class SchemaRegistryService {

    /** Version argument meaning "the latest version of the subject". */
    public static final int LATEST = -1;

    private final SchemaStore store;
    private final Map<Integer, String> schemasById = new HashMap<>();
    private final Map<String, Integer> idsBySchema = new HashMap<>();
    private final Map<String, TreeMap<Integer, SchemaVersion>> subjects = new TreeMap<>();
    private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
    private CompatibilityLevel globalLevel = CompatibilityLevel.BACKWARD;
    private int maxId;

    private SchemaRegistryService(SchemaStore store) {
        this.store = store;
    }

    /** Rebuilds the state by replaying every entry the store holds, then serves from it. */
    public static SchemaRegistryService recover(SchemaStore store) {
        SchemaRegistryService service = new SchemaRegistryService(Objects.requireNonNull(store));
        for (StoreEntry entry : store.readAll()) {
            service.apply(entry);
        }
        return service;
    }

    /**
     * Registers {@code schemaText} under {@code subject} and returns its global id: the existing id
     * if the subject already has the schema, the id of an identical schema in another subject, or
     * the next id after the highest one.
     *
     * @throws RegistryException 42201 for an invalid schema, 409 if incompatible, 50001 if the
     *     store fails
     */
    public synchronized int register(String subject, String schemaText, String schemaType) {
        Schema schema = AvroCompatibility.parse(schemaText, schemaType);
        String canonical = AvroCompatibility.canonical(schema);
        Optional<SchemaVersion> existing = findInSubject(subject, canonical);
        if (existing.isPresent()) {
            return existing.get().id();
        }
        CompatibilityLevel level = effectiveLevel(subject);
        List<String> problems =
                AvroCompatibility.incompatibilities(level, schema, earlierFor(subject, level));
        if (!problems.isEmpty()) {
            throw RegistryException.incompatible(
                    "Schema being registered is incompatible with an earlier schema for subject \""
                            + subject
                            + "\" ("
                            + level
                            + "), details: "
                            + problems);
        }
        int id = idsBySchema.getOrDefault(canonical, maxId + 1);
        TreeMap<Integer, SchemaVersion> versions = subjects.get(subject);
        int version = versions == null ? 1 : versions.lastKey() + 1;
        SchemaVersion entry = new SchemaVersion(subject, version, id, canonical);
        append(entry);
        return id;
    }

    /**
     * Finds {@code schemaText} among the versions of {@code subject}.
     *
     * @throws RegistryException 40401 if the subject is unknown, 40403 if the schema is not in it
     */
    public synchronized SchemaVersion lookup(String subject, String schemaText, String schemaType) {
        Schema schema = AvroCompatibility.parse(schemaText, schemaType);
        requireSubject(subject);
        return findInSubject(subject, AvroCompatibility.canonical(schema))
                .orElseThrow(
                        () ->
                                RegistryException.schemaNotFound(
                                        "the schema is not registered under subject '"
                                                + subject
                                                + "'"));
    }

    /**
     * The canonical schema text with global id {@code id}.
     *
     * @throws RegistryException 40403 if no schema has that id
     */
    public synchronized String schemaById(int id) {
        String schema = schemasById.get(id);
        if (schema == null) {
            throw RegistryException.schemaNotFound("no schema with id " + id);
        }
        return schema;
    }

    /** Every subject version that uses schema {@code id}, by subject then version. */
    public synchronized List<SchemaVersion> versionsOfId(int id) {
        schemaById(id);
        List<SchemaVersion> uses = new ArrayList<>();
        for (TreeMap<Integer, SchemaVersion> versions : subjects.values()) {
            for (SchemaVersion v : versions.values()) {
                if (v.id() == id) {
                    uses.add(v);
                }
            }
        }
        return uses;
    }

    /** All subjects with at least one version, sorted. */
    public synchronized List<String> subjects() {
        return List.copyOf(subjects.keySet());
    }

    /**
     * The version numbers of {@code subject}, ascending.
     *
     * @throws RegistryException 40401 if the subject is unknown
     */
    public synchronized List<Integer> versions(String subject) {
        return List.copyOf(requireSubject(subject).keySet());
    }

    /**
     * One version of {@code subject}; {@link #LATEST} means the highest.
     *
     * @throws RegistryException 40401 if the subject is unknown, 40402 if the version is
     */
    public synchronized SchemaVersion version(String subject, int version) {
        TreeMap<Integer, SchemaVersion> versions = requireSubject(subject);
        SchemaVersion found =
                version == LATEST ? versions.lastEntry().getValue() : versions.get(version);
        if (found == null) {
            throw RegistryException.versionNotFound(subject, version);
        }
        return found;
    }

    /**
     * Checks {@code schemaText} against one version of {@code subject} (or, for {@link #LATEST},
     * against what a registration would be checked against) and lists the problems found.
     *
     * @throws RegistryException 40401/40402 for an unknown subject/version, 42201 for a bad schema
     */
    public synchronized List<String> checkCompatibility(
            String subject, int version, String schemaText, String schemaType) {
        Schema schema = AvroCompatibility.parse(schemaText, schemaType);
        CompatibilityLevel level = effectiveLevel(subject);
        SortedMap<Integer, Schema> earlier;
        if (version == LATEST) {
            requireSubject(subject);
            earlier = earlierFor(subject, level);
        } else {
            SchemaVersion target = version(subject, version);
            earlier = new TreeMap<>(Map.of(version, parseStored(target.schema())));
        }
        return AvroCompatibility.incompatibilities(level, schema, earlier);
    }

    /** The global compatibility level (BACKWARD unless changed). */
    public synchronized CompatibilityLevel globalLevel() {
        return globalLevel;
    }

    /** The level set for {@code subject} itself, if any. */
    public synchronized Optional<CompatibilityLevel> subjectLevel(String subject) {
        return Optional.ofNullable(subjectLevels.get(subject));
    }

    /** Changes the global level durably. */
    public synchronized void setGlobalLevel(CompatibilityLevel level) {
        append(new ConfigChange(Optional.empty(), level));
    }

    /** Changes the level of one subject durably; the subject need not exist yet. */
    public synchronized void setSubjectLevel(String subject, CompatibilityLevel level) {
        append(new ConfigChange(Optional.of(subject), level));
    }

    /** The level that applies to {@code subject}: its own, else the global one. */
    public synchronized CompatibilityLevel effectiveLevel(String subject) {
        return subjectLevels.getOrDefault(subject, globalLevel);
    }

    private void append(StoreEntry entry) {
        // Durable first: a crash after the write replays it; a failed write changes nothing.
        store.append(entry);
        apply(entry);
    }

    private void apply(StoreEntry entry) {
        if (entry instanceof SchemaVersion v) {
            subjects.computeIfAbsent(v.subject(), s -> new TreeMap<>()).put(v.version(), v);
            schemasById.putIfAbsent(v.id(), v.schema());
            idsBySchema.putIfAbsent(v.schema(), v.id());
            maxId = Math.max(maxId, v.id());
        } else if (entry instanceof ConfigChange c) {
            if (c.subject().isPresent()) {
                subjectLevels.put(c.subject().get(), c.level());
            } else {
                globalLevel = c.level();
            }
        }
    }

    private Optional<SchemaVersion> findInSubject(String subject, String canonical) {
        TreeMap<Integer, SchemaVersion> versions = subjects.get(subject);
        if (versions == null) {
            return Optional.empty();
        }
        return versions.values().stream().filter(v -> v.schema().equals(canonical)).findFirst();
    }

    private SortedMap<Integer, Schema> earlierFor(String subject, CompatibilityLevel level) {
        SortedMap<Integer, Schema> earlier = new TreeMap<>();
        TreeMap<Integer, SchemaVersion> versions = subjects.get(subject);
        if (versions == null || level == CompatibilityLevel.NONE) {
            return earlier;
        }
        if (level.transitive()) {
            versions.forEach((n, v) -> earlier.put(n, parseStored(v.schema())));
        } else {
            earlier.put(versions.lastKey(), parseStored(versions.lastEntry().getValue().schema()));
        }
        return earlier;
    }

    private TreeMap<Integer, SchemaVersion> requireSubject(String subject) {
        TreeMap<Integer, SchemaVersion> versions = subjects.get(subject);
        if (versions == null || versions.isEmpty()) {
            throw RegistryException.subjectNotFound(subject);
        }
        return versions;
    }

    private static Schema parseStored(String canonical) {
        return new Schema.Parser().parse(canonical);
    }
}
