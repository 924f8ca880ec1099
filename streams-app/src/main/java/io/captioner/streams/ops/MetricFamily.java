package io.captioner.streams.ops;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A named metric with HELP text and label names, holding one child per label-value combination;
 * base of the public metric types.
 *
 * @param <C> the child type that carries the values
 */
abstract class MetricFamily<C> extends Exposed {

    private static final Comparator<List<String>> BY_LABEL_VALUES =
            (a, b) -> {
                for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
                    int c = a.get(i).compareTo(b.get(i));
                    if (c != 0) {
                        return c;
                    }
                }
                return Integer.compare(a.size(), b.size());
            };

    final String name;
    final String help;
    final List<String> labelNames;
    private final Map<List<String>, C> children = new ConcurrentHashMap<>();
    private final Function<List<String>, C> childFactory;

    MetricFamily(
            String name,
            String help,
            List<String> labelNames,
            Function<List<String>, C> childFactory) {
        this.name = TextFormat.checkMetricName(name);
        this.help = Objects.requireNonNull(help, "help");
        this.labelNames = labelNames;
        this.childFactory = childFactory;
        if (labelNames.isEmpty()) {
            // Unlabelled metrics are exported from the start, so rate() sees the initial zero.
            children.put(List.of(), childFactory.apply(List.of()));
        }
    }

    @Override
    final String name() {
        return name;
    }

    /** The exposition TYPE keyword. */
    abstract String type();

    /** Appends the samples of one child. */
    abstract void writeChild(StringBuilder out, List<String> labelValues, C child);

    final C child(String... labelValues) {
        Objects.requireNonNull(labelValues, "labelValues");
        if (labelValues.length != labelNames.size()) {
            throw new IllegalArgumentException(
                    name
                            + " expects "
                            + labelNames.size()
                            + " label values "
                            + labelNames
                            + ", got "
                            + labelValues.length);
        }
        for (String value : labelValues) {
            Objects.requireNonNull(value, "label value");
        }
        return children.computeIfAbsent(List.of(labelValues), childFactory);
    }

    final C unlabelled() {
        if (!labelNames.isEmpty()) {
            throw new IllegalStateException(
                    name + " has labels " + labelNames + "; use labels(...) first");
        }
        return children.get(List.of());
    }

    /** Removes the child for these label values, e.g. when a model version is retired. */
    final void removeChild(String... labelValues) {
        children.remove(List.of(labelValues));
    }

    /** Removes every labelled child. */
    final void clearChildren() {
        if (!labelNames.isEmpty()) {
            children.clear();
        }
    }

    @Override
    final void write(StringBuilder out) {
        out.append("# HELP ")
                .append(name)
                .append(' ')
                .append(TextFormat.escapeHelp(help))
                .append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type()).append('\n');
        List<List<String>> keys = new ArrayList<>(children.keySet());
        keys.sort(BY_LABEL_VALUES);
        for (List<String> key : keys) {
            C child = children.get(key);
            if (child != null) {
                writeChild(out, key, child);
            }
        }
    }
}
