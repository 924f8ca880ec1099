package io.captioner.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CaptionerTest {

    private static Captioner captioner;

    @BeforeAll
    static void createModel() {
        captioner = TestModels.randomCaptioner(TestModels.vocabulary(10), 16, 32, 1, 9);
    }

    @AfterAll
    static void closeModel() {
        captioner.close();
    }

    @Test
    void shouldReturnOneResultPerImageInOrderAcrossInternalBatches() {
        List<BufferedImage> images = TestModels.noiseImages(Captioner.MAX_BATCH + 3, 4);
        DecodingOptions options = DecodingOptions.greedy().withMaxLength(5);

        List<CaptionResult> all = captioner.caption(images, options);

        assertThat(all).hasSize(images.size());
        for (int i : new int[] {0, Captioner.MAX_BATCH + 1}) {
            CaptionResult alone = captioner.caption(images.get(i), options);
            // Batched matrix products round differently; the words must not change.
            assertThat(all.get(i).tokens()).isEqualTo(alone.tokens());
            assertThat(all.get(i).logProbability()).isCloseTo(alone.logProbability(), within(1e-4));
        }
    }

    @Test
    void shouldGiveAttentionWeightsPerWordThatSumToOneOverTheGrid() {
        ai.djl.engine.Engine.getEngine("PyTorch").setRandomSeed(4);
        io.captioner.model.nn.Architecture architecture =
                io.captioner.model.nn.Architecture.of(
                        io.captioner.model.nn.EncoderType.TINY_CNN,
                        io.captioner.model.nn.Backbones.DJL,
                        16,
                        32,
                        1,
                        TestModels.vocabulary(10).size(),
                        io.captioner.model.nn.DecoderType.ATTENTION);
        List<BufferedImage> images = TestModels.noiseImages(Captioner.MAX_BATCH + 2, 6);
        try (Captioner attention =
                TestModels.randomCaptioner(architecture, TestModels.vocabulary(10))) {
            List<CaptionResult> captions =
                    attention.caption(images, DecodingOptions.beam(2).withMaxLength(6));

            List<AttentionMap> maps = attention.attention(images, captions);

            assertThat(maps).hasSize(images.size());
            for (int i = 0; i < maps.size(); i++) {
                AttentionMap map = maps.get(i);
                assertThat(map.rows()).isEqualTo(4);
                assertThat(map.columns()).isEqualTo(4);
                assertThat(map.words()).isEqualTo(captions.get(i).tokens());
                for (float[] weights : map.weights()) {
                    double sum = 0;
                    for (float w : weights) {
                        sum += w;
                    }
                    assertThat(sum).isCloseTo(1.0, within(1e-5));
                }
            }
            // The last image was in the second internal batch; alone it gets the same weights.
            int last = images.size() - 1;
            AttentionMap alone =
                    attention
                            .attention(List.of(images.get(last)), List.of(captions.get(last)))
                            .get(0);
            for (int w = 0; w < alone.words().size(); w++) {
                assertThat(alone.weights().get(w))
                        .containsExactly(
                                maps.get(last).weights().get(w),
                                org.assertj.core.data.Offset.offset(1e-5f));
            }
        }
    }

    @Test
    void shouldRefuseAttentionWeightsFromTheLstmDecoder() {
        List<BufferedImage> images = TestModels.noiseImages(1, 2);
        List<CaptionResult> captions = captioner.caption(images, DecodingOptions.greedy());

        assertThatThrownBy(() -> captioner.attention(images, captions))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("lstm decoder");
    }

    @Test
    void shouldReturnRankedAlternativesFromBeamSearch() {
        DecodingOptions options = DecodingOptions.beam(4).withMaxLength(6).withAlternatives(3);

        CaptionResult result = captioner.caption(TestModels.noiseImages(1, 5).get(0), options);

        assertThat(result.alternatives()).hasSize(3);
        assertThat(result.tokens()).doesNotContain("<end>", "<start>", "<pad>");
        assertThat(result.text()).isEqualTo(String.join(" ", result.tokens()));
        assertThat(result.alternatives())
                .allSatisfy(alt -> assertThat(alt.alternatives()).isEmpty())
                .extracting(CaptionResult::text)
                .doesNotContain(result.text());
    }

    @Test
    void shouldReturnNothingForNoImages() {
        assertThat(captioner.caption(List.of(), DecodingOptions.greedy())).isEmpty();
    }

    @Test
    void shouldRejectInconsistentDecodingOptions() {
        assertThatThrownBy(() -> new DecodingOptions(0, 10, 0, 0)).hasMessageContaining("beamSize");
        assertThatThrownBy(() -> new DecodingOptions(2, 0, 0, 0)).hasMessageContaining("maxLength");
        assertThatThrownBy(() -> new DecodingOptions(2, 10, -1, 0))
                .hasMessageContaining("lengthNormalizationAlpha");
        assertThatThrownBy(() -> DecodingOptions.beam(3).withAlternatives(3))
                .hasMessageContaining("alternatives");
    }

    @Test
    void shouldPickTheDeviceFromTheSystemPropertyUnlessOneIsGiven() {
        String previous = System.getProperty(Devices.PROPERTY);
        try {
            System.setProperty(Devices.PROPERTY, "cpu");
            assertThat(Devices.resolve(null)).isEqualTo(Device.cpu());
            assertThat(Devices.resolve(Device.gpu(1))).isEqualTo(Device.gpu(1));
        } finally {
            if (previous == null) {
                System.clearProperty(Devices.PROPERTY);
            } else {
                System.setProperty(Devices.PROPERTY, previous);
            }
        }
    }
}
