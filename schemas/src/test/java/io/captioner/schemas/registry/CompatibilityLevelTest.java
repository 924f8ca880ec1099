package io.captioner.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CompatibilityLevelTest {

    @Test
    void shouldParseLevelNamesCaseInsensitively() {
        assertThat(CompatibilityLevel.parse("full_transitive"))
                .contains(CompatibilityLevel.FULL_TRANSITIVE);
        assertThat(CompatibilityLevel.parse(" Backward ")).contains(CompatibilityLevel.BACKWARD);
    }

    @Test
    void shouldRejectUnknownOrMissingLevels() {
        assertThat(CompatibilityLevel.parse("SIDEWAYS")).isEmpty();
        assertThat(CompatibilityLevel.parse(null)).isEmpty();
    }

    @Test
    void shouldCheckBothDirectionsOnlyForFullLevels() {
        assertThat(CompatibilityLevel.FULL.backward() && CompatibilityLevel.FULL.forward())
                .isTrue();
        assertThat(CompatibilityLevel.BACKWARD.forward()).isFalse();
        assertThat(CompatibilityLevel.FORWARD.backward()).isFalse();
        assertThat(CompatibilityLevel.NONE.backward() || CompatibilityLevel.NONE.forward())
                .isFalse();
        assertThat(CompatibilityLevel.FORWARD_TRANSITIVE.transitive()).isTrue();
        assertThat(CompatibilityLevel.FULL.transitive()).isFalse();
    }
}
