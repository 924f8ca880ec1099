package io.captioner.schemas.serde;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.captioner.events.CaptionEvent;
import io.captioner.events.ImageEvent;
import io.captioner.events.ModelChunk;
import io.captioner.schemas.Fixtures;
import io.captioner.schemas.registry.InMemorySchemaRegistryClient;
import io.captioner.schemas.registry.SchemaRegistryClient;
import io.captioner.schemas.registry.SchemaRegistryConnectionException;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AvroDeserializerBadBytesTest {

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    private final SpecificAvroSerializer<ImageEvent> serializer =
            new SpecificAvroSerializer<>(registry);
    private final SpecificAvroDeserializer<ImageEvent> deserializer =
            new SpecificAvroDeserializer<>(registry, ImageEvent.class);

    @ParameterizedTest(name = "{0} byte(s)")
    @ValueSource(ints = {0, 1, 2, 3, 4})
    void shouldRejectDataShorterThanHeader(int length) {
        // given
        byte[] data = new byte[length];

        // when / then
        assertThatThrownBy(() -> deserializer.deserialize("images", data))
                .isExactlyInstanceOf(SerializationException.class)
                .hasMessageContaining("topic images")
                .hasMessageContaining("has " + length + " byte(s), fewer than the 5-byte header");
    }

    @Test
    void shouldRejectWrongMagicByte() {
        // given a JSON value produced by some other client
        byte[] data = "{\"imageId\":\"x\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);

        // when / then
        assertThatThrownBy(() -> deserializer.deserialize("images", data))
                .isExactlyInstanceOf(SerializationException.class)
                .hasMessageContaining("unknown magic byte 0x7b, expected 0x00");
    }

    @Test
    void shouldRejectUnknownSchemaId() {
        // given
        byte[] data = {0, 0, 0, 0x30, 0x39, 2, 'x'};

        // when / then
        assertThatThrownBy(() -> deserializer.deserialize("images", data))
                .isExactlyInstanceOf(SerializationException.class)
                .hasMessageContaining("Unknown schema id 12345 in a record of topic images");
    }

    @Test
    void shouldRejectTruncatedDatum() {
        // given
        byte[] valid = serializer.serialize("images", Fixtures.inlineImage());
        byte[] truncated = Arrays.copyOf(valid, valid.length - 3);

        // when / then
        assertThatThrownBy(() -> deserializer.deserialize("images", truncated))
                .isExactlyInstanceOf(SerializationException.class)
                .hasMessageContaining("Truncated Avro datum in a record of topic images")
                .hasMessageContaining("(" + (truncated.length - 5) + " payload byte(s))")
                .hasMessageContaining("input ends inside long");
    }

    @Test
    void shouldRejectHeaderWithoutDatum() {
        // given
        byte[] valid = serializer.serialize("images", Fixtures.inlineImage());
        byte[] headerOnly = Arrays.copyOf(valid, 5);

        // when / then
        assertThatThrownBy(() -> deserializer.deserialize("images", headerOnly))
                .isExactlyInstanceOf(SerializationException.class)
                .hasMessageContaining("Truncated Avro datum")
                .hasMessageContaining("(0 payload byte(s)): input ends inside string length");
    }

    @Test
    void shouldRejectTrailingBytes() {
        // given
        byte[] valid = serializer.serialize("images", Fixtures.uriImage());
        byte[] longer = Arrays.copyOf(valid, valid.length + 2);

        // when / then
        assertThatThrownBy(() -> deserializer.deserialize("images", longer))
                .isExactlyInstanceOf(SerializationException.class)
                .hasMessageContaining("2 trailing byte(s) after the Avro datum")
                .hasMessageContaining("schema id");
    }

    @Test
    void shouldRejectNegativeLength() {
        // given header + imageId with length -1 (zig-zag 0x01)
        int id = registry.register("images-value", ImageEvent.getClassSchema());
        byte[] data = {0, 0, 0, 0, (byte) id, 0x01, 'x'};

        // when / then
        assertThatThrownBy(() -> deserializer.deserialize("images", data))
                .isExactlyInstanceOf(SerializationException.class)
                .hasMessageContaining("Malformed Avro datum in a record of topic images")
                .hasMessageContaining("negative string length -1");
    }

    @Test
    void shouldRejectHugeLengthWithoutAllocatingIt() {
        // given a chunk whose data claims ~1 GiB but carries 3 bytes
        int id = registry.register("models-value", ModelChunk.getClassSchema());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0, 0, 0, 0, (byte) id});
        out.writeBytes(
                new byte[] {2, 'm', 2, 'v', 0, 2, 2, 'h'}); // name, version, index, count, sha
        out.writeBytes(
                new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08}); // 1 GiB
        out.writeBytes(new byte[] {1, 2, 3});
        SpecificAvroDeserializer<ModelChunk> chunks =
                new SpecificAvroDeserializer<>(registry, ModelChunk.class);

        // when / then
        assertThatThrownBy(() -> chunks.deserialize("models", out.toByteArray()))
                .isExactlyInstanceOf(SerializationException.class)
                .hasMessageContaining("Truncated Avro datum in a record of topic models")
                .hasMessageContaining("bytes of 1073741824 bytes exceeds the 3 bytes left");
    }

    @Test
    void shouldRejectUnionBranchOutOfRange() {
        // given imageId "x" then imageBytes union branch 5 of 2
        int id = registry.register("images-value", ImageEvent.getClassSchema());
        byte[] data = {0, 0, 0, 0, (byte) id, 0x02, 'x', 0x0a, 0, 0, 0, 0, 0, 0};

        // when / then
        assertThatThrownBy(() -> deserializer.deserialize("images", data))
                .isExactlyInstanceOf(SerializationException.class)
                .hasMessageContaining("Malformed Avro datum")
                .hasMessageContaining("union index 5 out of range for a union of 2 branches");
    }

    @Test
    void shouldRejectRecordOfAnotherTypeWithReaderClass() {
        // given a caption written to the wrong topic
        byte[] caption =
                new SpecificAvroSerializer<CaptionEvent>(registry)
                        .serialize("images", Fixtures.caption());

        // when / then
        assertThatThrownBy(() -> deserializer.deserialize("images", caption))
                .isExactlyInstanceOf(SerializationException.class)
                .hasMessageContaining(
                        "of type io.captioner.events.CaptionEvent, which cannot be read as"
                                + " io.captioner.events.ImageEvent");
    }

    @Test
    void shouldRejectWriterSchemaWithoutGeneratedClass() {
        // given a record type unknown to this classpath
        Schema foreign =
                new Schema.Parser()
                        .parse(
                                "{\"type\":\"record\",\"name\":\"Foreign\",\"namespace\":\"com.example\","
                                        + "\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}");
        org.apache.avro.generic.GenericRecord record =
                new org.apache.avro.generic.GenericData.Record(foreign);
        record.put("a", 1);
        byte[] data = new AvroSerializer(registry).serialize("other", record);
        SpecificAvroDeserializer<ImageEvent> byName =
                new SpecificAvroDeserializer<>(registry, null);

        // when / then
        assertThatThrownBy(() -> byName.deserialize("other", data))
                .isExactlyInstanceOf(SerializationException.class)
                .hasMessageContaining("No generated SpecificRecord class com.example.Foreign");
    }

    @Test
    void shouldWrapRegistryOutageInSerializationException() {
        // given
        SchemaRegistryClient down =
                new FixedIdRegistry(1, ImageEvent.getClassSchema()) {
                    @Override
                    public Schema getSchemaById(int id) {
                        throw new SchemaRegistryConnectionException(
                                "unreachable", new java.net.ConnectException("refused"));
                    }
                };
        SpecificAvroDeserializer<ImageEvent> offline =
                new SpecificAvroDeserializer<>(down, ImageEvent.class);

        // when / then
        assertThatThrownBy(() -> offline.deserialize("images", new byte[] {0, 0, 0, 0, 1, 0}))
                .isExactlyInstanceOf(SerializationException.class)
                .hasMessageContaining("Cannot fetch schema id 1 for a record of topic images")
                .hasCauseInstanceOf(SchemaRegistryConnectionException.class);
    }

    @Test
    void shouldNeverThrowAnythingButSerializationExceptionForRandomBytes() {
        // given every prefix and single-byte corruption of a valid record
        byte[] valid = serializer.serialize("images", Fixtures.inlineImage());
        List<byte[]> inputs = new java.util.ArrayList<>();
        for (int len = 0; len < valid.length; len++) {
            inputs.add(Arrays.copyOf(valid, len));
        }
        for (int i = 5; i < valid.length; i++) {
            for (int b : new int[] {0x00, 0x7f, 0x80, 0xff}) {
                byte[] corrupt = valid.clone();
                corrupt[i] = (byte) b;
                inputs.add(corrupt);
            }
        }

        // when / then: each either decodes or fails with SerializationException
        for (byte[] input : inputs) {
            try {
                deserializer.deserialize("images", input);
            } catch (SerializationException expected) {
                // the only allowed failure
            }
        }
    }

    @Test
    void shouldRejectArrayClaimingMoreItemsThanBytesLeft() {
        // given a LabeledPair whose references array claims 2^20 strings in 2 bytes
        int id =
                registry.register(
                        "labeled-pairs-value", io.captioner.events.LabeledPair.getClassSchema());
        byte[] data = {
            0,
            0,
            0,
            0,
            (byte) id,
            0x02,
            'x',
            0x00,
            0x02,
            0x02,
            'u',
            0x00,
            (byte) 0x80,
            (byte) 0x80,
            (byte) 0x80,
            0x01,
            0x02,
            'a'
        };
        SpecificAvroDeserializer<io.captioner.events.LabeledPair> pairs =
                new SpecificAvroDeserializer<>(registry, io.captioner.events.LabeledPair.class);

        // when / then
        assertThatThrownBy(() -> pairs.deserialize("labeled-pairs", data))
                .isExactlyInstanceOf(SerializationException.class)
                .hasMessageContaining("array block claims 1048576 items but only 2 bytes are left");
    }

    @Test
    void shouldRejectEnumIndexOutOfRange() {
        // given a caption whose decodingStrategy enum index is corrupted
        byte[] valid =
                new SpecificAvroSerializer<CaptionEvent>(registry)
                        .serialize("captions", Fixtures.caption());
        SpecificAvroDeserializer<CaptionEvent> captions =
                new SpecificAvroDeserializer<>(registry, CaptionEvent.class);
        // decodingStrategy is the enum right after modelVersion "v3" (0x04 'v' '3')
        int at = indexOf(valid, new byte[] {0x04, 'v', '3'}) + 3;
        byte[] corrupt = valid.clone();
        corrupt[at] = 0x06; // index 3 of 2 symbols

        // when / then
        assertThatThrownBy(() -> captions.deserialize("captions", corrupt))
                .isExactlyInstanceOf(SerializationException.class)
                .hasMessageContaining(
                        "enum index 3 out of range for io.captioner.events.DecodingStrategy");
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("pattern not found");
    }
}
