package io.captioner.streams.processor;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The changelogged buffer of one task used as a FIFO queue keyed by input offset: entries are
 * appended in offset order, handed out once from a cursor (a range read from the last handed-out
 * offset on, never a scan from the head, which RocksDB would have to skip tombstones for), and
 * removed when their output is forwarded. Entries whose work must be redone (a model outage, a
 * failure worth retrying) are handed out again from their offset once their back-off has passed.
 *
 * <p>The values are raw bytes decoded here, so that a corrupt entry is reported as such instead of
 * failing the store's iterator. Stream-thread only.
 */
final class BufferQueue {

    private final KeyValueStore<Long, byte[]> store;
    private final int recentCapacity;

    /** Entries appended lately, kept so that handing them out needs no store read. */
    private final Map<Long, PendingImage> recent = new LinkedHashMap<>();

    private final TreeMap<Long, Long> redoNotBefore = new TreeMap<>();
    private long size;
    private long cursor = -1;
    private long unread;
    private long oldestUnreadBufferedAt = -1;

    BufferQueue(KeyValueStore<Long, byte[]> store, int recentCapacity) {
        this.store = store;
        this.recentCapacity = recentCapacity;
    }

    /**
     * Counts what the (restored) store holds with one scan; everything in it is unread.
     *
     * @return the number of buffered entries
     */
    long restore() {
        recent.clear();
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
        store.put(entry.offset(), entry.toBytes());
        size++;
        if (unread == 0) {
            cursor = entry.offset();
            oldestUnreadBufferedAt = entry.bufferedAtMs();
        }
        unread++;
        recent.put(entry.offset(), entry);
        if (recent.size() > recentCapacity) {
            Iterator<Long> eldest = recent.keySet().iterator();
            eldest.next();
            eldest.remove();
        }
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
     * cursor on.
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
            byte[] bytes = store.get(due.getKey());
            if (bytes != null) {
                out.add(decode(due.getKey(), bytes));
            }
        }
        if (out.size() < max && unread > 0) {
            try (KeyValueIterator<Long, byte[]> it = store.range(cursor, Long.MAX_VALUE)) {
                while (out.size() < max && it.hasNext()) {
                    KeyValue<Long, byte[]> entry = it.next();
                    PendingImage cached = recent.remove(entry.key);
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
                    PendingImage cached = recent.get(next.key);
                    oldestUnreadBufferedAt =
                            cached != null ? cached.bufferedAtMs() : bufferedAtOrNow(next.value);
                } else if (unread > 0) {
                    // The count drifted from the store (cannot happen unless the store was
                    // changed behind our back); trust the store.
                    unread = 0;
                }
            }
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
        recent.remove(offset);
        redoNotBefore.remove(offset);
        size--;
    }

    private static Taken decode(long offset, byte[] bytes) {
        try {
            return new Taken(offset, PendingImage.fromBytes(bytes), null, null);
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
     * One handed-out entry: the decoded image, or the raw bytes and the error of a corrupt entry.
     */
    record Taken(long offset, PendingImage image, byte[] corrupt, SerializationException error) {}
}
