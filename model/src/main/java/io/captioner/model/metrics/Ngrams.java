package io.captioner.model.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** N-gram counting shared by BLEU and CIDEr-D, the toolkit's {@code precook}. */
final class Ngrams {

    private Ngrams() {}

    /**
     * Counts the 1..maxOrder-grams of a sentence; element {@code k - 1} holds the k-grams, keyed by
     * their tokens joined with a space (tokens never contain whitespace, so keys are unambiguous).
     */
    static List<Map<String, Integer>> count(List<String> words, int maxOrder) {
        List<Map<String, Integer>> counts = new ArrayList<>(maxOrder);
        for (int k = 1; k <= maxOrder; k++) {
            Map<String, Integer> kgrams = new HashMap<>();
            for (int i = 0; i + k <= words.size(); i++) {
                kgrams.merge(String.join(" ", words.subList(i, i + k)), 1, Integer::sum);
            }
            counts.add(kgrams);
        }
        return counts;
    }
}
