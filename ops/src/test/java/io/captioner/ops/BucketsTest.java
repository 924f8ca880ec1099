package io.captioner.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BucketsTest {

    @Test
    void shouldMultiplyFromTheStart() {
        assertThat(Buckets.exponential(1, 2, 4)).containsExactly(1, 2, 4, 8);
        assertThat(Buckets.seconds(Buckets.exponential(0.005, 2, 3)))
                .containsExactly(
                        Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(20));
    }

    @Test
    void shouldRefuseBoundsThatDoNotGrow() {
        assertThatThrownBy(() -> Buckets.exponential(0, 2, 3))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Buckets.exponential(1, 1, 3))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Buckets.exponential(1, 2, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
