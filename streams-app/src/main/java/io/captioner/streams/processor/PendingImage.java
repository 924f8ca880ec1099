package io.captioner.streams.processor;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * An input record waiting in the batch buffer: its raw key and value plus where it came from, so
 * that after a crash the restored buffer can still caption it or dead-letter it with its origin.
 *
 * @param topic source topic
 * @param partition source partition
 * @param offset source offset
 * @param timestamp the record's timestamp, reused for the outputs
 * @param bufferedAtMs wall-clock time it entered the buffer
 * @param key raw key bytes, or null
 * @param value raw value bytes, kept for the dead letter if the image fails later
 * @param event the already validated image event in Avro single-object encoding, so that a flush
 *     after a restart needs no schema registry
 */
public record PendingImage(
        String topic,
        int partition,
        long offset,
        long timestamp,
        long bufferedAtMs,
        byte[] key,
        byte[] value,
        byte[] event) {

    private static final byte FORMAT = 1;

    /** Validates the fields. */
    public PendingImage {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(event, "event");
    }

    /** The serde of the buffer store's values: a versioned, length-prefixed binary layout. */
    public static Serde<PendingImage> serde() {
        return Serdes.serdeFrom(new PendingSerializer(), new PendingDeserializer());
    }

    private static final class PendingSerializer implements Serializer<PendingImage> {
        @Override
        public byte[] serialize(String topic, PendingImage p) {
            if (p == null) {
                return null;
            }
            ByteArrayOutputStream bytes =
                    new ByteArrayOutputStream(64 + p.value.length + p.event.length);
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeByte(FORMAT);
                out.writeUTF(p.topic);
                out.writeInt(p.partition);
                out.writeLong(p.offset);
                out.writeLong(p.timestamp);
                out.writeLong(p.bufferedAtMs);
                writeBytes(out, p.key);
                writeBytes(out, p.value);
                writeBytes(out, p.event);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }

        private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
            if (b == null) {
                out.writeInt(-1);
            } else {
                out.writeInt(b.length);
                out.write(b);
            }
        }
    }

    private static final class PendingDeserializer implements Deserializer<PendingImage> {
        @Override
        public PendingImage deserialize(String topic, byte[] data) {
            if (data == null) {
                return null;
            }
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
                byte format = in.readByte();
                if (format != FORMAT) {
                    throw new SerializationException("unknown pending-image format " + format);
                }
                return new PendingImage(
                        in.readUTF(),
                        in.readInt(),
                        in.readLong(),
                        in.readLong(),
                        in.readLong(),
                        readBytes(in),
                        readBytes(in),
                        readBytes(in));
            } catch (IOException e) {
                throw new SerializationException("corrupt pending image", e);
            }
        }

        private static byte[] readBytes(DataInputStream in) throws IOException {
            int length = in.readInt();
            if (length < 0) {
                return null;
            }
            return in.readNBytes(length);
        }
    }
}
