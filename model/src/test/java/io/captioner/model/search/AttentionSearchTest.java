package io.captioner.model.search;

import ai.djl.engine.Engine;
import io.captioner.model.Captioner;
import io.captioner.model.TestModels;
import io.captioner.model.nn.Architecture;
import io.captioner.model.nn.Backbones;
import io.captioner.model.nn.DecoderType;
import io.captioner.model.nn.EncoderType;

/**
 * Every search test of {@link SearchTest} on the attention decoder: beam against exhaustive search
 * on a tiny vocabulary, beam of one against greedy, batch rows against single rows.
 */
class AttentionSearchTest extends SearchTest {

    @Override
    Captioner createCaptioner() {
        Engine.getEngine("PyTorch").setRandomSeed(7);
        Architecture architecture =
                Architecture.of(
                        EncoderType.TINY_CNN,
                        Backbones.DJL,
                        8,
                        16,
                        1,
                        TestModels.vocabulary(1).size(),
                        DecoderType.ATTENTION);
        return TestModels.randomCaptioner(architecture, TestModels.vocabulary(1));
    }
}
