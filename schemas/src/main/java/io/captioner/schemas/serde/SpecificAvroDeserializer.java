package io.captioner.schemas.serde;

import io.captioner.schemas.registry.SchemaRegistryClient;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * {@link AvroDeserializer} that always returns generated record classes: either a fixed reader
 * class (whose schema is the reader schema of Avro schema resolution) or, without one, the class
 * named by the writer schema.
 *
 * @param <T> the generated record class
 */
public class SpecificAvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {

    private final AvroDeserializer inner;
    private final Class<T> type;

    /** Creates a deserializer that picks the class by the writer schema's name. */
    public SpecificAvroDeserializer() {
        this(null, null);
    }

    /** Creates a deserializer that reads every record as {@code type}. */
    public SpecificAvroDeserializer(Class<T> type) {
        this(null, type);
    }

    /**
     * Creates a deserializer using {@code client} that reads records as {@code type}, or by the
     * writer schema's name when {@code type} is null; {@link #configure} is optional.
     */
    public SpecificAvroDeserializer(SchemaRegistryClient client, Class<T> type) {
        this.inner = new AvroDeserializer(client, type, true);
        this.type = type;
    }

    /** Reads the keys of {@link AvroSerdeConfig}; creates a client if none was given. */
    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        inner.configure(configs, isKey);
    }

    /**
     * Decodes one record; null gives null.
     *
     * @throws SerializationException for any input that is not a valid record in the wire format,
     *     or whose writer schema cannot be resolved to the reader class
     */
    @Override
    public T deserialize(String topic, byte[] data) {
        Object value = inner.deserialize(topic, data);
        if (value == null) {
            return null;
        }
        if (type != null) {
            return type.cast(value);
        }
        @SuppressWarnings("unchecked")
        T typed = (T) value;
        return typed;
    }
}
