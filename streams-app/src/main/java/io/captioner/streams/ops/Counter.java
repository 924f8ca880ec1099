package io.captioner.streams.ops;

import java.util.List;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * A monotonically increasing count (exposition type {@code counter}), e.g. {@code
 * captioner_captions_total}; safe to increment from any number of threads without locking.
 */
public final class Counter extends MetricFamily<Counter.Child> {

    Counter(String name, String help, List<String> labelNames) {
        super(name, help, labelNames, values -> new Child());
    }

    /**
     * Returns the child for these label values, creating it on first use; cache it on hot paths.
     */
    public Child labels(String... labelValues) {
        return child(labelValues);
    }

    /** Adds one to an unlabelled counter. */
    public void inc() {
        unlabelled().inc();
    }

    /** Adds {@code amount} (non-negative) to an unlabelled counter. */
    public void inc(double amount) {
        unlabelled().inc(amount);
    }

    /** The current value of an unlabelled counter. */
    public double value() {
        return unlabelled().value();
    }

    /** Stops exporting the child with these label values. */
    public void remove(String... labelValues) {
        removeChild(labelValues);
    }

    @Override
    String type() {
        return "counter";
    }

    @Override
    void writeChild(StringBuilder out, List<String> labelValues, Child child) {
        TextFormat.sample(out, name, labelNames, labelValues, null, null, child.value());
    }

    /** The count for one combination of label values. */
    public static final class Child {
        private final DoubleAdder value = new DoubleAdder();

        private Child() {}

        /** Adds one. */
        public void inc() {
            value.add(1);
        }

        /** Adds {@code amount}, which must be finite and non-negative since counters never fall. */
        public void inc(double amount) {
            if (!(amount >= 0) || Double.isInfinite(amount)) {
                throw new IllegalArgumentException(
                        "counter increment must be finite and >= 0: " + amount);
            }
            value.add(amount);
        }

        /** The current count. */
        public double value() {
            return value.sum();
        }
    }
}
