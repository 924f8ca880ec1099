package io.captioner.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class WordPresenceNetTest {

    @Test
    void shouldSumBinaryCrossEntropyOverWordsAndAverageOverImages() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            float[] logits = {0f, 2f, -1f, 0f};
            float[] targets = {1f, 0f, 0f, 1f};

            float loss =
                    WordPresenceNet.loss(
                                    manager.create(logits, new Shape(2, 2)),
                                    manager.create(targets, new Shape(2, 2)))
                            .getFloat();

            double expected = 0;
            for (int i = 0; i < logits.length; i++) {
                double p = 1 / (1 + Math.exp(-logits[i]));
                expected -= targets[i] == 1f ? Math.log(p) : Math.log(1 - p);
            }
            assertThat((double) loss).isCloseTo(expected / 2, offset(1e-5));
        }
    }

    @Test
    void shouldStayFiniteForConfidentLogits() {
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            float loss =
                    WordPresenceNet.loss(
                                    manager.create(new float[] {200f, -200f}, new Shape(1, 2)),
                                    manager.create(new float[] {0f, 1f}, new Shape(1, 2)))
                            .getFloat();

            assertThat(loss).isCloseTo(400f, offset(1e-3f));
        }
    }
}
