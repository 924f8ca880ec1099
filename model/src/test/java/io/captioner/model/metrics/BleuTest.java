package io.captioner.model.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BleuTest {

    private static final double EPS = 1e-6;

    private static List<String> words(String s) {
        return s.isEmpty() ? List.of() : List.of(s.split(" "));
    }

    @Test
    void shouldMatchPublishedToolkitValues() {
        Map<String, List<List<String>>> refs =
                Map.of("1", List.of(words("this is a test"), words("this is also a test")));
        Map<String, List<String>> hyps = Map.of("1", words("this is a good test"));

        List<Double> bleu = new Bleu().score(refs, hyps);

        assertThat(bleu).hasSize(4);
        assertThat(bleu.get(0)).isCloseTo(0.7999999997, within(EPS));
        assertThat(bleu.get(1)).isCloseTo(0.6324555318, within(EPS));
        assertThat(bleu.get(2)).isCloseTo(0.5108729547, within(EPS));
        assertThat(bleu.get(3)).isCloseTo(0.0000903602, within(EPS));
    }

    @Test
    void shouldScoreOneForIdenticalHypothesisAndReference() {
        List<String> caption = words("a brown dog runs on the beach");

        List<Double> bleu = new Bleu().score(Map.of("1", List.of(caption)), Map.of("1", caption));

        assertThat(bleu).allSatisfy(b -> assertThat(b).isCloseTo(1.0, within(EPS)));
    }

    @Test
    void shouldUseClosestReferenceLengthPreferringTheShorterOnTies() {
        // Hypothesis length 3, references of length 2 and 4: both are 1 away, the toolkit takes
        // 2, so there is no brevity penalty (taking 4 would give exp(1 - 4/3) = 0.7165).
        Map<String, List<List<String>>> refs = Map.of("1", List.of(words("a b"), words("a b c d")));

        List<Double> bleu = new Bleu().score(refs, Map.of("1", words("a b c")));

        assertThat(bleu.get(0)).isCloseTo(1.0, within(EPS));
    }

    @Test
    void shouldCountEmptyHypothesisAsZeroLengthInCorpusBrevityPenalty() {
        // Image 1 is perfect (4 tokens), image 2 has an empty hypothesis against a 4-token
        // reference: test length 4, reference length 8, brevity penalty exp(1 - 8/4) = e^-1,
        // and BLEU-1 = 4/4 * e^-1 = 0.3678794412.
        Map<String, List<List<String>>> refs =
                Map.of("1", List.of(words("a b c d")), "2", List.of(words("w x y z")));
        Map<String, List<String>> hyps = Map.of("1", words("a b c d"), "2", List.of());

        List<Double> bleu = new Bleu().score(refs, hyps);

        assertThat(bleu.get(0)).isCloseTo(Math.exp(-1), within(EPS));
    }

    @Test
    void shouldScoreZeroForCorpusOfOnlyAnEmptyHypothesis() {
        List<Double> bleu =
                new Bleu().score(Map.of("1", List.of(words("a dog"))), Map.of("1", List.of()));

        assertThat(bleu).containsOnly(0.0);
    }

    @Test
    void shouldRejectDifferentImageIds() {
        Map<String, List<List<String>>> refs = Map.of("1", List.of(words("a dog")));
        Map<String, List<String>> hyps = Map.of("2", words("a dog"));

        assertThatThrownBy(() -> new Bleu().score(refs, hyps))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[2]");
    }

    @Test
    void shouldRejectImageWithoutReferences() {
        assertThatThrownBy(() -> new Bleu().score(Map.of("1", List.of()), Map.of("1", words("a"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no reference");
    }

    @Test
    void shouldRejectTokensWithWhitespace() {
        assertThatThrownBy(
                        () ->
                                new Bleu()
                                        .score(
                                                Map.of("1", List.of(words("a dog"))),
                                                Map.of("1", List.of("a dog"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("whitespace");
    }

    @Test
    void shouldRejectOrderBelowOne() {
        assertThatThrownBy(() -> new Bleu(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
