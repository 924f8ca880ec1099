package io.captioner.model.eval;

import io.captioner.model.metrics.MetricScores;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The outcome of evaluating a captioner on a dataset: corpus metrics plus a few generated captions
 * next to their references, so numbers and a sanity check travel together.
 *
 * @param scores corpus BLEU-1..4, ROUGE-L and CIDEr
 * @param images number of images captioned and scored
 * @param seconds wall-clock time of captioning and scoring
 * @param examples the first few images' generated and reference captions, in dataset order
 */
public record EvaluationReport(
        MetricScores scores, int images, double seconds, List<Example> examples) {

    /** Validates and defensively copies the examples. */
    public EvaluationReport {
        Objects.requireNonNull(scores, "scores");
        examples = List.copyOf(examples);
        if (images < 1) {
            throw new IllegalArgumentException("a report covers at least one image, got " + images);
        }
    }

    /** The metrics keyed {@code BLEU_1..BLEU_4, ROUGE_L, CIDEr}, in that order. */
    public Map<String, Double> metrics() {
        return scores.asMap();
    }

    /** Metrics plus {@code images} and {@code seconds}, the shape the CLI's JSON line uses. */
    public Map<String, Object> asMap() {
        Map<String, Object> map = new LinkedHashMap<>(scores.asMap());
        map.put("images", images);
        map.put("seconds", seconds);
        return map;
    }

    /**
     * One generated caption with the references it was scored against.
     *
     * @param id the image id
     * @param hypothesis the generated caption
     * @param references the reference captions
     */
    public record Example(String id, String hypothesis, List<String> references) {
        /** Defensively copies the references. */
        public Example {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(hypothesis, "hypothesis");
            references = List.copyOf(references);
        }
    }
}
