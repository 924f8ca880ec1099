package io.captioner.model.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.captioner.model.Captioner;
import io.captioner.model.DecodingOptions;
import io.captioner.model.TestModels;
import io.captioner.model.artifact.TrainingSummary;
import io.captioner.model.data.CaptionedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CaptionTrainerTest {

    private static final List<CaptionedImage> TRAIN = TestModels.shapes(32, 1);
    private static final List<CaptionedImage> VALIDATION = TestModels.shapes(8, 2);

    private static final List<double[]> EPOCHS = new ArrayList<>();
    private static final List<Integer> BATCHES = new ArrayList<>();
    private static Captioner trained;

    @BeforeAll
    static void trainSmallModel() throws IOException {
        trained =
                small().optEpochs(4)
                        .optListener(
                                new TrainingListener() {
                                    @Override
                                    public void onBatch(
                                            int epoch, int batch, int batches, double loss) {
                                        BATCHES.add(batch);
                                    }

                                    @Override
                                    public void onEpochEnd(
                                            int epoch, double trainLoss, double validationLoss) {
                                        EPOCHS.add(new double[] {trainLoss, validationLoss});
                                    }
                                })
                        .build()
                        .train(TRAIN, VALIDATION);
    }

    @AfterAll
    static void close() {
        trained.close();
    }

    private static CaptionTrainer.Builder small() {
        return CaptionTrainer.builder()
                .setEncoder("tiny-cnn")
                .optEmbedSize(16)
                .optHiddenSize(32)
                .optBatchSize(8)
                .optLearningRate(3e-3)
                .optSeed(3);
    }

    @Test
    void shouldLowerTrainingAndValidationLossOverEpochs() {
        assertThat(EPOCHS).hasSize(4);
        double[] first = EPOCHS.get(0);
        double[] last = EPOCHS.get(EPOCHS.size() - 1);
        assertThat(last[0]).isLessThan(first[0]);
        assertThat(last[1]).isLessThan(first[1]);
        assertThat(BATCHES).startsWith(1, 2, 3, 4, 1).hasSize(16);
    }

    @Test
    void shouldRecordTheTrainingInTheManifest() {
        TrainingSummary summary = trained.manifest().training();

        assertThat(summary.trainImages()).isEqualTo(32);
        assertThat(summary.trainPairs()).isEqualTo(64);
        assertThat(summary.validationImages()).isEqualTo(8);
        assertThat(summary.bestEpoch()).isBetween(1, summary.epochs());
        assertThat(summary.validationLoss()).isEqualTo(EPOCHS.get(summary.bestEpoch() - 1)[1]);
        assertThat(trained.manifest().vocabulary())
                .contains("red", "blue", "square", "circle", "there", "here");
        assertThat(trained.manifest().architecture().hiddenSize()).isEqualTo(32);
    }

    @Test
    void shouldCaptionWithTheLearnedVocabulary() {
        String text =
                trained.caption(TRAIN.get(0).image(), DecodingOptions.greedy().withMaxLength(10))
                        .text();

        assertThat(text).isNotBlank();
        assertThat(List.of(text.split(" ")))
                .allSatisfy(word -> assertThat(trained.vocabulary().words()).contains(word));
    }

    @Test
    void shouldStartFromTheWarmStartWeights() throws IOException {
        List<double[]> warm = new ArrayList<>();
        List<double[]> cold = new ArrayList<>();
        try (Captioner continued =
                        small().optEpochs(1)
                                .optWarmStart(trained)
                                .optListener(epochLosses(warm))
                                .build()
                                .train(TRAIN, VALIDATION);
                Captioner fresh =
                        small().optEpochs(1)
                                .optListener(epochLosses(cold))
                                .build()
                                .train(TRAIN, VALIDATION)) {
            assertThat(warm.get(0)[0]).isLessThan(cold.get(0)[0]);
            assertThat(continued.manifest().architecture())
                    .isEqualTo(trained.manifest().architecture());
        }
    }

    @Test
    void shouldRefuseWarmStartWithDifferentVocabulary() {
        List<CaptionedImage> otherWords = new ArrayList<>(TRAIN);
        otherWords.add(
                new CaptionedImage("green", TRAIN.get(0).image(), List.of("a green square")));

        assertThatThrownBy(
                        () -> small().optWarmStart(trained).build().train(otherWords, VALIDATION))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("vocabulary")
                .hasMessageContaining("'green'");
    }

    @Test
    void shouldRefuseWarmStartWithDifferentArchitecture() {
        assertThatThrownBy(
                        () ->
                                small().optHiddenSize(48)
                                        .optWarmStart(trained)
                                        .build()
                                        .train(TRAIN, VALIDATION))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("different architecture")
                .hasMessageContaining("hiddenSize=48");
    }

    @Test
    void shouldRejectInvalidConfiguration() {
        assertThatThrownBy(() -> CaptionTrainer.builder().build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("encoder");
        assertThatThrownBy(() -> CaptionTrainer.builder().setEncoder("vgg"))
                .hasMessageContaining("unknown encoder 'vgg'");
        assertThatThrownBy(() -> small().optBatchSize(0).build()).hasMessageContaining("batchSize");
        assertThatThrownBy(() -> small().build().train(List.of(), VALIDATION))
                .hasMessageContaining("no training images");
        assertThatThrownBy(() -> small().optDropout(1).build()).hasMessageContaining("dropout");
        assertThatThrownBy(() -> small().optLearningRateDecay(0).build())
                .hasMessageContaining("learningRateDecay");
        assertThatThrownBy(() -> small().optLearningRateDecay(1.5).build())
                .hasMessageContaining("learningRateDecay");
        assertThatThrownBy(() -> small().optWordLossWeight(-0.1).build())
                .hasMessageContaining("wordLossWeight");
        assertThatThrownBy(() -> small().optDecoder("transformer"))
                .hasMessageContaining("unknown decoder 'transformer'");
        assertThatThrownBy(() -> small().optAttentionRegularization(-1).build())
                .hasMessageContaining("attentionRegularization");
    }

    @Test
    void shouldTrainWhenTheLastBatchWouldHoldASingleImage() throws IOException {
        // 17 images at batch 8: 8 + 9 instead of 8 + 8 + 1, whose BatchNorm would fail in training.
        List<Integer> batches = new ArrayList<>();
        try (Captioner model =
                small().optEpochs(1)
                        .optListener(
                                new TrainingListener() {
                                    @Override
                                    public void onBatch(
                                            int epoch, int batch, int count, double loss) {
                                        batches.add(count);
                                    }
                                })
                        .build()
                        .train(TestModels.shapes(17, 4), List.of())) {
            assertThat(batches).containsExactly(2, 2);
            assertThat(model.manifest().training().trainImages()).isEqualTo(17);
        }
    }

    @Test
    void shouldFoldALastBatchOfOneImageIntoTheOneBefore() {
        assertThat(CaptionTrainer.batchBounds(65, 16))
                .containsExactly(
                        new int[] {0, 16},
                        new int[] {16, 32},
                        new int[] {32, 48},
                        new int[] {48, 65});
        assertThat(CaptionTrainer.batchBounds(66, 16)).hasSize(5);
        assertThat(CaptionTrainer.batchBounds(1, 16)).containsExactly(new int[] {0, 1});
        assertThat(CaptionTrainer.batchBounds(32, 16)).hasSize(2);
    }

    @Test
    void shouldTrainTheAttentionDecoderAndRecordItInTheManifest() throws IOException {
        List<double[]> losses = new ArrayList<>();
        try (Captioner model =
                small().optDecoder("attention")
                        .optEpochs(3)
                        .optListener(epochLosses(losses))
                        .build()
                        .train(TRAIN, VALIDATION)) {
            assertThat(model.architecture().decoder()).isEqualTo("attention");
            assertThat(losses.get(2)[0]).isLessThan(losses.get(0)[0]);
            assertThat(losses.get(2)[1]).isLessThan(losses.get(0)[1]);
            assertThat(model.caption(TRAIN.get(0).image(), DecodingOptions.beam(2)).text())
                    .isNotBlank();
        }
    }

    @Test
    void shouldRefuseWarmStartWithAnotherDecoder() {
        assertThatThrownBy(
                        () ->
                                small().optDecoder("attention")
                                        .optWarmStart(trained)
                                        .build()
                                        .train(TRAIN, VALIDATION))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("different architecture")
                .hasMessageContaining("decoder=attention");
    }

    @Test
    void shouldPenaliseAttentionThatLeavesPartsOfTheImageUnseen() {
        try (NDManager scope = NDManager.newBaseManager("PyTorch")) {
            // Two real steps over two cells (third step is padding and must not count): looking
            // once at each cell sums to 1 per cell, no penalty; looking twice at the first leaves
            // the second at 0, cell sums (2, 0) give ((1 - 2)^2 + 1^2) / 2 = 1.
            NDArray ids = scope.create(new long[] {1, 4, 2, 0}, new Shape(1, 4));
            NDArray spread = scope.create(new float[] {1, 0, 0, 1, 1, 0}, new Shape(1, 3, 2));
            NDArray focused = scope.create(new float[] {1, 0, 1, 0, 0, 1}, new Shape(1, 3, 2));

            assertThat(CaptionTrainer.doublyStochastic(spread, ids).getFloat())
                    .isCloseTo(0f, within(1e-6f));
            assertThat(CaptionTrainer.doublyStochastic(focused, ids).getFloat())
                    .isCloseTo(1f, within(1e-6f));
        }
    }

    private static TrainingListener epochLosses(List<double[]> sink) {
        return new TrainingListener() {
            @Override
            public void onEpochEnd(int epoch, double trainLoss, double validationLoss) {
                sink.add(new double[] {trainLoss, validationLoss});
            }
        };
    }
}
