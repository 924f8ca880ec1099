package io.captioner.streams.processor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BufferQueueTest {

    private KeyValueStore<Long, byte[]> store;

    @BeforeEach
    void openStore() {
        store =
                Stores.keyValueStoreBuilder(
                                Stores.inMemoryKeyValueStore("buffer"),
                                Serdes.Long(),
                                Serdes.ByteArray())
                        .withLoggingDisabled()
                        .build();
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        store.init(context.getStateStoreContext(), store);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    private static PendingImage entry(long offset) {
        return new PendingImage("images", 0, offset, offset, 1000 + offset, null, new byte[] {1});
    }

    private static List<Long> offsets(List<BufferQueue.Taken> taken) {
        return taken.stream().map(BufferQueue.Taken::offset).toList();
    }

    @Test
    void shouldHandEntriesOutOnceInOffsetOrderFromTheCursor() {
        BufferQueue queue = new BufferQueue(store, 2);
        for (long offset = 10; offset < 15; offset++) {
            queue.append(entry(offset));
        }

        assertThat(offsets(queue.take(2, 0))).containsExactly(10L, 11L);
        assertThat(queue.oldestUnreadBufferedAt()).isEqualTo(1012);
        assertThat(offsets(queue.take(10, 0))).containsExactly(12L, 13L, 14L);
        assertThat(queue.take(10, 0)).isEmpty();
        assertThat(queue.size()).isEqualTo(5);
        assertThat(queue.waiting()).isZero();
    }

    @Test
    void shouldHandARedoneEntryOutAgainOnlyAfterItsBackOff() {
        BufferQueue queue = new BufferQueue(store, 8);
        queue.append(entry(1));
        queue.append(entry(2));
        queue.take(2, 0);

        queue.redo(1, 5_000);
        queue.remove(2);

        assertThat(queue.take(5, 4_999)).isEmpty();
        assertThat(queue.waiting()).isEqualTo(1);
        List<BufferQueue.Taken> again = queue.take(5, 5_000);
        assertThat(offsets(again)).containsExactly(1L);
        assertThat(again.get(0).image().value()).containsExactly(1);
    }

    @Test
    void shouldRestoreWhatTheStoreHoldsAndReportACorruptEntryInsteadOfFailing() {
        BufferQueue first = new BufferQueue(store, 8);
        first.append(entry(3));
        first.append(entry(4));
        first.take(1, 0);
        first.remove(3);
        store.put(5L, new byte[] {42, 0});

        BufferQueue restored = new BufferQueue(store, 8);
        assertThat(restored.restore()).isEqualTo(2);
        List<BufferQueue.Taken> taken = restored.take(10, 0);

        assertThat(offsets(taken)).containsExactly(4L, 5L);
        assertThat(taken.get(0).image()).isNotNull();
        assertThat(taken.get(1).image()).isNull();
        assertThat(taken.get(1).corrupt()).containsExactly(42, 0);
        assertThat(taken.get(1).error()).hasMessageContaining("unknown pending-image format");
    }
}
