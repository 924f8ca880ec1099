package io.captioner.model.data;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Objects;

/**
 * One image with its reference captions (Flickr-style, usually five), the unit every dataset
 * yields.
 *
 * @param id stable identifier of the image (file name for Flickr layouts)
 * @param image decoded RGB pixels
 * @param captions one or more reference captions, raw text as written by annotators
 */
public record CaptionedImage(String id, BufferedImage image, List<String> captions) {
    /** Validates and defensively copies the captions. */
    public CaptionedImage {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(image, "image");
        captions = List.copyOf(captions);
        if (captions.isEmpty()) {
            throw new IllegalArgumentException("image " + id + " has no reference caption");
        }
    }
}
