package io.captioner.streams.ops;

import java.util.List;
import java.util.regex.Pattern;

/** Prometheus text exposition format 0.0.4: name rules, escaping and number rendering. */
final class TextFormat {

    /** The Content-Type a Prometheus server expects for this format. */
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private TextFormat() {}

    static String checkMetricName(String name) {
        if (name == null || !METRIC_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid metric name: " + name);
        }
        return name;
    }

    static List<String> checkLabelNames(String[] labelNames, boolean histogram) {
        for (String label : labelNames) {
            if (label == null || !LABEL_NAME.matcher(label).matches() || label.startsWith("__")) {
                throw new IllegalArgumentException("invalid label name: " + label);
            }
            if (histogram && label.equals("le")) {
                throw new IllegalArgumentException("label name 'le' is reserved for histograms");
            }
        }
        List<String> names = List.of(labelNames);
        if (names.stream().distinct().count() != names.size()) {
            throw new IllegalArgumentException("duplicate label names: " + names);
        }
        return names;
    }

    /** HELP text escaping: backslash and line feed. */
    static String escapeHelp(String help) {
        return help.replace("\\", "\\\\").replace("\n", "\\n");
    }

    /** Label value escaping: backslash, double quote and line feed. */
    static String escapeLabelValue(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    /**
     * Renders a sample value: integral values without a fraction ("3"), others as Java's shortest
     * round-trip decimal, and the special values as Prometheus spells them.
     */
    static String formatValue(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (value == Double.POSITIVE_INFINITY) {
            return "+Inf";
        }
        if (value == Double.NEGATIVE_INFINITY) {
            return "-Inf";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return Double.toString(value);
    }

    /** Appends {@code name{l1="v1",...,extra="x"} value\n}. */
    static void sample(
            StringBuilder out,
            String name,
            List<String> labelNames,
            List<String> labelValues,
            String extraLabel,
            String extraValue,
            double value) {
        out.append(name);
        boolean any = !labelNames.isEmpty() || extraLabel != null;
        if (any) {
            out.append('{');
            for (int i = 0; i < labelNames.size(); i++) {
                if (i > 0) {
                    out.append(',');
                }
                out.append(labelNames.get(i))
                        .append("=\"")
                        .append(escapeLabelValue(labelValues.get(i)))
                        .append('"');
            }
            if (extraLabel != null) {
                if (!labelNames.isEmpty()) {
                    out.append(',');
                }
                out.append(extraLabel).append("=\"").append(extraValue).append('"');
            }
            out.append('}');
        }
        out.append(' ').append(formatValue(value)).append('\n');
    }
}
