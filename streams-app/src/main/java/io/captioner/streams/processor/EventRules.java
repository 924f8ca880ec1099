package io.captioner.streams.processor;

import io.captioner.events.FailureReason;
import io.captioner.events.ImageEvent;
import io.captioner.schemas.InvalidEventException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The serving path's own rules for an image event, beyond {@link
 * io.captioner.schemas.EventValidation}'s contract checks, each with a defined outcome:
 *
 * <ul>
 *   <li>an {@code imageId} over {@link ProcessorSettings#maxIdBytes()} bytes of UTF-8 is {@code
 *       INVALID_EVENT}, and its dead letter carries no image id (the original key stays);
 *   <li>a record key that is set and differs from the {@code imageId} is {@code INVALID_EVENT}: the
 *       key decides the partition, and captions are keyed and joined by the id, so a mismatch is a
 *       producer bug that must not pass silently (a null key is allowed: the id is used);
 *   <li>an {@code eventTime} more than {@link ProcessorSettings#maxEventTimeAhead()} ahead of this
 *       app's clock is {@code INVALID_EVENT}; within that skew it is captioned with latency 0;
 *   <li>inline bytes over the image byte limit, or a value over {@link
 *       ProcessorSettings#maxValueBytes()}, are {@code IMAGE_TOO_LARGE} before being buffered.
 * </ul>
 */
final class EventRules {

    private EventRules() {}

    /** Whether the event's id is short enough to be echoed into outputs. */
    static boolean idFits(ImageEvent event, ProcessorSettings settings) {
        return idBytes(event.getImageId()) <= settings.maxIdBytes();
    }

    /**
     * Checks the rules.
     *
     * @throws InvalidEventException for an over-long id, a key mismatch or a future event time
     * @throws CaptioningException ({@code IMAGE_TOO_LARGE}) for an oversized value or image
     */
    static void check(
            ImageEvent event, byte[] key, int valueBytes, ProcessorSettings settings, long nowMs) {
        String id = event.getImageId();
        int idBytes = idBytes(id);
        if (idBytes > settings.maxIdBytes()) {
            throw new InvalidEventException(
                    "imageId is "
                            + idBytes
                            + " bytes of UTF-8, over the limit of "
                            + settings.maxIdBytes()
                            + " (it starts with '"
                            + id.substring(0, Math.min(32, id.length()))
                            + "')");
        }
        if (key != null && !Arrays.equals(key, id.getBytes(StandardCharsets.UTF_8))) {
            String keyText = new String(key, StandardCharsets.UTF_8);
            throw new InvalidEventException(
                    "record key '"
                            + keyText.substring(0, Math.min(64, keyText.length()))
                            + "' differs from imageId '"
                            + id
                            + "'; the key must be the image id (or null)");
        }
        long ahead = event.getEventTime().toEpochMilli() - nowMs;
        if (ahead > settings.maxEventTimeAhead().toMillis()) {
            throw new InvalidEventException(
                    "eventTime "
                            + event.getEventTime()
                            + " is "
                            + ahead
                            + " ms ahead of this app's clock, more than the accepted "
                            + settings.maxEventTimeAhead().toMillis()
                            + " ms; is the producer's clock wrong?");
        }
        if (event.getImageBytes() != null
                && event.getImageBytes().remaining() > settings.maxImageBytes()) {
            throw new CaptioningException(
                    FailureReason.IMAGE_TOO_LARGE,
                    "inline image is "
                            + event.getImageBytes().remaining()
                            + " bytes, over the limit of "
                            + settings.maxImageBytes()
                            + " bytes",
                    null);
        }
        if (valueBytes > settings.maxValueBytes()) {
            throw new CaptioningException(
                    FailureReason.IMAGE_TOO_LARGE,
                    "record value is "
                            + valueBytes
                            + " bytes, over the limit of "
                            + settings.maxValueBytes()
                            + " bytes (the image limit plus room for the other fields)",
                    null);
        }
    }

    private static int idBytes(String id) {
        return id.getBytes(StandardCharsets.UTF_8).length;
    }
}
