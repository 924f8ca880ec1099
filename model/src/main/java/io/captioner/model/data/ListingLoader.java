package io.captioner.model.data;

import io.captioner.model.image.ImageDecoder;
import io.captioner.model.image.ImageDecodingException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes the images of a {@link DatasetListing} for training and evaluation, the one place that
 * turns listed files into pixels for every file-based format.
 *
 * <p>Listed images whose file is missing or does not decode are skipped and reported in the {@link
 * ImportResult} and one WARN line, as are entries without a single non-blank caption: one bad file
 * should not sink a training run. Images are decoded with {@link ImageDecoder} (EXIF orientation
 * applied, always {@code TYPE_INT_RGB}), the decoder the streaming path uses.
 */
final class ListingLoader {

    private static final Logger LOG = LoggerFactory.getLogger(ListingLoader.class);
    private static final ImageDecoder DECODER = ImageDecoder.builder().build();

    private ListingLoader() {}

    /**
     * Loads up to {@code maxImages} entries of {@code split} (every entry when empty or when the
     * dataset has no splits) in id order, skipping unloadable ones until the limit is reached.
     *
     * @throws IllegalArgumentException when {@code maxImages < 1}
     * @throws DatasetException when not a single image could be loaded
     */
    static ImportResult load(DatasetListing listing, int maxImages, Optional<DatasetSplit> split) {
        if (maxImages < 1) {
            throw new IllegalArgumentException("maxImages must be >= 1, was " + maxImages);
        }
        List<CaptionedImage> loaded = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        List<String> undecodable = new ArrayList<>();
        int uncaptioned = 0;
        List<DatasetEntry> entries = listing.entries(split);
        for (DatasetEntry entry : entries) {
            if (loaded.size() >= maxImages) {
                break;
            }
            List<String> captions = entry.nonBlankCaptions();
            if (captions.isEmpty()) {
                uncaptioned++;
                continue;
            }
            if (!Files.isRegularFile(entry.file())) {
                missing.add(entry.id());
                continue;
            }
            BufferedImage image = decode(entry.file());
            if (image == null) {
                undecodable.add(entry.id());
                continue;
            }
            loaded.add(new CaptionedImage(entry.id(), image, captions));
        }
        if (!missing.isEmpty() || !undecodable.isEmpty() || uncaptioned > 0) {
            LOG.warn(
                    "skipped {} listed images of {}: {} missing (first: {}), {} undecodable"
                            + " (first: {}), {} without a caption",
                    missing.size() + undecodable.size() + uncaptioned,
                    listing.location(),
                    missing.size(),
                    missing.stream().limit(3).toList(),
                    undecodable.size(),
                    undecodable.stream().limit(3).toList(),
                    uncaptioned);
        }
        if (loaded.isEmpty()) {
            String which = split.isPresent() && listing.hasSplits() ? split.get().label() : null;
            throw new DatasetException(
                    "no image could be loaded from "
                            + listing.location()
                            + (which == null ? "" : " (split " + which + ")")
                            + ": "
                            + entries.size()
                            + " listed, "
                            + missing.size()
                            + " missing, "
                            + undecodable.size()
                            + " undecodable");
        }
        return new ImportResult(loaded, missing, undecodable);
    }

    /** Decodes an image to TYPE_INT_RGB, or returns null when it cannot be decoded. */
    private static BufferedImage decode(Path file) {
        try {
            return DECODER.decode(file).image();
        } catch (ImageDecodingException e) {
            LOG.debug("cannot decode {}: {} ({})", file, e.getMessage(), e.reason());
            return null;
        } catch (IOException e) {
            LOG.debug("cannot read {}: {}", file, e.toString());
            return null;
        }
    }
}
