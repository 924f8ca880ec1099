package io.captioner.model.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RougeLTest {

    private static final double EPS = 1e-6;

    private static List<String> words(String s) {
        return s.isEmpty() ? List.of() : List.of(s.split(" "));
    }

    @Test
    void shouldMatchPublishedToolkitValue() {
        Map<String, List<List<String>>> refs =
                Map.of("1", List.of(words("this is a test"), words("this is also a test")));

        double rouge = new RougeL().score(refs, Map.of("1", words("this is a good test")));

        assertThat(rouge).isCloseTo(0.9070631970, within(EPS));
    }

    @Test
    void shouldScoreOneForIdenticalHypothesisAndReference() {
        List<String> caption = words("a brown dog runs on the beach");

        assertThat(new RougeL().score(Map.of("1", List.of(caption)), Map.of("1", caption)))
                .isCloseTo(1.0, within(EPS));
    }

    @Test
    void shouldTakeBestPrecisionAndBestRecallFromDifferentReferences() {
        // vs "a b": LCS 2, P = 2/4, R = 2/2; vs "a b c d e f g h": LCS 4, P = 4/4, R = 4/8.
        // The toolkit combines max P = 1 and max R = 1, so the F-measure is 1.
        Map<String, List<List<String>>> refs =
                Map.of("1", List.of(words("a b"), words("a b c d e f g h")));

        assertThat(new RougeL().score(refs, Map.of("1", words("a b c d"))))
                .isCloseTo(1.0, within(EPS));
    }

    @Test
    void shouldAverageImageScores() {
        // Image 1: LCS("a b c", "a x c") = 2, P = R = 2/3, F = 2/3. Image 2: identical, F = 1.
        Map<String, List<List<String>>> refs =
                Map.of("1", List.of(words("a b c")), "2", List.of(words("d e")));
        Map<String, List<String>> hyps = new LinkedHashMap<>();
        hyps.put("1", words("a x c"));
        hyps.put("2", words("d e"));

        RougeL rouge = new RougeL();

        assertThat(rouge.imageScores(refs, hyps))
                .containsOnlyKeys("1", "2")
                .hasEntrySatisfying("1", s -> assertThat(s).isCloseTo(2.0 / 3, within(EPS)));
        assertThat(rouge.score(refs, hyps)).isCloseTo((2.0 / 3 + 1) / 2, within(EPS));
    }

    @Test
    void shouldScoreZeroForEmptyHypothesis() {
        assertThat(new RougeL().score(Map.of("1", List.of(words("a dog"))), Map.of("1", List.of())))
                .isEqualTo(0.0);
    }

    @Test
    void shouldScoreOneForEmptyHypothesisAgainstEmptyReferenceAsToolkitDoes() {
        // rouge.py splits "" on " " into [""], so two empty captions share one (empty) token.
        assertThat(new RougeL().score(Map.of("1", List.of(List.of())), Map.of("1", List.of())))
                .isEqualTo(1.0);
    }
}
