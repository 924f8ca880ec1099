package io.captioner.modeltopic.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.captioner.schemas.ModelTopicKeys;
import org.junit.jupiter.api.Test;

class ModelKeyTest {

    @Test
    void shouldParseEveryKeyModelTopicKeysMakes() {
        assertThat(ModelKey.parse(ModelTopicKeys.manifest("cap", "v1")))
                .contains(new ModelKey(ModelKey.Kind.MANIFEST, "cap", "v1", -1));
        assertThat(ModelKey.parse(ModelTopicKeys.chunk("cap", "v1", 42)))
                .contains(new ModelKey(ModelKey.Kind.CHUNK, "cap", "v1", 42));
        assertThat(ModelKey.parse(ModelTopicKeys.activation("cap")))
                .contains(new ModelKey(ModelKey.Kind.ACTIVATION, "cap", null, -1));
    }

    @Test
    void shouldRejectForeignKeys() {
        assertThat(ModelKey.parse(null)).isEmpty();
        assertThat(ModelKey.parse("cap")).isEmpty();
        assertThat(ModelKey.parse("cap/v1/chunk/1")).isEmpty();
        assertThat(ModelKey.parse("cap//manifest")).isEmpty();
        assertThat(ModelKey.parse("cap/v1/manifest/extra")).isEmpty();
        assertThat(ModelKey.parse("cap/v1/other")).isEmpty();
    }
}
