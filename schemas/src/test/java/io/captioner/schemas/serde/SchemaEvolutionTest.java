package io.captioner.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.captioner.events.CaptionFailure;
import io.captioner.events.FailureReason;
import io.captioner.events.ImageEvent;
import io.captioner.schemas.Fixtures;
import io.captioner.schemas.registry.InMemorySchemaRegistryClient;
import io.captioner.schemas.registry.IncompatibleSchemaException;
import java.nio.ByteBuffer;
import java.util.function.Consumer;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class SchemaEvolutionTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    private final AvroSerializer writer = new AvroSerializer(registry);
    private final SpecificAvroDeserializer<ImageEvent> images =
            new SpecificAvroDeserializer<>(registry, ImageEvent.class);

    @Test
    void shouldReadOldBytesWithReaderThatAddedDefaultedFields() {
        // given bytes written by an older ImageEvent without 'source' and 'attributes'
        Schema old =
                edit(
                        ImageEvent.getClassSchema(),
                        fields -> {
                            removeField(fields, "source");
                            removeField(fields, "attributes");
                        });
        GenericRecord record = new GenericData.Record(old);
        record.put("imageId", "img-old");
        record.put("imageBytes", ByteBuffer.wrap(new byte[] {1, 2}));
        record.put("imageUri", null);
        record.put("contentType", "image/png");
        record.put("eventTime", Fixtures.T0.toEpochMilli());
        byte[] bytes = writer.serialize("images", record);

        // when read with today's class
        ImageEvent event = images.deserialize("images", bytes);

        // then the added fields take their defaults
        assertThat(event.getImageId()).isEqualTo("img-old");
        assertThat(event.getImageBytes()).isEqualTo(ByteBuffer.wrap(new byte[] {1, 2}));
        assertThat(event.getContentType()).isEqualTo("image/png");
        assertThat(event.getEventTime()).isEqualTo(Fixtures.T0);
        assertThat(event.getSource()).isNull();
        assertThat(event.getAttributes()).isNull();
        // and today's schema is a BACKWARD-compatible next version of the subject
        assertThat(registry.testCompatibility("images-value", ImageEvent.getClassSchema()))
                .isTrue();
        registry.register("images-value", ImageEvent.getClassSchema());
        assertThat(registry.getLatestSchemaMetadata("images-value").version()).isEqualTo(2);
    }

    @Test
    void shouldIgnoreFieldsAddedByNewerWriter() {
        // given bytes written by a newer ImageEvent with an extra 'priority' field
        Schema newer =
                edit(
                        ImageEvent.getClassSchema(),
                        fields -> {
                            ObjectNode priority = JSON.createObjectNode();
                            priority.put("name", "priority");
                            priority.put("type", "int");
                            priority.put("default", 0);
                            priority.put("doc", "added later");
                            fields.add(priority);
                        });
        GenericRecord record = new GenericData.Record(newer);
        record.put("imageId", "img-new");
        record.put("imageUri", "https://example.org/a.jpg");
        record.put("eventTime", Fixtures.T0.toEpochMilli());
        record.put("priority", 7);
        byte[] bytes = writer.serialize("images", record);

        // when
        ImageEvent event = images.deserialize("images", bytes);

        // then
        assertThat(event.getImageId()).isEqualTo("img-new");
        assertThat(event.getImageUri()).isEqualTo("https://example.org/a.jpg");
    }

    @Test
    void shouldMapUnknownFailureReasonToEnumDefault() {
        // given a newer writer knowing a reason this reader does not
        Schema newer = withExtraFailureReason("QUOTA_EXCEEDED");
        GenericRecord record = new GenericData.Record(newer);
        record.put(
                "reason",
                new GenericData.EnumSymbol(newer.getField("reason").schema(), "QUOTA_EXCEEDED"));
        record.put("message", "too many images");
        record.put("failureTime", Fixtures.T0.toEpochMilli());
        byte[] bytes = writer.serialize("captions-dlq", record);

        // when
        CaptionFailure failure =
                new SpecificAvroDeserializer<>(registry, CaptionFailure.class)
                        .deserialize("captions-dlq", bytes);

        // then
        assertThat(failure.getReason()).isEqualTo(FailureReason.INTERNAL_ERROR);
        assertThat(failure.getMessage()).isEqualTo("too many images");
    }

    @Test
    void shouldRejectRequiredFieldWithoutDefaultAsIncompatible() {
        // given the subject holds today's schema
        registry.register("images-value", ImageEvent.getClassSchema());
        Schema breaking =
                edit(
                        ImageEvent.getClassSchema(),
                        fields -> {
                            ObjectNode tenant = JSON.createObjectNode();
                            tenant.put("name", "tenant");
                            tenant.put("type", "string");
                            fields.add(tenant);
                        });
        GenericRecord record = new GenericData.Record(breaking);
        record.put("imageId", "x");
        record.put("imageUri", "file:///x.jpg");
        record.put("eventTime", 1L);
        record.put("tenant", "acme");

        // when / then: the registry refuses, the serializer says why
        assertThatThrownBy(() -> registry.register("images-value", breaking))
                .isInstanceOf(IncompatibleSchemaException.class)
                .hasMessageContaining("READER_FIELD_MISSING_DEFAULT_VALUE at /fields/7: tenant")
                .message()
                .doesNotContain("\"fields\"");
        assertThatThrownBy(() -> writer.serialize("images", record))
                .isExactlyInstanceOf(SerializationException.class)
                .hasMessageContaining("Cannot register schema io.captioner.events.ImageEvent")
                .hasCauseInstanceOf(IncompatibleSchemaException.class);
    }

    private static Schema withExtraFailureReason(String symbol) {
        try {
            ObjectNode root =
                    (ObjectNode) JSON.readTree(CaptionFailure.getClassSchema().toString());
            for (var field : root.withArray("fields")) {
                if (field.get("name").asText().equals("reason")) {
                    ((ArrayNode) field.get("type").get("symbols")).add(symbol);
                }
            }
            return new Schema.Parser().parse(JSON.writeValueAsString(root));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Schema edit(Schema schema, Consumer<ArrayNode> fieldEditor) {
        try {
            ObjectNode root = (ObjectNode) JSON.readTree(schema.toString());
            fieldEditor.accept(root.withArray("fields"));
            return new Schema.Parser().parse(JSON.writeValueAsString(root));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void removeField(ArrayNode fields, String name) {
        for (int i = 0; i < fields.size(); i++) {
            if (fields.get(i).get("name").asText().equals(name)) {
                fields.remove(i);
                return;
            }
        }
        throw new AssertionError("no field " + name);
    }
}
