package io.captioner.cli;

import io.captioner.model.AttentionMap;
import io.captioner.model.metrics.CaptionMetrics;
import io.captioner.model.metrics.MetricScores;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one demo run produced: every published image with its outcome, the dead letters, and each
 * model version with how it was trained and how it scored; the source of both the HTML report and
 * the {@code --json} summary.
 *
 * @param images every good image published, in publishing order
 * @param failures every dead letter, by record key
 * @param versions the versions that served, oldest first
 * @param duplicated captions that arrived for an image that already had one
 * @param unreadable records of captions or captions-dlq that could not be deserialized
 * @param seconds the demo's wall time so far
 */
record DemoResults(
        List<ImageResult> images,
        List<FailureResult> failures,
        List<VersionResult> versions,
        int duplicated,
        int unreadable,
        double seconds) {

    /**
     * One published image.
     *
     * @param id the image id (record key)
     * @param png the bytes published
     * @param references the dataset's reference captions
     * @param caption the caption, or null if none arrived
     * @param version the model version that wrote it, or null
     * @param latencyMillis publish to arrival at the demo's consumer, or -1
     * @param stage which part of the demo published it
     * @param attention where the model looked for each word, or null (LSTM models have none)
     */
    record ImageResult(
            String id,
            byte[] png,
            List<String> references,
            String caption,
            String version,
            long latencyMillis,
            String stage,
            AttentionMap attention) {

        /** An image without attention weights. */
        ImageResult(
                String id,
                byte[] png,
                List<String> references,
                String caption,
                String version,
                long latencyMillis,
                String stage) {
            this(id, png, references, caption, version, latencyMillis, stage, null);
        }

        /** BLEU_4 and ROUGE_L of this caption alone against its references; null if none. */
        MetricScores scores() {
            return caption == null
                    ? null
                    : CaptionMetrics.score(Map.of(id, references), Map.of(id, caption));
        }
    }

    /** A dead letter: its key, reason and message. */
    record FailureResult(String key, String reason, String message) {}

    /**
     * A training run of the service and the version it published, if any.
     *
     * @param version the version string on the models topic, or null when none was published
     * @param training how it was trained, in words (pairs, epochs, warm or cold start)
     * @param validation the candidate's validation scores (metric name to value)
     * @param decision the gate's decision and reason, in words
     * @param trainingSeconds wall time of its training
     */
    record VersionResult(
            String version,
            String training,
            Map<String, Double> validation,
            String decision,
            double trainingSeconds) {}

    /** Good images published. */
    int expected() {
        return images.size();
    }

    /** Good images that got a caption. */
    int captioned() {
        return (int) images.stream().filter(i -> i.caption() != null).count();
    }

    /** Good images with neither a caption nor a dead letter. */
    int lost() {
        return (int)
                images.stream()
                        .filter(
                                i ->
                                        i.caption() == null
                                                && failures.stream()
                                                        .noneMatch(f -> f.key().equals(i.id())))
                        .count();
    }

    /** Scores of the captions {@code version} wrote, or null when it wrote none. */
    MetricScores servedScores(String version) {
        if (version == null) {
            return null;
        }
        Map<String, List<String>> refs = new LinkedHashMap<>();
        Map<String, String> hyps = new LinkedHashMap<>();
        for (ImageResult i : images) {
            if (i.caption() != null && version.equals(i.version())) {
                refs.put(i.id(), i.references());
                hyps.put(i.id(), i.caption());
            }
        }
        return hyps.isEmpty() ? null : CaptionMetrics.score(refs, hyps);
    }

    /** Captions {@code version} wrote. */
    int captionedBy(String version) {
        if (version == null) {
            return 0;
        }
        return (int) images.stream().filter(i -> version.equals(i.version())).count();
    }

    /** The newest published version that wrote captions, or null. */
    String finalVersion() {
        List<String> served = new ArrayList<>();
        for (VersionResult v : versions) {
            if (captionedBy(v.version()) > 0) {
                served.add(v.version());
            }
        }
        return served.isEmpty() ? null : served.get(served.size() - 1);
    }

    /** The summary as the {@code --json} line writes it. */
    Map<String, Object> summary() {
        Map<String, Object> s = new LinkedHashMap<>();
        List<Map<String, Object>> vs = new ArrayList<>();
        List<Map<String, Object>> runs = new ArrayList<>();
        for (VersionResult v : versions) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("version", v.version());
            m.put("training", v.training());
            m.put("training_seconds", round(v.trainingSeconds()));
            m.put("decision", v.decision());
            m.put("validation", rounded(v.validation()));
            MetricScores served = servedScores(v.version());
            m.put("captioned", captionedBy(v.version()));
            m.put("served", served == null ? null : rounded(served.asMap()));
            runs.add(m);
            if (v.version() != null) {
                vs.add(m);
            }
        }
        s.put("versions", vs);
        s.put("runs", runs);
        s.put("captioned", captioned());
        s.put("expected", expected());
        s.put("lost", lost());
        s.put("duplicated", duplicated);
        s.put("dlq", failures.size());
        s.put("unreadable", unreadable);
        String last = finalVersion();
        MetricScores finalScores = last == null ? null : servedScores(last);
        s.put("final_version", last);
        s.put(MetricScores.BLEU_4, finalScores == null ? null : round(finalScores.bleu4()));
        s.put(MetricScores.CIDER, finalScores == null ? null : round(finalScores.cider()));
        s.put("seconds", round(seconds));
        return s;
    }

    private static Map<String, Double> rounded(Map<String, Double> metrics) {
        Map<String, Double> r = new LinkedHashMap<>();
        metrics.forEach((k, v) -> r.put(k, round(v)));
        return r;
    }

    private static double round(double v) {
        return Math.round(v * 1000.0) / 1000.0;
    }
}
