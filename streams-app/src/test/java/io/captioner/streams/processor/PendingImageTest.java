package io.captioner.streams.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class PendingImageTest {

    private final Serde<PendingImage> serde = PendingImage.serde();

    @Test
    void shouldRoundTripEveryFieldIncludingANullKey() {
        PendingImage p =
                new PendingImage(
                        "images", 2, 42L, 1000L, 2000L, null, new byte[] {1, 2}, new byte[] {3});

        PendingImage back =
                serde.deserializer().deserialize("t", serde.serializer().serialize("t", p));

        assertThat(back.topic()).isEqualTo("images");
        assertThat(back.partition()).isEqualTo(2);
        assertThat(back.offset()).isEqualTo(42L);
        assertThat(back.timestamp()).isEqualTo(1000L);
        assertThat(back.bufferedAtMs()).isEqualTo(2000L);
        assertThat(back.key()).isNull();
        assertThat(back.value()).containsExactly(1, 2);
        assertThat(back.event()).containsExactly(3);
    }

    @Test
    void shouldRejectAnUnknownFormatWithATypedError() {
        assertThatThrownBy(() -> serde.deserializer().deserialize("t", new byte[] {9, 0, 0}))
                .isInstanceOf(SerializationException.class);
    }
}
