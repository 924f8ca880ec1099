package io.captioner.streams.processor;

import java.util.Map;
import java.util.NavigableSet;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads input records back by offset: the values of buffer entries stored as {@link
 * PendingImage#toReferenceBytes() references} after a restore. One per task, stream-thread only.
 */
interface SourceReader extends AutoCloseable {

    /**
     * Reads the values of the records at {@code offsets} of {@code partition}.
     *
     * @return the value of each offset found; an offset missing from the map is no longer in the
     *     log (retention, {@code deleteRecords} or compaction removed it)
     * @throws org.apache.kafka.common.errors.TimeoutException if the log could not be read in time
     */
    Map<Long, byte[]> read(TopicPartition partition, NavigableSet<Long> offsets);

    /** Releases the reader's client. */
    @Override
    void close();
}
