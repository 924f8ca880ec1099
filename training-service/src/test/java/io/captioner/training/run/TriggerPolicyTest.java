package io.captioner.training.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.captioner.events.TrainingTrigger;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TriggerPolicyTest {

    private static final Instant T0 = Instant.parse("2026-12-02T06:00:00Z");

    @Test
    void shouldStartAfterTheConfiguredNumberOfChangesOnly() {
        TriggerPolicy policy = new TriggerPolicy(1000, null);

        assertThat(policy.due(999, null, T0, T0.plusSeconds(3600))).isEmpty();
        assertThat(policy.due(1000, null, T0, T0).orElseThrow().kind())
                .isEqualTo(TrainingTrigger.PAIRS);
    }

    @Test
    void shouldPreferAPendingCommandEvenWithoutChanges() {
        RunTrigger command = new RunTrigger(TrainingTrigger.COMMAND, true, "c1");

        assertThat(new TriggerPolicy(1000, null).due(0, command, T0, T0)).contains(command);
    }

    @Test
    void shouldRunOnScheduleOnlyWhenSomethingChangedAndTheIntervalPassed() {
        TriggerPolicy policy = new TriggerPolicy(1000, Duration.ofMinutes(10));

        assertThat(policy.due(0, null, T0, T0.plusSeconds(3600))).isEmpty();
        assertThat(policy.due(5, null, T0, T0.plusSeconds(599))).isEmpty();
        assertThat(policy.due(5, null, T0, T0.plusSeconds(600)).orElseThrow().kind())
                .isEqualTo(TrainingTrigger.SCHEDULE);
    }
}
