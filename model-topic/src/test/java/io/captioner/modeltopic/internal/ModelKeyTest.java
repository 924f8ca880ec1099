package io.captioner.modeltopic.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.captioner.schemas.ModelTopicKeys;
import org.junit.jupiter.api.Test;

class ModelKeyTest {

    @Test
    void shouldParseEveryKeyModelTopicKeysMakes() {
        assertThat(ModelKey.parse(ModelTopicKeys.manifest("cap", "v1")))
                .contains(new ModelKey(ModelKey.Kind.MANIFEST, "cap", "v1", -1, -1));
        assertThat(ModelKey.parse(ModelTopicKeys.chunk("cap", "v1", 42)))
                .contains(new ModelKey(ModelKey.Kind.CHUNK, "cap", "v1", 42, -1));
        assertThat(ModelKey.parse(ModelTopicKeys.activation("cap")))
                .contains(new ModelKey(ModelKey.Kind.ACTIVATION, "cap", null, -1, -1));
        assertThat(ModelKey.parse(ModelTopicKeys.activation("cap", 7)))
                .contains(new ModelKey(ModelKey.Kind.ACTIVATION, "cap", null, -1, 7));
        assertThat(
                        ModelKey.parse(
                                ModelTopicKeys.activation(
                                        "cap", ModelTopicKeys.MAX_ACTIVATION_SEQUENCE)))
                .map(ModelKey::sequence)
                .contains(ModelTopicKeys.MAX_ACTIVATION_SEQUENCE);
    }

    @Test
    void shouldTellVersionNamedActivationFromActivationKeys() {
        assertThat(ModelKey.parse("cap/activation/manifest"))
                .contains(new ModelKey(ModelKey.Kind.MANIFEST, "cap", "activation", -1, -1));
        assertThat(ModelKey.parse("cap/activation/chunk/000001"))
                .contains(new ModelKey(ModelKey.Kind.CHUNK, "cap", "activation", 1, -1));
    }

    @Test
    void shouldRejectForeignKeys() {
        assertThat(ModelKey.parse(null)).isEmpty();
        assertThat(ModelKey.parse("cap")).isEmpty();
        assertThat(ModelKey.parse("cap/v1/chunk/1")).isEmpty();
        assertThat(ModelKey.parse("cap//manifest")).isEmpty();
        assertThat(ModelKey.parse("cap/v1/manifest/extra")).isEmpty();
        assertThat(ModelKey.parse("cap/v1/other")).isEmpty();
        assertThat(ModelKey.parse("cap/activation/7")).isEmpty();
        assertThat(ModelKey.parse("cap/activation/000000000000")).isEmpty();
    }
}
