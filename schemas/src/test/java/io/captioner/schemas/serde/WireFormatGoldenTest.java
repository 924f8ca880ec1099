package io.captioner.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.captioner.events.ImageEvent;
import io.captioner.events.ModelActivation;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Checks the exact bytes against an encoding written down by hand from the Avro and Confluent
 * specifications, independently of the code under test.
 */
class WireFormatGoldenTest {

    private static final int SCHEMA_ID = 0x01020304;

    @Test
    void shouldWriteMagicByteBigEndianIdAndAvroBinaryForSmallRecord() {
        // given
        ModelActivation activation =
                ModelActivation.newBuilder()
                        .setModelName("cap")
                        .setVersion("v1")
                        .setActivatedTime(Instant.ofEpochMilli(1000))
                        .setReason(null)
                        .setPreviousVersion("v0")
                        .build();
        FixedIdRegistry registry = new FixedIdRegistry(SCHEMA_ID, ModelActivation.getClassSchema());

        // when
        byte[] bytes =
                new SpecificAvroSerializer<ModelActivation>(registry)
                        .serialize("models", activation);

        // then
        byte[] expected = {
            0x00, // magic byte
            0x01,
            0x02,
            0x03,
            0x04, // schema id, big-endian
            0x06,
            'c',
            'a',
            'p', // modelName: length 3 zig-zag -> 6
            0x04,
            'v',
            '1', // version: length 2 -> 4
            (byte) 0xd0,
            0x0f, // activatedTime 1000 -> zig-zag 2000 = 0x50|0x80, 2000>>7 = 15
            0x00, // reason: union branch 0 (null)
            0x02,
            0x04,
            'v',
            '0', // previousVersion: branch 1 -> 2, then length 2 -> 4
            0x00, // sequence: null
            0x00, // artifactSha256: null
            0x00, // signature: null
            0x00 // signatureKeyId: null
        };
        assertThat(bytes).containsExactly(expected);
        assertThat(registry.registeredSubjects).containsExactly("models-value");
    }

    @Test
    void shouldWriteImageEventWithBytesMapAndTimestampAsSpecified() {
        // given
        ImageEvent event =
                ImageEvent.newBuilder()
                        .setImageId("img-1")
                        .setImageBytes(ByteBuffer.wrap(new byte[] {1, 2, 3}))
                        .setContentType("image/jpeg")
                        .setAttributes(Map.of("k", "v"))
                        .setEventTime(Instant.ofEpochMilli(1_700_000_000_000L))
                        .build();
        FixedIdRegistry registry = new FixedIdRegistry(7, ImageEvent.getClassSchema());

        // when
        byte[] bytes = new SpecificAvroSerializer<ImageEvent>(registry).serialize("images", event);

        // then
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes(new byte[] {0, 0, 0, 0, 7});
        writeString(expected, "img-1");
        writeLong(expected, 1); // imageBytes: union branch bytes
        writeLong(expected, 3);
        expected.writeBytes(new byte[] {1, 2, 3});
        writeLong(expected, 0); // imageUri: null branch
        writeLong(expected, 1); // contentType: string branch
        writeString(expected, "image/jpeg");
        writeLong(expected, 0); // source: null
        writeLong(expected, 1); // attributes: map branch
        writeLong(expected, 1); // one block of one entry
        writeString(expected, "k");
        writeString(expected, "v");
        writeLong(expected, 0); // end of map
        writeLong(expected, 1_700_000_000_000L); // eventTime millis
        assertThat(bytes).containsExactly(expected.toByteArray());
    }

    @Test
    void shouldDecodeHandWrittenBytesIntoRecord() {
        // given
        byte[] bytes = {
            0x00,
            0x00,
            0x00,
            0x00,
            0x2a, // magic, id 42
            0x02,
            'm', // modelName "m"
            0x02,
            '2', // version "2"
            0x01, // activatedTime -1 ms: zig-zag 1
            0x02,
            0x02,
            'r', // reason "r"
            0x00, // previousVersion null
            0x02,
            0x0e, // sequence 7: branch 1, zig-zag 14
            0x00, // artifactSha256 null
            0x00, // signature null
            0x00 // signatureKeyId null
        };
        FixedIdRegistry registry = new FixedIdRegistry(42, ModelActivation.getClassSchema());

        // when
        ModelActivation decoded =
                new SpecificAvroDeserializer<>(registry, ModelActivation.class)
                        .deserialize("models", bytes);

        // then
        assertThat(decoded.getModelName()).isEqualTo("m");
        assertThat(decoded.getVersion()).isEqualTo("2");
        assertThat(decoded.getActivatedTime()).isEqualTo(Instant.ofEpochMilli(-1));
        assertThat(decoded.getReason()).isEqualTo("r");
        assertThat(decoded.getPreviousVersion()).isNull();
        assertThat(decoded.getSequence()).isEqualTo(7L);
    }

    @Test
    void shouldRegisterKeySchemasUnderKeySubject() {
        // given
        FixedIdRegistry registry = new FixedIdRegistry(1, ModelActivation.getClassSchema());
        AvroSerializer serializer = new AvroSerializer(registry, Map.of(), true);

        // when
        serializer.serialize("models", io.captioner.schemas.Fixtures.activation());

        // then
        assertThat(registry.registeredSubjects).containsExactly("models-key");
    }

    /** Avro long: zig-zag, then little-endian groups of 7 bits with a continuation bit. */
    private static void writeLong(ByteArrayOutputStream out, long value) {
        long n = (value << 1) ^ (value >> 63);
        while ((n & ~0x7FL) != 0) {
            out.write((int) ((n & 0x7F) | 0x80));
            n >>>= 7;
        }
        out.write((int) n);
    }

    private static void writeString(ByteArrayOutputStream out, String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        writeLong(out, utf8.length);
        out.writeBytes(utf8);
    }
}
