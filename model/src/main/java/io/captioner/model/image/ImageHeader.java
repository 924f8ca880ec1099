package io.captioner.model.image;

/**
 * What an image's header declares, read by {@link ImageDecoder#probe(byte[])} without decoding a
 * pixel, so a caller can budget memory before it decodes: how many pixels a decode at a given
 * target will hold, and how much native memory a progressive JPEG needs on top.
 *
 * @param format detected format in lower case: {@code jpeg}, {@code png}, {@code gif} or {@code
 *     bmp}
 * @param width width declared by the file, before orientation and subsampling
 * @param height height declared by the file, before orientation and subsampling
 * @param exifOrientation the EXIF orientation a decode applies, 1 (none) to 8
 * @param progressive whether the image is a progressive JPEG
 * @param nativeDecodeBytes estimated off-heap bytes the JPEG library holds while decoding: the
 *     full-resolution DCT coefficients of a progressive JPEG, whatever the subsampling; 0 for every
 *     other image
 */
public record ImageHeader(
        String format,
        int width,
        int height,
        int exifOrientation,
        boolean progressive,
        long nativeDecodeBytes) {

    /**
     * Bytes per decoded pixel a decode holds at most on the heap at once (see {@link
     * #peakHeapBytes}).
     */
    static final int PEAK_BYTES_PER_DECODED_PIXEL = 16;

    /**
     * Returns the declared width x height.
     *
     * @return the declared pixel count
     */
    public long pixels() {
        return (long) width * height;
    }

    /**
     * Returns the factor {@link ImageDecoder#decode(byte[], int)} subsamples by: the largest
     * integer that keeps the shorter side at or above {@code minShortSide}; 1 when that is 0 or the
     * image is smaller than twice it.
     *
     * @param minShortSide the target passed to the decode
     * @return the subsampling factor, at least 1
     */
    public int subsamplingFactor(int minShortSide) {
        return ImageDecoder.subsamplingFactor(width, height, minShortSide);
    }

    /**
     * Returns how many pixels a decode at {@code minShortSide} yields, exactly.
     *
     * @param minShortSide the target passed to the decode
     * @return {@code ceil(width / f) * ceil(height / f)} for the subsampling factor {@code f}
     */
    public long decodedPixels(int minShortSide) {
        int f = subsamplingFactor(minShortSide);
        return (long) ((width + f - 1) / f) * ((height + f - 1) / f);
    }

    /**
     * Returns a bound on the heap one decode at {@code minShortSide} holds at its peak, the encoded
     * bytes not included: the pixels at the file's own depth (up to 8 bytes for 16-bit RGBA), their
     * RGB copy (4 bytes) and the EXIF-rotated copy (4 bytes), all at the decoded size.
     *
     * @param minShortSide the target passed to the decode
     * @return bytes
     */
    public long peakHeapBytes(int minShortSide) {
        return decodedPixels(minShortSide) * PEAK_BYTES_PER_DECODED_PIXEL;
    }
}
