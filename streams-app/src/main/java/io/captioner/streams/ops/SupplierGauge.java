package io.captioner.streams.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A gauge whose samples are computed at scrape time, for values that already live elsewhere (queue
 * depth, the loaded model's name and version).
 */
final class SupplierGauge extends Exposed {

    private static final Logger LOG = LoggerFactory.getLogger(SupplierGauge.class);

    private final String name;
    private final String help;
    private final List<String> labelNames;
    private final Supplier<Map<List<String>, Double>> samples;

    SupplierGauge(
            String name,
            String help,
            List<String> labelNames,
            Supplier<Map<List<String>, Double>> samples) {
        this.name = TextFormat.checkMetricName(name);
        this.help = Objects.requireNonNull(help, "help");
        this.labelNames = labelNames;
        this.samples = samples;
    }

    @Override
    String name() {
        return name;
    }

    @Override
    void write(StringBuilder out) {
        out.append("# HELP ")
                .append(name)
                .append(' ')
                .append(TextFormat.escapeHelp(help))
                .append('\n');
        out.append("# TYPE ").append(name).append(" gauge\n");
        Map<List<String>, Double> current;
        try {
            current = samples.get();
        } catch (RuntimeException e) {
            // One broken supplier must not take the whole scrape down; the log says which.
            LOG.warn("Gauge {} could not be computed; exporting no sample", name, e);
            return;
        }
        if (current == null) {
            return;
        }
        List<Map.Entry<List<String>, Double>> valid = new ArrayList<>(current.size());
        for (Map.Entry<List<String>, Double> e : current.entrySet()) {
            if (isWellFormed(e.getKey()) && e.getValue() != null) {
                valid.add(e);
            } else {
                LOG.warn(
                        "Gauge {} supplied label values {} = {} for labels {}; sample skipped",
                        name,
                        e.getKey(),
                        e.getValue(),
                        labelNames);
            }
        }
        valid.sort(
                (a, b) ->
                        String.join("\u0000", a.getKey())
                                .compareTo(String.join("\u0000", b.getKey())));
        for (Map.Entry<List<String>, Double> e : valid) {
            TextFormat.sample(out, name, labelNames, e.getKey(), null, null, e.getValue());
        }
    }

    private boolean isWellFormed(List<String> values) {
        if (values == null || values.size() != labelNames.size()) {
            return false;
        }
        for (String value : values) {
            if (value == null) {
                return false;
            }
        }
        return true;
    }
}
