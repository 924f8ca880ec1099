package io.captioner.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ModelTopicKeysTest {

    @Test
    void shouldDeriveKeyFromEnvelopePayload() {
        assertThat(ModelTopicKeys.keyFor(Fixtures.envelope(Fixtures.manifest())))
                .isEqualTo("captioner/v3/manifest");
        assertThat(ModelTopicKeys.keyFor(Fixtures.envelope(Fixtures.chunk())))
                .isEqualTo("captioner/v3/chunk/000001");
        assertThat(ModelTopicKeys.keyFor(Fixtures.envelope(Fixtures.activation())))
                .isEqualTo("captioner/activation");
    }

    @Test
    void shouldGiveEveryActivationItsOwnKeyInSequenceOrder() {
        assertThat(ModelTopicKeys.activation("m", 42)).isEqualTo("m/activation/000000000042");
        assertThat(ModelTopicKeys.activation("m", 10))
                .isGreaterThan(ModelTopicKeys.activation("m", 9));
        assertThat(
                        ModelTopicKeys.keyFor(
                                Fixtures.envelope(
                                        io.captioner.events.ModelActivation.newBuilder(
                                                        Fixtures.activation())
                                                .setSequence(3L)
                                                .build())))
                .isEqualTo("captioner/activation/000000000003");
        assertThatThrownBy(() -> ModelTopicKeys.activation("m", 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldSortChunkKeysInIndexOrder() {
        assertThat(ModelTopicKeys.chunk("m", "1", 10))
                .isGreaterThan(ModelTopicKeys.chunk("m", "1", 9));
    }

    @Test
    void shouldRejectNamesThatWouldMakeKeysAmbiguous() {
        assertThatThrownBy(() -> ModelTopicKeys.manifest("a/b", "1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a/b");
        assertThatThrownBy(() -> ModelTopicKeys.activation(" "))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ModelTopicKeys.chunk("m", "1", -1))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
