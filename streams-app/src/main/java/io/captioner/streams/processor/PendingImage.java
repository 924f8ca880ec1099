package io.captioner.streams.processor;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.kafka.common.errors.SerializationException;

/**
 * An input record waiting in the batch buffer: its raw key and value, plus where it came from, so
 * that after a crash the restored buffer can still caption it or dead-letter it with its origin.
 *
 * <p>Two layouts go to the buffer store: {@link #toBytes()} carries the value, {@link
 * #toReferenceBytes()} only where it is (the record at {@code topic/partition@offset}, which the
 * input topic keeps), so an image held in memory crosses the broker once more, not twice; {@link
 * #isReference} tells them apart and a reference reads back with an empty value to be filled from
 * the topic.
 *
 * <p>The value stays in the wire format it arrived in (Confluent framing with the writer's schema
 * id), so a buffered event is decoded with the schema it was written with, whatever version of
 * {@code ImageEvent} the app reading the buffer was built with.
 *
 * @param topic source topic
 * @param partition source partition
 * @param offset source offset
 * @param timestamp the record's timestamp, reused for the outputs
 * @param bufferedAtMs wall-clock time it entered the buffer
 * @param key raw key bytes, or null
 * @param value raw value bytes, as read from the topic
 */
public record PendingImage(
        String topic,
        int partition,
        long offset,
        long timestamp,
        long bufferedAtMs,
        byte[] key,
        byte[] value) {

    /** Layout with the value once; what is written now. */
    private static final byte FORMAT = 2;

    /** Layout without the value: the input topic holds it. */
    private static final byte FORMAT_REFERENCE = 3;

    /** Layout of earlier releases: the value plus a re-encoded copy of the event, now ignored. */
    private static final byte FORMAT_WITH_EVENT_COPY = 1;

    /** Bytes a serialized entry adds to its key, value and topic name. */
    public static final int OVERHEAD_BYTES = 1 + 2 + 4 + 8 + 8 + 8 + 4 + 4;

    /** Validates the fields. */
    public PendingImage {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(value, "value");
    }

    /** Size of this entry serialized, what its changelog record carries besides the key. */
    public int serializedSize() {
        return OVERHEAD_BYTES
                + topic.getBytes(StandardCharsets.UTF_8).length
                + (key == null ? 0 : key.length)
                + value.length;
    }

    /** The versioned, length-prefixed binary layout of the buffer store's values. */
    public byte[] toBytes() {
        return write(FORMAT, serializedSize());
    }

    /** The layout of {@link #toBytes()} without the value, which stays in the input topic. */
    public byte[] toReferenceBytes() {
        return write(FORMAT_REFERENCE, serializedSize() - value.length - 4);
    }

    /**
     * Whether {@code data} is a {@link #toReferenceBytes() reference}, whose value is elsewhere.
     */
    public static boolean isReference(byte[] data) {
        return data.length > 0 && data[0] == FORMAT_REFERENCE;
    }

    /** This entry with the value read back from the input topic. */
    public PendingImage withValue(byte[] newValue) {
        return new PendingImage(topic, partition, offset, timestamp, bufferedAtMs, key, newValue);
    }

    private byte[] write(byte format, int size) {
        byte[] topicBytes = topic.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(size);
        out.put(format);
        out.putShort((short) topicBytes.length);
        out.put(topicBytes);
        out.putInt(partition);
        out.putLong(offset);
        out.putLong(timestamp);
        out.putLong(bufferedAtMs);
        putBytes(out, key);
        if (format != FORMAT_REFERENCE) {
            putBytes(out, value);
        }
        return out.array();
    }

    /**
     * Reads {@link #toBytes()} output, a {@link #toReferenceBytes() reference} (with an empty
     * value), and entries written by earlier releases (whose re-encoded event copy is skipped: the
     * raw value is the truth).
     *
     * @throws SerializationException if the bytes are not a buffered entry
     */
    public static PendingImage fromBytes(byte[] data) {
        Objects.requireNonNull(data, "data");
        try {
            ByteBuffer in = ByteBuffer.wrap(data);
            byte format = in.get();
            if (format != FORMAT
                    && format != FORMAT_WITH_EVENT_COPY
                    && format != FORMAT_REFERENCE) {
                throw new SerializationException("unknown pending-image format " + format);
            }
            // Both formats start alike (format 1 wrote the ASCII topic name with writeUTF, which
            // is the same length-prefixed bytes); format 1's trailing event copy is not read.
            byte[] topicBytes = new byte[Short.toUnsignedInt(in.getShort())];
            in.get(topicBytes);
            String topic = new String(topicBytes, StandardCharsets.UTF_8);
            int partition = in.getInt();
            long offset = in.getLong();
            long timestamp = in.getLong();
            long bufferedAt = in.getLong();
            byte[] key = getBytes(in);
            byte[] value = format == FORMAT_REFERENCE ? new byte[0] : getBytes(in);
            if (value == null) {
                throw new SerializationException("pending image without a value");
            }
            return new PendingImage(topic, partition, offset, timestamp, bufferedAt, key, value);
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new SerializationException(
                    "corrupt pending image of " + data.length + " bytes", e);
        }
    }

    private static void putBytes(ByteBuffer out, byte[] bytes) {
        if (bytes == null) {
            out.putInt(-1);
        } else {
            out.putInt(bytes.length);
            out.put(bytes);
        }
    }

    private static byte[] getBytes(ByteBuffer in) {
        int length = in.getInt();
        if (length < 0) {
            return null;
        }
        if (length > in.remaining()) {
            throw new SerializationException(
                    "corrupt pending image: a field of " + length + " bytes runs past the end");
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        return bytes;
    }
}
