package io.captioner.schemas.serde;

import io.captioner.schemas.registry.SchemaNotFoundException;
import io.captioner.schemas.registry.SchemaRegistryClient;
import io.captioner.schemas.registry.SchemaRegistryClients;
import io.captioner.schemas.registry.SchemaRegistryException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serializes any Avro record (generated SpecificRecord or GenericRecord) into the Confluent wire
 * format ({@link WireFormat}), registering or looking up its schema under the TopicNameStrategy
 * subject {@code <topic>-key} / {@code <topic>-value}. The schema registered and looked up is the
 * {@link PortableSchema} (as in the {@code .avsc} files, without Java-only properties), so clients
 * in other languages find it and it finds theirs; without auto-registration, the form with Java
 * properties that older builds registered is found too.
 *
 * <p>Usable by class name as a Kafka {@code value.serializer} (then {@link #configure} reads {@code
 * schema.registry.url} and {@code auto.register.schemas}), or constructed with a client. Null
 * serializes to null (tombstone).
 */
public class AvroSerializer implements Serializer<Object> {

    private record WriterKey(Class<?> type, Schema schema) {}

    private final Map<WriterKey, DatumWriter<Object>> writers = new ConcurrentHashMap<>();
    private SchemaRegistryClient client;
    private boolean isKey;
    private boolean autoRegister = true;

    /** Creates a serializer that gets its registry client from {@link #configure}. */
    public AvroSerializer() {}

    /**
     * Creates a serializer for values using {@code client}, registering schemas; {@link #configure}
     * may still change key/value role and auto-registration.
     */
    public AvroSerializer(SchemaRegistryClient client) {
        this.client = client;
    }

    /** Creates a ready serializer from an explicit client and serde configuration. */
    public AvroSerializer(SchemaRegistryClient client, Map<String, ?> config, boolean isKey) {
        this.client = client;
        configure(config, isKey);
    }

    /** Reads the serde keys of {@link AvroSerdeConfig} and, if no client was given, creates one. */
    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.isKey = isKey;
        this.autoRegister = AvroSerdeConfig.parse(configs).autoRegisterSchemas();
        if (client == null) {
            client = SchemaRegistryClients.fromConfig(configs);
        }
    }

    /**
     * Encodes {@code data} as magic byte, schema id and Avro binary datum; null gives null.
     *
     * @throws SerializationException if the value is not an Avro record, its schema cannot be
     *     registered or found, or it cannot be encoded (e.g. a required field is null)
     */
    @Override
    public byte[] serialize(String topic, Object data) {
        if (data == null) {
            return null;
        }
        if (!(data instanceof GenericContainer container)) {
            throw new SerializationException(
                    "Cannot serialize a "
                            + data.getClass().getName()
                            + " for topic "
                            + topic
                            + ": expected an Avro record (SpecificRecord or GenericRecord)");
        }
        if (client == null) {
            throw new IllegalStateException(
                    "AvroSerializer is not configured: pass a SchemaRegistryClient or call"
                            + " configure() with "
                            + AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG);
        }
        Schema schema = container.getSchema();
        String subject = WireFormat.subjectName(topic, isKey);
        int id;
        try {
            Schema portable = PortableSchema.of(schema);
            id =
                    autoRegister
                            ? client.register(subject, portable)
                            : lookUp(subject, portable, schema);
        } catch (SchemaRegistryException e) {
            throw new SerializationException(
                    (autoRegister ? "Cannot register" : "Cannot find")
                            + " schema "
                            + schema.getFullName()
                            + " under subject "
                            + subject
                            + ": "
                            + e.getMessage(),
                    e);
        }
        DatumWriter<Object> writer =
                writers.computeIfAbsent(
                        new WriterKey(data.getClass(), schema), AvroSerializer::newWriter);
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        byte[] header = new byte[WireFormat.HEADER_SIZE];
        WireFormat.writeHeader(header, id);
        out.writeBytes(header);
        try {
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            writer.write(data, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException(
                    "Cannot encode a " + schema.getFullName() + " for topic " + topic + ": " + e,
                    e);
        }
        return out.toByteArray();
    }

    /**
     * The id of the portable form, or, for a registry an older build filled, of the generated
     * class's own schema with its Java properties.
     */
    private int lookUp(String subject, Schema portable, Schema generated) {
        try {
            return client.getId(subject, portable);
        } catch (SchemaNotFoundException e) {
            if (portable == generated) {
                throw e;
            }
            try {
                return client.getId(subject, generated);
            } catch (SchemaNotFoundException legacy) {
                e.addSuppressed(legacy);
                throw e;
            }
        }
    }

    private static DatumWriter<Object> newWriter(WriterKey key) {
        if (SpecificRecord.class.isAssignableFrom(key.type())) {
            // The class's own model carries the logical-type conversions (e.g. Instant).
            return new SpecificDatumWriter<>(key.schema(), SpecificData.getForClass(key.type()));
        }
        return new GenericDatumWriter<>(key.schema(), GenericData.get());
    }
}
