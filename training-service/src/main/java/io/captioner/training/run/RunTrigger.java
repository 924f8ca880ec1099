package io.captioner.training.run;

import io.captioner.events.TrainingTrigger;
import java.util.Objects;

/**
 * Why a run starts.
 *
 * @param kind pairs, schedule or command
 * @param force publish even a candidate that does not beat the active version
 * @param commandId id of the command that asked, or null
 */
public record RunTrigger(TrainingTrigger kind, boolean force, String commandId) {
    /** Validates. */
    public RunTrigger {
        Objects.requireNonNull(kind, "kind");
    }
}
