package io.captioner.training.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.captioner.events.SplitHint;
import org.junit.jupiter.api.Test;

class DatasetSplitTest {

    @Test
    void shouldPutAboutTheConfiguredFractionInValidationAndAlwaysTheSameIds() {
        // given
        DatasetSplit split = new DatasetSplit(0.1);
        DatasetSplit again = new DatasetSplit(0.1);

        // when
        int validation = 0;
        for (int i = 0; i < 10_000; i++) {
            String id = "img-" + i;
            DatasetSplit.Part part = split.part(id, null);
            assertThat(again.part(id, null)).isEqualTo(part);
            if (part == DatasetSplit.Part.VALIDATION) {
                validation++;
            }
        }

        // then: binomial(10000, 0.1) has a standard deviation of 30
        assertThat(validation).isBetween(880, 1120);
    }

    @Test
    void shouldHonourTheSplitHint() {
        DatasetSplit split = new DatasetSplit(0.5);

        assertThat(split.part("x", SplitHint.VALIDATION)).isEqualTo(DatasetSplit.Part.VALIDATION);
        assertThat(split.part("x", SplitHint.TRAIN)).isEqualTo(DatasetSplit.Part.TRAIN);
        assertThat(split.part("x", SplitHint.TEST)).isEqualTo(DatasetSplit.Part.HELD_OUT);
    }

    @Test
    void shouldKeepAnImageInItsSplitWhenTheFractionGrows() {
        // An image validated at 10% stays validated at 20%: only training images move.
        DatasetSplit small = new DatasetSplit(0.1);
        DatasetSplit large = new DatasetSplit(0.2);
        for (int i = 0; i < 2000; i++) {
            String id = "img-" + i;
            if (small.part(id, null) == DatasetSplit.Part.VALIDATION) {
                assertThat(large.part(id, null)).isEqualTo(DatasetSplit.Part.VALIDATION);
            }
        }
    }
}
