package io.captioner.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class HealthCheckTest {

    @Test
    void shouldPassWhenEveryComposedCheckPasses() {
        HealthCheck all = HealthCheck.allOf(HealthCheck.ALWAYS_UP, () -> HealthStatus.up());

        assertThat(all.check()).isEqualTo(HealthStatus.up());
    }

    @Test
    void shouldListTheReasonsOfEveryFailingCheckInOrder() {
        AtomicBoolean streamsRunning = new AtomicBoolean(false);
        HealthCheck all =
                HealthCheck.allOf(
                        HealthCheck.of(streamsRunning::get, "Kafka Streams is REBALANCING"),
                        HealthCheck.ALWAYS_UP,
                        () -> HealthStatus.down("no model loaded"));

        HealthStatus before = all.check();
        streamsRunning.set(true);
        HealthStatus after = all.check();

        assertThat(before.isUp()).isFalse();
        assertThat(before.reason()).isEqualTo("Kafka Streams is REBALANCING; no model loaded");
        assertThat(after).isEqualTo(HealthStatus.down("no model loaded"));
    }

    @Test
    void shouldReportDownWhenACheckThrowsOrAnswersNothing() {
        HealthCheck throwing =
                () -> {
                    throw new IllegalStateException("broker unknown");
                };

        assertThat(HealthCheck.evaluate(throwing).reason())
                .startsWith("check failed: ")
                .contains("broker unknown");
        assertThat(HealthCheck.evaluate(() -> null).isUp()).isFalse();
        assertThat(HealthCheck.allOf(throwing, HealthCheck.ALWAYS_UP).check().reason())
                .contains("broker unknown");
    }
}
