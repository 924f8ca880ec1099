package io.captioner.training.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.captioner.events.TrainingDecision;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GateTest {

    private final Gate gate = new Gate("CIDEr", 0.1);

    @Test
    void shouldPublishWhenNothingIsServed() {
        assertThat(gate.judge(Map.of("CIDEr", 0.2), null, false).decision())
                .isEqualTo(TrainingDecision.PUBLISHED);
    }

    @Test
    void shouldPublishOnlyWhenTheMetricBeatsTheActiveByMoreThanTheMargin() {
        Gate.Verdict better = gate.judge(Map.of("CIDEr", 1.21), Map.of("CIDEr", 1.1), false);
        Gate.Verdict within = gate.judge(Map.of("CIDEr", 1.2), Map.of("CIDEr", 1.1), false);

        assertThat(better.decision()).isEqualTo(TrainingDecision.PUBLISHED);
        assertThat(better.reason()).isEqualTo("CIDEr 1.2100 > 1.1000 + 0.1");
        assertThat(within.decision()).isEqualTo(TrainingDecision.REJECTED);
    }

    @Test
    void shouldRejectAnEqualCandidateWithTheDefaultMargin() {
        assertThat(
                        new Gate("BLEU_4", 0)
                                .judge(Map.of("BLEU_4", 0.5), Map.of("BLEU_4", 0.5), false)
                                .decision())
                .isEqualTo(TrainingDecision.REJECTED);
    }

    @Test
    void shouldPublishAWorseCandidateWhenForcedAndSaySo() {
        Gate.Verdict forced = gate.judge(Map.of("CIDEr", 0.5), Map.of("CIDEr", 1.5), true);

        assertThat(forced.decision()).isEqualTo(TrainingDecision.PUBLISHED);
        assertThat(forced.reason()).startsWith("forced; CIDEr 0.5000 <= 1.5000");
    }
}
