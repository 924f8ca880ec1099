package io.captioner.model.train;

import java.util.List;

/**
 * The captions of a group of images, padded into one id matrix.
 *
 * @param imageRows rows of the images (into the prepared set) in this batch
 * @param ids caption ids, row-major (captions x length), padded with {@code <pad>}
 * @param imageIndex for each caption, the position of its image within {@code imageRows}
 * @param captions number of captions
 * @param length padded length
 */
record CaptionBatch(
        List<Integer> imageRows, long[] ids, long[] imageIndex, int captions, int length) {

    /** Groups the images' captions into a padded batch. */
    static CaptionBatch of(List<Integer> imageRows, List<int[][]> captionsPerImage) {
        int count = 0;
        int length = 0;
        for (int[][] captions : captionsPerImage) {
            count += captions.length;
            for (int[] c : captions) {
                length = Math.max(length, c.length);
            }
        }
        long[] ids = new long[count * length];
        long[] imageIndex = new long[count];
        int row = 0;
        for (int i = 0; i < captionsPerImage.size(); i++) {
            for (int[] c : captionsPerImage.get(i)) {
                for (int t = 0; t < c.length; t++) {
                    ids[row * length + t] = c[t];
                }
                imageIndex[row] = i;
                row++;
            }
        }
        return new CaptionBatch(List.copyOf(imageRows), ids, imageIndex, count, length);
    }
}
