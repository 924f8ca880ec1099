package io.captioner.schemas.serde;

import java.util.Locale;
import org.apache.kafka.common.errors.SerializationException;

/**
 * The Confluent Schema Registry wire format: byte 0 is the magic byte {@code 0x00}, bytes 1-4 the
 * schema id as a big-endian int, then the Avro binary encoding of one datum (no container file). A
 * null Kafka value (tombstone) stays null in both directions.
 */
public final class WireFormat {

    /** The only magic byte of the format. */
    public static final byte MAGIC_BYTE = 0x0;

    /** Size of the schema id in bytes. */
    public static final int ID_SIZE = 4;

    /** Size of magic byte plus schema id, the offset of the Avro datum. */
    public static final int HEADER_SIZE = 1 + ID_SIZE;

    private WireFormat() {}

    /**
     * Returns the subject of a topic's keys or values by Confluent's TopicNameStrategy: {@code
     * <topic>-key} or {@code <topic>-value}.
     */
    public static String subjectName(String topic, boolean isKey) {
        return topic + (isKey ? "-key" : "-value");
    }

    /**
     * Reads the schema id from the header of a serialized record after checking its length and
     * magic byte.
     *
     * @throws SerializationException if the data is shorter than the header or the magic byte is
     *     not {@code 0x00}
     */
    public static int schemaId(byte[] data, String topic) {
        if (data.length < HEADER_SIZE) {
            throw new SerializationException(
                    String.format(
                            Locale.ROOT,
                            "Cannot deserialize a record of topic %s: it has %d byte(s), fewer than"
                                    + " the %d-byte header of the Confluent wire format (magic byte"
                                    + " + 4-byte schema id)",
                            topic,
                            data.length,
                            HEADER_SIZE));
        }
        if (data[0] != MAGIC_BYTE) {
            throw new SerializationException(
                    String.format(
                            Locale.ROOT,
                            "Cannot deserialize a record of topic %s: unknown magic byte 0x%02x,"
                                    + " expected 0x00 (not Confluent wire format)",
                            topic,
                            data[0] & 0xff));
        }
        return ((data[1] & 0xff) << 24)
                | ((data[2] & 0xff) << 16)
                | ((data[3] & 0xff) << 8)
                | (data[4] & 0xff);
    }

    /** Writes the 5-byte header for {@code schemaId} into the start of {@code target}. */
    static void writeHeader(byte[] target, int schemaId) {
        target[0] = MAGIC_BYTE;
        target[1] = (byte) (schemaId >>> 24);
        target[2] = (byte) (schemaId >>> 16);
        target[3] = (byte) (schemaId >>> 8);
        target[4] = (byte) schemaId;
    }
}
