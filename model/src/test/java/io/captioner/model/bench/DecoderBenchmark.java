package io.captioner.model.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.captioner.model.Captioner;
import io.captioner.model.nn.CaptionStepModel;
import io.captioner.model.nn.DecoderType;
import io.captioner.model.nn.EncoderType;
import io.captioner.model.search.BeamSearch;
import io.captioner.model.search.GreedySearch;
import io.captioner.model.search.SearchConfig;
import io.captioner.model.text.Vocabulary;
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
 * Images per second for caption decoding (greedy and beam 3) from encoded image features, at batch
 * sizes 1, 8 and 32, for the LSTM and the attention decoder (embed 256, LSTM 512; attention over
 * the tiny CNN's 4x4 grid). The LSTM decoder does not depend on the encoder; attention's cost grows
 * with the grid (16 cells here, 49 for a ResNet). Random weights rarely emit {@code <end>}, so
 * every caption runs the full {@value #MAX_LENGTH} steps: this measures the worst case per step
 * count.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DecoderBenchmark {

    /** Decoding steps per caption. */
    public static final int MAX_LENGTH = 20;

    @Param({"60", "3000"})
    public int vocabularySize;

    @Param({"lstm", "attention"})
    public String decoder;

    private Captioner captioner;
    private NDManager manager;
    private NDArray[] encoded;
    private SearchConfig config;

    /** Builds the model and encodes images once. */
    @Setup
    public void setUp() throws IOException {
        captioner =
                BenchModels.randomCaptioner(
                        EncoderType.TINY_CNN, vocabularySize - 4, DecoderType.fromId(decoder));
        manager = captioner.newScope();
        ParameterStore ps = new ParameterStore(manager, false);
        encoded = new NDArray[33];
        for (int n : new int[] {1, 8, 32}) {
            NDArray pixels =
                    captioner.preprocessor().toTensorFromImages(manager, BenchModels.images(n));
            encoded[n] =
                    captioner
                            .network()
                            .project(
                                    ps,
                                    captioner.network().backboneFeatures(ps, pixels, false),
                                    false);
        }
        // <end> is banned so every caption has exactly MAX_LENGTH steps.
        config =
                new SearchConfig(
                        Vocabulary.END_ID,
                        new int[] {Vocabulary.PAD_ID, Vocabulary.START_ID, Vocabulary.END_ID},
                        MAX_LENGTH);
    }

    /** Releases native memory. */
    @TearDown
    public void tearDown() {
        manager.close();
        captioner.close();
    }

    private int greedy(int n) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray in = encoded[n].duplicate();
            in.attach(scope);
            CaptionStepModel model =
                    new CaptionStepModel(
                            captioner.network(),
                            new ParameterStore(scope, false),
                            Vocabulary.START_ID);
            return GreedySearch.search(model, in, config).size();
        }
    }

    private int beam(int n) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray in = encoded[n].duplicate();
            in.attach(scope);
            CaptionStepModel model =
                    new CaptionStepModel(
                            captioner.network(),
                            new ParameterStore(scope, false),
                            Vocabulary.START_ID);
            List<?> out = BeamSearch.search(model, in, config, 3, 0.7);
            return out.size();
        }
    }

    /** Greedy, batch 1. */
    @Benchmark
    @OperationsPerInvocation(1)
    public int greedyBatch01() {
        return greedy(1);
    }

    /** Greedy, batch 8. */
    @Benchmark
    @OperationsPerInvocation(8)
    public int greedyBatch08() {
        return greedy(8);
    }

    /** Greedy, batch 32. */
    @Benchmark
    @OperationsPerInvocation(32)
    public int greedyBatch32() {
        return greedy(32);
    }

    /** Beam 3, batch 1. */
    @Benchmark
    @OperationsPerInvocation(1)
    public int beam3Batch01() {
        return beam(1);
    }

    /** Beam 3, batch 8. */
    @Benchmark
    @OperationsPerInvocation(8)
    public int beam3Batch08() {
        return beam(8);
    }

    /** Beam 3, batch 32. */
    @Benchmark
    @OperationsPerInvocation(32)
    public int beam3Batch32() {
        return beam(32);
    }
}
