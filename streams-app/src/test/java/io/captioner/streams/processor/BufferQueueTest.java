package io.captioner.streams.processor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;
import java.util.function.BiFunction;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
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
        BufferQueue queue = new BufferQueue(store, 2, () -> null);
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
        BufferQueue queue = new BufferQueue(store, 8, () -> null);
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
        // Given entries buffered with their bytes (nothing held in memory)
        BufferQueue first = new BufferQueue(store, 0, () -> null);
        first.append(entry(3));
        first.append(entry(4));
        first.take(1, 0);
        first.remove(3);
        store.put(5L, new byte[] {42, 0});

        BufferQueue restored = new BufferQueue(store, 8, () -> null);
        assertThat(restored.restore()).isEqualTo(2);
        List<BufferQueue.Taken> taken = restored.take(10, 0);

        assertThat(offsets(taken)).containsExactly(4L, 5L);
        assertThat(taken.get(0).image()).isNotNull();
        assertThat(taken.get(1).image()).isNull();
        assertThat(taken.get(1).corrupt()).containsExactly(42, 0);
        assertThat(taken.get(1).error()).hasMessageContaining("unknown pending-image format");
    }

    @Test
    void shouldBufferHeldImagesAsReferencesAndTheRestWithTheirBytes() {
        // Given room for two values in memory
        BufferQueue queue = new BufferQueue(store, 2, () -> null);

        // When three images are appended
        for (long offset = 1; offset <= 3; offset++) {
            queue.append(entry(offset));
        }

        // Then the first two are references, the third carries its bytes, and all come out whole
        assertThat(PendingImage.isReference(store.get(1L))).isTrue();
        assertThat(PendingImage.isReference(store.get(2L))).isTrue();
        assertThat(PendingImage.isReference(store.get(3L))).isFalse();
        assertThat(PendingImage.fromBytes(store.get(3L)).value()).containsExactly(1);
        assertThat(queue.take(3, 0))
                .extracting(t -> t.image().value())
                .containsExactly(new byte[] {1}, new byte[] {1}, new byte[] {1});
    }

    @Test
    void shouldBufferAnImageLargerThanTheReferenceLimitWithItsBytes() {
        BufferQueue queue = new BufferQueue(store, 8, () -> null);

        queue.append(
                new PendingImage(
                        "images", 0, 7, 7, 7, null, new byte[BufferQueue.REFERENCE_MAX_BYTES + 1]));

        assertThat(PendingImage.isReference(store.get(7L))).isFalse();
    }

    @Test
    void shouldReadRestoredReferencesBackFromTheInputTopicInOneRead() {
        // Given three references left in the store by an earlier owner of the task
        BufferQueue first = new BufferQueue(store, 8, () -> null);
        for (long offset = 4; offset <= 6; offset++) {
            first.append(entry(offset));
        }
        List<NavigableSet<Long>> reads = new ArrayList<>();
        SourceReader reader =
                reader(
                        (tp, offsets) -> {
                            assertThat(tp).isEqualTo(new TopicPartition("images", 0));
                            reads.add(offsets);
                            Map<Long, byte[]> found = new HashMap<>();
                            offsets.forEach(o -> found.put(o, new byte[] {(byte) o.intValue()}));
                            return found;
                        });
        BufferQueue restored = new BufferQueue(store, 8, () -> reader);
        restored.restore();

        // When they are handed out, then redone
        List<BufferQueue.Taken> taken = restored.take(10, 0);
        restored.redo(5, 0);
        List<BufferQueue.Taken> again = restored.take(10, 0);

        // Then their values come from one read of the topic, and a redo reads nothing more
        assertThat(taken)
                .extracting(t -> t.image().value()[0])
                .containsExactly((byte) 4, (byte) 5, (byte) 6);
        assertThat(taken)
                .extracting(t -> t.image().bufferedAtMs())
                .containsExactly(1004L, 1005L, 1006L);
        assertThat(again).extracting(t -> t.image().value()[0]).containsExactly((byte) 5);
        assertThat(reads).containsExactly(new TreeSet<>(List.of(4L, 5L, 6L)));
    }

    @Test
    void shouldReportARestoredReferenceWhoseRecordIsGoneFromTheTopic() {
        BufferQueue first = new BufferQueue(store, 8, () -> null);
        first.append(entry(9));
        BufferQueue restored = new BufferQueue(store, 8, () -> reader((tp, o) -> Map.of()));
        restored.restore();

        List<BufferQueue.Taken> taken = restored.take(10, 0);

        assertThat(taken).hasSize(1);
        assertThat(taken.get(0).image().offset()).isEqualTo(9);
        assertThat(taken.get(0).error())
                .hasMessageContaining("images/0@9 is no longer in the topic");
    }

    @Test
    void shouldRetryARestoredReferenceWhoseReadTimedOutAfterABackOff() {
        BufferQueue first = new BufferQueue(store, 8, () -> null);
        first.append(entry(2));
        int[] calls = {0};
        SourceReader flaky =
                reader(
                        (tp, offsets) -> {
                            if (calls[0]++ == 0) {
                                throw new TimeoutException("broker away");
                            }
                            return Map.of(2L, new byte[] {9});
                        });
        BufferQueue restored = new BufferQueue(store, 8, () -> flaky);
        restored.restore();

        assertThat(restored.take(10, 0)).isEmpty();
        assertThat(restored.waiting()).isEqualTo(1);
        assertThat(restored.take(10, BufferQueue.SOURCE_RETRY_MS - 1)).isEmpty();
        List<BufferQueue.Taken> later = restored.take(10, BufferQueue.SOURCE_RETRY_MS);

        assertThat(later).extracting(t -> t.image().value()[0]).containsExactly((byte) 9);
    }

    @Test
    void shouldCloseTheReaderItOpened() {
        BufferQueue first = new BufferQueue(store, 8, () -> null);
        first.append(entry(2));
        boolean[] closed = {false};
        SourceReader reader =
                new SourceReader() {
                    @Override
                    public Map<Long, byte[]> read(
                            TopicPartition partition, NavigableSet<Long> offsets) {
                        return Map.of(2L, new byte[] {1});
                    }

                    @Override
                    public void close() {
                        closed[0] = true;
                    }
                };
        BufferQueue restored = new BufferQueue(store, 8, () -> reader);
        restored.restore();
        restored.take(1, 0);

        restored.close();

        assertThat(closed[0]).isTrue();
    }

    private static SourceReader reader(
            BiFunction<TopicPartition, NavigableSet<Long>, Map<Long, byte[]>> read) {
        return new SourceReader() {
            @Override
            public Map<Long, byte[]> read(TopicPartition partition, NavigableSet<Long> offsets) {
                return read.apply(partition, offsets);
            }

            @Override
            public void close() {}
        };
    }
}
