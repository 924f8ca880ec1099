package io.captioner.model.eval;

import io.captioner.model.data.CaptionedImage;
import io.captioner.model.metrics.CaptionMetrics;
import io.captioner.model.metrics.MetricScores;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Captions a dataset in batches with a model and scores the captions against the references with
 * {@link CaptionMetrics}, the one evaluation loop the CLI and the training service share so their
 * numbers are comparable.
 */
public final class CaptionEvaluator {

    /** Default number of images per captioning call. */
    public static final int DEFAULT_BATCH_SIZE = 32;

    /** Default number of examples kept in the report. */
    public static final int DEFAULT_EXAMPLES = 5;

    private static final Logger LOG = LoggerFactory.getLogger(CaptionEvaluator.class);

    private final int batchSize;
    private final int examples;
    private final ProgressListener progress;

    private CaptionEvaluator(Builder b) {
        this.batchSize = b.batchSize;
        this.examples = b.examples;
        this.progress = b.progress;
    }

    /** Starts a builder; every setting is optional (batches of 32, five examples). */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Captions every image with a batch captioning function and scores the result; any model fits,
     * including one still being trained.
     *
     * @param captioner returns one caption per image, in order
     * @param dataset images with their references; ids must be unique
     * @return corpus metrics, image count, elapsed time and the first few examples
     * @throws IllegalArgumentException for an empty dataset or duplicate ids
     * @throws IllegalStateException when the captioner returns the wrong number of captions
     */
    public EvaluationReport evaluate(BatchCaptioner captioner, List<CaptionedImage> dataset) {
        Objects.requireNonNull(captioner, "captioner");
        if (dataset.isEmpty()) {
            throw new IllegalArgumentException("nothing to evaluate: the dataset is empty");
        }
        long start = System.nanoTime();
        Map<String, List<String>> refs = new LinkedHashMap<>();
        Map<String, String> hyps = new LinkedHashMap<>();
        for (CaptionedImage image : dataset) {
            if (refs.put(image.id(), image.captions()) != null) {
                throw new IllegalArgumentException("duplicate image id " + image.id());
            }
        }
        for (int from = 0; from < dataset.size(); from += batchSize) {
            List<CaptionedImage> batch =
                    dataset.subList(from, Math.min(dataset.size(), from + batchSize));
            List<BufferedImage> pixels = new ArrayList<>(batch.size());
            for (CaptionedImage image : batch) {
                pixels.add(image.image());
            }
            List<String> results = captioner.caption(pixels);
            if (results.size() != batch.size()) {
                throw new IllegalStateException(
                        "captioner returned "
                                + results.size()
                                + " captions for "
                                + batch.size()
                                + " images");
            }
            for (int i = 0; i < batch.size(); i++) {
                hyps.put(batch.get(i).id(), Objects.requireNonNull(results.get(i), "caption"));
            }
            progress.onProgress(hyps.size(), dataset.size());
        }
        MetricScores scores = CaptionMetrics.score(refs, hyps);
        double seconds = (System.nanoTime() - start) / 1e9;
        List<EvaluationReport.Example> shown = new ArrayList<>();
        for (CaptionedImage image : dataset.subList(0, Math.min(examples, dataset.size()))) {
            shown.add(
                    new EvaluationReport.Example(
                            image.id(), hyps.get(image.id()), image.captions()));
        }
        LOG.info(
                "evaluated {} images in {} s: {}",
                dataset.size(),
                String.format(java.util.Locale.ROOT, "%.1f", seconds),
                scores.asMap());
        return new EvaluationReport(scores, dataset.size(), seconds, shown);
    }

    /** Captions a batch of images, one caption per image in input order. */
    @FunctionalInterface
    public interface BatchCaptioner {
        /**
         * Captions images.
         *
         * @param images the batch
         * @return one caption per image, in the same order
         */
        List<String> caption(List<BufferedImage> images);
    }

    /** Receives progress after each batch, e.g. to print it on a terminal. */
    @FunctionalInterface
    public interface ProgressListener {
        /**
         * Called after each batch.
         *
         * @param done images captioned so far
         * @param total images to caption
         */
        void onProgress(int done, int total);
    }

    /** Builder for {@link CaptionEvaluator}; validation happens in {@link #build()}. */
    public static final class Builder {
        private int batchSize = DEFAULT_BATCH_SIZE;
        private int examples = DEFAULT_EXAMPLES;
        private ProgressListener progress = (done, total) -> {};

        private Builder() {}

        /** Sets images per captioner call (default 32). */
        public Builder optBatchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /** Sets how many examples the report keeps (default 5). */
        public Builder optExamples(int examples) {
            this.examples = examples;
            return this;
        }

        /** Sets a listener told after each batch (default none). */
        public Builder optProgressListener(ProgressListener progress) {
            this.progress = Objects.requireNonNull(progress, "progress");
            return this;
        }

        /** Validates the settings and builds the evaluator. */
        public CaptionEvaluator build() {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be >= 1, was " + batchSize);
            }
            if (examples < 0) {
                throw new IllegalArgumentException("examples must be >= 0, was " + examples);
            }
            return new CaptionEvaluator(this);
        }
    }
}
