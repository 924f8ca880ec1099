package io.captioner.model.data;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One image a dataset lists, before its file is read: the unit that importing streams through
 * without holding any pixels.
 *
 * @param id stable identifier of the image (its file name in every file-based format)
 * @param file where the encoded image is expected; it may be missing, which readers report later
 * @param captions the reference captions as listed, stripped, in file order; blank ones are kept so
 *     the caller can count them
 * @param split the split the dataset assigns, if it assigns one
 */
public record DatasetEntry(
        String id, Path file, List<String> captions, Optional<DatasetSplit> split) {

    /** Validates and defensively copies. */
    public DatasetEntry {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(split, "split");
        captions = List.copyOf(captions);
        if (captions.isEmpty()) {
            throw new IllegalArgumentException("image " + id + " lists no caption");
        }
    }

    /** The captions that are not blank. */
    public List<String> nonBlankCaptions() {
        return captions.stream().filter(c -> !c.isBlank()).toList();
    }
}
