package io.captioner.model.train;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Adam;
import ai.djl.training.tracker.Tracker;
import io.captioner.model.Captioner;
import io.captioner.model.Devices;
import io.captioner.model.artifact.ModelArtifact;
import io.captioner.model.artifact.ModelManifest;
import io.captioner.model.artifact.TrainingSummary;
import io.captioner.model.data.CaptionedImage;
import io.captioner.model.image.ImagePreprocessor;
import io.captioner.model.nn.Architecture;
import io.captioner.model.nn.Backbones;
import io.captioner.model.nn.CaptionNet;
import io.captioner.model.nn.DecoderType;
import io.captioner.model.nn.EncoderType;
import io.captioner.model.text.Tokenizer;
import io.captioner.model.text.Vocabulary;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.CancellationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a captioner the way the seed does, with its bugs fixed: every (image, caption) pair is one
 * training example (the seed concatenated all captions of an image), teacher forcing with the image
 * feature as the LSTM's first step, cross-entropy over real tokens only (padding masked, like the
 * seed's {@code pack_padded_sequence}), Adam. After each epoch the validation loss (over all
 * validation pairs) decides early stopping, and the weights of the best epoch are kept.
 *
 * <p>An epoch visits every training image once, in a new random order, with {@code
 * captionsPerImage} of its captions (default 1; 0 means all). Captions rotate from epoch to epoch,
 * so with 5 captions per image and the default, every (image, caption) pair has been used after 5
 * epochs. The captions of one image describe the same content, so one caption per image per step
 * gives nearly the same signal at a fifth of the decoder cost. A batch holds {@code batchSize}
 * images; each is encoded once and its feature is shared by its captions in the batch. Frozen
 * backbones run once for the whole dataset, before the first epoch.
 *
 * <p>Beyond the seed: during training only, dropout (default 0.3) on the image feature and the LSTM
 * output; the learning rate drops by 30% after every epoch without validation improvement (Adam
 * starts at the seed's 1e-3); and an auxiliary word-presence loss (weight 0.1) on the projected
 * image feature, predicting which words occur in the image's captions, so the encoder gets a direct
 * gradient for every content word rather than only through the LSTM's first step. Without it the
 * tiny CNN learned colours and sizes but named shapes barely better than chance.
 *
 * <p>Memory stays flat: every batch's arrays live in a sub-manager closed after the batch.
 */
public final class CaptionTrainer {

    private static final Logger LOG = LoggerFactory.getLogger(CaptionTrainer.class);

    /** Longest caption, in words, used for training; longer ones are cut (rare outliers). */
    static final int MAX_CAPTION_WORDS = 40;

    /** Default number of epochs without validation improvement before training stops. */
    public static final int DEFAULT_PATIENCE = 5;

    private final EncoderType encoder;
    private final DecoderType decoder;
    private final float attentionRegularization;
    private final int embedSize;
    private final int hiddenSize;
    private final int layers;
    private final int batchSize;
    private final int captionsPerImage;
    private final int epochs;
    private final float learningRate;
    private final int patience;
    private final float dropout;
    private final float learningRateDecay;
    private final float wordLossWeight;
    private final long seed;
    private final Device device;
    private final Captioner warmStart;
    private final int vocabMinCount;
    private final String modelName;
    private final List<TrainingListener> listeners;
    private final Path encoderWeights;
    private final boolean allowRandomEncoderWeights;

    private CaptionTrainer(Builder b) {
        this.encoder = b.encoder;
        this.decoder = b.decoder;
        this.attentionRegularization = b.attentionRegularization;
        this.embedSize = b.embedSize;
        this.hiddenSize = b.hiddenSize;
        this.layers = b.layers;
        this.batchSize = b.batchSize;
        this.captionsPerImage = b.captionsPerImage;
        this.epochs = b.epochs;
        this.learningRate = b.learningRate;
        this.patience = b.patience;
        this.dropout = b.dropout;
        this.learningRateDecay = b.learningRateDecay;
        this.wordLossWeight = b.wordLossWeight;
        this.seed = b.seed;
        this.device = b.device;
        this.warmStart = b.warmStart;
        this.vocabMinCount = b.vocabMinCount;
        this.modelName = b.modelName;
        this.listeners = List.copyOf(b.listeners);
        this.encoderWeights = b.encoderWeights;
        this.allowRandomEncoderWeights = b.allowRandomEncoderWeights;
    }

    /** Starts configuring a trainer; {@link Builder#setEncoder} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Trains on {@code train} and early-stops on {@code validation} (may be empty: then all epochs
     * run and the last weights are kept). The vocabulary is built from the training captions. The
     * returned captioner owns its native memory: close it.
     *
     * @throws IOException when encoder weights cannot be read
     * @throws IllegalArgumentException when the data is empty or a warm start does not match
     */
    public Captioner train(List<CaptionedImage> train, List<CaptionedImage> validation)
            throws IOException {
        if (train.isEmpty()) {
            throw new IllegalArgumentException("no training images");
        }
        long started = System.nanoTime();
        Engine.getEngine("PyTorch").setRandomSeed((int) seed);
        Random random = new Random(seed);

        List<List<List<String>>> trainTokens = tokenize(train);
        Vocabulary vocabulary =
                Vocabulary.build(
                        () -> trainTokens.stream().flatMap(List::stream).iterator(), vocabMinCount);
        Device target = Devices.resolve(device);
        Model model = Model.newInstance(modelName, target, "PyTorch");
        try {
            Architecture architecture;
            CaptionNet net;
            if (warmStart != null) {
                architecture = checkWarmStart(vocabulary);
                net =
                        new CaptionNet(
                                architecture,
                                Backbones.empty(architecture, model.getNDManager()),
                                dropout);
                load(net, model.getNDManager(), warmStart.weights());
            } else {
                Backbones.Loaded backbone =
                        Backbones.forTraining(
                                encoder,
                                decoder,
                                encoderWeights,
                                allowRandomEncoderWeights,
                                model.getNDManager());
                architecture =
                        Architecture.of(
                                encoder,
                                backbone.format(),
                                embedSize,
                                hiddenSize,
                                layers,
                                vocabulary.size(),
                                decoder);
                net = new CaptionNet(architecture, backbone.block(), dropout);
            }
            // The word-presence head only exists while training: the model holds the bare network
            // again before the captioner is built, so only its parameters are ever saved.
            model.setBlock(wordLossWeight > 0f ? new WordPresenceNet(net) : net);
            ImagePreprocessor preprocessor = ImagePreprocessor.imagenet(architecture.inputSize());
            LOG.info(
                    "training {} on {} images ({} validation), vocabulary {} words, device {}",
                    architecture,
                    train.size(),
                    validation.size(),
                    vocabulary.size(),
                    target);

            TrainingSummary summary;
            PlateauTracker rate = new PlateauTracker(learningRate);
            try (Trainer trainer = model.newTrainer(trainingConfig(target, rate))) {
                trainer.initialize(net.trainingInputShapes(2, 2, 4));
                PreparedSet trainSet =
                        PreparedSet.of(train, trainTokens, vocabulary, preprocessor, net, model);
                PreparedSet validationSet =
                        PreparedSet.of(
                                validation,
                                tokenize(validation),
                                vocabulary,
                                preprocessor,
                                net,
                                model);
                summary = fit(trainer, net, model, trainSet, validationSet, random, started, rate);
            }
            model.setBlock(net);
            ModelManifest manifest =
                    new ModelManifest(
                            ModelArtifact.FORMAT_VERSION,
                            modelName,
                            null,
                            null,
                            architecture,
                            new ModelManifest.Preprocessing(
                                    preprocessor.size(), preprocessor.mean(), preprocessor.std()),
                            vocabulary.words(),
                            summary,
                            Map.of(),
                            null);
            return Captioner.of(model, manifest);
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    private TrainingSummary fit(
            Trainer trainer,
            CaptionNet net,
            Model model,
            PreparedSet trainSet,
            PreparedSet validationSet,
            Random random,
            long started,
            PlateauTracker rate) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < trainSet.size(); i++) {
            order.add(i);
        }
        List<int[]> bounds = batchBounds(trainSet.size(), batchSize);
        int batches = bounds.size();
        double bestValidation = Double.POSITIVE_INFINITY;
        double bestTrain = Double.NaN;
        int bestEpoch = 0;
        byte[] bestWeights = null;
        int epochsRun = 0;
        int sinceBest = 0;
        for (int epoch = 1; epoch <= epochs; epoch++) {
            int currentEpoch = epoch;
            listeners.forEach(l -> l.onEpochStart(currentEpoch, epochs, batches));
            Collections.shuffle(order, random);
            double lossSum = 0;
            double tokenSum = 0;
            for (int b = 0; b < batches; b++) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new CancellationException("training interrupted");
                }
                List<Integer> rows = order.subList(bounds.get(b)[0], bounds.get(b)[1]);
                double[] lossAndTokens =
                        trainBatch(
                                trainer,
                                trainSet.batch(rows, epoch, captionsPerImage),
                                net.architecture().vocabularySize());
                lossSum += lossAndTokens[0] * lossAndTokens[1];
                tokenSum += lossAndTokens[1];
                int batch = b + 1;
                listeners.forEach(l -> l.onBatch(currentEpoch, batch, batches, lossAndTokens[0]));
            }
            double trainLoss = lossSum / tokenSum;
            double validationLoss =
                    validationSet.size() == 0 ? Double.NaN : evaluate(trainer, validationSet);
            epochsRun = epoch;
            // Listeners first: a progress bar ends its line before the log line is written.
            listeners.forEach(l -> l.onEpochEnd(currentEpoch, trainLoss, validationLoss));
            LOG.info(
                    "epoch {}/{}: train loss {}, validation loss {}",
                    epoch,
                    epochs,
                    String.format(Locale.ROOT, "%.4f", trainLoss),
                    String.format(Locale.ROOT, "%.4f", validationLoss));
            if (validationSet.size() == 0) {
                bestEpoch = epoch;
                bestTrain = trainLoss;
                bestValidation = Double.NaN;
                continue;
            }
            if (validationLoss < bestValidation) {
                bestValidation = validationLoss;
                bestTrain = trainLoss;
                bestEpoch = epoch;
                bestWeights = epoch == epochs ? null : serialize(net);
                sinceBest = 0;
            } else if (++sinceBest >= patience) {
                LOG.info(
                        "early stopping after epoch {}: no validation improvement for {} epochs",
                        epoch,
                        patience);
                break;
            } else if (learningRateDecay < 1f) {
                rate.scale(learningRateDecay);
                LOG.info(
                        "no validation improvement: learning rate now {}",
                        String.format(Locale.ROOT, "%.2e", rate.value()));
            }
        }
        if (bestWeights != null && bestEpoch != epochsRun) {
            LOG.info("restoring the weights of epoch {}", bestEpoch);
            load(net, model.getNDManager(), bestWeights);
        }
        return new TrainingSummary(
                epochsRun,
                bestEpoch,
                bestTrain,
                bestValidation,
                trainSet.size(),
                trainSet.pairs(),
                validationSet.size(),
                batchSize,
                captionsPerImage,
                learningRate,
                seed,
                (System.nanoTime() - started) / 1e9);
    }

    /**
     * Batch boundaries [from, to) over {@code size} images: consecutive batches of {@code
     * batchSize}, except that a last batch of a single image joins the one before it, because
     * BatchNorm in training mode cannot normalise one value per channel (65 images at 16 gave a
     * final batch of 1 and crashed).
     */
    static List<int[]> batchBounds(int size, int batchSize) {
        List<int[]> bounds = new ArrayList<>();
        for (int from = 0; from < size; from += batchSize) {
            bounds.add(new int[] {from, Math.min(size, from + batchSize)});
        }
        int last = bounds.size() - 1;
        if (last > 0 && bounds.get(last)[1] - bounds.get(last)[0] == 1) {
            bounds.get(last - 1)[1] = size;
            bounds.remove(last);
        }
        return bounds;
    }

    private double[] trainBatch(Trainer trainer, PreparedBatch batch, int vocabularySize) {
        try (NDManager scope = trainer.getManager().newSubManager()) {
            NDList inputs = batch.inputs(scope);
            try (GradientCollector collector = trainer.newGradientCollector()) {
                NDList outputs = trainer.forward(inputs);
                NDArray[] lossAndTokens = maskedCrossEntropy(outputs.head(), inputs.get(1));
                NDArray objective = lossAndTokens[0];
                if (wordLossWeight > 0f) {
                    NDArray targets = batch.wordTargets(scope, vocabularySize);
                    objective =
                            objective.add(
                                    WordPresenceNet.loss(outputs.get(1), targets)
                                            .mul(wordLossWeight));
                }
                if (decoder == DecoderType.ATTENTION && attentionRegularization > 0f) {
                    NDArray alphas = outputs.get(outputs.size() - 1);
                    objective =
                            objective.add(
                                    doublyStochastic(alphas, inputs.get(1))
                                            .mul(attentionRegularization));
                }
                collector.backward(objective);
                double loss = lossAndTokens[0].getFloat();
                double tokens = lossAndTokens[1].getFloat();
                trainer.step();
                return new double[] {loss, tokens};
            }
        }
    }

    private double evaluate(Trainer trainer, PreparedSet set) {
        double lossSum = 0;
        double tokenSum = 0;
        for (int from = 0; from < set.size(); from += batchSize) {
            List<Integer> rows = new ArrayList<>();
            for (int i = from; i < Math.min(set.size(), from + batchSize); i++) {
                rows.add(i);
            }
            PreparedBatch batch = set.batch(rows, 1, 0);
            try (NDManager scope = trainer.getManager().newSubManager()) {
                NDList inputs = batch.inputs(scope);
                NDArray logits = trainer.evaluate(inputs).head();
                NDArray[] lossAndTokens = maskedCrossEntropy(logits, inputs.get(1));
                double tokens = lossAndTokens[1].getFloat();
                lossSum += lossAndTokens[0].getFloat() * tokens;
                tokenSum += tokens;
            }
        }
        return lossSum / tokenSum;
    }

    /**
     * The doubly stochastic attention penalty of Show, Attend and Tell: for every caption and grid
     * location, {@code (1 - sum over the caption's real steps of alpha)^2}, averaged over captions
     * and locations, so that over a caption the model looks at every part of the image.
     *
     * @param alphas attention weights (N, L - 1, cells), row t predicting token t + 1
     * @param ids the padded caption ids (N, L)
     */
    static NDArray doublyStochastic(NDArray alphas, NDArray ids) {
        NDArray real =
                ids.get(":, 1:")
                        .neq(Vocabulary.PAD_ID)
                        .toType(DataType.FLOAT32, false)
                        .expandDims(2);
        NDArray perLocation = alphas.mul(real).sum(new int[] {1});
        return perLocation.neg().add(1f).square().mean();
    }

    /**
     * Mean cross-entropy over real tokens: logits at step t score caption token t for t >= 1;
     * padding is masked out. Returns the loss and the number of scored tokens.
     */
    static NDArray[] maskedCrossEntropy(NDArray logits, NDArray ids) {
        NDArray targets = ids.get(":, 1:");
        NDArray logProbs = logits.get(":, 1:, :").logSoftmax(2);
        NDArray picked = logProbs.gather(targets.expandDims(2), 2).squeeze(2);
        NDArray mask = targets.neq(Vocabulary.PAD_ID).toType(DataType.FLOAT32, false);
        NDArray tokens = mask.sum();
        return new NDArray[] {picked.mul(mask).sum().neg().div(tokens), tokens};
    }

    private DefaultTrainingConfig trainingConfig(Device target, Tracker rate) {
        // The loss object is required by DJL's Trainer; the masked loss above is used instead.
        return new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                .optOptimizer(Adam.builder().optLearningRateTracker(rate).optClipGrad(5f).build())
                .optDevices(new Device[] {target});
    }

    private Architecture checkWarmStart(Vocabulary vocabulary) {
        Architecture old = warmStart.architecture();
        if (!old.encoder().equals(encoder.id())
                || old.decoderType() != decoder
                || old.embedSize() != embedSize
                || old.hiddenSize() != hiddenSize
                || old.layers() != layers) {
            throw new IllegalArgumentException(
                    "warm start model has a different architecture: "
                            + old
                            + " but the trainer is configured for encoder="
                            + encoder.id()
                            + ", decoder="
                            + decoder.id()
                            + ", embedSize="
                            + embedSize
                            + ", hiddenSize="
                            + hiddenSize
                            + ", layers="
                            + layers);
        }
        List<String> oldWords = warmStart.vocabulary().words();
        List<String> newWords = vocabulary.words();
        if (!oldWords.equals(newWords)) {
            int i = 0;
            while (i < oldWords.size()
                    && i < newWords.size()
                    && oldWords.get(i).equals(newWords.get(i))) {
                i++;
            }
            throw new IllegalArgumentException(
                    "warm start model's vocabulary ("
                            + oldWords.size()
                            + " words) differs from the training data's ("
                            + newWords.size()
                            + " words), first at index "
                            + i
                            + ": "
                            + (i < oldWords.size() ? "'" + oldWords.get(i) + "'" : "none")
                            + " vs "
                            + (i < newWords.size() ? "'" + newWords.get(i) + "'" : "none"));
        }
        return old;
    }

    private static List<List<List<String>>> tokenize(List<CaptionedImage> images) {
        List<List<List<String>>> out = new ArrayList<>(images.size());
        for (CaptionedImage image : images) {
            List<List<String>> captions = new ArrayList<>();
            for (String caption : image.captions()) {
                List<String> tokens = Tokenizer.tokenize(caption);
                if (tokens.size() > MAX_CAPTION_WORDS) {
                    tokens = tokens.subList(0, MAX_CAPTION_WORDS);
                }
                captions.add(tokens);
            }
            out.add(captions);
        }
        return out;
    }

    private static byte[] serialize(CaptionNet net) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
            net.saveParameters(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static void load(CaptionNet net, NDManager manager, byte[] weights) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(weights))) {
            net.loadParameters(manager, in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (MalformedModelException e) {
            throw new IllegalStateException("cannot restore weights", e);
        }
    }

    /** Configures a {@link CaptionTrainer}; defaults follow the seed (embed 256, hidden 512). */
    public static final class Builder {
        private EncoderType encoder;
        private DecoderType decoder = DecoderType.LSTM;
        private float attentionRegularization = 1f;
        private int embedSize = 256;
        private int hiddenSize = 512;
        private int layers = 1;
        private int batchSize = 16;
        private int captionsPerImage = 1;
        private int epochs = 30;
        private float learningRate = 1e-3f;
        private int patience = DEFAULT_PATIENCE;
        private float dropout = 0.3f;
        private float learningRateDecay = 0.7f;
        private float wordLossWeight = 0.1f;
        private long seed = 42;
        private Device device;
        private Captioner warmStart;
        private int vocabMinCount = 1;
        private String modelName = "captioner";
        private final List<TrainingListener> listeners = new ArrayList<>();
        private Path encoderWeights;
        private boolean allowRandomEncoderWeights;

        private Builder() {}

        /** Sets the encoder by name: {@code tiny-cnn}, {@code resnet18} or {@code resnet50}. */
        public Builder setEncoder(String encoderId) {
            this.encoder = EncoderType.fromId(encoderId);
            return this;
        }

        /** Sets the encoder. */
        public Builder setEncoder(EncoderType encoderType) {
            this.encoder = Objects.requireNonNull(encoderType, "encoder");
            return this;
        }

        /** Sets the decoder by name: {@code lstm} (default) or {@code attention}. */
        public Builder optDecoder(String decoderId) {
            this.decoder = DecoderType.fromId(decoderId);
            return this;
        }

        /** Sets the decoder, default {@link DecoderType#LSTM}. */
        public Builder optDecoder(DecoderType decoderType) {
            this.decoder = Objects.requireNonNull(decoderType, "decoder");
            return this;
        }

        /**
         * Weight of the attention decoder's doubly stochastic regularisation (Show, Attend and
         * Tell's lambda), default 1; 0 turns it off. Ignored by the LSTM decoder.
         */
        public Builder optAttentionRegularization(double weight) {
            this.attentionRegularization = (float) weight;
            return this;
        }

        /** Word embedding (and projected image feature) size, default 256. */
        public Builder optEmbedSize(int size) {
            this.embedSize = size;
            return this;
        }

        /** LSTM hidden size, default 512. */
        public Builder optHiddenSize(int size) {
            this.hiddenSize = size;
            return this;
        }

        /** Stacked LSTM layers, default 1. */
        public Builder optLayers(int count) {
            this.layers = count;
            return this;
        }

        /** Images per batch, each with all its captions, default 16. */
        public Builder optBatchSize(int images) {
            this.batchSize = images;
            return this;
        }

        /**
         * Captions per image and epoch, rotating between epochs; 0 uses every caption in every
         * epoch. Default 1.
         */
        public Builder optCaptionsPerImage(int count) {
            this.captionsPerImage = count;
            return this;
        }

        /**
         * Maximum number of epochs, default 30 (about 13 s each for 2000 synthetic images on one
         * CPU core).
         */
        public Builder optEpochs(int count) {
            this.epochs = count;
            return this;
        }

        /** Adam learning rate, default 1e-3. */
        public Builder optLearningRate(double rate) {
            this.learningRate = (float) rate;
            return this;
        }

        /**
         * Epochs without validation improvement before stopping, default {@value
         * #DEFAULT_PATIENCE}.
         */
        public Builder optPatience(int epochsWithoutImprovement) {
            this.patience = epochsWithoutImprovement;
            return this;
        }

        /**
         * Dropout rate on the image feature and on the LSTM output during training, default 0.3; 0
         * turns it off.
         */
        public Builder optDropout(double rate) {
            this.dropout = (float) rate;
            return this;
        }

        /**
         * Factor applied to the learning rate after each epoch without validation improvement,
         * default 0.7; 1 keeps the rate constant.
         */
        public Builder optLearningRateDecay(double factor) {
            this.learningRateDecay = (float) factor;
            return this;
        }

        /**
         * Weight of the auxiliary word-presence loss added to the captioning loss, default 0.1; 0
         * trains on the captioning loss alone. A training-only Linear head on the projected image
         * feature predicts which vocabulary words occur in the image's captions (summed binary
         * cross-entropy per image), which gives the encoder a direct gradient for every content
         * word; the head is not saved.
         */
        public Builder optWordLossWeight(double weight) {
            this.wordLossWeight = (float) weight;
            return this;
        }

        /** Seed for initialization and shuffling, default 42. */
        public Builder optSeed(long value) {
            this.seed = value;
            return this;
        }

        /** Device to train on; default chosen by {@link Devices#resolve}. */
        public Builder optDevice(Device value) {
            this.device = value;
            return this;
        }

        /**
         * Continues from an existing model's weights; its architecture and vocabulary must equal
         * what this configuration and the training data give.
         */
        public Builder optWarmStart(Captioner model) {
            this.warmStart = model;
            return this;
        }

        /** Minimum count for a word to enter the vocabulary, default 1 (as in the seed). */
        public Builder optVocabMinCount(int count) {
            this.vocabMinCount = count;
            return this;
        }

        /** Model name recorded in the manifest, default {@code captioner}. */
        public Builder optModelName(String name) {
            this.modelName = name;
            return this;
        }

        /** Adds a progress listener. */
        public Builder optListener(TrainingListener listener) {
            this.listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** Pretrained backbone weights for ResNet encoders (see {@link Backbones}). */
        public Builder optEncoderWeights(Path file) {
            this.encoderWeights = file;
            return this;
        }

        /**
         * Allows a ResNet encoder with random frozen weights (benchmarks, tests); captions from
         * such a model are meaningless, and a warning says so.
         */
        public Builder optAllowRandomEncoderWeights(boolean allow) {
            this.allowRandomEncoderWeights = allow;
            return this;
        }

        /** Validates the configuration and builds the trainer. */
        public CaptionTrainer build() {
            if (encoder == null) {
                throw new IllegalArgumentException("encoder is required (setEncoder)");
            }
            requirePositive("embedSize", embedSize);
            requirePositive("hiddenSize", hiddenSize);
            requirePositive("layers", layers);
            requirePositive("batchSize", batchSize);
            requirePositive("epochs", epochs);
            if (captionsPerImage < 0) {
                throw new IllegalArgumentException(
                        "captionsPerImage must be >= 0 (0 = all), was " + captionsPerImage);
            }
            requirePositive("patience", patience);
            if (!(dropout >= 0f && dropout < 1f)) {
                throw new IllegalArgumentException("dropout must be in [0, 1), was " + dropout);
            }
            if (!(learningRateDecay > 0f && learningRateDecay <= 1f)) {
                throw new IllegalArgumentException(
                        "learningRateDecay must be in (0, 1], was " + learningRateDecay);
            }
            if (!(wordLossWeight >= 0f) || Float.isInfinite(wordLossWeight)) {
                throw new IllegalArgumentException(
                        "wordLossWeight must be finite and >= 0, was " + wordLossWeight);
            }
            requirePositive("vocabMinCount", vocabMinCount);
            if (!(attentionRegularization >= 0f) || Float.isInfinite(attentionRegularization)) {
                throw new IllegalArgumentException(
                        "attentionRegularization must be finite and >= 0, was "
                                + attentionRegularization);
            }
            if (!(learningRate > 0f)) {
                throw new IllegalArgumentException("learningRate must be positive");
            }
            if (modelName == null || modelName.isBlank()) {
                throw new IllegalArgumentException("modelName must not be blank");
            }
            if (warmStart != null && encoderWeights != null) {
                throw new IllegalArgumentException(
                        "a warm start brings its own encoder weights; do not set both");
            }
            return new CaptionTrainer(this);
        }

        private static void requirePositive(String name, int value) {
            if (value <= 0) {
                throw new IllegalArgumentException(name + " must be positive, was " + value);
            }
        }
    }
}
