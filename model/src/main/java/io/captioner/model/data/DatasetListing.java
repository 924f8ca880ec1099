package io.captioner.model.data;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a dataset's caption files list, read without opening a single image: the entries in id
 * order, and the rows or records that could not be used, so nothing is dropped unreported.
 *
 * @param name the dataset's name, e.g. {@code flickr8k} or {@code coco} (a labeled pair's {@code
 *     sourceDataset})
 * @param location where it was read from, for messages
 * @param entries the usable entries, sorted by id, ids unique
 * @param problems listed rows or records that were left out, each with where and why
 */
public record DatasetListing(
        String name, String location, List<DatasetEntry> entries, List<Problem> problems) {

    /** Validates and defensively copies. */
    public DatasetListing {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(location, "location");
        entries = List.copyOf(entries);
        problems = List.copyOf(problems);
    }

    /** Whether any entry carries a split, so split-aware commands should honour them. */
    public boolean hasSplits() {
        return entries.stream().anyMatch(e -> e.split().isPresent());
    }

    /**
     * The entries of {@code split}; every entry when {@code split} is empty or the dataset assigns
     * no splits at all.
     */
    public List<DatasetEntry> entries(Optional<DatasetSplit> split) {
        if (split.isEmpty() || !hasSplits()) {
            return entries;
        }
        return entries.stream().filter(e -> e.split().equals(split)).toList();
    }

    /**
     * Decodes up to {@code maxImages} entries of {@code split} (all when empty or when the dataset
     * has no splits) in id order, skipping and reporting missing and undecodable files and entries
     * without a non-blank caption.
     *
     * @throws IllegalArgumentException when {@code maxImages < 1}
     * @throws DatasetException when not a single image could be loaded
     */
    public ImportResult decode(int maxImages, Optional<DatasetSplit> split) {
        return ListingLoader.load(this, maxImages, split);
    }

    /**
     * A row or record of the caption files that was left out.
     *
     * @param where file and line, or file and record id
     * @param message why it was left out
     */
    public record Problem(String where, String message) {
        /** Rejects nulls. */
        public Problem {
            Objects.requireNonNull(where, "where");
            Objects.requireNonNull(message, "message");
        }

        @Override
        public String toString() {
            return where + ": " + message;
        }
    }
}
