package io.captioner.model.metrics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Corpus-level BLEU-1..n as the COCO caption toolkit computes it ({@code bleu/bleu_scorer.py},
 * {@code compute_score(option='closest')}), so numbers match published pycocoevalcap results.
 *
 * <p>Clipped n-gram matches and candidate n-gram counts are summed over the corpus; the reference
 * length of each image is the reference length closest to the hypothesis length (ties go to the
 * shorter reference) and the brevity penalty uses the summed lengths. Like the toolkit, every
 * precision is smoothed as {@code (correct + 1e-15) / (guess + 1e-9)}, so a corpus without any
 * matching n-gram gets a tiny positive score instead of zero.
 */
public final class Bleu {

    /** The toolkit's default maximum n-gram order: BLEU-1 to BLEU-4. */
    public static final int DEFAULT_MAX_ORDER = 4;

    // bleu_scorer.py's constants: "small" keeps the denominator non-zero, "tiny" the numerator.
    private static final double SMALL = 1e-9;
    private static final double TINY = 1e-15;

    private final int maxOrder;

    /** Creates a scorer for BLEU-1 to BLEU-4, the toolkit's setting. */
    public Bleu() {
        this(DEFAULT_MAX_ORDER);
    }

    /**
     * Creates a scorer for BLEU-1 to BLEU-{@code maxOrder}.
     *
     * @param maxOrder the largest n-gram order, at least 1
     */
    public Bleu(int maxOrder) {
        if (maxOrder < 1) {
            throw new IllegalArgumentException("maxOrder must be >= 1, got " + maxOrder);
        }
        this.maxOrder = maxOrder;
    }

    /**
     * Scores a corpus of tokenized hypotheses against tokenized references.
     *
     * @param refs image id to its reference captions (each a token list); the ids must equal those
     *     of {@code hyps} and each image needs at least one reference
     * @param hyps image id to its hypothesis tokens
     * @return BLEU-1..BLEU-maxOrder, unmodifiable, element {@code k - 1} being BLEU-k
     * @throws IllegalArgumentException if the ids differ, an image has no reference, or a token is
     *     empty or contains whitespace
     */
    public List<Double> score(
            Map<String, List<List<String>>> refs, Map<String, List<String>> hyps) {
        Corpus corpus = Corpus.of(refs, hyps);
        long[] correct = new long[maxOrder];
        long[] guess = new long[maxOrder];
        long testLength = 0;
        long refLength = 0;
        for (String id : corpus.ids()) {
            List<String> hyp = corpus.hyp(id);
            List<List<String>> imageRefs = corpus.refs(id);
            int hypLength = hyp.size();
            testLength += hypLength;
            refLength += closestRefLength(imageRefs, hypLength);

            List<Map<String, Integer>> maxRefCounts = Ngrams.count(imageRefs.get(0), maxOrder);
            for (int r = 1; r < imageRefs.size(); r++) {
                List<Map<String, Integer>> counts = Ngrams.count(imageRefs.get(r), maxOrder);
                for (int k = 0; k < maxOrder; k++) {
                    Map<String, Integer> max = maxRefCounts.get(k);
                    counts.get(k).forEach((ngram, c) -> max.merge(ngram, c, Math::max));
                }
            }
            List<Map<String, Integer>> hypCounts = Ngrams.count(hyp, maxOrder);
            for (int k = 0; k < maxOrder; k++) {
                guess[k] += Math.max(0, hypLength - k);
                Map<String, Integer> max = maxRefCounts.get(k);
                for (Map.Entry<String, Integer> e : hypCounts.get(k).entrySet()) {
                    correct[k] += Math.min(max.getOrDefault(e.getKey(), 0), e.getValue());
                }
            }
        }

        List<Double> bleus = new ArrayList<>(maxOrder);
        double product = 1.0;
        for (int k = 0; k < maxOrder; k++) {
            product *= (correct[k] + TINY) / (guess[k] + SMALL);
            bleus.add(Math.pow(product, 1.0 / (k + 1)));
        }
        double ratio = (testLength + TINY) / (refLength + SMALL);
        if (ratio < 1) {
            double brevityPenalty = Math.exp(1 - 1 / ratio);
            bleus.replaceAll(b -> b * brevityPenalty);
        }
        return Collections.unmodifiableList(bleus);
    }

    /** The toolkit's "closest" effective reference length: min over (|len - hyp|, len). */
    private static int closestRefLength(List<List<String>> refs, int hypLength) {
        int best = refs.get(0).size();
        for (List<String> ref : refs) {
            int length = ref.size();
            int diff = Math.abs(length - hypLength);
            int bestDiff = Math.abs(best - hypLength);
            if (diff < bestDiff || (diff == bestDiff && length < best)) {
                best = length;
            }
        }
        return best;
    }
}
