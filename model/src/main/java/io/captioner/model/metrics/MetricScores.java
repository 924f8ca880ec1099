package io.captioner.model.metrics;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Corpus-level caption scores under the COCO caption toolkit's names, so reports and dashboards can
 * show them next to published pycocoevalcap numbers.
 *
 * @param bleu1 corpus BLEU-1
 * @param bleu2 corpus BLEU-2
 * @param bleu3 corpus BLEU-3
 * @param bleu4 corpus BLEU-4
 * @param rougeL mean ROUGE-L
 * @param cider mean CIDEr-D (the toolkit's "CIDEr")
 */
public record MetricScores(
        double bleu1, double bleu2, double bleu3, double bleu4, double rougeL, double cider) {

    /** Key of BLEU-1 in {@link #asMap()}, as the toolkit names it. */
    public static final String BLEU_1 = "BLEU_1";

    /** Key of BLEU-2 in {@link #asMap()}, as the toolkit names it. */
    public static final String BLEU_2 = "BLEU_2";

    /** Key of BLEU-3 in {@link #asMap()}, as the toolkit names it. */
    public static final String BLEU_3 = "BLEU_3";

    /** Key of BLEU-4 in {@link #asMap()}, as the toolkit names it. */
    public static final String BLEU_4 = "BLEU_4";

    /** Key of ROUGE-L in {@link #asMap()}, as the toolkit names it. */
    public static final String ROUGE_L = "ROUGE_L";

    /** Key of CIDEr-D in {@link #asMap()}, as the toolkit names it. */
    public static final String CIDER = "CIDEr";

    /**
     * Rejects NaN and infinite scores, which only a bug could produce.
     *
     * @param bleu1 corpus BLEU-1
     * @param bleu2 corpus BLEU-2
     * @param bleu3 corpus BLEU-3
     * @param bleu4 corpus BLEU-4
     * @param rougeL mean ROUGE-L
     * @param cider mean CIDEr-D
     */
    public MetricScores {
        double[] all = {bleu1, bleu2, bleu3, bleu4, rougeL, cider};
        for (double score : all) {
            if (!Double.isFinite(score)) {
                throw new IllegalArgumentException("scores must be finite, got " + score);
            }
        }
    }

    /**
     * The scores keyed {@code BLEU_1, BLEU_2, BLEU_3, BLEU_4, ROUGE_L, CIDEr}, in that order, for
     * JSON output.
     *
     * @return an unmodifiable map in the toolkit's order
     */
    public Map<String, Double> asMap() {
        Map<String, Double> map = new LinkedHashMap<>();
        map.put(BLEU_1, bleu1);
        map.put(BLEU_2, bleu2);
        map.put(BLEU_3, bleu3);
        map.put(BLEU_4, bleu4);
        map.put(ROUGE_L, rougeL);
        map.put(CIDER, cider);
        return Collections.unmodifiableMap(map);
    }
}
