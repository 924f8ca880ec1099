package io.captioner.streams.config;

/**
 * How an instance spends its host: batch size and the threads of the serving pipeline, chosen
 * together from the cores and the device unless configured. On a CPU the model gets every core
 * (inference threads x PyTorch intra-op threads = cores) and the input threads share them, since
 * decoding and inference alternate per batch; two inference threads where there are two cores,
 * because one batch whose intra-op threads wait at every barrier for a core the broker or the
 * stream thread holds leaves cores idle, while two batches side by side keep them busy ({@code
 * ./captioner bench} on 2 cores: 467 to 523 images/s end to end against 382). On a GPU the device
 * computes, so two inference threads keep it fed, each with one intra-op thread, and batches are
 * larger.
 *
 * @param batchSize images per forward pass
 * @param inferenceThreads threads running the model
 * @param intraOpThreads PyTorch intra-op threads (process-wide)
 * @param inputThreads threads fetching, decoding and resizing
 * @param inflightBatches batches' worth of one task's images in the pipeline at once
 * @param cores the host's cores the plan was made for
 * @param gpu whether the model runs on a GPU
 */
public record ServingPlan(
        int batchSize,
        int inferenceThreads,
        int intraOpThreads,
        int inputThreads,
        int inflightBatches,
        int cores,
        boolean gpu) {

    /** Default batch size on a CPU. */
    public static final int CPU_BATCH = 16;

    /** Default batch size on a GPU. */
    public static final int GPU_BATCH = 64;

    /** The plan of {@code config} on a host with {@code cores} cores and maybe a GPU. */
    public static ServingPlan of(StreamsAppConfig config, int cores, boolean gpu) {
        int c = Math.max(1, cores);
        int batch =
                positiveOr(
                        config.getInt(StreamsAppConfig.BATCH_MAX_SIZE),
                        gpu ? GPU_BATCH : CPU_BATCH);
        int inference =
                positiveOr(
                        config.getInt(StreamsAppConfig.INFERENCE_THREADS),
                        gpu ? 2 : Math.min(2, c));
        int intraOp =
                positiveOr(
                        config.getInt(StreamsAppConfig.INFERENCE_INTRA_OP_THREADS),
                        gpu ? 1 : Math.max(1, c / inference));
        int input = positiveOr(config.getInt(StreamsAppConfig.INPUT_THREADS), Math.max(2, c / 2));
        int inflight =
                positiveOr(
                        config.getInt(StreamsAppConfig.PIPELINE_INFLIGHT_BATCHES), inference + 1);
        return new ServingPlan(batch, inference, intraOp, input, inflight, c, gpu);
    }

    private static int positiveOr(int configured, int otherwise) {
        return configured > 0 ? configured : otherwise;
    }

    /** One line for the start-up log. */
    public String describe() {
        return String.format(
                java.util.Locale.ROOT,
                "%s, %d cores: batch %d, %d inference thread(s) x %d intra-op, %d input thread(s),"
                        + " %d batch(es) in flight per task",
                gpu ? "GPU" : "CPU",
                cores,
                batchSize,
                inferenceThreads,
                intraOpThreads,
                inputThreads,
                inflightBatches);
    }
}
