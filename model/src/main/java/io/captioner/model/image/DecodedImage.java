package io.captioner.model.image;

import java.awt.image.BufferedImage;
import java.util.Objects;

/**
 * The result of {@link ImageDecoder#decode(byte[])}: display-oriented 8-bit RGB pixels plus what
 * the file declared, so callers can log and reason about the original without keeping the bytes.
 *
 * <p>The {@code image} is always {@link BufferedImage#TYPE_INT_RGB}, belongs to the caller and is
 * not shared with the decoder. Its size may differ from {@code originalWidth x originalHeight}
 * because EXIF orientations 5 to 8 swap the axes and because the decoder may subsample very large
 * images (see {@link ImageDecoder#decode(byte[], int)}).
 *
 * @param image display-oriented pixels, {@code TYPE_INT_RGB}, alpha composited onto white
 * @param format detected format in lower case: {@code jpeg}, {@code png}, {@code gif} or {@code
 *     bmp}
 * @param originalWidth width declared by the file, before orientation and subsampling
 * @param originalHeight height declared by the file, before orientation and subsampling
 * @param exifOrientation the EXIF orientation applied, 1 (none) to 8; 1 when absent or invalid
 */
public record DecodedImage(
        BufferedImage image,
        String format,
        int originalWidth,
        int originalHeight,
        int exifOrientation) {

    /** Validates the invariants the decoder guarantees, so consumers need not re-check them. */
    public DecodedImage {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(format, "format");
        if (image.getType() != BufferedImage.TYPE_INT_RGB) {
            throw new IllegalArgumentException(
                    "image must be TYPE_INT_RGB but has type " + image.getType());
        }
        if (originalWidth <= 0 || originalHeight <= 0) {
            throw new IllegalArgumentException(
                    "original size must be positive: " + originalWidth + "x" + originalHeight);
        }
        if (exifOrientation < 1 || exifOrientation > 8) {
            throw new IllegalArgumentException(
                    "EXIF orientation must be 1..8 but was " + exifOrientation);
        }
    }

    /**
     * Returns the width of the decoded, oriented pixels.
     *
     * @return {@code image().getWidth()}
     */
    public int width() {
        return image.getWidth();
    }

    /**
     * Returns the height of the decoded, oriented pixels.
     *
     * @return {@code image().getHeight()}
     */
    public int height() {
        return image.getHeight();
    }

    /**
     * Returns how many pixels this image holds (4 bytes each), for callers that bound the pixels a
     * batch keeps at once.
     *
     * @return {@code width() * height()}
     */
    public long pixelCount() {
        return (long) image.getWidth() * image.getHeight();
    }
}
