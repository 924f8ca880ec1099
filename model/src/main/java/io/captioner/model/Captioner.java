package io.captioner.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.captioner.model.artifact.ModelArtifact;
import io.captioner.model.artifact.ModelArtifactException;
import io.captioner.model.artifact.ModelManifest;
import io.captioner.model.image.ImagePreprocessor;
import io.captioner.model.nn.Architecture;
import io.captioner.model.nn.Backbones;
import io.captioner.model.nn.CaptionNet;
import io.captioner.model.nn.CaptionStepModel;
import io.captioner.model.search.BeamSearch;
import io.captioner.model.search.GreedySearch;
import io.captioner.model.search.Hypothesis;
import io.captioner.model.search.SearchConfig;
import io.captioner.model.search.StepModel;
import io.captioner.model.text.Vocabulary;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A loaded, ready-to-serve captioning model: image preprocessing, network, vocabulary and manifest
 * together, loaded from and saved to a single artifact file.
 *
 * <p>{@link #caption} is thread-safe: each call works in its own NDManager scope, which it closes
 * before returning, and inference never changes the network. Close the captioner to release the
 * native memory of its weights.
 */
public final class Captioner implements AutoCloseable {

    /** Images decoded per forward pass; bounds memory for large requests. */
    static final int MAX_BATCH = 32;

    private final Model model;
    private final CaptionNet net;
    private final Vocabulary vocabulary;
    private final ImagePreprocessor preprocessor;
    private volatile ModelManifest manifest;

    private Captioner(Model model, CaptionNet net, ModelManifest manifest) {
        this.model = model;
        this.net = net;
        this.manifest = manifest;
        this.vocabulary = Vocabulary.fromWords(manifest.vocabulary());
        ModelManifest.Preprocessing p = manifest.preprocessing();
        this.preprocessor = new ImagePreprocessor(p.inputSize(), p.mean(), p.std());
        if (vocabulary.size() != net.architecture().vocabularySize()) {
            throw new IllegalArgumentException(
                    "vocabulary has "
                            + vocabulary.size()
                            + " words but the network predicts "
                            + net.architecture().vocabularySize());
        }
    }

    /**
     * Wraps a freshly trained network (the block of {@code model}); takes ownership of the model.
     * The manifest's version and checksum are set from the current weights.
     */
    public static Captioner of(Model model, ModelManifest manifest) {
        if (!(model.getBlock() instanceof CaptionNet net)) {
            throw new IllegalArgumentException("the model's block is not a CaptionNet");
        }
        String sha = ModelArtifact.sha256(serialize(net));
        Instant now = Instant.now();
        return new Captioner(
                model,
                net,
                manifest.withIdentity(ModelArtifact.version(now, sha), now.toString(), sha));
    }

    /** Loads an artifact onto the automatically chosen device (see {@link Devices}). */
    public static Captioner load(Path artifactFile) throws IOException {
        return load(artifactFile, null);
    }

    /**
     * Loads an artifact onto {@code device}; fails with {@link ModelArtifactException} on an
     * unknown format version, a checksum mismatch or inconsistent contents.
     */
    public static Captioner load(Path artifactFile, Device device) throws IOException {
        ModelArtifact.Contents contents = ModelArtifact.read(artifactFile);
        ModelManifest manifest = contents.manifest();
        Architecture architecture = manifest.architecture();
        Model model = Model.newInstance(manifest.name(), Devices.resolve(device), "PyTorch");
        try {
            Block backbone = Backbones.empty(architecture, model.getNDManager());
            CaptionNet net = new CaptionNet(architecture, backbone);
            model.setBlock(net);
            try (DataInputStream in =
                    new DataInputStream(new ByteArrayInputStream(contents.weights()))) {
                net.loadParameters(model.getNDManager(), in);
            }
            return new Captioner(model, net, manifest);
        } catch (MalformedModelException | IOException | RuntimeException e) {
            model.close();
            if (e instanceof ModelArtifactException m) {
                throw m;
            }
            throw new ModelArtifactException(
                    "cannot load the weights in " + artifactFile + ": " + e.getMessage(), e);
        }
    }

    /**
     * Saves this model as one artifact file. The version stays the same as long as the weights do,
     * so saving twice yields the same model version.
     */
    public void save(Path artifactFile) throws IOException {
        byte[] weights = serialize(net);
        String sha = ModelArtifact.sha256(weights);
        ModelManifest current = manifest;
        if (!sha.equals(current.weightsSha256())) {
            Instant now = Instant.now();
            current = current.withIdentity(ModelArtifact.version(now, sha), now.toString(), sha);
            manifest = current;
        }
        ModelArtifact.write(artifactFile, current, weights);
    }

    /** Name, version, architecture, training summary and metrics of this model. */
    public ModelManifest manifest() {
        return manifest;
    }

    /**
     * Records evaluation metrics (merged, same names replaced) so the next {@link #save} stores
     * them; returns this captioner for chaining.
     */
    public Captioner withMetrics(Map<String, Double> metrics) {
        manifest = manifest.withMetrics(metrics);
        return this;
    }

    /** The vocabulary the model decodes with. */
    public Vocabulary vocabulary() {
        return vocabulary;
    }

    /** The network's sizes and encoder. */
    public Architecture architecture() {
        return net.architecture();
    }

    /** The image preprocessing this model expects. */
    public ImagePreprocessor preprocessor() {
        return preprocessor;
    }

    /** Device the weights live on. */
    public Device device() {
        return model.getNDManager().getDevice();
    }

    /** The underlying network, for training and benchmarks. */
    public CaptionNet network() {
        return net;
    }

    /**
     * A new NDManager on the model's device, for callers that run {@link #network()} directly
     * (tests, benchmarks); close it to free what was computed in it.
     */
    public NDManager newScope() {
        return model.getNDManager().newSubManager();
    }

    /** The weights in DJL's parameter format, as stored in artifacts. */
    public byte[] weights() {
        return serialize(net);
    }

    /** Captions one image. */
    public CaptionResult caption(BufferedImage image, DecodingOptions options) {
        return caption(List.of(image), options).get(0);
    }

    /**
     * Captions images in batches, one result per image in order; {@code beamSize == 1} decodes
     * greedily, larger values run beam search and may return alternatives.
     */
    public List<CaptionResult> caption(List<BufferedImage> images, DecodingOptions options) {
        Objects.requireNonNull(options, "options");
        List<CaptionResult> results = new ArrayList<>(images.size());
        for (int from = 0; from < images.size(); from += MAX_BATCH) {
            List<BufferedImage> batch =
                    images.subList(from, Math.min(images.size(), from + MAX_BATCH));
            results.addAll(captionBatch(batch, options));
        }
        return results;
    }

    private List<CaptionResult> captionBatch(List<BufferedImage> images, DecodingOptions options) {
        try (NDManager scope = model.getNDManager().newSubManager()) {
            ParameterStore ps = new ParameterStore(scope, false);
            NDArray pixels = preprocessor.toTensorFromImages(scope, images);
            return captionPixels(ps, pixels, options);
        }
    }

    /**
     * Encodes normalized pixels (N, 3, size, size) and decodes one caption per image; every array
     * it creates belongs to the parameter store's manager, so the caller frees them with its scope.
     */
    List<CaptionResult> captionPixels(ParameterStore ps, NDArray pixels, DecodingOptions options) {
        Objects.requireNonNull(options, "options");
        NDArray encoded = net.project(ps, net.backboneFeatures(ps, pixels, false), false);
        StepModel stepModel = new CaptionStepModel(net, ps, Vocabulary.START_ID);
        SearchConfig config =
                new SearchConfig(
                        Vocabulary.END_ID,
                        new int[] {Vocabulary.PAD_ID, Vocabulary.START_ID},
                        options.maxLength());
        int count = Math.toIntExact(pixels.getShape().get(0));
        List<CaptionResult> results = new ArrayList<>(count);
        if (options.beamSize() == 1) {
            for (Hypothesis h : GreedySearch.search(stepModel, encoded, config)) {
                results.add(toResult(h, List.of()));
            }
        } else {
            List<List<Hypothesis>> beams =
                    BeamSearch.search(
                            stepModel,
                            encoded,
                            config,
                            options.beamSize(),
                            options.lengthNormalizationAlpha());
            for (List<Hypothesis> ranked : beams) {
                List<CaptionResult> alternatives = new ArrayList<>();
                for (int i = 1; i <= options.alternatives() && i < ranked.size(); i++) {
                    alternatives.add(toResult(ranked.get(i), List.of()));
                }
                results.add(toResult(ranked.get(0), alternatives));
            }
        }
        return results;
    }

    /**
     * Per word of each caption, the attention decoder's weights over the encoder grid when it
     * predicted that word, recomputed by teacher forcing the caption (the same computation as
     * decoding it), so it works for greedy and beam captions alike.
     *
     * @throws IllegalStateException when the model uses the LSTM decoder, which has no attention
     * @throws IllegalArgumentException when the lists differ in length
     */
    public List<AttentionMap> attention(List<BufferedImage> images, List<CaptionResult> captions) {
        if (!net.architecture().attention()) {
            throw new IllegalStateException(
                    "the model uses the "
                            + net.architecture().decoder()
                            + " decoder, which has no attention weights");
        }
        if (images.size() != captions.size()) {
            throw new IllegalArgumentException(
                    images.size() + " images but " + captions.size() + " captions");
        }
        int cells = net.architecture().gridCells();
        int side = (int) Math.round(Math.sqrt(cells));
        List<AttentionMap> maps = new ArrayList<>(images.size());
        for (int from = 0; from < images.size(); from += MAX_BATCH) {
            int to = Math.min(images.size(), from + MAX_BATCH);
            try (NDManager scope = model.getNDManager().newSubManager()) {
                ParameterStore ps = new ParameterStore(scope, false);
                NDArray pixels = preprocessor.toTensorFromImages(scope, images.subList(from, to));
                NDArray projected = net.project(ps, net.backboneFeatures(ps, pixels, false), false);
                for (int i = from; i < to; i++) {
                    List<String> words = captions.get(i).tokens();
                    int[] ids = vocabulary.encodeCaption(words);
                    long[] longIds = new long[ids.length];
                    for (int j = 0; j < ids.length; j++) {
                        longIds[j] = ids[j];
                    }
                    NDArray alphas =
                            net.teacherForced(
                                            ps,
                                            projected.get("{}:{}", i - from, i - from + 1),
                                            scope.create(longIds, new Shape(1, ids.length)),
                                            scope.create(new long[] {0}),
                                            false)
                                    .get(1);
                    float[] flat = alphas.toFloatArray();
                    List<float[]> weights = new ArrayList<>(words.size());
                    for (int w = 0; w < words.size(); w++) {
                        float[] row = new float[cells];
                        System.arraycopy(flat, w * cells, row, 0, cells);
                        weights.add(row);
                    }
                    maps.add(new AttentionMap(side, side, words, weights));
                }
            }
        }
        return maps;
    }

    /**
     * Opens a per-thread inference context on this model (see {@link CaptionerSession}); serving
     * code keeps one per inference thread instead of sharing this object's scope handling.
     */
    public CaptionerSession newSession() {
        return new CaptionerSession(this, model.getNDManager());
    }

    private CaptionResult toResult(Hypothesis hypothesis, List<CaptionResult> alternatives) {
        List<String> words = vocabulary.decode(hypothesis.words());
        return new CaptionResult(
                String.join(" ", words), words, hypothesis.logProbability(), alternatives);
    }

    /** Releases the weights' native memory. */
    @Override
    public void close() {
        model.close();
    }

    private static byte[] serialize(Block block) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            block.saveParameters(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialize weights", e);
        }
        return bytes.toByteArray();
    }
}
