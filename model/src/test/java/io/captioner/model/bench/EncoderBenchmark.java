package io.captioner.model.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.captioner.model.Captioner;
import io.captioner.model.nn.CaptionNet;
import io.captioner.model.nn.EncoderType;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Images per second for preprocessing (resize + normalize of 500x375 images) and for the encoder
 * forward pass (backbone + projection) at batch sizes 1, 8 and 32. Scores are images/s because each
 * method declares its batch size as operations per invocation. Random weights: speed only.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class EncoderBenchmark {

    @Param({"tiny-cnn", "resnet50"})
    public String encoder;

    private Captioner captioner;
    private List<BufferedImage> images;
    private NDManager manager;
    private NDArray[] pixels;

    /** Builds the model and preprocesses the encoder's inputs once. */
    @Setup
    public void setUp() throws IOException {
        captioner = BenchModels.randomCaptioner(EncoderType.fromId(encoder), 60);
        images = BenchModels.images(32);
        manager = captioner.newScope();
        pixels = new NDArray[33];
        for (int n : new int[] {1, 8, 32}) {
            pixels[n] = captioner.preprocessor().toTensorFromImages(manager, images.subList(0, n));
        }
    }

    /** Releases native memory. */
    @TearDown
    public void tearDown() {
        manager.close();
        captioner.close();
    }

    private float[] preprocess(int n) {
        try (NDManager scope = manager.newSubManager()) {
            return captioner
                    .preprocessor()
                    .toTensorFromImages(scope, images.subList(0, n))
                    .get("0, 0, 0, 0:1")
                    .toFloatArray();
        }
    }

    private float[] encode(int n) {
        CaptionNet net = captioner.network();
        try (NDManager scope = manager.newSubManager()) {
            ParameterStore ps = new ParameterStore(scope, false);
            NDArray in = pixels[n];
            NDArray projected = net.project(ps, net.backboneFeatures(ps, in, false), false);
            return projected.get("0, 0:1").toFloatArray();
        }
    }

    /** Preprocessing, batch 1. */
    @Benchmark
    @OperationsPerInvocation(1)
    public float[] preprocessBatch01() {
        return preprocess(1);
    }

    /** Preprocessing, batch 8. */
    @Benchmark
    @OperationsPerInvocation(8)
    public float[] preprocessBatch08() {
        return preprocess(8);
    }

    /** Preprocessing, batch 32. */
    @Benchmark
    @OperationsPerInvocation(32)
    public float[] preprocessBatch32() {
        return preprocess(32);
    }

    /** Encoder forward, batch 1. */
    @Benchmark
    @OperationsPerInvocation(1)
    public float[] encodeBatch01() {
        return encode(1);
    }

    /** Encoder forward, batch 8. */
    @Benchmark
    @OperationsPerInvocation(8)
    public float[] encodeBatch08() {
        return encode(8);
    }

    /** Encoder forward, batch 32. */
    @Benchmark
    @OperationsPerInvocation(32)
    public float[] encodeBatch32() {
        return encode(32);
    }
}
