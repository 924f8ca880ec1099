package io.captioner.schemas.serde;

import io.captioner.schemas.registry.SchemaMetadata;
import io.captioner.schemas.registry.SchemaNotFoundException;
import io.captioner.schemas.registry.SchemaRegistryClient;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;

/** Registry that hands out one known id, so golden bytes can be written down in a test. */
class FixedIdRegistry implements SchemaRegistryClient {

    final int id;
    final Schema schema;
    final List<String> registeredSubjects = new ArrayList<>();

    FixedIdRegistry(int id, Schema schema) {
        this.id = id;
        this.schema = schema;
    }

    @Override
    public int register(String subject, Schema s) {
        registeredSubjects.add(subject);
        return id;
    }

    @Override
    public int getId(String subject, Schema s) {
        return id;
    }

    @Override
    public Schema getSchemaById(int requested) {
        if (requested != id) {
            throw new SchemaNotFoundException("no schema " + requested, 404, 40403);
        }
        return schema;
    }

    @Override
    public SchemaMetadata getLatestSchemaMetadata(String subject) {
        return new SchemaMetadata(subject, id, 1, schema);
    }

    @Override
    public boolean testCompatibility(String subject, Schema s) {
        return true;
    }

    @Override
    public List<String> getAllSubjects() {
        return List.copyOf(registeredSubjects);
    }
}
