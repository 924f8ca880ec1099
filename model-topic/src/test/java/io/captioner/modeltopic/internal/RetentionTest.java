package io.captioner.modeltopic.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RetentionTest {

    @Test
    void shouldKeepTheNewestAndTheActiveVersion() {
        assertThat(
                        Retention.versionsToDelete(
                                List.of("v1", "v2", "v3", "v4", "v5"), 2, Set.of("v1")))
                .containsExactly("v2", "v3");
    }

    @Test
    void shouldKeepEverythingWithUnlimitedRetention() {
        assertThat(Retention.versionsToDelete(List.of("v1", "v2"), 0, Set.of())).isEmpty();
        assertThatThrownBy(() -> Retention.versionsToDelete(List.of(), -1, Set.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
