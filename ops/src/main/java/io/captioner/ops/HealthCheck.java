package io.captioner.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One liveness or readiness condition of a service, asked at every probe; {@link #allOf} composes
 * several so that {@code /ready} can say which of them fails.
 */
@FunctionalInterface
public interface HealthCheck {

    /** A check that always passes. */
    HealthCheck ALWAYS_UP = HealthStatus::up;

    /** The current status; implementations should be cheap, they run on every probe. */
    HealthStatus check();

    /** A check from a boolean condition; down reads {@code reasonWhenDown}. */
    static HealthCheck of(BooleanSupplier passes, String reasonWhenDown) {
        Objects.requireNonNull(passes, "passes");
        HealthStatus down = HealthStatus.down(reasonWhenDown);
        return () -> passes.getAsBoolean() ? HealthStatus.up() : down;
    }

    /**
     * A check that passes when every one of {@code checks} passes; otherwise it is down with the
     * reasons of the failing ones, in order, joined by {@code "; "}. Every check is asked each
     * time, so the reason lists all that fail, not only the first.
     */
    static HealthCheck allOf(List<? extends HealthCheck> checks) {
        List<HealthCheck> copy = List.copyOf(checks);
        return () -> {
            List<String> reasons = new ArrayList<>();
            for (HealthCheck check : copy) {
                HealthStatus status = evaluate(check);
                if (!status.isUp()) {
                    reasons.add(status.reason());
                }
            }
            return reasons.isEmpty()
                    ? HealthStatus.up()
                    : HealthStatus.down(String.join("; ", reasons));
        };
    }

    /** {@link #allOf(List)} of the given checks. */
    static HealthCheck allOf(HealthCheck... checks) {
        return allOf(List.of(checks));
    }

    /**
     * Runs {@code check} and never throws: a check that throws or returns null is down with {@code
     * "check failed: ..."} (and logged), because a probe that cannot tell must not report up.
     */
    static HealthStatus evaluate(HealthCheck check) {
        try {
            HealthStatus status = check.check();
            if (status == null) {
                return HealthStatus.down("check failed: it returned no status");
            }
            return status;
        } catch (RuntimeException e) {
            Logger log = LoggerFactory.getLogger(HealthCheck.class);
            log.warn("Health check {} threw", check, e);
            return HealthStatus.down("check failed: " + e);
        }
    }
}
