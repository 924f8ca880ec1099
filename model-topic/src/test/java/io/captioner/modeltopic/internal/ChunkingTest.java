package io.captioner.modeltopic.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ChunkingTest {

    @Test
    void shouldSplitExactMultipleIntoFullChunks() {
        assertThat(Chunking.chunkCount(3 * 1024, 1024)).isEqualTo(3);
        assertThat(Chunking.chunkLength(3 * 1024, 1024, 2)).isEqualTo(1024);
    }

    @Test
    void shouldPutRemainderIntoShorterLastChunk() {
        assertThat(Chunking.chunkCount(2049, 1024)).isEqualTo(3);
        assertThat(Chunking.chunkLength(2049, 1024, 0)).isEqualTo(1024);
        assertThat(Chunking.chunkLength(2049, 1024, 1)).isEqualTo(1024);
        assertThat(Chunking.chunkLength(2049, 1024, 2)).isEqualTo(1);
    }

    @Test
    void shouldPutOneByteIntoOneChunk() {
        assertThat(Chunking.chunkCount(1, 512 * 1024)).isEqualTo(1);
        assertThat(Chunking.chunkLength(1, 512 * 1024, 0)).isEqualTo(1);
    }

    @Test
    void shouldRefuseEmptyArtifact() {
        assertThatThrownBy(() -> Chunking.chunkCount(0, 1024))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one byte");
    }

    @Test
    void shouldRefuseMoreChunksThanKeysCanNumber() {
        assertThat(Chunking.chunkCount(1_000_000, 1)).isEqualTo(1_000_000);
        assertThatThrownBy(() -> Chunking.chunkCount(1_000_001, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1000001 chunks");
    }

    @Test
    void shouldRefuseIndexOutsideChunks() {
        assertThatThrownBy(() -> Chunking.chunkLength(2049, 1024, 3))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void shouldHaveChunkLengthsSumToSizeForEveryRemainder() {
        int chunkSize = 7;
        for (long size = 1; size <= 50; size++) {
            int count = Chunking.chunkCount(size, chunkSize);
            long sum = 0;
            for (int i = 0; i < count; i++) {
                int length = Chunking.chunkLength(size, chunkSize, i);
                assertThat(length).isBetween(1, chunkSize);
                sum += length;
            }
            assertThat(sum).as("size %d", size).isEqualTo(size);
            assertThat((long) (count - 1) * chunkSize).isLessThan(size);
        }
    }
}
