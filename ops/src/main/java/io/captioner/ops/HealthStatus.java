package io.captioner.ops;

import java.util.Objects;

/**
 * The answer of a liveness or readiness check: up, or down with a human-readable reason that the
 * ops endpoint returns as JSON so an operator sees why a probe fails.
 */
public final class HealthStatus {

    private static final HealthStatus UP = new HealthStatus(true, "");

    private final boolean up;
    private final String reason;

    private HealthStatus(boolean up, String reason) {
        this.up = up;
        this.reason = reason;
    }

    /** The healthy status. */
    public static HealthStatus up() {
        return UP;
    }

    /** An unhealthy status explained by {@code reason}, e.g. "Kafka Streams is ERROR". */
    public static HealthStatus down(String reason) {
        Objects.requireNonNull(reason, "reason");
        return new HealthStatus(false, reason);
    }

    /** Whether the check passed. */
    public boolean isUp() {
        return up;
    }

    /** Why the check failed; empty when up. */
    public String reason() {
        return reason;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HealthStatus
                && ((HealthStatus) o).up == up
                && ((HealthStatus) o).reason.equals(reason);
    }

    @Override
    public int hashCode() {
        return Objects.hash(up, reason);
    }

    @Override
    public String toString() {
        return up ? "UP" : "DOWN(" + reason + ")";
    }
}
