package io.captioner.model.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.captioner.model.text.Vocabulary;
import java.util.List;

/** A batch bound to the prepared images it indexes. */
record PreparedBatch(PreparedSet set, CaptionBatch batch) {
    NDList inputs(NDManager scope) {
        return set.inputs(scope, batch);
    }

    /**
     * For each image of the batch, 1 for every word (special tokens excluded) that occurs in any of
     * its captions, 0 otherwise: (images, V).
     */
    NDArray wordTargets(NDManager scope, int vocabularySize) {
        List<Integer> rows = batch.imageRows();
        float[] targets = new float[rows.size() * vocabularySize];
        for (int i = 0; i < rows.size(); i++) {
            for (int[] caption : set.captions.get(rows.get(i))) {
                for (int id : caption) {
                    if (id > Vocabulary.UNK_ID) {
                        targets[i * vocabularySize + id] = 1f;
                    }
                }
            }
        }
        return scope.create(targets, new Shape(rows.size(), vocabularySize));
    }
}
