package io.captioner.model.metrics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * CIDEr-D as the COCO caption toolkit computes it ({@code cider/cider_scorer.py}, reported there as
 * "CIDEr"), so numbers match published pycocoevalcap results.
 *
 * <p>Each caption becomes TF-IDF vectors of its 1..4-grams, where the document frequency of an
 * n-gram is the number of evaluated images whose references contain it and the IDF is {@code
 * log(images) - log(max(1, df))}. Per n-gram order, the hypothesis is compared with each reference
 * by a cosine similarity whose hypothesis weights are clipped to the reference weights, times a
 * Gaussian length penalty {@code exp(-delta^2 / (2 sigma^2))}; the orders are averaged, the
 * references averaged, and the result multiplied by 10. The corpus score is the mean over images.
 *
 * <p>Two toolkit details are kept on purpose: the IDF comes from the evaluated corpus only (a
 * single-image corpus therefore always scores 0, as {@code log(1) = 0}), and the length {@code
 * delta} counts bigrams, not words ({@code if n == 1: length += term_freq}).
 */
public final class CiderD {

    /** The toolkit's maximum n-gram order. */
    public static final int DEFAULT_MAX_ORDER = 4;

    /** The toolkit's standard deviation of the Gaussian length penalty. */
    public static final double DEFAULT_SIGMA = 6.0;

    private final int maxOrder;
    private final double sigma;

    /** Creates a scorer with the toolkit's settings: n-grams up to 4, sigma 6. */
    public CiderD() {
        this(DEFAULT_MAX_ORDER, DEFAULT_SIGMA);
    }

    /**
     * Creates a scorer with other settings, for experiments only: published numbers use the
     * defaults.
     *
     * @param maxOrder the largest n-gram order, at least 1
     * @param sigma the standard deviation of the length penalty, positive
     */
    public CiderD(int maxOrder, double sigma) {
        if (maxOrder < 1) {
            throw new IllegalArgumentException("maxOrder must be >= 1, got " + maxOrder);
        }
        if (!(sigma > 0) || Double.isInfinite(sigma)) {
            throw new IllegalArgumentException("sigma must be positive and finite, got " + sigma);
        }
        this.maxOrder = maxOrder;
        this.sigma = sigma;
    }

    /**
     * Scores a corpus: the mean of the per-image scores of {@link #imageScores}.
     *
     * @param refs image id to its reference captions (each a token list); the ids must equal those
     *     of {@code hyps} and each image needs at least one reference
     * @param hyps image id to its hypothesis tokens
     * @return the mean CIDEr-D over the images
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
     * Scores each image against its references, with the IDF of the whole given corpus (so an
     * image's score depends on the other images passed in).
     *
     * @param refs image id to its reference captions; ids must equal those of {@code hyps}
     * @param hyps image id to its hypothesis tokens
     * @return image id to its CIDEr-D, unmodifiable, in the order of {@code hyps}
     * @throws IllegalArgumentException on the same bad input as {@link #score}
     */
    public Map<String, Double> imageScores(
            Map<String, List<List<String>>> refs, Map<String, List<String>> hyps) {
        Corpus corpus = Corpus.of(refs, hyps);

        Map<String, List<List<Map<String, Integer>>>> refCounts = new HashMap<>();
        Map<String, Integer> documentFrequency = new HashMap<>();
        for (String id : corpus.ids()) {
            List<List<Map<String, Integer>>> imageCounts = new ArrayList<>();
            Set<String> imageNgrams = new HashSet<>();
            for (List<String> ref : corpus.refs(id)) {
                List<Map<String, Integer>> counts = Ngrams.count(ref, maxOrder);
                imageCounts.add(counts);
                counts.forEach(c -> imageNgrams.addAll(c.keySet()));
            }
            refCounts.put(id, imageCounts);
            imageNgrams.forEach(ngram -> documentFrequency.merge(ngram, 1, Integer::sum));
        }
        double logImages = Math.log(corpus.ids().size());

        Map<String, Double> scores = new LinkedHashMap<>();
        for (String id : corpus.ids()) {
            TfIdf hyp = tfIdf(Ngrams.count(corpus.hyp(id), maxOrder), documentFrequency, logImages);
            double[] sum = new double[maxOrder];
            List<List<Map<String, Integer>>> imageRefs = refCounts.get(id);
            for (List<Map<String, Integer>> refCount : imageRefs) {
                TfIdf ref = tfIdf(refCount, documentFrequency, logImages);
                double[] sim = similarity(hyp, ref);
                for (int k = 0; k < maxOrder; k++) {
                    sum[k] += sim[k];
                }
            }
            double mean = 0;
            for (double s : sum) {
                mean += s;
            }
            mean /= maxOrder;
            scores.put(id, mean / imageRefs.size() * 10.0);
        }
        return Collections.unmodifiableMap(scores);
    }

    /** The toolkit's {@code counts2vec}. */
    private TfIdf tfIdf(
            List<Map<String, Integer>> counts,
            Map<String, Integer> documentFrequency,
            double logImages) {
        List<Map<String, Double>> vectors = new ArrayList<>(maxOrder);
        double[] norms = new double[maxOrder];
        int length = 0;
        for (int k = 0; k < maxOrder; k++) {
            Map<String, Double> vector = new HashMap<>();
            for (Map.Entry<String, Integer> e : counts.get(k).entrySet()) {
                double df = Math.log(Math.max(1.0, documentFrequency.getOrDefault(e.getKey(), 0)));
                double weight = e.getValue() * (logImages - df);
                vector.put(e.getKey(), weight);
                norms[k] += weight * weight;
                if (k == 1) {
                    length += e.getValue();
                }
            }
            vectors.add(vector);
            norms[k] = Math.sqrt(norms[k]);
        }
        return new TfIdf(vectors, norms, length);
    }

    /** The toolkit's {@code sim}: clipped cosine per order times the Gaussian length penalty. */
    private double[] similarity(TfIdf hyp, TfIdf ref) {
        double delta = hyp.length - ref.length;
        double penalty = Math.exp(-(delta * delta) / (2 * sigma * sigma));
        double[] val = new double[maxOrder];
        for (int k = 0; k < maxOrder; k++) {
            Map<String, Double> refVector = ref.vectors.get(k);
            for (Map.Entry<String, Double> e : hyp.vectors.get(k).entrySet()) {
                double refWeight = refVector.getOrDefault(e.getKey(), 0.0);
                val[k] += Math.min(e.getValue(), refWeight) * refWeight;
            }
            if (hyp.norms[k] != 0 && ref.norms[k] != 0) {
                val[k] /= hyp.norms[k] * ref.norms[k];
            }
            val[k] *= penalty;
        }
        return val;
    }

    private static final class TfIdf {
        final List<Map<String, Double>> vectors;
        final double[] norms;
        final int length;

        TfIdf(List<Map<String, Double>> vectors, double[] norms, int length) {
            this.vectors = vectors;
            this.norms = norms;
            this.length = length;
        }
    }
}
