package io.captioner.schemas.serde;

import io.captioner.schemas.registry.SchemaRegistryClient;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Typed {@link AvroSerializer} for one generated record class, so it fits a {@code Serde<T>}.
 *
 * @param <T> the generated record class
 */
public class SpecificAvroSerializer<T extends SpecificRecord> implements Serializer<T> {

    private final AvroSerializer inner;

    /** Creates a serializer that gets its registry client from {@link #configure}. */
    public SpecificAvroSerializer() {
        this.inner = new AvroSerializer();
    }

    /** Creates a serializer using {@code client}; {@link #configure} is optional. */
    public SpecificAvroSerializer(SchemaRegistryClient client) {
        this.inner = new AvroSerializer(client);
    }

    /** Reads the keys of {@link AvroSerdeConfig}; creates a client if none was given. */
    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        inner.configure(configs, isKey);
    }

    /**
     * Encodes the record in the Confluent wire format; null gives null.
     *
     * @throws SerializationException if the schema cannot be registered or the record encoded
     */
    @Override
    public byte[] serialize(String topic, T data) {
        return inner.serialize(topic, data);
    }
}
