package io.captioner.model;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * PyTorch's intra-op thread count, which is process-wide: every thread that runs an operator uses a
 * pool of this size, so serving with several inference threads divides the cores among them.
 */
public final class EngineThreads {

    /** DJL's system property for the intra-op thread count, read when the engine starts. */
    public static final String PROPERTY = "ai.djl.pytorch.num_threads";

    private EngineThreads() {}

    /** Sets the intra-op threads of every later operator (starting the engine if needed). */
    public static void setIntraOpThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        Engine.getEngine("PyTorch");
        JniUtils.setNumThreads(threads);
    }

    /** The intra-op threads operators use now. */
    public static int intraOpThreads() {
        Engine.getEngine("PyTorch");
        return JniUtils.getNumThreads();
    }

    /** Whether the engine sees a GPU (what {@link Devices#resolve} picks without an override). */
    public static boolean gpuAvailable() {
        return Devices.resolve(null).isGpu();
    }
}
