package io.captioner.model.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CaptionNetTest {

    private static final int VOCAB = 9;
    private static final int EMBED = 16;
    private static final int HIDDEN = 24;
    private static final int LAYERS = 2;

    private Model model;
    private CaptionNet net;

    @BeforeEach
    void setUp() {
        Architecture architecture =
                Architecture.of(EncoderType.TINY_CNN, Backbones.DJL, EMBED, HIDDEN, LAYERS, VOCAB);
        model = Model.newInstance("shapes", Device.cpu(), "PyTorch");
        net = new CaptionNet(architecture, TinyCnn.build());
        model.setBlock(net);
        net.initialize(model.getNDManager(), DataType.FLOAT32, net.trainingInputShapes(2, 2, 4));
    }

    @AfterEach
    void tearDown() {
        model.close();
    }

    @Test
    void shouldEncodeImagesToFeaturesAndProjectThemToTheEmbeddingSize() {
        try (NDManager scope = model.getNDManager().newSubManager()) {
            ParameterStore ps = new ParameterStore(scope, false);
            NDArray pixels = scope.randomNormal(new Shape(3, 3, 64, 64));

            NDArray features = net.backboneFeatures(ps, pixels, false);
            NDArray projected = net.project(ps, features, false);

            assertThat(features.getShape()).isEqualTo(new Shape(3, TinyCnn.FEATURE_SIZE));
            assertThat(projected.getShape()).isEqualTo(new Shape(3, EMBED));
        }
    }

    @Test
    void shouldProduceOneLogitRowPerCaptionStepWhenTeacherForcing() {
        try (NDManager scope = model.getNDManager().newSubManager()) {
            NDArray pixels = scope.randomNormal(new Shape(2, 3, 64, 64));
            NDArray ids =
                    scope.create(new long[] {1, 4, 5, 2, 1, 6, 2, 0, 1, 7, 8, 2}, new Shape(3, 4));
            NDArray imageIndex = scope.create(new long[] {0, 0, 1});

            NDArray logits =
                    net.forward(
                                    new ParameterStore(scope, false),
                                    new NDList(pixels, ids, imageIndex),
                                    false)
                            .head();

            assertThat(logits.getShape()).isEqualTo(new Shape(3, 4, VOCAB));
        }
    }

    @Test
    void shouldCarryLstmStatesThroughDecodingSteps() {
        try (NDManager scope = model.getNDManager().newSubManager()) {
            ParameterStore ps = new ParameterStore(scope, false);
            NDArray projected = scope.randomNormal(new Shape(5, EMBED));

            NDList state = net.startDecoding(ps, projected);
            NDList step = net.decodeStep(ps, scope.create(new long[] {1, 1, 1, 1, 1}), state);

            assertThat(state.get(0).getShape()).isEqualTo(new Shape(LAYERS, 5, HIDDEN));
            assertThat(state.get(1).getShape()).isEqualTo(new Shape(LAYERS, 5, HIDDEN));
            assertThat(step.get(0).getShape()).isEqualTo(new Shape(5, VOCAB));
            assertThat(step.get(1).getShape()).isEqualTo(new Shape(LAYERS, 5, HIDDEN));
            float[] probabilitySums = step.get(0).exp().sum(new int[] {1}).toFloatArray();
            for (float sum : probabilitySums) {
                assertThat(sum).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-4f));
            }
        }
    }

    @Test
    void shouldMatchTeacherForcingWhenDecodingStepByStep() {
        try (NDManager scope = model.getNDManager().newSubManager()) {
            ParameterStore ps = new ParameterStore(scope, false);
            NDArray pixels = scope.randomNormal(new Shape(1, 3, 64, 64));
            NDArray projected = net.project(ps, net.backboneFeatures(ps, pixels, false), false);
            long[] caption = {1, 5, 6, 2};

            NDArray logits =
                    net.teacherForcedLogits(
                            ps,
                            projected,
                            scope.create(caption, new Shape(1, 4)),
                            scope.create(new long[] {0}),
                            false);
            NDArray expected = logits.get("0, 2, :").logSoftmax(0);
            NDList state = net.startDecoding(ps, projected);
            NDList first = net.decodeStep(ps, scope.create(new long[] {caption[0]}), state);
            NDList second =
                    net.decodeStep(ps, scope.create(new long[] {caption[1]}), first.subNDList(1));

            assertThat(second.get(0).get(0).toFloatArray())
                    .containsExactly(
                            expected.toFloatArray(), org.assertj.core.data.Offset.offset(1e-4f));
        }
    }

    @Test
    void shouldDropOutOnlyWhileTraining() {
        Architecture architecture =
                Architecture.of(EncoderType.TINY_CNN, Backbones.DJL, EMBED, HIDDEN, LAYERS, VOCAB);
        try (Model dropoutModel = Model.newInstance("dropout", Device.cpu(), "PyTorch")) {
            CaptionNet withDropout = new CaptionNet(architecture, TinyCnn.build(), 0.5f);
            dropoutModel.setBlock(withDropout);
            withDropout.initialize(
                    dropoutModel.getNDManager(),
                    DataType.FLOAT32,
                    withDropout.trainingInputShapes(2, 2, 4));
            try (NDManager scope = dropoutModel.getNDManager().newSubManager()) {
                NDList inputs =
                        new NDList(
                                scope.randomNormal(new Shape(2, 3, 64, 64)),
                                scope.create(new long[] {1, 4, 5, 2, 1, 6, 2, 0}, new Shape(2, 4)),
                                scope.create(new long[] {0, 1}));
                ParameterStore ps = new ParameterStore(scope, false);

                float[] inference = withDropout.forward(ps, inputs, false).head().toFloatArray();
                float[] inferenceAgain =
                        withDropout.forward(ps, inputs, false).head().toFloatArray();
                float[] training = withDropout.forward(ps, inputs, true).head().toFloatArray();
                float[] trainingAgain = withDropout.forward(ps, inputs, true).head().toFloatArray();

                assertThat(inferenceAgain).containsExactly(inference);
                assertThat(trainingAgain).isNotEqualTo(training);
            }
        }
    }

    @Test
    void shouldRejectADropoutRateOfOne() {
        Architecture architecture =
                Architecture.of(EncoderType.TINY_CNN, Backbones.DJL, EMBED, HIDDEN, LAYERS, VOCAB);

        assertThatThrownBy(() -> new CaptionNet(architecture, TinyCnn.build(), 1f))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dropout");
    }
}
