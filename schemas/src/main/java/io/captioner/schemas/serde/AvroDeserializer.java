package io.captioner.schemas.serde;

import io.captioner.schemas.registry.CompatibilityLevel;
import io.captioner.schemas.registry.SchemaNotFoundException;
import io.captioner.schemas.registry.SchemaRegistryClient;
import io.captioner.schemas.registry.SchemaRegistryClients;
import io.captioner.schemas.registry.SchemaRegistryException;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Deserializes the Confluent wire format ({@link WireFormat}): resolves the writer schema by the id
 * in the header and decodes the Avro datum into a GenericRecord or, with {@code
 * specific.avro.reader=true}, into the generated SpecificRecord class of the writer schema's name.
 *
 * <p>Decoding applies Avro schema resolution from the writer schema to the reader class's schema,
 * so data written with older or newer compatible schemas is read. Every malformed input (too short,
 * wrong magic byte, unknown schema id, truncated or trailing bytes, invalid datum) raises {@link
 * SerializationException} with a message naming the problem; null bytes give null.
 */
public class AvroDeserializer implements Deserializer<Object> {

    private record Resolved(Schema writer, DatumReader<Object> reader) {}

    private final Map<Integer, Resolved> readers = new ConcurrentHashMap<>();
    private final Class<? extends SpecificRecord> readerClass;
    private final boolean forceSpecific;
    private SchemaRegistryClient client;
    private boolean specific;

    /** Creates a deserializer that gets its registry client from {@link #configure}. */
    public AvroDeserializer() {
        this(null, null, false);
    }

    /** Creates a deserializer of GenericRecords using {@code client}. */
    public AvroDeserializer(SchemaRegistryClient client) {
        this(client, null, false);
    }

    AvroDeserializer(
            SchemaRegistryClient client,
            Class<? extends SpecificRecord> readerClass,
            boolean forceSpecific) {
        this.client = client;
        this.readerClass = readerClass;
        this.forceSpecific = forceSpecific || readerClass != null;
        this.specific = this.forceSpecific;
    }

    /** Reads {@code specific.avro.reader} and, if no client was given, creates one. */
    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.specific = forceSpecific || AvroSerdeConfig.parse(configs).specificAvroReader();
        readers.clear();
        if (client == null) {
            client = SchemaRegistryClients.fromConfig(configs);
        }
    }

    /**
     * Decodes one record; null gives null.
     *
     * @throws SerializationException for any input that is not a valid record in the wire format
     */
    @Override
    public Object deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (client == null) {
            throw new IllegalStateException(
                    "AvroDeserializer is not configured: pass a SchemaRegistryClient or call"
                            + " configure() with "
                            + AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG);
        }
        int id = WireFormat.schemaId(data, topic);
        Resolved resolved = readers.get(id);
        if (resolved == null) {
            Schema writer = writerSchema(topic, id);
            resolved = new Resolved(writer, newReader(topic, id, writer));
            readers.put(id, resolved);
        }
        int payload = data.length - WireFormat.HEADER_SIZE;
        int end;
        try {
            end = AvroBinaryValidator.validate(resolved.writer(), data, WireFormat.HEADER_SIZE);
        } catch (AvroBinaryValidator.InvalidDatum e) {
            throw new SerializationException(
                    String.format(
                            Locale.ROOT,
                            "%s Avro datum in a record of topic %s with schema id %d (%d payload"
                                    + " byte(s)): %s",
                            e.truncated ? "Truncated" : "Malformed",
                            topic,
                            id,
                            payload,
                            e.getMessage()));
        }
        if (end < data.length) {
            throw new SerializationException(
                    String.format(
                            Locale.ROOT,
                            "%d trailing byte(s) after the Avro datum in a record of topic %s with"
                                    + " schema id %d: the payload is longer than one datum",
                            data.length - end,
                            topic,
                            id));
        }
        BinaryDecoder decoder =
                DecoderFactory.get().binaryDecoder(data, WireFormat.HEADER_SIZE, payload, null);
        try {
            return resolved.reader().read(null, decoder);
        } catch (IOException | RuntimeException e) {
            // Structure was validated above, so this is e.g. invalid UTF-8 or a resolution error.
            throw new SerializationException(
                    String.format(
                            Locale.ROOT,
                            "Malformed Avro datum in a record of topic %s with schema id %d (%d"
                                    + " payload byte(s)): %s",
                            topic,
                            id,
                            payload,
                            e),
                    e);
        }
    }

    private Schema writerSchema(String topic, int id) {
        try {
            return client.getSchemaById(id);
        } catch (SchemaNotFoundException e) {
            throw new SerializationException(
                    String.format(
                            Locale.ROOT,
                            "Unknown schema id %d in a record of topic %s: the schema registry has"
                                    + " no schema with that id",
                            id,
                            topic),
                    e);
        } catch (SchemaRegistryException e) {
            throw new SerializationException(
                    String.format(
                            Locale.ROOT,
                            "Cannot fetch schema id %d for a record of topic %s: %s",
                            id,
                            topic,
                            e.getMessage()),
                    e);
        }
    }

    private DatumReader<Object> newReader(String topic, int id, Schema writer) {
        if (!specific) {
            return new GenericDatumReader<>(writer, writer, GenericData.get());
        }
        Class<?> type = readerClass;
        if (type == null) {
            type = SpecificData.get().getClass(writer);
            if (type == null || !SpecificRecord.class.isAssignableFrom(type)) {
                throw new SerializationException(
                        String.format(
                                Locale.ROOT,
                                "No generated SpecificRecord class %s on the classpath for schema"
                                        + " id %d of topic %s",
                                writer.getFullName(),
                                id,
                                topic));
            }
        }
        SpecificData model = SpecificData.getForClass(type);
        Schema reader = model.getSchema(type);
        if (!namesMatch(reader, writer)) {
            throw new SerializationException(
                    String.format(
                            Locale.ROOT,
                            "Record of topic %s has schema id %d of type %s, which cannot be read"
                                    + " as %s",
                            topic,
                            id,
                            writer.getFullName(),
                            reader.getFullName()));
        }
        SchemaCompatibility.SchemaPairCompatibility compatibility =
                SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            throw new SerializationException(
                    String.format(
                            Locale.ROOT,
                            "Writer schema id %d of topic %s cannot be read as %s: %s",
                            id,
                            topic,
                            reader.getFullName(),
                            CompatibilityLevel.describe(compatibility)));
        }
        return new SpecificDatumReader<>(writer, reader, model);
    }

    private static boolean namesMatch(Schema reader, Schema writer) {
        if (reader.getType() != Schema.Type.RECORD || writer.getType() != Schema.Type.RECORD) {
            return reader.getType() == writer.getType();
        }
        return reader.getFullName().equals(writer.getFullName())
                || reader.getAliases().contains(writer.getFullName());
    }
}
