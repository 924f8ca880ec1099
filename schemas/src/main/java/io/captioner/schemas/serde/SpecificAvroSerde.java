package io.captioner.schemas.serde;

import io.captioner.schemas.registry.SchemaRegistryClient;
import io.captioner.schemas.registry.SchemaRegistryClients;
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

    private final Class<T> type;
    private SchemaRegistryClient client;
    private SpecificAvroSerializer<T> serializer;
    private SpecificAvroDeserializer<T> deserializer;

    /** Creates a serde that is configured later and picks classes by writer schema name. */
    public SpecificAvroSerde() {
        this(null, null);
    }

    /** Creates a serde that is configured later and reads records as {@code type}. */
    public SpecificAvroSerde(Class<T> type) {
        this(null, type);
    }

    /**
     * Creates a serde over {@code client} reading records as {@code type} (or by writer schema name
     * when null); ready for values without {@link #configure}. A null client is made from the
     * configuration in {@link #configure}.
     */
    public SpecificAvroSerde(SchemaRegistryClient client, Class<T> type) {
        this.client = client;
        this.type = type;
        this.serializer = new SpecificAvroSerializer<>(client);
        this.deserializer = new SpecificAvroDeserializer<>(client, type);
    }

    /**
     * Configures both halves with the keys of {@link AvroSerdeConfig}; without a client given at
     * construction, one client is made from {@code schema.registry.url} and shared by both halves.
     */
    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        if (client == null) {
            client = SchemaRegistryClients.fromConfig(configs);
            serializer = new SpecificAvroSerializer<>(client);
            deserializer = new SpecificAvroDeserializer<>(client, type);
        }
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
