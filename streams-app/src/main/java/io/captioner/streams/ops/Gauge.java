package io.captioner.streams.ops;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A value that goes up and down (exposition type {@code gauge}), e.g. {@code
 * captioner_model_info{name,version} 1}; thread-safe through compare-and-set on the double bits.
 */
public final class Gauge extends MetricFamily<Gauge.Child> {

    Gauge(String name, String help, List<String> labelNames) {
        super(name, help, labelNames, values -> new Child());
    }

    /** Returns the child for these label values, creating it (at 0) on first use. */
    public Child labels(String... labelValues) {
        return child(labelValues);
    }

    /** Sets an unlabelled gauge. */
    public void set(double value) {
        unlabelled().set(value);
    }

    /** Adds {@code delta} (may be negative) to an unlabelled gauge. */
    public void add(double delta) {
        unlabelled().add(delta);
    }

    /** The current value of an unlabelled gauge. */
    public double value() {
        return unlabelled().value();
    }

    /** Stops exporting the child with these label values. */
    public void remove(String... labelValues) {
        removeChild(labelValues);
    }

    /** Stops exporting every labelled child, e.g. before publishing the info of a new model. */
    public void clear() {
        clearChildren();
    }

    @Override
    String type() {
        return "gauge";
    }

    @Override
    void writeChild(StringBuilder out, List<String> labelValues, Child child) {
        TextFormat.sample(out, name, labelNames, labelValues, null, null, child.value());
    }

    /** The value for one combination of label values. */
    public static final class Child {
        private final AtomicLong bits = new AtomicLong(Double.doubleToRawLongBits(0));

        private Child() {}

        /** Replaces the value. */
        public void set(double value) {
            bits.set(Double.doubleToRawLongBits(value));
        }

        /** Adds {@code delta} atomically. */
        public void add(double delta) {
            bits.getAndUpdate(b -> Double.doubleToRawLongBits(Double.longBitsToDouble(b) + delta));
        }

        /** Adds one. */
        public void inc() {
            add(1);
        }

        /** Subtracts one. */
        public void dec() {
            add(-1);
        }

        /** The current value. */
        public double value() {
            return Double.longBitsToDouble(bits.get());
        }
    }
}
