package io.captioner.cli;

import io.captioner.cli.DemoResults.FailureResult;
import io.captioner.cli.DemoResults.ImageResult;
import io.captioner.cli.DemoResults.VersionResult;
import io.captioner.events.CaptionEvent;
import io.captioner.events.CaptionFailure;
import io.captioner.events.TrainingRun;
import io.captioner.model.AttentionMap;
import io.captioner.model.metrics.MetricScores;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the demo tells its user: each caption as it arrives, the runs and versions in words, and the
 * closing summary, from what the feed sent, the collector read and the service decided.
 */
final class DemoSummary {

    private DemoSummary() {}

    static List<VersionResult> versions(List<TrainingRun> runs) {
        List<VersionResult> versions = new ArrayList<>();
        for (TrainingRun r : runs) {
            versions.add(
                    new VersionResult(
                            r.getVersion(),
                            String.format(
                                    Locale.ROOT,
                                    "%d pairs (%d validation), %d epochs, %s",
                                    r.getPairsTrain(),
                                    r.getPairsValidation(),
                                    r.getEpochs(),
                                    r.getWarmStart() ? "warm start" : "cold start"),
                            Map.copyOf(r.getCandidateMetrics()),
                            describe(r),
                            r.getTrainingSeconds()));
        }
        return versions;
    }

    /** A run's decision in words: trigger, decision and the gate's reason (or its scores). */
    static String describe(TrainingRun r) {
        StringBuilder b =
                new StringBuilder().append(r.getTrigger()).append(" run ").append(r.getDecision());
        if (r.getReason() != null) {
            b.append(": ").append(r.getReason());
        }
        if (r.getError() != null) {
            b.append(": ").append(r.getError());
        }
        if (r.getReason() != null) {
            return b.toString();
        }
        Double candidate = r.getCandidateMetrics().get(r.getGateMetric());
        Double active =
                r.getActiveMetrics() == null ? null : r.getActiveMetrics().get(r.getGateMetric());
        if (candidate != null) {
            b.append(String.format(Locale.ROOT, " (%s %.3f", r.getGateMetric(), candidate));
            if (active != null) {
                b.append(String.format(Locale.ROOT, " vs active %.3f", active));
            }
            b.append(')');
        }
        return b.toString();
    }

    static void printCaption(
            PrintWriter out, CaptionEvent c, Map<String, List<String>> references) {
        List<String> refs = references.get(c.getImageId());
        out.printf(
                Locale.ROOT,
                "  %s | %s | %s | %s%n",
                c.getModelVersion(),
                c.getImageId(),
                c.getCaption(),
                refs == null || refs.isEmpty() ? "" : refs.get(0));
        out.flush();
    }

    static DemoResults results(
            DemoFeed feed,
            DemoCollector collector,
            List<VersionResult> versions,
            Map<String, AttentionMap> attention,
            double seconds) {
        Map<String, DemoCollector.Arrival> captions = collector.captions();
        List<ImageResult> images = new ArrayList<>();
        for (DemoFeed.Sent s : feed.sent()) {
            DemoCollector.Arrival a = captions.get(s.image().id());
            images.add(
                    new ImageResult(
                            s.image().id(),
                            s.png(),
                            s.image().captions(),
                            a == null ? null : a.event().getCaption(),
                            a == null ? null : a.event().getModelVersion(),
                            a == null ? -1 : a.receivedMillis() - s.sentMillis(),
                            s.stage(),
                            attention.get(s.image().id())));
        }
        List<FailureResult> failures = new ArrayList<>();
        for (Map.Entry<String, CaptionFailure> f : collector.failures().entrySet()) {
            failures.add(
                    new FailureResult(
                            f.getKey(),
                            String.valueOf(f.getValue().getReason()),
                            f.getValue().getMessage()));
        }
        return new DemoResults(
                images,
                failures,
                versions,
                collector.duplicates(),
                collector.unreadable(),
                seconds);
    }

    static void printSummary(PrintWriter out, DemoResults r) {
        out.println("dead-lettered (key | reason | message):");
        for (FailureResult f : r.failures()) {
            out.printf(Locale.ROOT, "  %s | %s | %s%n", f.key(), f.reason(), f.message());
        }
        out.println("versions (version | training | decision | captions | served BLEU_4, CIDEr):");
        for (VersionResult v : r.versions()) {
            MetricScores served = r.servedScores(v.version());
            out.printf(
                    Locale.ROOT,
                    "  %s | %s | %s | %d | %s%n",
                    v.version(),
                    v.training(),
                    v.decision(),
                    r.captionedBy(v.version()),
                    served == null
                            ? "-"
                            : String.format(
                                    Locale.ROOT, "%.3f, %.3f", served.bleu4(), served.cider()));
        }
        out.printf(
                Locale.ROOT,
                "captioned %d of %d, lost %d, duplicated %d, dead-lettered %d, %.0f s%n",
                r.captioned(),
                r.expected(),
                r.lost(),
                r.duplicated(),
                r.failures().size(),
                r.seconds());
    }

    static String scores(MetricScores s) {
        return String.format(Locale.ROOT, "BLEU_4 %.3f, CIDEr %.3f", s.bleu4(), s.cider());
    }
}
