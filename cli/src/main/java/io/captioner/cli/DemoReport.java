package io.captioner.cli;

import io.captioner.cli.DemoResults.FailureResult;
import io.captioner.cli.DemoResults.ImageResult;
import io.captioner.cli.DemoResults.VersionResult;
import io.captioner.model.AttentionMap;
import io.captioner.model.metrics.MetricScores;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a demo run as one self-contained HTML file: a gallery of every image published (embedded
 * as data URIs, so the file can be mailed or opened anywhere) with its caption, references,
 * per-image scores, model version and, for attention models, where it looked for each word; the
 * dead letters with their reasons; each version's training, validation scores and publishing
 * decision. No scripts, no external resources.
 */
final class DemoReport {

    private static final List<String> METRICS =
            List.of(
                    MetricScores.BLEU_1,
                    MetricScores.BLEU_2,
                    MetricScores.BLEU_3,
                    MetricScores.BLEU_4,
                    MetricScores.ROUGE_L,
                    MetricScores.CIDER);

    private DemoReport() {}

    /** Writes {@code results} to {@code file} (replacing it) as HTML. */
    static void write(DemoResults results, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, html(results), StandardCharsets.UTF_8);
    }

    /** The report as a string. */
    static String html(DemoResults r) {
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<title>captioner demo report</title><style>")
                .append("body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}")
                .append("table{border-collapse:collapse;margin:1em 0}")
                .append("td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}")
                .append(".gallery{display:flex;flex-wrap:wrap;gap:12px}")
                .append(".card{width:220px;border:1px solid #ddd;border-radius:6px;padding:8px}")
                .append(".card img{width:128px;height:128px;image-rendering:pixelated}")
                .append(".caption{font-weight:600}.refs{color:#555;font-size:12px}")
                .append(".meta{color:#777;font-size:12px}.missing{color:#b00}")
                .append(".attn{display:flex;flex-wrap:wrap;gap:3px;margin-top:4px}")
                .append(".attn figure{margin:0;font-size:10px;text-align:center}")
                .append(".attn .map{position:relative;width:48px;height:48px}")
                .append(".attn .map img{width:48px;height:48px}")
                .append(".attn .cell{position:absolute;background:#f00}")
                .append("</style></head><body>\n");
        h.append("<h1>captioner demo report</h1>\n<p>")
                .append(r.captioned())
                .append(" of ")
                .append(r.expected())
                .append(" images captioned, ")
                .append(r.lost())
                .append(" lost, ")
                .append(r.duplicated())
                .append(" duplicated, ")
                .append(r.failures().size())
                .append(" dead-lettered; ")
                .append(String.format(Locale.ROOT, "%.0f s", r.seconds()))
                .append(".</p>\n");
        versions(h, r);
        failures(h, r.failures());
        gallery(h, r.images());
        h.append("</body></html>\n");
        return h.toString();
    }

    private static void versions(StringBuilder h, DemoResults r) {
        h.append("<h2>Model versions</h2>\n<table><tr><th>version</th><th>training</th>")
                .append("<th>decision</th><th>scores</th>");
        for (String m : METRICS) {
            h.append("<th>").append(m).append("</th>");
        }
        h.append("</tr>\n");
        for (VersionResult v : r.versions()) {
            MetricScores served = r.servedScores(v.version());
            row(
                    h,
                    v,
                    String.format(Locale.ROOT, "validation (%.0f s training)", v.trainingSeconds()),
                    v.validation());
            row(
                    h,
                    v,
                    "served: " + r.captionedBy(v.version()) + " captions",
                    served == null ? Map.of() : served.asMap());
        }
        h.append("</table>\n");
    }

    private static void row(
            StringBuilder h, VersionResult v, String label, Map<String, Double> scores) {
        h.append("<tr><td>")
                .append(esc(v.version()))
                .append("</td><td>")
                .append(esc(v.training()))
                .append("</td><td>")
                .append(esc(v.decision()))
                .append("</td><td>")
                .append(esc(label))
                .append("</td>");
        for (String m : METRICS) {
            Double value = scores.get(m);
            h.append("<td>")
                    .append(value == null ? "" : String.format(Locale.ROOT, "%.3f", value))
                    .append("</td>");
        }
        h.append("</tr>\n");
    }

    private static void failures(StringBuilder h, List<FailureResult> failures) {
        h.append("<h2>Dead letters</h2>\n");
        if (failures.isEmpty()) {
            h.append("<p>none</p>\n");
            return;
        }
        h.append("<table><tr><th>key</th><th>reason</th><th>message</th></tr>\n");
        for (FailureResult f : failures) {
            h.append("<tr><td>")
                    .append(esc(f.key()))
                    .append("</td><td>")
                    .append(esc(f.reason()))
                    .append("</td><td>")
                    .append(esc(f.message()))
                    .append("</td></tr>\n");
        }
        h.append("</table>\n");
    }

    private static void gallery(StringBuilder h, List<ImageResult> images) {
        h.append("<h2>Images</h2>\n<div class=\"gallery\">\n");
        for (ImageResult i : images) {
            h.append("<div class=\"card\" data-image-id=\"")
                    .append(esc(i.id()))
                    .append("\"><img alt=\"")
                    .append(esc(i.id()))
                    .append("\" src=\"data:image/png;base64,")
                    .append(Base64.getEncoder().encodeToString(i.png()))
                    .append("\">");
            if (i.caption() == null) {
                h.append("<div class=\"caption missing\">(no caption)</div>");
            } else {
                MetricScores s = i.scores();
                h.append("<div class=\"caption\">")
                        .append(esc(i.caption()))
                        .append("</div><div class=\"meta\">")
                        .append(esc(i.version()))
                        .append(
                                String.format(
                                        Locale.ROOT,
                                        " &middot; %d ms &middot; BLEU_4 %.2f &middot; ROUGE_L"
                                                + " %.2f",
                                        i.latencyMillis(),
                                        s.bleu4(),
                                        s.rougeL()))
                        .append("</div>");
            }
            if (i.attention() != null) {
                attention(h, i.attention(), i.png());
            }
            h.append("<div class=\"refs\">");
            for (String ref : i.references()) {
                h.append(esc(ref)).append("<br>");
            }
            h.append("</div><div class=\"meta\">")
                    .append(esc(i.id()))
                    .append(" &middot; ")
                    .append(esc(i.stage()))
                    .append("</div></div>\n");
        }
        h.append("</div>\n");
    }

    /**
     * Where the model looked for each word: a small copy of the image per word with the grid cells
     * shaded by their weight (the word's largest weight fully shaded at 70% opacity).
     */
    private static void attention(StringBuilder h, AttentionMap map, byte[] png) {
        String src = "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
        h.append("<div class=\"attn\">");
        for (int w = 0; w < map.words().size(); w++) {
            float[][] grid = map.grid(w);
            float max = 0;
            for (float[] row : grid) {
                for (float v : row) {
                    max = Math.max(max, v);
                }
            }
            h.append("<figure><div class=\"map\"><img alt=\"\" src=\"").append(src).append("\">");
            for (int r = 0; r < map.rows(); r++) {
                for (int c = 0; c < map.columns(); c++) {
                    double opacity = max <= 0 ? 0 : 0.7 * grid[r][c] / max;
                    h.append(
                            String.format(
                                    Locale.ROOT,
                                    "<div class=\"cell\" style=\"left:%.2f%%;top:%.2f%%;width:%.2f%%;"
                                            + "height:%.2f%%;opacity:%.2f\"></div>",
                                    100.0 * c / map.columns(),
                                    100.0 * r / map.rows(),
                                    100.0 / map.columns(),
                                    100.0 / map.rows(),
                                    opacity));
                }
            }
            h.append("</div><figcaption>").append(esc(map.words().get(w))).append("</figcaption>");
            h.append("</figure>");
        }
        h.append("</div>");
    }

    /** Escapes text for HTML element content and attribute values. */
    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
