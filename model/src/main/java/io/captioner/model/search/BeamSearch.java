package io.captioner.model.search;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Batched beam search over all rows and beams at once: each step scores the (rows x beams x V)
 * extensions in one tensor and keeps the {@code k} best per row. A hypothesis that emitted {@code
 * <end>} stays in the beam unchanged (its only extension costs nothing), so it competes with longer
 * ones on total log-probability; the final ranking divides by {@code length^alpha}.
 */
public final class BeamSearch {

    private BeamSearch() {}

    /**
     * Decodes every row of {@code encoded} with beam width {@code beamSize}; returns per row up to
     * {@code beamSize} hypotheses, best ranking score first.
     */
    public static List<List<Hypothesis>> search(
            StepModel model,
            NDArray encoded,
            SearchConfig config,
            int beamSize,
            double lengthNormalizationAlpha) {
        if (beamSize < 1) {
            throw new IllegalArgumentException("beamSize must be >= 1, was " + beamSize);
        }
        NDManager manager = encoded.getManager();
        int rows = Math.toIntExact(encoded.getShape().get(0));
        int k = beamSize;
        int width = rows * k;
        int vocabularySize = model.vocabularySize();
        int end = config.endToken();
        NDArray ban = SearchSupport.banRow(manager, vocabularySize, config);
        Shape grid = new Shape(width, vocabularySize);
        NDArray finishedRows =
                SearchSupport.onlyTokenRow(manager, vocabularySize, end).broadcast(grid);

        NDList first = model.start(encoded);
        long[] replicate = new long[width];
        for (int i = 0; i < width; i++) {
            replicate[i] = i / k;
        }
        NDArray replicateRows = manager.create(replicate);
        NDArray logProbs = SearchSupport.takeRows(first.get(0), replicateRows);
        NDList state = model.selectRows(first.subNDList(1), replicateRows);

        int[][] tokens = new int[width][config.maxLength()];
        int[] lengths = new int[width];
        boolean[] finished = new boolean[width];
        float[] scores = new float[width];
        // Only beam 0 of each row is alive at first, so the first step picks k distinct tokens.
        for (int i = 0; i < width; i++) {
            scores[i] = i % k == 0 ? 0f : Float.NEGATIVE_INFINITY;
        }

        for (int step = 0; step < config.maxLength(); step++) {
            NDArray done = manager.create(finished).reshape(width, 1).broadcast(grid);
            NDArray stepLogProbs = NDArrays.where(done, finishedRows, logProbs.add(ban));
            NDArray candidates =
                    stepLogProbs
                            .add(manager.create(scores).reshape(width, 1))
                            .reshape(rows, (long) k * vocabularySize);
            NDList top = candidates.topK(k, 1, true, true);
            float[] topScores = top.get(0).toFloatArray();
            long[] topIndices = top.get(1).toLongArray();

            int[][] nextTokens = new int[width][];
            int[] nextLengths = new int[width];
            boolean[] nextFinished = new boolean[width];
            long[] sources = new long[width];
            long[] fed = new long[width];
            boolean allDone = true;
            for (int pos = 0; pos < width; pos++) {
                int row = pos / k;
                int source = row * k + (int) (topIndices[pos] / vocabularySize);
                int token = (int) (topIndices[pos] % vocabularySize);
                sources[pos] = source;
                nextTokens[pos] = tokens[source].clone();
                nextLengths[pos] = lengths[source];
                nextFinished[pos] = finished[source];
                if (!finished[source]) {
                    nextTokens[pos][nextLengths[pos]++] = token;
                    nextFinished[pos] = token == end;
                }
                fed[pos] = token;
                allDone &= nextFinished[pos] || topScores[pos] == Float.NEGATIVE_INFINITY;
            }
            tokens = nextTokens;
            lengths = nextLengths;
            finished = nextFinished;
            scores = topScores;
            if (allDone || step == config.maxLength() - 1) {
                break;
            }
            NDList selected = model.selectRows(state, manager.create(sources));
            NDList out = model.next(manager.create(fed), selected);
            logProbs = out.get(0);
            state = out.subNDList(1);
        }

        List<List<Hypothesis>> result = new ArrayList<>(rows);
        for (int row = 0; row < rows; row++) {
            List<Hypothesis> beams = new ArrayList<>(k);
            for (int j = 0; j < k; j++) {
                int pos = row * k + j;
                if (scores[pos] == Float.NEGATIVE_INFINITY) {
                    continue;
                }
                double score =
                        SearchSupport.normalize(
                                scores[pos], lengths[pos], lengthNormalizationAlpha);
                beams.add(
                        new Hypothesis(
                                Arrays.copyOf(tokens[pos], lengths[pos]),
                                scores[pos],
                                score,
                                finished[pos]));
            }
            beams.sort(Comparator.comparingDouble(Hypothesis::score).reversed());
            result.add(beams);
        }
        return result;
    }
}
