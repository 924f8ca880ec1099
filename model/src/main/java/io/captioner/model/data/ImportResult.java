package io.captioner.model.data;

import java.util.List;

/**
 * What an import loaded and what it had to skip, so callers can report skipped files instead of
 * losing them silently.
 *
 * @param images the loaded images in file-name order
 * @param missing file names listed in the captions file but absent from the images directory
 * @param undecodable file names present but not decodable as images
 */
public record ImportResult(
        List<CaptionedImage> images, List<String> missing, List<String> undecodable) {

    /** Defensively copies the lists. */
    public ImportResult {
        images = List.copyOf(images);
        missing = List.copyOf(missing);
        undecodable = List.copyOf(undecodable);
    }

    /** Total number of skipped images. */
    public int skipped() {
        return missing.size() + undecodable.size();
    }
}
