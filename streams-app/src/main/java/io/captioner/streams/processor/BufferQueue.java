package io.captioner.streams.processor;

import io.captioner.events.FailureReason;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The changelogged buffer of one task used as a FIFO queue keyed by input offset: entries are
 * appended in offset order, handed out once from a cursor (a range read from the last handed-out
 * offset on, never a scan from the head, which RocksDB would have to skip tombstones for), and
 * removed when their output is forwarded. Entries whose work must be redone (a model outage, a
 * failure worth retrying) are handed out again from their offset once their back-off has passed.
 *
 * <p>Why entries are mostly references: an image the queue holds in memory anyway (up to {@code
 * heldCapacity} of them, each at most {@link #REFERENCE_MAX_BYTES}) is buffered as a {@link
 * PendingImage#toReferenceBytes() reference} to its input record, so its bytes are not written to
 * the changelog a second time; the rest (a long backlog of waiting images, a large image) is
 * buffered with its value, which bounds the memory per task. After a restore, the values of
 * references are read back from the input topic by a {@link SourceReader}, all of one take in one
 * pass; a record that is gone from the topic (its retention passed while the app was down) comes
 * out as an error entry to dead-letter, and a read that times out is retried after a back-off.
 *
 * <p>The values are raw bytes decoded here, so that a corrupt entry is reported as such instead of
 * failing the store's iterator. Stream-thread only.
 */
final class BufferQueue {

    private static final Logger LOG = LoggerFactory.getLogger(BufferQueue.class);

    /** Largest value buffered as a reference; larger ones go to the changelog, not the heap. */
    static final int REFERENCE_MAX_BYTES = 1 << 20;

    /** Back-off before reading the values of references again after a read timed out. */
    static final long SOURCE_RETRY_MS = 1000;

    private final KeyValueStore<Long, byte[]> store;
    private final int heldCapacity;
    private final Supplier<SourceReader> sources;
    private SourceReader source;

    /**
     * Entries whose value is in memory (buffered as references, or read back from the topic), kept
     * until removed so that handing them out, again or not, needs neither a store nor a topic read.
     */
    private final Map<Long, PendingImage> held = new LinkedHashMap<>();

    private final TreeMap<Long, Long> redoNotBefore = new TreeMap<>();
    private long size;
    private long cursor = -1;
    private long unread;
    private long oldestUnreadBufferedAt = -1;

    /**
     * A queue on {@code store} that holds up to {@code heldCapacity} values in memory and reads
     * back restored references with the reader {@code sources} opens (once, when first needed).
     */
    BufferQueue(
            KeyValueStore<Long, byte[]> store, int heldCapacity, Supplier<SourceReader> sources) {
        this.store = store;
        this.heldCapacity = heldCapacity;
        this.sources = sources;
    }

    /**
     * Counts what the (restored) store holds with one scan; everything in it is unread.
     *
     * @return the number of buffered entries
     */
    long restore() {
        held.clear();
        redoNotBefore.clear();
        size = 0;
        cursor = -1;
        oldestUnreadBufferedAt = -1;
        try (KeyValueIterator<Long, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<Long, byte[]> entry = it.next();
                if (cursor < 0) {
                    cursor = entry.key;
                    oldestUnreadBufferedAt = bufferedAtOrNow(entry.value);
                }
                size++;
            }
        }
        unread = size;
        return size;
    }

    /** Buffers a new entry (its offset is above every buffered one). */
    void append(PendingImage entry) {
        if (held.size() < heldCapacity && entry.value().length <= REFERENCE_MAX_BYTES) {
            store.put(entry.offset(), entry.toReferenceBytes());
            held.put(entry.offset(), entry);
        } else {
            store.put(entry.offset(), entry.toBytes());
        }
        size++;
        if (unread == 0) {
            cursor = entry.offset();
            oldestUnreadBufferedAt = entry.bufferedAtMs();
        }
        unread++;
    }

    /** Entries buffered and not forwarded yet. */
    long size() {
        return size;
    }

    /** Entries never handed out yet, plus those waiting to be redone. */
    long waiting() {
        return unread + redoNotBefore.size();
    }

    /** When the oldest entry never handed out entered the buffer; -1 when there is none. */
    long oldestUnreadBufferedAt() {
        return unread == 0 ? -1 : oldestUnreadBufferedAt;
    }

    /**
     * Hands out up to {@code max} entries: first those due for a redo, then unread ones from the
     * cursor on; references whose value cannot be read now are due for a redo later instead.
     */
    List<Taken> take(int max, long nowMs) {
        List<Taken> out = new ArrayList<>(Math.min(max, 64));
        Iterator<Map.Entry<Long, Long>> redo = redoNotBefore.entrySet().iterator();
        while (out.size() < max && redo.hasNext()) {
            Map.Entry<Long, Long> due = redo.next();
            if (due.getValue() > nowMs) {
                continue;
            }
            redo.remove();
            PendingImage kept = held.get(due.getKey());
            byte[] bytes = kept != null ? null : store.get(due.getKey());
            if (kept != null) {
                out.add(new Taken(due.getKey(), kept, null, null));
            } else if (bytes != null) {
                out.add(decode(due.getKey(), bytes));
            }
        }
        if (out.size() < max && unread > 0) {
            try (KeyValueIterator<Long, byte[]> it = store.range(cursor, Long.MAX_VALUE)) {
                while (out.size() < max && it.hasNext()) {
                    KeyValue<Long, byte[]> entry = it.next();
                    PendingImage cached = held.get(entry.key);
                    out.add(
                            cached != null
                                    ? new Taken(entry.key, cached, null, null)
                                    : decode(entry.key, entry.value));
                    unread--;
                    cursor = entry.key + 1;
                }
                oldestUnreadBufferedAt = -1;
                if (unread > 0 && it.hasNext()) {
                    KeyValue<Long, byte[]> next = it.next();
                    cursor = next.key;
                    PendingImage cached = held.get(next.key);
                    oldestUnreadBufferedAt =
                            cached != null ? cached.bufferedAtMs() : bufferedAtOrNow(next.value);
                } else if (unread > 0) {
                    // The count drifted from the store (cannot happen unless the store was
                    // changed behind our back); trust the store.
                    unread = 0;
                }
            }
        }
        return readReferences(out, nowMs);
    }

    /** Fills in the values of the references among {@code taken} from the input topic. */
    private List<Taken> readReferences(List<Taken> taken, long nowMs) {
        Map<TopicPartition, NavigableSet<Long>> wanted = new LinkedHashMap<>();
        for (Taken t : taken) {
            if (t.needsValue()) {
                wanted.computeIfAbsent(
                                new TopicPartition(t.image().topic(), t.image().partition()),
                                tp -> new TreeSet<>())
                        .add(t.offset());
            }
        }
        if (wanted.isEmpty()) {
            return taken;
        }
        Map<Long, byte[]> values = new HashMap<>();
        Map<TopicPartition, RuntimeException> failed = new LinkedHashMap<>();
        for (Map.Entry<TopicPartition, NavigableSet<Long>> read : wanted.entrySet()) {
            try {
                if (source == null) {
                    source = sources.get();
                }
                values.putAll(source.read(read.getKey(), read.getValue()));
            } catch (TimeoutException e) {
                failed.put(read.getKey(), e);
                LOG.warn(
                        "Could not read {} buffered image(s) back from {} ({}); retrying in {} ms",
                        read.getValue().size(),
                        read.getKey(),
                        e.getMessage(),
                        SOURCE_RETRY_MS);
            }
        }
        List<Taken> out = new ArrayList<>(taken.size());
        for (Taken t : taken) {
            if (!t.needsValue()) {
                out.add(t);
                continue;
            }
            PendingImage ref = t.image();
            if (failed.containsKey(new TopicPartition(ref.topic(), ref.partition()))) {
                redoNotBefore.put(t.offset(), nowMs + SOURCE_RETRY_MS);
                continue;
            }
            byte[] value = values.get(t.offset());
            if (value == null) {
                out.add(
                        new Taken(
                                t.offset(),
                                ref,
                                null,
                                new CaptioningException(
                                        FailureReason.INTERNAL_ERROR,
                                        "the buffered image's record "
                                                + FailureTracker.where(
                                                        ref.topic(), ref.partition(), t.offset())
                                                + " is no longer in the topic (its retention"
                                                + " passed, or it was deleted), so it cannot be"
                                                + " captioned",
                                        null)));
                continue;
            }
            PendingImage full = ref.withValue(value);
            held.put(t.offset(), full);
            out.add(new Taken(t.offset(), full, null, null));
        }
        return out;
    }

    /** Whether an entry is due for a redo now. */
    boolean redoDue(long nowMs) {
        return !redoNotBefore.isEmpty()
                && redoNotBefore.values().stream().anyMatch(t -> t <= nowMs);
    }

    /** Hands {@code offset} out again once {@code notBeforeMs} has passed. */
    void redo(long offset, long notBeforeMs) {
        redoNotBefore.put(offset, notBeforeMs);
    }

    /** Deletes a forwarded entry. */
    void remove(long offset) {
        store.delete(offset);
        held.remove(offset);
        redoNotBefore.remove(offset);
        size--;
    }

    /** Closes the reader of the input topic, if one was opened. */
    void close() {
        if (source != null) {
            source.close();
            source = null;
        }
    }

    private static Taken decode(long offset, byte[] bytes) {
        try {
            PendingImage image = PendingImage.fromBytes(bytes);
            return new Taken(offset, image, null, null, PendingImage.isReference(bytes));
        } catch (SerializationException e) {
            return new Taken(offset, null, bytes, e);
        }
    }

    private static long bufferedAtOrNow(byte[] bytes) {
        try {
            return PendingImage.fromBytes(bytes).bufferedAtMs();
        } catch (SerializationException e) {
            return System.currentTimeMillis();
        }
    }

    /**
     * One handed-out entry: the image; or the raw bytes and the error of a corrupt entry ({@code
     * image} null); or the reference and the error of an entry whose record is gone.
     */
    record Taken(
            long offset,
            PendingImage image,
            byte[] corrupt,
            RuntimeException error,
            boolean needsValue) {

        Taken(long offset, PendingImage image, byte[] corrupt, RuntimeException error) {
            this(offset, image, corrupt, error, false);
        }
    }
}
