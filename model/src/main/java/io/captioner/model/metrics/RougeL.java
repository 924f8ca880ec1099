package io.captioner.model.metrics;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ROUGE-L as the COCO caption toolkit computes it ({@code rouge/rouge.py}), so numbers match
 * published pycocoevalcap results.
 *
 * <p>Per image, the longest common subsequence with each reference gives a precision and a recall;
 * the best precision and the best recall over the references (possibly from different references)
 * are combined into an F-measure with {@code beta = 1.2}. The corpus score is the mean over images.
 */
public final class RougeL {

    /** Weight of recall over precision in the F-measure, the toolkit's value. */
    public static final double BETA = 1.2;

    // rouge.py splits on a single space, so an empty caption is one empty token, not zero tokens.
    private static final List<String> EMPTY_CAPTION = List.of("");

    /** Creates a ROUGE-L scorer with the toolkit's settings. */
    public RougeL() {}

    /**
     * Scores a corpus: the mean of the per-image scores of {@link #imageScores}.
     *
     * @param refs image id to its reference captions (each a token list); the ids must equal those
     *     of {@code hyps} and each image needs at least one reference
     * @param hyps image id to its hypothesis tokens
     * @return the mean ROUGE-L over the images
     * @throws IllegalArgumentException if the ids differ, an image has no reference, or a token is
     *     empty or contains whitespace
     */
    public double score(Map<String, List<List<String>>> refs, Map<String, List<String>> hyps) {
        Map<String, Double> perImage = imageScores(refs, hyps);
        double sum = 0;
        for (double s : perImage.values()) {
            sum += s;
        }
        return sum / perImage.size();
    }

    /**
     * Scores each image, the toolkit's {@code calc_score}; useful to find the worst captions.
     *
     * @param refs image id to its reference captions; ids must equal those of {@code hyps}
     * @param hyps image id to its hypothesis tokens
     * @return image id to its ROUGE-L, unmodifiable, in the order of {@code hyps}
     * @throws IllegalArgumentException on the same bad input as {@link #score}
     */
    public Map<String, Double> imageScores(
            Map<String, List<List<String>>> refs, Map<String, List<String>> hyps) {
        Corpus corpus = Corpus.of(refs, hyps);
        Map<String, Double> scores = new LinkedHashMap<>();
        for (String id : corpus.ids()) {
            scores.put(id, sentenceScore(corpus.hyp(id), corpus.refs(id)));
        }
        return Collections.unmodifiableMap(scores);
    }

    private static double sentenceScore(List<String> hypTokens, List<List<String>> refs) {
        List<String> hyp = hypTokens.isEmpty() ? EMPTY_CAPTION : hypTokens;
        double maxPrecision = 0;
        double maxRecall = 0;
        for (List<String> refTokens : refs) {
            List<String> ref = refTokens.isEmpty() ? EMPTY_CAPTION : refTokens;
            int lcs = lcsLength(ref, hyp);
            maxPrecision = Math.max(maxPrecision, lcs / (double) hyp.size());
            maxRecall = Math.max(maxRecall, lcs / (double) ref.size());
        }
        if (maxPrecision == 0 || maxRecall == 0) {
            return 0.0;
        }
        double beta2 = BETA * BETA;
        return ((1 + beta2) * maxPrecision * maxRecall) / (maxRecall + beta2 * maxPrecision);
    }

    private static int lcsLength(List<String> a, List<String> b) {
        // One rolling row of the dynamic-programming table is enough for the length.
        int[] prev = new int[b.size() + 1];
        int[] cur = new int[b.size() + 1];
        for (int i = 1; i <= a.size(); i++) {
            for (int j = 1; j <= b.size(); j++) {
                if (a.get(i - 1).equals(b.get(j - 1))) {
                    cur[j] = prev[j - 1] + 1;
                } else {
                    cur[j] = Math.max(prev[j], cur[j - 1]);
                }
            }
            int[] swap = prev;
            prev = cur;
            cur = swap;
        }
        return prev[b.size()];
    }
}
