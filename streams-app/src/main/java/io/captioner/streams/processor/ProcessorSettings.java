package io.captioner.streams.processor;

import io.captioner.streams.config.BufferLimits;
import io.captioner.streams.config.ServingPlan;
import io.captioner.streams.config.StreamsAppConfig;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.config.TopicConfig;

/**
 * What the captioning topology needs to know, resolved from the app's configuration by {@link #of};
 * immutable.
 *
 * @param persistentBuffer RocksDB buffer store (else in memory); changelogged either way
 * @param maxBatch images per forward pass
 * @param maxWait longest time an image waits for a batch to fill
 * @param inflightImages images of one task handed to the pipeline at once
 * @param maxWaitingImages buffered images of one task not yet in the pipeline beyond which the
 *     stream thread waits for room (back-pressure), within {@code maxBlockPerRound}
 * @param maxBlockPerRound longest wait for room per round of a stream thread's loop
 * @param maxImageBytes largest inline image
 * @param maxValueBytes largest record value buffered
 * @param maxIdBytes largest image id, in UTF-8 bytes
 * @param maxEventTimeAhead accepted clock skew of an event time in the future
 * @param maxAttempts attempts of a record failing unexpectedly before it is dead-lettered
 * @param dlqMaxOriginalBytes largest original value copied into a dead letter
 * @param changelogConfig topic configuration of the buffer's changelog
 */
public record ProcessorSettings(
        boolean persistentBuffer,
        int maxBatch,
        Duration maxWait,
        int inflightImages,
        int maxWaitingImages,
        Duration maxBlockPerRound,
        long maxImageBytes,
        int maxValueBytes,
        int maxIdBytes,
        Duration maxEventTimeAhead,
        int maxAttempts,
        int dlqMaxOriginalBytes,
        Map<String, String> changelogConfig) {

    /** Validates the values. */
    public ProcessorSettings {
        Objects.requireNonNull(maxWait, "maxWait");
        Objects.requireNonNull(maxBlockPerRound, "maxBlockPerRound");
        Objects.requireNonNull(maxEventTimeAhead, "maxEventTimeAhead");
        changelogConfig = Map.copyOf(changelogConfig);
        if (maxBatch < 1 || inflightImages < maxBatch || maxWaitingImages < 1 || maxAttempts < 1) {
            throw new IllegalArgumentException(
                    "need maxBatch >= 1, inflightImages >= maxBatch, maxWaitingImages >= 1 and"
                            + " maxAttempts >= 1, got "
                            + maxBatch
                            + ", "
                            + inflightImages
                            + ", "
                            + maxWaitingImages
                            + ", "
                            + maxAttempts);
        }
    }

    /**
     * The largest changelog record the buffer writes: an entry with the largest value and id, its
     * 8-byte key and the framing; the changelog's {@code max.message.bytes} and the producer's
     * {@code max.request.size} must allow it.
     */
    public int maxBufferRecordBytes() {
        return BufferLimits.maxBufferRecordBytes(maxValueBytes, maxIdBytes);
    }

    /**
     * The settings of {@code config} under {@code plan}; the changelog allows the largest buffered
     * record, and its segments roll at 64 MiB (or an hour) so compaction drops forwarded images
     * soon and a restore after a crash reads little more than what is buffered.
     */
    public static ProcessorSettings of(StreamsAppConfig config, ServingPlan plan) {
        int maxValue = config.maxValueBytes();
        int maxId = config.getInt(StreamsAppConfig.IMAGE_ID_MAX_BYTES);
        int waiting = config.getInt(StreamsAppConfig.BUFFER_MAX_WAITING);
        Map<String, String> changelog =
                Map.of(
                        TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                        String.valueOf(BufferLimits.maxBufferRecordBytes(maxValue, maxId)),
                        TopicConfig.SEGMENT_BYTES_CONFIG,
                        String.valueOf(64 * 1024 * 1024),
                        TopicConfig.SEGMENT_MS_CONFIG,
                        String.valueOf(3_600_000L),
                        TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG,
                        "0.1");
        return new ProcessorSettings(
                config.persistentBuffer(),
                plan.batchSize(),
                config.batchMaxWait(),
                plan.inflightBatches() * plan.batchSize(),
                waiting > 0 ? waiting : 2 * plan.batchSize(),
                Duration.ofMillis(config.getLong(StreamsAppConfig.BUFFER_MAX_BLOCK_MS)),
                config.getLong(StreamsAppConfig.IMAGE_MAX_BYTES),
                maxValue,
                maxId,
                Duration.ofMillis(config.getLong(StreamsAppConfig.EVENT_TIME_MAX_AHEAD_MS)),
                config.getInt(StreamsAppConfig.RETRY_MAX_ATTEMPTS),
                config.dlqMaxOriginalBytes(),
                changelog);
    }
}
