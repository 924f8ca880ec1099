package io.captioner.streams.processor;

import io.captioner.events.CaptionFailure;
import io.captioner.events.FailureReason;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Locale;

/**
 * Builds {@link CaptionFailure} dead letters that keep the original record (or a reference to it
 * when it is too large) and its origin, so every failed input can be inspected and replayed.
 * Immutable and thread-safe.
 */
public final class DeadLetters {

    private final FailureMapper mapper;
    private final int maxOriginalBytes;

    /** Creates a builder of dead letters with a failure mapping and a copy limit. */
    public DeadLetters(FailureMapper mapper, int maxOriginalBytes) {
        this.mapper = mapper;
        this.maxOriginalBytes = maxOriginalBytes;
    }

    /** Whether {@code failure} should be retried instead of dead-lettered. */
    public boolean isTransient(Throwable failure) {
        return mapper.isTransient(failure);
    }

    /** The reason code {@code failure} maps to. */
    public FailureReason reasonOf(Throwable failure) {
        return mapper.reasonOf(failure);
    }

    /**
     * A dead letter for a failed input.
     *
     * @param failure what went wrong
     * @param imageId the image id when known, else null
     * @param topic source topic, or null
     * @param partition source partition, or -1
     * @param offset source offset, or -1
     * @param key raw key bytes, or null
     * @param value raw value bytes, or null
     * @param nowMs failure time
     */
    public CaptionFailure of(
            Throwable failure,
            String imageId,
            String topic,
            int partition,
            long offset,
            byte[] key,
            byte[] value,
            long nowMs) {
        CaptionFailure.Builder b =
                CaptionFailure.newBuilder()
                        .setReason(mapper.reasonOf(failure))
                        .setMessage(messageOf(failure))
                        .setImageId(imageId)
                        .setSourceTopic(topic)
                        .setSourcePartition(partition < 0 ? null : partition)
                        .setSourceOffset(offset < 0 ? null : offset)
                        .setOriginalKey(key == null ? null : ByteBuffer.wrap(key))
                        .setExceptionClass(failure.getClass().getName())
                        .setFailureTime(Instant.ofEpochMilli(nowMs));
        if (value != null && value.length <= maxOriginalBytes) {
            b.setOriginalValue(ByteBuffer.wrap(value));
        } else if (value != null) {
            b.setOriginalValueRef(String.format(Locale.ROOT, "%s/%d@%d", topic, partition, offset));
        }
        return b.build();
    }

    private static String messageOf(Throwable failure) {
        String message = failure.getMessage();
        if (message == null || message.isBlank()) {
            message = failure.getClass().getSimpleName();
        }
        return message;
    }
}
