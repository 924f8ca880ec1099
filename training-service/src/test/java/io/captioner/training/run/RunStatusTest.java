package io.captioner.training.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunStatusTest {

    /** A clock the test moves by hand. */
    private static final class ManualClock extends Clock {
        private Instant now = Instant.parse("2026-12-02T06:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void shouldReportPhaseEpochLossAndAnEtaFromTheEpochsSoFar() {
        // given: a run whose first epoch of ten took 30 s
        ManualClock clock = new ManualClock();
        RunStatus status = new RunStatus(clock);
        status.start("r1", "PAIRS");
        status.phase(RunStatus.Phase.TRAINING);
        status.epochStart(1, 10, 4);
        clock.advance(Duration.ofSeconds(30));
        double seconds = status.epochEnd(1.5, 1.25);

        // when: half of the second epoch is done
        status.epochStart(2, 10, 4);
        status.batch(2, 1.1);
        Map<String, Object> map = status.asMap();

        // then: 8 epochs and half of one remain
        assertThat(seconds).isEqualTo(30.0);
        assertThat(map)
                .containsEntry("phase", "TRAINING")
                .containsEntry("run_id", "r1")
                .containsEntry("epoch", 2)
                .containsEntry("loss", 1.1)
                .containsEntry("validation_loss", 1.25);
        assertThat((Double) map.get("eta_seconds")).isEqualTo(8 * 30.0 + 15.0);
    }

    @Test
    void shouldShowNoRunWhenIdle() {
        RunStatus status = new RunStatus();
        status.start("r1", "COMMAND");
        status.idle();

        assertThat(status.asMap())
                .containsEntry("phase", "IDLE")
                .containsEntry("run_id", null)
                .containsEntry("eta_seconds", null);
    }
}
