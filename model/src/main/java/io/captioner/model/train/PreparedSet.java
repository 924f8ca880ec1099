package io.captioner.model.train;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.captioner.model.data.CaptionedImage;
import io.captioner.model.image.ImagePreprocessor;
import io.captioner.model.nn.CaptionNet;
import io.captioner.model.text.Vocabulary;
import java.util.ArrayList;
import java.util.List;

/**
 * Images turned into encoder input once (resized RGB bytes, or backbone features for frozen
 * encoders) with their encoded captions.
 */
final class PreparedSet {

    /** Images per backbone pass when features of a frozen encoder are computed once. */
    private static final int FEATURE_BATCH = 16;

    private final List<byte[]> pixels;
    private final List<float[]> features;
    final List<int[][]> captions;
    private final ImagePreprocessor preprocessor;
    private final int featureSize;
    private final int pairs;

    private PreparedSet(
            List<byte[]> pixels,
            List<float[]> features,
            List<int[][]> captions,
            ImagePreprocessor preprocessor,
            int featureSize) {
        this.pixels = pixels;
        this.features = features;
        this.captions = captions;
        this.preprocessor = preprocessor;
        this.featureSize = featureSize;
        this.pairs = captions.stream().mapToInt(c -> c.length).sum();
    }

    static PreparedSet of(
            List<CaptionedImage> images,
            List<List<List<String>>> tokens,
            Vocabulary vocabulary,
            ImagePreprocessor preprocessor,
            CaptionNet net,
            Model model) {
        List<int[][]> captions = new ArrayList<>(images.size());
        for (List<List<String>> imageTokens : tokens) {
            int[][] encoded = new int[imageTokens.size()][];
            for (int i = 0; i < encoded.length; i++) {
                encoded[i] = vocabulary.encodeCaption(imageTokens.get(i));
            }
            captions.add(encoded);
        }
        List<byte[]> pixels = new ArrayList<>(images.size());
        for (CaptionedImage image : images) {
            pixels.add(preprocessor.resize(image.image()));
        }
        int featureSize = net.architecture().backboneOutputSize();
        if (net.backboneTrainable()) {
            return new PreparedSet(pixels, null, captions, preprocessor, featureSize);
        }
        List<float[]> features = new ArrayList<>(images.size());
        ParameterStore ps = new ParameterStore(model.getNDManager(), false);
        for (int from = 0; from < pixels.size(); from += FEATURE_BATCH) {
            List<byte[]> chunk =
                    pixels.subList(from, Math.min(pixels.size(), from + FEATURE_BATCH));
            try (NDManager scope = model.getNDManager().newSubManager()) {
                NDArray batch =
                        net.backboneFeatures(ps, preprocessor.toTensor(scope, chunk), false);
                float[] flat = batch.toFloatArray();
                for (int i = 0; i < chunk.size(); i++) {
                    float[] row = new float[featureSize];
                    System.arraycopy(flat, i * featureSize, row, 0, featureSize);
                    features.add(row);
                }
            }
        }
        return new PreparedSet(null, features, captions, preprocessor, featureSize);
    }

    int size() {
        return captions.size();
    }

    int pairs() {
        return pairs;
    }

    /**
     * The images of {@code rows} with {@code perImage} captions each (0: all), rotating by epoch
     * and starting at a per-image offset so all captions get used.
     */
    PreparedBatch batch(List<Integer> rows, int epoch, int perImage) {
        List<int[][]> selected = new ArrayList<>(rows.size());
        for (int row : rows) {
            int[][] all = captions.get(row);
            if (perImage == 0 || perImage >= all.length) {
                selected.add(all);
                continue;
            }
            int[][] some = new int[perImage][];
            for (int j = 0; j < perImage; j++) {
                int index = ((epoch - 1) * perImage + j + row) % all.length;
                some[j] = all[index];
            }
            selected.add(some);
        }
        return new PreparedBatch(this, CaptionBatch.of(rows, selected));
    }

    NDList inputs(NDManager scope, CaptionBatch batch) {
        NDArray images;
        if (features == null) {
            List<byte[]> selected = new ArrayList<>();
            for (int row : batch.imageRows()) {
                selected.add(pixels.get(row));
            }
            images = preprocessor.toTensor(scope, selected);
        } else {
            float[] flat = new float[batch.imageRows().size() * featureSize];
            int i = 0;
            for (int row : batch.imageRows()) {
                System.arraycopy(features.get(row), 0, flat, i * featureSize, featureSize);
                i++;
            }
            images = scope.create(flat, new Shape(batch.imageRows().size(), featureSize));
        }
        NDArray ids = scope.create(batch.ids(), new Shape(batch.captions(), batch.length()));
        NDArray imageIndex = scope.create(batch.imageIndex(), new Shape(batch.captions()));
        return new NDList(images, ids, imageIndex);
    }
}
