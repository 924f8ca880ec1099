package io.captioner.streams.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.captioner.streams.config.BufferLimits;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class PendingImageTest {

    @Test
    void shouldRoundTripEveryFieldIncludingANullKey() {
        PendingImage p = new PendingImage("images", 2, 42L, 1000L, 2000L, null, new byte[] {1, 2});

        PendingImage back = PendingImage.fromBytes(p.toBytes());

        assertThat(back.topic()).isEqualTo("images");
        assertThat(back.partition()).isEqualTo(2);
        assertThat(back.offset()).isEqualTo(42L);
        assertThat(back.timestamp()).isEqualTo(1000L);
        assertThat(back.bufferedAtMs()).isEqualTo(2000L);
        assertThat(back.key()).isNull();
        assertThat(back.value()).containsExactly(1, 2);
    }

    @Test
    void shouldRoundTripAReferenceWithoutItsValue() {
        byte[] key = {7, 8};
        PendingImage p = new PendingImage("images", 3, 77L, 10L, 20L, key, new byte[5000]);

        byte[] bytes = p.toReferenceBytes();
        PendingImage back = PendingImage.fromBytes(bytes);

        assertThat(PendingImage.isReference(bytes)).isTrue();
        assertThat(PendingImage.isReference(p.toBytes())).isFalse();
        assertThat(bytes.length).isLessThan(100);
        assertThat(back.topic()).isEqualTo("images");
        assertThat(back.partition()).isEqualTo(3);
        assertThat(back.offset()).isEqualTo(77L);
        assertThat(back.timestamp()).isEqualTo(10L);
        assertThat(back.bufferedAtMs()).isEqualTo(20L);
        assertThat(back.key()).containsExactly(7, 8);
        assertThat(back.value()).isEmpty();
        assertThat(back.withValue(new byte[] {1}).value()).containsExactly(1);
    }

    @Test
    void shouldKeepThePayloadOnceWithinTheFramingAllowance() {
        byte[] value = new byte[600 * 1024];
        String topic = "t".repeat(249);
        PendingImage p = new PendingImage(topic, 0, 1, 2, 3, new byte[256], value);

        byte[] bytes = p.toBytes();

        assertThat(bytes).hasSize(p.serializedSize());
        assertThat(bytes.length - value.length - 256)
                .isLessThan(BufferLimits.ENTRY_FRAMING_BYTES / 4);
    }

    @Test
    void shouldReadEntriesBufferedByEarlierReleasesIgnoringTheirEventCopy() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(1);
            out.writeUTF("images");
            out.writeInt(1);
            out.writeLong(7);
            out.writeLong(100);
            out.writeLong(200);
            out.writeInt(2);
            out.write(new byte[] {'k', '1'});
            out.writeInt(3);
            out.write(new byte[] {0, 1, 2});
            out.writeInt(4);
            out.write(new byte[] {9, 9, 9, 9});
        }

        PendingImage back = PendingImage.fromBytes(bytes.toByteArray());

        assertThat(back.offset()).isEqualTo(7);
        assertThat(back.key()).containsExactly('k', '1');
        assertThat(back.value()).containsExactly(0, 1, 2);
    }

    @Test
    void shouldRejectAnUnknownFormatOrACutEntryWithATypedError() {
        assertThatThrownBy(() -> PendingImage.fromBytes(new byte[] {9, 0, 0}))
                .isInstanceOf(SerializationException.class);
        byte[] whole = new PendingImage("images", 0, 1, 2, 3, null, new byte[100]).toBytes();
        byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 10);
        assertThatThrownBy(() -> PendingImage.fromBytes(cut))
                .isInstanceOf(SerializationException.class);
    }
}
