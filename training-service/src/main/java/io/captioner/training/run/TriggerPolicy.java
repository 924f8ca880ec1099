package io.captioner.training.run;

import io.captioner.events.TrainingTrigger;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When the next run starts: a pending train-now command first; then {@code pairs} changes since the
 * last run; then, with a schedule, at least one change and the interval passed since the last run
 * ended.
 *
 * @param pairs changes that start a run
 * @param schedule interval of scheduled runs, or null when off
 */
public record TriggerPolicy(long pairs, Duration schedule) {

    /**
     * The trigger due now, if any.
     *
     * @param changes pair changes since the last run
     * @param command a pending command's trigger, or null
     * @param lastRunEnded when the last run ended (or the service started)
     * @param now the current time
     */
    public Optional<RunTrigger> due(
            long changes, RunTrigger command, Instant lastRunEnded, Instant now) {
        if (command != null) {
            return Optional.of(command);
        }
        if (changes >= pairs) {
            return Optional.of(new RunTrigger(TrainingTrigger.PAIRS, false, null));
        }
        if (schedule != null && changes > 0 && !now.isBefore(lastRunEnded.plus(schedule))) {
            return Optional.of(new RunTrigger(TrainingTrigger.SCHEDULE, false, null));
        }
        return Optional.empty();
    }
}
