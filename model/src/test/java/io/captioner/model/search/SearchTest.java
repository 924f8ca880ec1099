package io.captioner.model.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.captioner.model.Captioner;
import io.captioner.model.TestModels;
import io.captioner.model.nn.CaptionNet;
import io.captioner.model.nn.CaptionStepModel;
import io.captioner.model.text.Vocabulary;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SearchTest {

    private static final int END = Vocabulary.END_ID;
    private static final SearchConfig LENGTH_3 =
            new SearchConfig(END, new int[] {Vocabulary.PAD_ID, Vocabulary.START_ID}, 3);

    // Tokens: 0 pad, 1 start, 2 end, 3 "a", 4 "b". Greedy takes "a" (0.5) first, but "b <end>"
    // (0.4 * 0.9 = 0.36) beats every continuation of "a".
    private static final double[][] TRAP = {
        {0.2, 0.2, 0.2, 0.2, 0.2},
        {0.0, 0.0, 0.1, 0.5, 0.4},
        {0.0, 0.0, 1.0, 0.0, 0.0},
        {0.0, 0.0, 0.3, 0.4, 0.3},
        {0.0, 0.0, 0.9, 0.05, 0.05},
    };

    private Captioner captioner;
    private NDManager manager;

    /** The network the searches run on; {@link AttentionSearchTest} runs them on attention. */
    Captioner createCaptioner() {
        return TestModels.randomCaptioner(TestModels.vocabulary(1), 8, 16, 1, 7);
    }

    @BeforeAll
    void createModel() {
        captioner = createCaptioner();
        manager = captioner.newScope();
    }

    @AfterAll
    void closeModel() {
        manager.close();
        captioner.close();
    }

    @Test
    void shouldFindTheMostLikelyCaptionThatGreedyDecodingMisses() {
        try (NDManager scope = manager.newSubManager()) {
            StepModel model = new TableStepModel(TRAP);
            NDArray oneRow = scope.zeros(new Shape(1, 1));

            Hypothesis greedy = GreedySearch.search(model, oneRow, LENGTH_3).get(0);
            Hypothesis beam = BeamSearch.search(model, oneRow, LENGTH_3, 2, 0.0).get(0).get(0);

            assertThat(greedy.tokens()[0]).isEqualTo(3);
            assertThat(beam.tokens()).containsExactly(4, END);
            assertThat(beam.logProbability()).isCloseTo(Math.log(0.36), within(1e-5));
            assertThat(beam.logProbability()).isGreaterThan(greedy.logProbability());
        }
    }

    @Test
    void shouldRankEveryCaptionLikeExhaustiveSearchWhenTheBeamHoldsThemAll() {
        try (NDManager scope = manager.newSubManager()) {
            StepModel model = stepModel(scope);
            NDArray encoded = encode(scope, 1);
            // V = 5 with pad and start banned: 1 + 2 + 4 finished and 8 truncated captions.
            List<Hypothesis> exhaustive = exhaustive(model, encoded, LENGTH_3);
            assertThat(exhaustive).hasSize(15);

            List<Hypothesis> beam = BeamSearch.search(model, encoded, LENGTH_3, 15, 0.0).get(0);

            assertThat(beam).hasSize(15);
            for (int i = 0; i < beam.size(); i++) {
                assertThat(beam.get(i).tokens()).containsExactly(exhaustive.get(i).tokens());
                assertThat(beam.get(i).logProbability())
                        .isCloseTo(exhaustive.get(i).logProbability(), within(1e-4));
                assertThat(beam.get(i).finished()).isEqualTo(exhaustive.get(i).finished());
            }
        }
    }

    @Test
    void shouldNeverScoreASmallBeamAboveTheExhaustiveOptimum() {
        try (NDManager scope = manager.newSubManager()) {
            StepModel model = stepModel(scope);
            NDArray encoded = encode(scope, 1);
            double best = exhaustive(model, encoded, LENGTH_3).get(0).logProbability();

            Hypothesis beam = BeamSearch.search(model, encoded, LENGTH_3, 3, 0.0).get(0).get(0);

            assertThat(beam.logProbability()).isLessThanOrEqualTo(best + 1e-5);
            assertThat(beam.logProbability())
                    .isCloseTo(scoreOf(model, encoded, beam.tokens()), within(1e-4));
        }
    }

    @Test
    void shouldEqualGreedyDecodingWithABeamOfOne() {
        try (NDManager scope = manager.newSubManager()) {
            StepModel model = stepModel(scope);
            NDArray encoded = encode(scope, 4);
            SearchConfig config = new SearchConfig(END, new int[] {0, 1}, 12);

            List<Hypothesis> greedy = GreedySearch.search(model, encoded, config);
            List<List<Hypothesis>> beam = BeamSearch.search(model, encoded, config, 1, 0.0);

            for (int i = 0; i < 4; i++) {
                assertThat(beam.get(i)).hasSize(1);
                assertThat(beam.get(i).get(0).tokens()).containsExactly(greedy.get(i).tokens());
                assertThat(beam.get(i).get(0).logProbability())
                        .isCloseTo(greedy.get(i).logProbability(), within(1e-4));
            }
        }
    }

    @Test
    void shouldDecodeEachRowOfABatchAsIfItWereAlone() {
        try (NDManager scope = manager.newSubManager()) {
            StepModel model = stepModel(scope);
            NDArray encoded = encode(scope, 3);
            SearchConfig config = new SearchConfig(END, new int[] {0, 1}, 6);

            List<Hypothesis> greedyBatch = GreedySearch.search(model, encoded, config);
            List<List<Hypothesis>> beamBatch = BeamSearch.search(model, encoded, config, 3, 0.7);

            for (int i = 0; i < 3; i++) {
                NDArray row = encoded.get(i + ":" + (i + 1));
                Hypothesis greedyAlone = GreedySearch.search(model, row, config).get(0);
                List<Hypothesis> beamAlone = BeamSearch.search(model, row, config, 3, 0.7).get(0);
                assertThat(greedyBatch.get(i).tokens()).containsExactly(greedyAlone.tokens());
                assertThat(greedyBatch.get(i).logProbability())
                        .isCloseTo(greedyAlone.logProbability(), within(1e-4));
                assertThat(beamBatch.get(i)).hasSameSizeAs(beamAlone);
                for (int j = 0; j < beamAlone.size(); j++) {
                    assertThat(beamBatch.get(i).get(j).tokens())
                            .containsExactly(beamAlone.get(j).tokens());
                    assertThat(beamBatch.get(i).get(j).score())
                            .isCloseTo(beamAlone.get(j).score(), within(1e-4));
                }
            }
        }
    }

    @Test
    void shouldDecodeOnTheDeviceExactlyAsTheHostLoopDoesWhateverTheCheckInterval() {
        try (NDManager scope = manager.newSubManager()) {
            StepModel model = stepModel(scope);
            NDArray encoded = encode(scope, 5);
            // Long enough for some rows to end and others to run to the limit.
            SearchConfig config = new SearchConfig(END, new int[] {0, 1}, 12);
            List<Hypothesis> host = GreedySearch.searchOnHost(model, encoded, config);

            for (int checkEvery : new int[] {1, 3, 8, 100}) {
                assertThat(GreedySearch.searchOnDevice(model, encoded, config, checkEvery))
                        .as("checking every %d steps", checkEvery)
                        .isEqualTo(host);
            }
        }
    }

    @Test
    void shouldStopOnTheDeviceWhenEveryRowHasEndedAndScoreNothingAfterTheEnd() {
        try (NDManager scope = manager.newSubManager()) {
            // "a b <end>", and after "<end>" the likeliest token is "a" (0.7), which must not
            // count.
            StepModel model =
                    new TableStepModel(
                            new double[][] {
                                {0.2, 0.2, 0.2, 0.2, 0.2},
                                {0.0, 0.0, 0.1, 0.6, 0.3},
                                {0.0, 0.0, 0.3, 0.7, 0.0},
                                {0.0, 0.0, 0.2, 0.2, 0.6},
                                {0.0, 0.0, 0.7, 0.2, 0.1},
                            });
            SearchConfig longer = new SearchConfig(END, new int[] {0, 1}, 30);
            NDArray encoded = scope.zeros(new Shape(2, 1));

            List<Hypothesis> host = GreedySearch.searchOnHost(model, encoded, longer);
            List<Hypothesis> device = GreedySearch.searchOnDevice(model, encoded, longer, 4);

            // The batch ran one step past the end (to the check after four steps): that step adds
            // neither a token nor its score.
            assertThat(host.get(0).tokens()).containsExactly(3, 4, END);
            assertThat(host.get(0).logProbability())
                    .isCloseTo(Math.log(0.6 * 0.6 * 0.7), within(1e-6));
            assertThat(device).isEqualTo(host);
        }
    }

    @Test
    void shouldKeepAFinishedHypothesisUnchanged() {
        try (NDManager scope = manager.newSubManager()) {
            StepModel model = new TableStepModel(TRAP);
            SearchConfig longer = new SearchConfig(END, new int[] {0, 1}, 6);

            List<Hypothesis> beams =
                    BeamSearch.search(model, scope.zeros(new Shape(1, 1)), longer, 2, 0.0).get(0);

            assertThat(beams.get(0).tokens()).containsExactly(4, END);
            assertThat(beams.get(0).finished()).isTrue();
            for (Hypothesis h : beams) {
                int[] tokens = h.tokens();
                for (int t = 0; t < tokens.length - 1; t++) {
                    assertThat(tokens[t]).isNotEqualTo(END);
                }
            }
        }
    }

    private StepModel stepModel(NDManager scope) {
        CaptionNet net = captioner.network();
        return new CaptionStepModel(net, new ParameterStore(scope, false), Vocabulary.START_ID);
    }

    private NDArray encode(NDManager scope, int rows) {
        ParameterStore ps = new ParameterStore(scope, false);
        NDArray pixels =
                captioner.preprocessor().toTensorFromImages(scope, TestModels.noiseImages(rows, 3));
        CaptionNet net = captioner.network();
        return net.project(ps, net.backboneFeatures(ps, pixels, false), false);
    }

    /** All captions up to the maximum length, scored one by one, best first. */
    private static List<Hypothesis> exhaustive(
            StepModel model, NDArray encoded, SearchConfig config) {
        List<int[]> sequences = new ArrayList<>();
        enumerate(new int[0], config, model.vocabularySize(), sequences);
        List<Hypothesis> scored = new ArrayList<>();
        for (int[] sequence : sequences) {
            double logP = scoreOf(model, encoded, sequence);
            boolean finished = sequence[sequence.length - 1] == END;
            scored.add(new Hypothesis(sequence, logP, logP, finished));
        }
        scored.sort(Comparator.comparingDouble(Hypothesis::logProbability).reversed());
        return scored;
    }

    private static void enumerate(int[] prefix, SearchConfig config, int v, List<int[]> out) {
        for (int token = 0; token < v; token++) {
            int t = token;
            if (Arrays.stream(config.bannedTokens()).anyMatch(b -> b == t)) {
                continue;
            }
            int[] next = Arrays.copyOf(prefix, prefix.length + 1);
            next[prefix.length] = token;
            if (token == END || next.length == config.maxLength()) {
                out.add(next);
            } else {
                enumerate(next, config, v, out);
            }
        }
    }

    private static double scoreOf(StepModel model, NDArray encoded, int[] tokens) {
        NDList out = model.start(encoded);
        double total = 0;
        for (int i = 0; i < tokens.length; i++) {
            total += out.get(0).getFloat(0, tokens[i]);
            if (i < tokens.length - 1) {
                out =
                        model.next(
                                encoded.getManager().create(new long[] {tokens[i]}),
                                out.subNDList(1));
            }
        }
        return total;
    }
}
