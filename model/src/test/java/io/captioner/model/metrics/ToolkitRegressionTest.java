package io.captioner.model.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Compares with numbers the toolkit itself produced on a six-image corpus of COCO-style captions
 * (capitals, punctuation, contractions, brackets, five references each). The expected values come
 * from tylin/coco-caption's pycocoevalcap (commit 3a9afb2; bleu_scorer.py, rouge.py and
 * cider_scorer.py run under Python 3 with only xrange/iteritems renamed) fed by ptbtokenizer.py's
 * pipeline around the stanford-corenlp-3.4.1 jar.
 */
class ToolkitRegressionTest {

    private static final double EPS = 1e-9;

    private static Map<String, List<String>> refs;
    private static Map<String, String> hyps;

    @BeforeAll
    static void loadCorpus() throws IOException {
        try (InputStream in =
                ToolkitRegressionTest.class.getResourceAsStream("/metrics/six-image-corpus.json")) {
            CorpusFile corpus =
                    new ObjectMapper().readValue(in, new TypeReference<CorpusFile>() {});
            refs = corpus.refs;
            hyps = corpus.hyps;
        }
    }

    @Test
    void shouldMatchToolkitScoresWithPtbTokenization() {
        MetricScores scores = CaptionMetrics.score(refs, hyps);

        assertThat(scores.bleu1()).isCloseTo(0.862068965487515, within(EPS));
        assertThat(scores.bleu2()).isCloseTo(0.7283570407033897, within(EPS));
        assertThat(scores.bleu3()).isCloseTo(0.6028761984054486, within(EPS));
        assertThat(scores.bleu4()).isCloseTo(0.4425176687917831, within(EPS));
        assertThat(scores.rougeL()).isCloseTo(0.5847186928452835, within(EPS));
        assertThat(scores.cider()).isCloseTo(1.5579420085529894, within(EPS));
    }

    // Expected: the toolkit's scorers fed the raw captions re-joined by single spaces
    // (' '.join(c.split())), i.e. no PTB step, no lower-casing, punctuation kept on the words.
    @Test
    void shouldMatchToolkitScorersFedUntokenizedCaptions() {
        MetricScores scores = CaptionMetrics.scoreWhitespaceTokenized(refs, hyps);

        assertThat(scores.bleu1()).isCloseTo(0.7855859790580153, within(EPS));
        assertThat(scores.bleu2()).isCloseTo(0.6872445706338383, within(EPS));
        assertThat(scores.bleu3()).isCloseTo(0.5567488127607811, within(EPS));
        assertThat(scores.bleu4()).isCloseTo(0.42315013898045006, within(EPS));
        assertThat(scores.rougeL()).isCloseTo(0.5541484543378782, within(EPS));
        assertThat(scores.cider()).isCloseTo(1.2107088847855212, within(EPS));
    }

    /** The resource's shape. */
    static final class CorpusFile {
        public LinkedHashMap<String, List<String>> refs;
        public LinkedHashMap<String, String> hyps;
    }
}
