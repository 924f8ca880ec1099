package io.captioner.model.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CaptionMetricsTest {

    private static final double EPS = 1e-6;

    private static final Map<String, List<String>> BOY_GIRL_REFS =
            Map.of("1", List.of("am i a boy ?"), "2", List.of("is she a girl ?"));
    private static final Map<String, String> BOY_GIRL_HYPS =
            Map.of("1", "i am a boy", "2", "she is a girl");

    @Test
    void shouldMatchPublishedToolkitValuesWithPtbTokenization() {
        MetricScores scores = CaptionMetrics.score(BOY_GIRL_REFS, BOY_GIRL_HYPS);

        assertThat(scores.bleu1()).isCloseTo(1.0, within(EPS));
        assertThat(scores.bleu2()).isCloseTo(0.5773502690, within(EPS));
        assertThat(scores.rougeL()).isCloseTo(0.75, within(EPS));
        assertThat(scores.cider()).isCloseTo(3.3333333333, within(EPS));
    }

    @Test
    void shouldMatchPublishedToolkitValuesOnWhitespaceTokens() {
        MetricScores scores =
                CaptionMetrics.scoreWhitespaceTokenized(
                        Map.of("1", List.of("this is a test", "this is also a test")),
                        Map.of("1", "this is a good test"));

        assertThat(scores.bleu1()).isCloseTo(0.7999999997, within(EPS));
        assertThat(scores.bleu2()).isCloseTo(0.6324555318, within(EPS));
        assertThat(scores.bleu3()).isCloseTo(0.5108729547, within(EPS));
        assertThat(scores.bleu4()).isCloseTo(0.0000903602, within(EPS));
        assertThat(scores.rougeL()).isCloseTo(0.9070631970, within(EPS));
    }

    @Test
    void shouldIgnoreCaseAndPunctuationWhenTokenizingWithPtb() {
        MetricScores scores =
                CaptionMetrics.score(
                        Map.of("1", List.of("A dog runs on the beach."), "2", List.of("a cat")),
                        Map.of("1", "a DOG, runs on the beach!", "2", "A cat ."));

        assertThat(scores.bleu4()).isCloseTo(1.0, within(EPS));
        assertThat(scores.rougeL()).isCloseTo(1.0, within(EPS));
    }

    @Test
    void shouldNotLowerCaseOrSplitPunctuationWithWhitespaceTokens() {
        MetricScores scores =
                CaptionMetrics.scoreWhitespaceTokenized(
                        Map.of("1", List.of("a dog runs")), Map.of("1", "A  dog\truns."));

        // Only "dog" of the three hypothesis tokens matches.
        assertThat(scores.bleu1()).isCloseTo(1.0 / 3, within(EPS));
    }

    @Test
    void shouldScoreOnlyImagesThatHaveAHypothesis() {
        // COCOEvalCap evaluates the result's image ids; other references must not change CIDEr's
        // document frequencies or its log(number of images).
        Map<String, List<String>> moreRefs = new HashMap<>(BOY_GIRL_REFS);
        moreRefs.put("3", List.of("a boy and a girl"));

        assertThat(CaptionMetrics.score(moreRefs, BOY_GIRL_HYPS))
                .isEqualTo(CaptionMetrics.score(BOY_GIRL_REFS, BOY_GIRL_HYPS));
    }

    @Test
    void shouldRejectHypothesisWithoutReferences() {
        Map<String, String> hyps = new HashMap<>(BOY_GIRL_HYPS);
        hyps.put("7", "a dog");
        hyps.put("8", "a cat");

        assertThatThrownBy(() -> CaptionMetrics.score(BOY_GIRL_REFS, hyps))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("without reference")
                .hasMessageContaining("[7, 8]");
    }

    @Test
    void shouldRejectEmptyReferenceListNullHypothesisAndEmptyCorpus() {
        Map<String, String> nullHyp = new HashMap<>();
        nullHyp.put("1", null);

        assertThatThrownBy(() -> CaptionMetrics.score(Map.of("1", List.of()), Map.of("1", "a")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CaptionMetrics.score(BOY_GIRL_REFS, nullHyp))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("null");
        assertThatThrownBy(() -> CaptionMetrics.score(BOY_GIRL_REFS, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no hypotheses");
    }

    @Test
    void shouldHandleEmptyHypothesisLikeTheToolkit() {
        // After PTB the hypothesis "..." is empty: zero BLEU length, ROUGE-L 0, CIDEr-D 0 for it.
        MetricScores scores =
                CaptionMetrics.score(
                        Map.of("1", List.of("a dog"), "2", List.of("a cat")),
                        Map.of("1", "...", "2", ""));

        assertThat(scores.asMap()).allSatisfy((k, v) -> assertThat(v).isEqualTo(0.0));
    }

    @Test
    void shouldExposeScoresUnderToolkitNamesInOrder() {
        MetricScores scores = new MetricScores(0.1, 0.2, 0.3, 0.4, 0.5, 0.6);

        assertThat(scores.asMap())
                .containsExactly(
                        Map.entry("BLEU_1", 0.1),
                        Map.entry("BLEU_2", 0.2),
                        Map.entry("BLEU_3", 0.3),
                        Map.entry("BLEU_4", 0.4),
                        Map.entry("ROUGE_L", 0.5),
                        Map.entry("CIDEr", 0.6));
    }

    @Test
    void shouldRejectNonFiniteScores() {
        assertThatThrownBy(() -> new MetricScores(Double.NaN, 0, 0, 0, 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
