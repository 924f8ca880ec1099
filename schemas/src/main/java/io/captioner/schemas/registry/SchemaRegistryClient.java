package io.captioner.schemas.registry;

import java.util.List;
import org.apache.avro.Schema;

/**
 * The subset of the Confluent Schema Registry API the captioner needs: register and look up Avro
 * schemas by subject and by global id.
 *
 * <p>Implementations are thread-safe and cache immutable answers (ids and schemas). Failures are
 * reported as {@link SchemaRegistryException} subclasses: {@link SubjectNotFoundException}, {@link
 * VersionNotFoundException}, {@link SchemaNotFoundException}, {@link InvalidSchemaException},
 * {@link IncompatibleSchemaException} and {@link SchemaRegistryConnectionException}.
 */
public interface SchemaRegistryClient {

    /**
     * Registers {@code schema} under {@code subject} (or finds it if already there) and returns its
     * global id ({@code POST /subjects/{subject}/versions}).
     */
    int register(String subject, Schema schema);

    /**
     * Returns the id of {@code schema} if it is registered under {@code subject}, without
     * registering it ({@code POST /subjects/{subject}}).
     *
     * @throws SubjectNotFoundException if the subject does not exist
     * @throws SchemaNotFoundException if the schema is not registered under the subject
     */
    int getId(String subject, Schema schema);

    /**
     * Returns the schema with the given global id ({@code GET /schemas/ids/{id}}).
     *
     * @throws SchemaNotFoundException if no schema has that id
     */
    Schema getSchemaById(int id);

    /**
     * Returns the latest version registered under {@code subject} ({@code GET
     * /subjects/{subject}/versions/latest}); never cached, since it changes.
     *
     * @throws SubjectNotFoundException if the subject does not exist
     */
    SchemaMetadata getLatestSchemaMetadata(String subject);

    /**
     * Tells whether {@code schema} may be registered under {@code subject} by the subject's
     * compatibility rule ({@code POST /compatibility/subjects/{subject}/versions/latest}); true for
     * a subject that does not exist yet.
     */
    boolean testCompatibility(String subject, Schema schema);

    /** Lists every subject ({@code GET /subjects}). */
    List<String> getAllSubjects();
}
