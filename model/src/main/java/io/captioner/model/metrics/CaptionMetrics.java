package io.captioner.model.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * One-call caption evaluation with the COCO caption toolkit's (pycocoevalcap) BLEU-1..4, ROUGE-L
 * and CIDEr-D, so a model's numbers can be compared with published ones.
 *
 * <p>As in the toolkit's {@code COCOEvalCap}, the evaluated images are those with a hypothesis:
 * references of other images are not tokenized or scored and do not enter CIDEr-D's document
 * frequencies. Every hypothesis needs references, otherwise an {@link IllegalArgumentException}
 * names the image ids.
 *
 * <p>METEOR is not computed: the toolkit runs the METEOR 1.5 jar with its paraphrase tables, which
 * is not published on Maven Central; SPICE is left out for the same reason.
 */
public final class CaptionMetrics {

    // Python 2's str.split() on the toolkit's byte strings: runs of ASCII whitespace.
    private static final Pattern WHITESPACE = Pattern.compile("[ \\t\\n\\x0B\\f\\r]+");

    private CaptionMetrics() {}

    /**
     * Scores raw captions the way the toolkit does: PTB-tokenized and lower-cased by {@link
     * PtbTokenizer}, punctuation removed, then BLEU, ROUGE-L and CIDEr-D.
     *
     * @param refs image id to its reference captions; may hold images without a hypothesis
     * @param hyps image id to its single hypothesis caption
     * @return the corpus scores
     * @throws IllegalArgumentException if there is no hypothesis, a hypothesis is null, or an image
     *     with a hypothesis has no reference
     */
    public static MetricScores score(Map<String, List<String>> refs, Map<String, String> hyps) {
        return tokenizeAndScore(refs, hyps, PtbTokenizer::tokenize);
    }

    /**
     * Scores captions that are already tokenized and normalized, splitting them on whitespace only
     * (no PTB step, no lower-casing), like feeding the toolkit's scorers directly with the tokens
     * joined by single spaces.
     *
     * @param refs image id to its reference captions; may hold images without a hypothesis
     * @param hyps image id to its single hypothesis caption
     * @return the corpus scores
     * @throws IllegalArgumentException on the same bad input as {@link #score}
     */
    public static MetricScores scoreWhitespaceTokenized(
            Map<String, List<String>> refs, Map<String, String> hyps) {
        return tokenizeAndScore(refs, hyps, CaptionMetrics::splitOnWhitespace);
    }

    /**
     * Scores token lists directly, for callers with their own tokenization.
     *
     * @param refs image id to its reference token lists; may hold images without a hypothesis
     * @param hyps image id to its hypothesis tokens
     * @return the corpus scores
     * @throws IllegalArgumentException on the same bad input as {@link #score}, or if a token is
     *     empty or contains whitespace
     */
    public static MetricScores scoreTokens(
            Map<String, List<List<String>>> refs, Map<String, List<String>> hyps) {
        checkInputs(refs, hyps);
        Map<String, List<List<String>>> evaluatedRefs = new LinkedHashMap<>();
        for (String id : hyps.keySet()) {
            evaluatedRefs.put(id, refs.get(id));
        }
        List<Double> bleu = new Bleu().score(evaluatedRefs, hyps);
        return new MetricScores(
                bleu.get(0),
                bleu.get(1),
                bleu.get(2),
                bleu.get(3),
                new RougeL().score(evaluatedRefs, hyps),
                new CiderD().score(evaluatedRefs, hyps));
    }

    private static MetricScores tokenizeAndScore(
            Map<String, List<String>> refs,
            Map<String, String> hyps,
            Function<String, List<String>> tokenizer) {
        checkInputs(refs, hyps);
        Map<String, List<String>> hypTokens = new LinkedHashMap<>();
        Map<String, List<List<String>>> refTokens = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : hyps.entrySet()) {
            String id = e.getKey();
            if (e.getValue() == null) {
                throw new IllegalArgumentException("hypothesis of image " + id + " is null");
            }
            hypTokens.put(id, tokenizer.apply(e.getValue()));
            List<List<String>> tokenized = new ArrayList<>();
            for (String ref : refs.get(id)) {
                if (ref == null) {
                    throw new IllegalArgumentException(
                            "image " + id + " has a null reference caption");
                }
                tokenized.add(tokenizer.apply(ref));
            }
            refTokens.put(id, tokenized);
        }
        return scoreTokens(refTokens, hypTokens);
    }

    /** Fails on a missing hypothesis map, or one image id lacking references, naming them all. */
    private static void checkInputs(Map<String, ?> refs, Map<String, ?> hyps) {
        if (hyps == null || hyps.isEmpty()) {
            throw new IllegalArgumentException("no hypotheses to score");
        }
        if (refs == null) {
            throw new IllegalArgumentException("refs must not be null");
        }
        Set<String> withoutRefs = new TreeSet<>(Comparator.nullsFirst(Comparator.naturalOrder()));
        for (String id : hyps.keySet()) {
            Object imageRefs = id == null ? null : refs.get(id);
            if (imageRefs == null || ((List<?>) imageRefs).isEmpty()) {
                withoutRefs.add(id);
            }
        }
        if (!withoutRefs.isEmpty()) {
            throw new IllegalArgumentException(
                    "hypotheses without reference captions for image ids "
                            + Corpus.describe(withoutRefs));
        }
    }

    private static List<String> splitOnWhitespace(String caption) {
        List<String> tokens = new ArrayList<>();
        for (String token : WHITESPACE.split(caption)) {
            // A leading separator yields one empty string; Python's split() yields none.
            if (!token.isEmpty()) {
                tokens.add(token);
            }
        }
        return tokens;
    }
}
