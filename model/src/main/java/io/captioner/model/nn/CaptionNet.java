package io.captioner.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.recurrent.LSTM;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The seed's captioning network as one DJL block: a CNN backbone, a Linear + BatchNorm1d projection
 * of its pooled features to the embedding size, and an LSTM decoder that reads the projected image
 * feature as its first time step, then word embeddings, and predicts the next word through a Linear
 * layer over the vocabulary.
 *
 * <p>Training uses {@link #forward} on {@code (pixels, captionIds, imageIndex)}: several captions
 * may share one image, so each image is encoded once and its feature is gathered per caption.
 * Instead of pixels (N, 3, S, S) the first input may be precomputed backbone features (N,
 * featureSize), which is how frozen backbones avoid recomputing the same features every epoch.
 * Decoding uses {@link #startDecoding} and {@link #decodeStep}, which carry the LSTM's {@code (h,
 * c)} states between steps.
 *
 * <p>With the attention decoder ({@link Architecture#attention()}) the projection applies to every
 * location of the encoder's grid, giving (N, cells, embed), and an {@link AttentionDecoder}
 * replaces the LSTM and classifier: {@link #teacherForced} then also returns the attention weights,
 * and the decoding state is {@code (h, c, grid, gridAttention)}.
 */
public final class CaptionNet extends AbstractBlock {

    private static final byte VERSION = 1;

    private final Architecture architecture;
    private final Block backbone;
    private final Linear projection;
    private final BatchNorm projectionNorm;
    private final TokenEmbedding embedding;
    private final LSTM lstm;
    private final Linear classifier;
    private final AttentionDecoder attention;
    private final float dropout;

    /**
     * Assembles the network around a backbone; the backbone may already hold pretrained parameters,
     * which initialization then keeps.
     */
    public CaptionNet(Architecture architecture, Block backbone) {
        this(architecture, backbone, 0f);
    }

    /**
     * Assembles the network with dropout of rate {@code dropout} on the image feature and on the
     * LSTM output during training; it only regularises training and is not part of the saved
     * weights.
     */
    public CaptionNet(Architecture architecture, Block backbone, float dropout) {
        super(VERSION);
        if (!(dropout >= 0f && dropout < 1f)) {
            throw new IllegalArgumentException("dropout must be in [0, 1), was " + dropout);
        }
        this.dropout = dropout;
        this.architecture = architecture;
        this.backbone = addChildBlock("backbone", backbone);
        this.projection =
                addChildBlock(
                        "projection", Linear.builder().setUnits(architecture.embedSize()).build());
        // BatchNorm1d over the feature axis of (N, embed), as in the seed's EncoderCNN.
        this.projectionNorm =
                addChildBlock("projectionNorm", BatchNorm.builder().optAxis(1).build());
        this.embedding =
                addChildBlock(
                        "embedding",
                        new TokenEmbedding(
                                architecture.vocabularySize(), architecture.embedSize()));
        if (architecture.attention()) {
            // Old artifacts (LSTM) keep exactly their child blocks, so their weights load as
            // before.
            this.lstm = null;
            this.classifier = null;
            this.attention =
                    addChildBlock("attention", new AttentionDecoder(architecture, dropout));
            return;
        }
        this.attention = null;
        this.lstm =
                addChildBlock(
                        "lstm",
                        LSTM.builder()
                                .setStateSize(architecture.hiddenSize())
                                .setNumLayers(architecture.layers())
                                .optBatchFirst(true)
                                .optReturnState(true)
                                .build());
        this.classifier =
                addChildBlock(
                        "classifier",
                        Linear.builder().setUnits(architecture.vocabularySize()).build());
    }

    /** The sizes this network was built with. */
    public Architecture architecture() {
        return architecture;
    }

    /** The image backbone, frozen or trainable depending on the encoder. */
    public Block backbone() {
        return backbone;
    }

    /** Whether the backbone's parameters are trained along with the decoder. */
    public boolean backboneTrainable() {
        return architecture.encoderType().trainable();
    }

    /** Input shapes for {@link #initialize}: a batch of images and their caption ids. */
    public Shape[] trainingInputShapes(int images, int captions, int length) {
        int size = architecture.inputSize();
        return new Shape[] {
            new Shape(images, 3, size, size), new Shape(captions, length), new Shape(captions)
        };
    }

    /**
     * Pooled backbone features (N, featureSize) of normalized pixels (N, 3, S, S); a frozen
     * backbone runs in inference mode and its output carries no gradient.
     */
    public NDArray backboneFeatures(ParameterStore ps, NDArray pixels, boolean training) {
        boolean trainBackbone = training && backboneTrainable();
        NDArray features = backbone.forward(ps, new NDList(pixels), trainBackbone).head();
        if (features.getShape().dimension() != 2) {
            features = features.reshape(features.getShape().get(0), -1);
        }
        return trainBackbone ? features : features.stopGradient();
    }

    /**
     * Projects backbone features to the embedding size: Linear then BatchNorm1d, giving (N, embed);
     * with the attention decoder the same per grid location, giving (N, cells, embed).
     */
    public NDArray project(ParameterStore ps, NDArray backboneFeatures, boolean training) {
        if (!architecture.attention()) {
            NDArray projected =
                    projection.forward(ps, new NDList(backboneFeatures), training).head();
            return projectionNorm.forward(ps, new NDList(projected), training).head();
        }
        NDArray grid = grid(backboneFeatures);
        long rows = grid.getShape().get(0);
        long cells = grid.getShape().get(1);
        NDArray projected = projection.forward(ps, new NDList(grid), training).head();
        // BatchNorm1d over the embedding axis, every location of every image one sample.
        NDArray flat = projected.reshape(rows * cells, architecture.embedSize());
        return projectionNorm
                .forward(ps, new NDList(flat), training)
                .head()
                .reshape(rows, cells, architecture.embedSize());
    }

    /**
     * The encoder's grid (N, cells, channels) inside backbone features (N, backboneOutputSize):
     * both the tiny CNN and the ResNet grid store it channel-major first.
     */
    NDArray grid(NDArray backboneFeatures) {
        long rows = backboneFeatures.getShape().get(0);
        int cells = architecture.gridCells();
        int channels = architecture.gridChannels();
        NDArray values = backboneFeatures;
        if (backboneFeatures.getShape().get(1) != (long) cells * channels) {
            values = backboneFeatures.get(":, :{}", cells * channels);
        }
        return values.reshape(rows, channels, cells).transpose(0, 2, 1);
    }

    /**
     * One vector (N, embed) per image from {@link #project}'s output: itself for the LSTM decoder,
     * the mean over the grid for attention.
     */
    public NDArray pooled(NDArray projected) {
        return architecture.attention() ? projected.mean(new int[] {1}) : projected;
    }

    /**
     * Teacher-forced logits (N, L, V): step 0 reads the image feature, step t reads token t-1 of
     * the caption, so the logits at step t score token t (step 0's output is unused).
     *
     * @param projected projected image features (B, embed)
     * @param captionIds padded {@code <start> w.. <end>} ids (N, L), int64
     * @param imageIndex for each caption the row of its image in {@code projected} (N), int64
     */
    public NDArray teacherForcedLogits(
            ParameterStore ps,
            NDArray projected,
            NDArray captionIds,
            NDArray imageIndex,
            boolean training) {
        return teacherForced(ps, projected, captionIds, imageIndex, training).head();
    }

    /**
     * Teacher-forced logits (N, L, V) as {@link #teacherForcedLogits}; with the attention decoder
     * followed by the attention weights (N, L - 1, cells), row t the weights used to predict token
     * t + 1, and step 0's logits are zero (the LSTM decoder's step 0 reads the image instead).
     */
    public NDList teacherForced(
            ParameterStore ps,
            NDArray projected,
            NDArray captionIds,
            NDArray imageIndex,
            boolean training) {
        if (architecture.attention()) {
            return attentionTeacherForced(ps, projected, captionIds, imageIndex, training);
        }
        long length = captionIds.getShape().get(1);
        NDArray perCaption = Embedding.embedding(imageIndex, projected, SparseFormat.DENSE).head();
        if (training && dropout > 0f) {
            perCaption = Dropout.dropout(perCaption, dropout, true).head();
        }
        NDArray words = captionIds.get(":, :{}", length - 1);
        NDArray wordVectors = embedding.forward(ps, new NDList(words), training).head();
        NDArray inputs = perCaption.expandDims(1).concat(wordVectors, 1);
        NDArray hidden = lstm.forward(ps, new NDList(inputs), training).head();
        if (training && dropout > 0f) {
            hidden = Dropout.dropout(hidden, dropout, true).head();
        }
        return new NDList(classifier.forward(ps, new NDList(hidden), training).head());
    }

    private NDList attentionTeacherForced(
            ParameterStore ps,
            NDArray projected,
            NDArray captionIds,
            NDArray imageIndex,
            boolean training) {
        long captions = captionIds.getShape().get(0);
        long length = captionIds.getShape().get(1);
        long cells = projected.getShape().get(1);
        int embed = architecture.embedSize();
        NDArray perCaption =
                Embedding.embedding(
                                imageIndex,
                                projected.reshape(projected.getShape().get(0), cells * embed),
                                SparseFormat.DENSE)
                        .head()
                        .reshape(captions, cells, embed);
        if (training && dropout > 0f) {
            perCaption = Dropout.dropout(perCaption, dropout, true).head();
        }
        NDArray words = captionIds.get(":, :{}", length - 1);
        NDArray wordVectors = embedding.forward(ps, new NDList(words), training).head();
        NDList state = attention.start(ps, perCaption, training);
        NDList logits = new NDList();
        NDList alphas = new NDList();
        logits.add(
                perCaption.getManager().zeros(new Shape(captions, architecture.vocabularySize())));
        for (long t = 0; t < length - 1; t++) {
            NDList out = attention.step(ps, wordVectors.get(":, {}, :", t), state, training);
            logits.add(out.get(0));
            alphas.add(out.get(1));
            state = out.subNDList(2);
        }
        return new NDList(NDArrays.stack(logits, 1), NDArrays.stack(alphas, 1));
    }

    /**
     * Decoding state after reading the projected image features: the LSTM's (h, c) for (N, embed),
     * or {@code (h, c, grid, gridAttention)} for the attention decoder's (N, cells, embed).
     */
    public NDList startDecoding(ParameterStore ps, NDArray projected) {
        if (architecture.attention()) {
            return attention.start(ps, projected, false);
        }
        NDList out = lstm.forward(ps, new NDList(projected.expandDims(1)), false);
        return new NDList(out.get(1), out.get(2));
    }

    /**
     * One decoding step: reads tokens (M) with state (h, c) and returns the next token's
     * log-probabilities (M, V) followed by the new h and c.
     */
    public NDList decodeStep(ParameterStore ps, NDArray tokens, NDList state) {
        if (architecture.attention()) {
            NDArray words = embedding.forward(ps, new NDList(tokens), false).head();
            NDList out = attention.step(ps, words, state, false);
            NDList result = new NDList(out.get(0).logSoftmax(1));
            result.addAll(out.subNDList(2));
            return result;
        }
        NDArray words = embedding.forward(ps, new NDList(tokens.expandDims(1)), false).head();
        NDList out = lstm.forward(ps, new NDList(words, state.get(0), state.get(1)), false);
        NDArray hidden = out.get(0).squeeze(1);
        NDArray logits = classifier.forward(ps, new NDList(hidden), false).head();
        return new NDList(logits.logSoftmax(1), out.get(1), out.get(2));
    }

    /** {@inheritDoc} */
    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        // A 2-D first input holds precomputed backbone features (frozen encoders cache them).
        NDArray first = inputs.get(0);
        NDArray features =
                first.getShape().dimension() == 2 ? first : backboneFeatures(ps, first, training);
        NDArray projected = project(ps, features, training);
        return teacherForced(ps, projected, inputs.get(1), inputs.get(2), training);
    }

    /** {@inheritDoc} */
    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape ids = inputShapes[1];
        Shape logits = new Shape(ids.get(0), ids.get(1), architecture.vocabularySize());
        if (architecture.attention()) {
            return new Shape[] {
                logits, new Shape(ids.get(0), ids.get(1) - 1, architecture.gridCells())
            };
        }
        return new Shape[] {logits};
    }

    /** {@inheritDoc} */
    @Override
    protected void initializeChildBlocks(
            NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape images = inputShapes[0];
        Shape ids = inputShapes[1];
        long batch = images.get(0);
        long captions = ids.get(0);
        backbone.initialize(manager, dataType, images);
        if (architecture.attention()) {
            long cells = architecture.gridCells();
            projection.initialize(
                    manager, dataType, new Shape(batch, cells, architecture.gridChannels()));
            projectionNorm.initialize(
                    manager, dataType, new Shape(batch * cells, architecture.embedSize()));
            embedding.initialize(manager, dataType, ids);
            attention.initialize(
                    manager, dataType, new Shape(captions, cells, architecture.embedSize()));
            if (!backboneTrainable()) {
                backbone.freezeParameters(true);
            }
            return;
        }
        projection.initialize(manager, dataType, new Shape(batch, architecture.featureSize()));
        projectionNorm.initialize(manager, dataType, new Shape(batch, architecture.embedSize()));
        embedding.initialize(manager, dataType, ids);
        lstm.initialize(
                manager, dataType, new Shape(captions, ids.get(1), architecture.embedSize()));
        classifier.initialize(
                manager, dataType, new Shape(captions, ids.get(1), architecture.hiddenSize()));
        if (!backboneTrainable()) {
            backbone.freezeParameters(true);
        }
    }
}
