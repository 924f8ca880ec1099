package io.captioner.schemas.serde;

import io.captioner.schemas.registry.SchemaRegistryClient;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka {@link Serde} for a generated Avro record class in the Confluent wire format, a drop-in for
 * Confluent's {@code io.confluent.kafka.streams.serdes.avro.SpecificAvroSerde}: same configuration
 * keys, same bytes.
 *
 * <p>Built with a {@link SchemaRegistryClient} it is ready to use; built with the no-argument
 * constructor (e.g. reflectively as {@code default.value.serde}) it needs {@link #configure} with
 * {@code schema.registry.url}.
 *
 * @param <T> the generated record class
 */
public class SpecificAvroSerde<T extends SpecificRecord> implements Serde<T> {

    private final SpecificAvroSerializer<T> serializer;
    private final SpecificAvroDeserializer<T> deserializer;

    /** Creates a serde that is configured later and picks classes by writer schema name. */
    public SpecificAvroSerde() {
        this.serializer = new SpecificAvroSerializer<>();
        this.deserializer = new SpecificAvroDeserializer<>();
    }

    /** Creates a serde that is configured later and reads records as {@code type}. */
    public SpecificAvroSerde(Class<T> type) {
        this.serializer = new SpecificAvroSerializer<>();
        this.deserializer = new SpecificAvroDeserializer<>(type);
    }

    /**
     * Creates a ready serde for values over {@code client} reading records as {@code type} (or by
     * writer schema name when null); {@link #configure} may still switch it to keys.
     */
    public SpecificAvroSerde(SchemaRegistryClient client, Class<T> type) {
        this.serializer = new SpecificAvroSerializer<>(client);
        this.deserializer = new SpecificAvroDeserializer<>(client, type);
    }

    /** Configures both halves with the keys of {@link AvroSerdeConfig}. */
    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        serializer.configure(configs, isKey);
        deserializer.configure(configs, isKey);
    }

    /** The serializer half. */
    @Override
    public Serializer<T> serializer() {
        return serializer;
    }

    /** The deserializer half. */
    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }
}
