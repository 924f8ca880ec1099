package io.captioner.training.run;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The current run's progress for {@code /status}: phase, epoch, loss and an ETA from the epochs so
 * far. Thread-safe: the run thread writes, the ops threads read.
 */
public final class RunStatus {

    /** What the service is doing. */
    public enum Phase {
        /** Waiting for a trigger. */
        IDLE,
        /** Loading the dataset and the active version. */
        PREPARING,
        /** Training the candidate. */
        TRAINING,
        /** Scoring candidate and active version on the validation split. */
        EVALUATING,
        /** Writing the version, activation and run record in one transaction. */
        PUBLISHING
    }

    private final Clock clock;
    private Phase phase = Phase.IDLE;
    private String runId;
    private String trigger;
    private Instant started;
    private Instant epochStarted;
    private int epoch;
    private int epochs;
    private int batch;
    private int batches;
    private double loss = Double.NaN;
    private double validationLoss = Double.NaN;
    private double secondsPerEpoch = Double.NaN;

    /** A status on the system clock. */
    public RunStatus() {
        this(Clock.systemUTC());
    }

    /** A status on {@code clock}. */
    public RunStatus(Clock clock) {
        this.clock = clock;
    }

    /** A run starts. */
    public synchronized void start(String id, String triggerName) {
        phase = Phase.PREPARING;
        runId = id;
        trigger = triggerName;
        started = clock.instant();
        epoch = 0;
        epochs = 0;
        batch = 0;
        batches = 0;
        loss = Double.NaN;
        validationLoss = Double.NaN;
        secondsPerEpoch = Double.NaN;
    }

    /** The run moves to {@code next}. */
    public synchronized void phase(Phase next) {
        phase = next;
    }

    /** The run ended. */
    public synchronized void idle() {
        phase = Phase.IDLE;
        runId = null;
        trigger = null;
    }

    /** The current phase. */
    public synchronized Phase phase() {
        return phase;
    }

    /** An epoch starts. */
    public synchronized void epochStart(int current, int total, int batchCount) {
        epoch = current;
        epochs = total;
        batch = 0;
        batches = batchCount;
        epochStarted = clock.instant();
    }

    /** A batch ended with {@code batchLoss}. */
    public synchronized void batch(int current, double batchLoss) {
        batch = current;
        loss = batchLoss;
    }

    /** An epoch ended; returns its seconds. */
    public synchronized double epochEnd(double trainLoss, double validation) {
        loss = trainLoss;
        validationLoss = validation;
        double seconds =
                epochStarted == null
                        ? Double.NaN
                        : (clock.millis() - epochStarted.toEpochMilli()) / 1000.0;
        secondsPerEpoch =
                Double.isNaN(secondsPerEpoch)
                        ? seconds
                        : (secondsPerEpoch * (epoch - 1) + seconds) / epoch;
        return seconds;
    }

    /** The status as a JSON-ready map. */
    public synchronized Map<String, Object> asMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("phase", phase.name());
        map.put("run_id", runId);
        map.put("trigger", trigger);
        map.put("started", started == null || runId == null ? null : started.toString());
        map.put("epoch", epoch);
        map.put("epochs", epochs);
        map.put("batch", batch);
        map.put("batches", batches);
        map.put("loss", Double.isFinite(loss) ? loss : null);
        map.put("validation_loss", Double.isFinite(validationLoss) ? validationLoss : null);
        Double eta = null;
        if (phase == Phase.TRAINING && Double.isFinite(secondsPerEpoch) && epochs > 0) {
            // Early stopping can only end sooner, so this is an upper bound.
            eta =
                    secondsPerEpoch * (epochs - epoch)
                            + secondsPerEpoch * (batches - batch) / Math.max(1, batches);
        }
        map.put("eta_seconds", eta);
        return map;
    }
}
