package io.captioner.training.run;

import io.captioner.events.TrainingDecision;
import java.util.Locale;
import java.util.Map;

/**
 * Decides whether a candidate is published: when forced, when nothing is served, or when its gate
 * metric exceeds the active version's by more than the margin; otherwise it is rejected.
 *
 * @param metric the metric compared, e.g. {@code CIDEr}
 * @param margin how much the candidate must exceed the active version by
 */
public record Gate(String metric, double margin) {

    /** A decision with its reason in words. */
    public record Verdict(TrainingDecision decision, String reason) {}

    /**
     * Judges a candidate.
     *
     * @param candidate the candidate's scores
     * @param active the active version's scores on the same split, or null when none is served
     * @param force whether the trigger asked to publish regardless
     */
    public Verdict judge(Map<String, Double> candidate, Map<String, Double> active, boolean force) {
        double mine = score(candidate);
        if (active == null) {
            return new Verdict(
                    TrainingDecision.PUBLISHED,
                    String.format(Locale.ROOT, "no active version; %s %.4f", metric, mine));
        }
        double theirs = score(active);
        boolean better = mine > theirs + margin;
        String comparison =
                String.format(
                        Locale.ROOT,
                        "%s %.4f %s %.4f + %s",
                        metric,
                        mine,
                        better ? ">" : "<=",
                        theirs,
                        margin);
        if (better) {
            return new Verdict(TrainingDecision.PUBLISHED, comparison);
        }
        if (force) {
            return new Verdict(TrainingDecision.PUBLISHED, "forced; " + comparison);
        }
        return new Verdict(TrainingDecision.REJECTED, comparison);
    }

    private double score(Map<String, Double> scores) {
        Double value = scores.get(metric);
        if (value == null) {
            throw new IllegalArgumentException("no " + metric + " in " + scores.keySet());
        }
        return value;
    }
}
