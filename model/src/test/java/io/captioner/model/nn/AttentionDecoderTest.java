package io.captioner.model.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AttentionDecoderTest {

    private static final int VOCAB = 9;
    private static final int EMBED = 16;
    private static final int HIDDEN = 24;
    private static final int LAYERS = 2;
    private static final int CELLS = TinyCnn.GRID_CELLS;

    private Model model;
    private CaptionNet net;

    @BeforeEach
    void setUp() {
        Engine.getEngine("PyTorch").setRandomSeed(5);
        Architecture architecture =
                Architecture.of(
                        EncoderType.TINY_CNN,
                        Backbones.DJL,
                        EMBED,
                        HIDDEN,
                        LAYERS,
                        VOCAB,
                        DecoderType.ATTENTION);
        model = Model.newInstance("attention", Device.cpu(), "PyTorch");
        net = new CaptionNet(architecture, TinyCnn.build());
        model.setBlock(net);
        net.initialize(model.getNDManager(), DataType.FLOAT32, net.trainingInputShapes(2, 2, 4));
    }

    @AfterEach
    void tearDown() {
        model.close();
    }

    @Test
    void shouldProjectEveryGridLocationToTheEmbeddingSize() {
        try (NDManager scope = model.getNDManager().newSubManager()) {
            ParameterStore ps = new ParameterStore(scope, false);
            NDArray pixels = scope.randomNormal(new Shape(3, 3, 64, 64));

            NDArray projected = net.project(ps, net.backboneFeatures(ps, pixels, false), false);

            assertThat(projected.getShape()).isEqualTo(new Shape(3, CELLS, EMBED));
            assertThat(net.pooled(projected).getShape()).isEqualTo(new Shape(3, EMBED));
        }
    }

    @Test
    void shouldReadTheGridChannelMajorFromTheTinyCnnOutput() {
        try (NDManager scope = model.getNDManager().newSubManager()) {
            float[] features = new float[TinyCnn.FEATURE_SIZE];
            for (int i = 0; i < features.length; i++) {
                features[i] = i;
            }
            NDArray grid = net.grid(scope.create(features, new Shape(1, features.length)));

            assertThat(grid.getShape()).isEqualTo(new Shape(1, CELLS, TinyCnn.GRID_CHANNELS));
            // Location 3, channel 2 is value (channel * cells + location) of the flattened grid.
            assertThat(grid.getFloat(0, 3, 2)).isEqualTo(2f * CELLS + 3);
        }
    }

    @Test
    void shouldReturnLogitsAndAttentionWeightsThatSumToOneWhenTeacherForcing() {
        try (NDManager scope = model.getNDManager().newSubManager()) {
            NDArray pixels = scope.randomNormal(new Shape(2, 3, 64, 64));
            NDArray ids =
                    scope.create(new long[] {1, 4, 5, 2, 1, 6, 2, 0, 1, 7, 8, 2}, new Shape(3, 4));
            NDArray imageIndex = scope.create(new long[] {0, 0, 1});

            NDList out =
                    net.forward(
                            new ParameterStore(scope, false),
                            new NDList(pixels, ids, imageIndex),
                            false);

            assertThat(out).hasSize(2);
            assertThat(out.get(0).getShape()).isEqualTo(new Shape(3, 4, VOCAB));
            assertThat(out.get(1).getShape()).isEqualTo(new Shape(3, 3, CELLS));
            assertThat(net.getOutputShapes(net.trainingInputShapes(2, 3, 4)))
                    .containsExactly(out.get(0).getShape(), out.get(1).getShape());
            for (float sum : out.get(1).sum(new int[] {2}).toFloatArray()) {
                assertThat(sum).isCloseTo(1f, Offset.offset(1e-5f));
            }
            for (float weight : out.get(1).toFloatArray()) {
                assertThat(weight).isBetween(0f, 1f);
            }
        }
    }

    @Test
    void shouldCarryStatesAndGridThroughDecodingSteps() {
        try (NDManager scope = model.getNDManager().newSubManager()) {
            ParameterStore ps = new ParameterStore(scope, false);
            NDArray projected = scope.randomNormal(new Shape(5, CELLS, EMBED));

            NDList state = net.startDecoding(ps, projected);
            NDList step = net.decodeStep(ps, scope.create(new long[] {1, 1, 1, 1, 1}), state);

            assertThat(state).hasSize(4);
            assertThat(state.get(0).getShape()).isEqualTo(new Shape(LAYERS, 5, HIDDEN));
            assertThat(state.get(1).getShape()).isEqualTo(new Shape(LAYERS, 5, HIDDEN));
            assertThat(state.get(2).getShape()).isEqualTo(new Shape(5, CELLS, EMBED));
            assertThat(state.get(3).getShape()).isEqualTo(new Shape(5, CELLS, HIDDEN));
            assertThat(step).hasSize(5);
            assertThat(step.get(0).getShape()).isEqualTo(new Shape(5, VOCAB));
            for (float sum : step.get(0).exp().sum(new int[] {1}).toFloatArray()) {
                assertThat(sum).isCloseTo(1f, Offset.offset(1e-4f));
            }
        }
    }

    @Test
    void shouldMatchTeacherForcingWhenDecodingStepByStep() {
        try (NDManager scope = model.getNDManager().newSubManager()) {
            ParameterStore ps = new ParameterStore(scope, false);
            NDArray pixels = scope.randomNormal(new Shape(2, 3, 64, 64));
            NDArray projected = net.project(ps, net.backboneFeatures(ps, pixels, false), false);
            long[] caption = {1, 5, 6, 7, 2};

            NDArray logits =
                    net.teacherForcedLogits(
                            ps,
                            projected,
                            scope.create(caption, new Shape(1, caption.length)),
                            scope.create(new long[] {1}),
                            false);
            NDList state = net.startDecoding(ps, projected.get("1:2"));
            for (int t = 0; t < caption.length - 1; t++) {
                NDList out = net.decodeStep(ps, scope.create(new long[] {caption[t]}), state);
                float[] expected = logits.get("0, {}, :", t + 1).logSoftmax(0).toFloatArray();

                assertThat(out.get(0).get(0).toFloatArray())
                        .containsExactly(expected, Offset.offset(1e-4f));
                state = out.subNDList(1);
            }
        }
    }

    @Test
    void shouldPickStateRowsOfEveryArrayAlongItsBatchAxis() {
        try (NDManager scope = model.getNDManager().newSubManager()) {
            ParameterStore ps = new ParameterStore(scope, false);
            NDArray projected = scope.randomNormal(new Shape(3, CELLS, EMBED));
            CaptionStepModel stepModel = new CaptionStepModel(net, ps, 1);
            NDList state = net.startDecoding(ps, projected);

            NDList picked = stepModel.selectRows(state, scope.create(new long[] {2, 2, 0}));

            assertThat(picked.get(0).getShape()).isEqualTo(new Shape(LAYERS, 3, HIDDEN));
            assertThat(picked.get(0).get(":, 1, :").toFloatArray())
                    .containsExactly(state.get(0).get(":, 2, :").toFloatArray());
            assertThat(picked.get(2).get(2).toFloatArray())
                    .containsExactly(state.get(2).get(0).toFloatArray());
            assertThat(picked.get(3).get(0).toFloatArray())
                    .containsExactly(state.get(3).get(2).toFloatArray());
        }
    }

    @Test
    void shouldNameTheKnownDecodersForAnUnknownOne() {
        assertThatThrownBy(() -> DecoderType.fromId("transformer"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown decoder 'transformer'")
                .hasMessageContaining("lstm, attention");
    }

    @Test
    void shouldTreatAMissingDecoderAsTheLstmOfEarlierArtifacts() {
        Architecture old = new Architecture("tiny-cnn", Backbones.DJL, 64, 1088, 8, 8, 1, 9, null);

        assertThat(old.decoderType()).isEqualTo(DecoderType.LSTM);
        assertThat(old)
                .isEqualTo(new Architecture("tiny-cnn", Backbones.DJL, 64, 1088, 8, 8, 1, 9));
    }

    @Test
    void shouldRefuseAttentionOverATorchScriptBackbone() {
        assertThatThrownBy(
                        () ->
                                new Architecture(
                                        "resnet50",
                                        Backbones.TORCHSCRIPT,
                                        224,
                                        2048,
                                        8,
                                        8,
                                        1,
                                        9,
                                        "attention"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("spatial grid");
    }

    @Test
    void shouldGiveTheResNetGridItsLastSevenBySevenStage() {
        Architecture resnet =
                Architecture.of(
                        EncoderType.RESNET18,
                        Backbones.DJL,
                        EMBED,
                        HIDDEN,
                        1,
                        VOCAB,
                        DecoderType.ATTENTION);
        try (Model resnetModel = Model.newInstance("resnet", Device.cpu(), "PyTorch")) {
            CaptionNet resnetNet =
                    new CaptionNet(resnet, Backbones.empty(resnet, resnetModel.getNDManager()));
            resnetModel.setBlock(resnetNet);
            resnetNet.initialize(
                    resnetModel.getNDManager(),
                    DataType.FLOAT32,
                    resnetNet.trainingInputShapes(2, 2, 4));
            try (NDManager scope = resnetModel.getNDManager().newSubManager()) {
                ParameterStore ps = new ParameterStore(scope, false);
                NDArray features =
                        resnetNet.backboneFeatures(
                                ps, scope.randomNormal(new Shape(1, 3, 224, 224)), false);

                assertThat(features.getShape()).isEqualTo(new Shape(1, 512 * 49));
                assertThat(resnet.backboneOutputSize()).isEqualTo(512 * 49);
                assertThat(resnetNet.project(ps, features, false).getShape())
                        .isEqualTo(new Shape(1, 49, EMBED));
            }
        }
    }
}
