package io.captioner.model.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CiderDTest {

    private static final double EPS = 1e-6;

    private static List<String> words(String s) {
        return s.isEmpty() ? List.of() : List.of(s.split(" "));
    }

    @Test
    void shouldMatchHandComputedScoresOnTwoImageCorpus() {
        // Two images, so every weight is tf * (log 2 - log max(1, df)); each reference n-gram
        // occurs in one image (df 1) and unseen hypothesis n-grams count as df 1 too, so every
        // present n-gram weighs L = log 2.
        // Image A, hyp "a b" vs ref "a b": unigram cosine 2L^2 / (sqrt2 L)^2 = 1, bigram 1,
        // 3-/4-grams 0; bigram lengths equal so no length penalty: (1 + 1 + 0 + 0) / 4 * 10 = 5.
        // Image B, hyp "c e" vs ref "c d": unigram cosine L^2 / (sqrt2 L)^2 = 1/2, bigram
        // "c e" unmatched 0: (1/2 + 0 + 0 + 0) / 4 * 10 = 1.25. Corpus mean: 3.125.
        Map<String, List<List<String>>> refs =
                Map.of("A", List.of(words("a b")), "B", List.of(words("c d")));
        Map<String, List<String>> hyps = new LinkedHashMap<>();
        hyps.put("A", words("a b"));
        hyps.put("B", words("c e"));

        CiderD cider = new CiderD();

        assertThat(cider.imageScores(refs, hyps))
                .hasEntrySatisfying("A", s -> assertThat(s).isCloseTo(5.0, within(EPS)))
                .hasEntrySatisfying("B", s -> assertThat(s).isCloseTo(1.25, within(EPS)));
        assertThat(cider.score(refs, hyps)).isCloseTo(3.125, within(EPS));
    }

    @Test
    void shouldGiveZeroWeightToNgramsFoundInEveryImage() {
        // "a" is in the references of both images: weight log 2 - log 2 = 0. Image A's
        // hypothesis "a" then has a zero vector and scores 0, while image B still matches "c".
        // Image B, hyp "c" vs ref "a c": unigrams {c: L} vs {a: 0, c: L}, cosine 1; bigram
        // lengths 0 vs 1 give penalty exp(-1/72); score 1/4 * 10 * exp(-1/72).
        Map<String, List<List<String>>> refs =
                Map.of("A", List.of(words("a b")), "B", List.of(words("a c")));
        Map<String, List<String>> hyps = new LinkedHashMap<>();
        hyps.put("A", words("a"));
        hyps.put("B", words("c"));

        Map<String, Double> scores = new CiderD().imageScores(refs, hyps);

        assertThat(scores.get("A")).isCloseTo(0.0, within(EPS));
        assertThat(scores.get("B")).isCloseTo(2.5 * Math.exp(-1.0 / 72), within(EPS));
    }

    @Test
    void shouldAverageOverReferencesAndClipRepeatedNgrams() {
        // Two images again (weights L). Image A, hyp "a a" vs refs "a b" and "x y":
        // vs "a b": unigram hyp {a: 2L}, ref {a: L, b: L}: clipped min(2L, L) * L = L^2 over
        // norms 2L * sqrt2 L gives 1/(2 sqrt2); bigram "a a" unmatched; vs "x y": 0.
        // (1/(2 sqrt2)) / 4 / 2 refs * 10 = 0.4419417382. Image B is a perfect "c d": 5.
        Map<String, List<List<String>>> refs =
                Map.of("A", List.of(words("a b"), words("x y")), "B", List.of(words("c d")));
        Map<String, List<String>> hyps = new LinkedHashMap<>();
        hyps.put("A", words("a a"));
        hyps.put("B", words("c d"));

        Map<String, Double> scores = new CiderD().imageScores(refs, hyps);

        assertThat(scores.get("A")).isCloseTo(10 / (2 * Math.sqrt(2)) / 8, within(EPS));
        assertThat(scores.get("B")).isCloseTo(5.0, within(EPS));
    }

    @Test
    void shouldScoreZeroOnSingleImageCorpusAsToolkitDoes() {
        // With one image the IDF is log(1) - log(1) = 0 for every n-gram.
        List<String> caption = words("a dog runs");

        assertThat(new CiderD().score(Map.of("1", List.of(caption)), Map.of("1", caption)))
                .isEqualTo(0.0);
    }

    @Test
    void shouldScoreZeroForEmptyHypothesis() {
        Map<String, List<List<String>>> refs =
                Map.of("1", List.of(words("a b")), "2", List.of(words("c d")));
        Map<String, List<String>> hyps = Map.of("1", List.of(), "2", List.of());

        assertThat(new CiderD().score(refs, hyps)).isEqualTo(0.0);
    }

    @Test
    void shouldRejectNonPositiveSigma() {
        assertThatThrownBy(() -> new CiderD(4, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
