package io.captioner.schemas.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.Schema;

/**
 * {@link SchemaRegistryClient} that keeps subjects in memory, with the semantics of a real
 * registry: global ids shared by equal schemas across subjects, per-subject versions and the
 * subject's {@link CompatibilityLevel} (BACKWARD by default) enforced on register.
 *
 * <p>Meant for {@code TopologyTestDriver} tests and {@code mock://} URLs (see {@link
 * SchemaRegistryClients}); thread-safe.
 */
public final class InMemorySchemaRegistryClient implements SchemaRegistryClient {

    private record Version(int id, int version, Schema schema) {}

    private final CompatibilityLevel defaultCompatibility;
    private final Map<String, List<Version>> subjects = new LinkedHashMap<>();
    private final Map<String, CompatibilityLevel> compatibility = new HashMap<>();
    private final Map<Integer, Schema> schemaById = new HashMap<>();
    private final Map<Schema, Integer> idBySchema = new HashMap<>();
    private int nextId = 1;

    /** Creates an empty registry whose subjects default to {@link CompatibilityLevel#BACKWARD}. */
    public InMemorySchemaRegistryClient() {
        this(CompatibilityLevel.BACKWARD);
    }

    /** Creates an empty registry whose subjects default to the given compatibility level. */
    public InMemorySchemaRegistryClient(CompatibilityLevel defaultCompatibility) {
        this.defaultCompatibility =
                Objects.requireNonNull(defaultCompatibility, "defaultCompatibility");
    }

    /** Sets the compatibility level of one subject, like {@code PUT /config/{subject}}. */
    public synchronized void setCompatibility(String subject, CompatibilityLevel level) {
        compatibility.put(
                Objects.requireNonNull(subject, "subject"), Objects.requireNonNull(level, "level"));
    }

    /** Returns the compatibility level in force for a subject. */
    public synchronized CompatibilityLevel getCompatibility(String subject) {
        return compatibility.getOrDefault(subject, defaultCompatibility);
    }

    @Override
    public synchronized int register(String subject, Schema schema) {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(schema, "schema");
        List<Version> versions = subjects.getOrDefault(subject, List.of());
        for (Version v : versions) {
            if (v.schema().equals(schema)) {
                return v.id();
            }
        }
        String problem =
                getCompatibility(subject)
                        .findIncompatibility(
                                schema, versions.stream().map(Version::schema).toList());
        if (problem != null) {
            throw new IncompatibleSchemaException(
                    "Schema being registered is incompatible with an earlier schema for subject "
                            + subject
                            + " ("
                            + getCompatibility(subject)
                            + "): "
                            + problem,
                    409,
                    40901);
        }
        Integer id = idBySchema.get(schema);
        if (id == null) {
            id = nextId++;
            idBySchema.put(schema, id);
            schemaById.put(id, schema);
        }
        subjects.computeIfAbsent(subject, s -> new ArrayList<>())
                .add(new Version(id, versions.size() + 1, schema));
        return id;
    }

    @Override
    public synchronized int getId(String subject, Schema schema) {
        for (Version v : versionsOf(subject)) {
            if (v.schema().equals(schema)) {
                return v.id();
            }
        }
        throw new SchemaNotFoundException(
                "Schema " + schema.getFullName() + " is not registered under subject " + subject,
                404,
                40403);
    }

    @Override
    public synchronized Schema getSchemaById(int id) {
        Schema schema = schemaById.get(id);
        if (schema == null) {
            throw new SchemaNotFoundException("Schema id " + id + " not found", 404, 40403);
        }
        return schema;
    }

    @Override
    public synchronized SchemaMetadata getLatestSchemaMetadata(String subject) {
        List<Version> versions = versionsOf(subject);
        Version latest = versions.get(versions.size() - 1);
        return new SchemaMetadata(subject, latest.id(), latest.version(), latest.schema());
    }

    @Override
    public synchronized boolean testCompatibility(String subject, Schema schema) {
        List<Version> versions = subjects.getOrDefault(subject, List.of());
        return getCompatibility(subject)
                        .findIncompatibility(
                                schema, versions.stream().map(Version::schema).toList())
                == null;
    }

    @Override
    public synchronized List<String> getAllSubjects() {
        return List.copyOf(subjects.keySet());
    }

    private List<Version> versionsOf(String subject) {
        List<Version> versions = subjects.get(subject);
        if (versions == null || versions.isEmpty()) {
            throw new SubjectNotFoundException("Subject " + subject + " not found", 404, 40401);
        }
        return versions;
    }
}
