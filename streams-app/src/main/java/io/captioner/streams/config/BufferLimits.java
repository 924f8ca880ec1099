package io.captioner.streams.config;

/**
 * Sizes of the batch buffer's changelog records, from which the changelog topic's {@code
 * max.message.bytes} and the producer's {@code max.request.size} are derived, so any image the app
 * accepts can be buffered.
 */
public final class BufferLimits {

    /** Room a record value may take beyond the inline image: the other fields, attributes. */
    public static final int VALUE_ALLOWANCE_BYTES = 1024 * 1024;

    /**
     * Room for a buffered entry's own fields (format byte, source coordinates, times, lengths: 43
     * bytes), a topic name of up to 249 characters, the 8-byte store key and Kafka's record and
     * batch framing.
     */
    public static final int ENTRY_FRAMING_BYTES = 16 * 1024;

    private BufferLimits() {}

    /**
     * The largest changelog record for values up to {@code maxValueBytes} and ids up to {@code
     * maxIdBytes}.
     */
    public static int maxBufferRecordBytes(int maxValueBytes, int maxIdBytes) {
        long bytes = (long) maxValueBytes + maxIdBytes + ENTRY_FRAMING_BYTES;
        return (int) Math.min(Integer.MAX_VALUE - 8, bytes);
    }
}
