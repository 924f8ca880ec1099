package io.captioner.model;

import java.util.List;

/**
 * Where the attention decoder looked for each word of a caption: per word its weights over the
 * encoder's grid, row-major ({@code rows x columns} values summing to 1), cell (0, 0) the image's
 * top left.
 *
 * @param rows grid rows
 * @param columns grid columns
 * @param words the caption's words, in order
 * @param weights per word, {@code rows * columns} weights, row-major
 */
public record AttentionMap(int rows, int columns, List<String> words, List<float[]> weights) {

    /** Validates the sizes and copies the lists (the arrays too). */
    public AttentionMap {
        words = List.copyOf(words);
        weights = weights.stream().map(float[]::clone).toList();
        if (weights.size() != words.size()) {
            throw new IllegalArgumentException(
                    words.size() + " words but " + weights.size() + " weight rows");
        }
        for (float[] w : weights) {
            if (w.length != rows * columns) {
                throw new IllegalArgumentException(
                        "a weight row has " + w.length + " values, expected " + rows * columns);
            }
        }
    }

    /** The weights of word {@code index} as a {@code rows x columns} grid. */
    public float[][] grid(int index) {
        float[] w = weights.get(index);
        float[][] grid = new float[rows][columns];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(w, r * columns, grid[r], 0, columns);
        }
        return grid;
    }
}
