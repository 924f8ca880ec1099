package io.captioner.model.data;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A dataset named on the command line, so every command and the training service accept the same
 * dataset strings: {@code synthetic:SEED}, {@code flickr8k:DIR}, {@code flickr30k:DIR}, {@code
 * coco:ANNOTATIONS.json[:IMAGEDIR]} or {@code karpathy:DATASET.json:IMAGEDIR}.
 */
public sealed interface DatasetSpec permits DatasetSpec.Synthetic, DatasetSpec.Listed {

    /** The accepted forms, for messages. */
    String FORMS =
            "synthetic:SEED, flickr8k:DIR, flickr30k:DIR, coco:ANNOTATIONS.json[:IMAGEDIR] or"
                    + " karpathy:DATASET.json:IMAGEDIR";

    /**
     * Parses a spec string; the two paths of {@code coco:} and {@code karpathy:} are separated at
     * the first {@code .json:}.
     *
     * @throws IllegalArgumentException naming the accepted forms when the spec is malformed
     */
    static DatasetSpec parse(String spec) {
        Objects.requireNonNull(spec, "spec");
        int colon = spec.indexOf(':');
        String kind = colon < 0 ? spec : spec.substring(0, colon);
        String arg = colon < 0 ? "" : spec.substring(colon + 1);
        List<String> args;
        int json = arg.toLowerCase(Locale.ROOT).indexOf(".json:");
        if (json >= 0) {
            args = List.of(arg.substring(0, json + 5), arg.substring(json + 6));
        } else {
            args = arg.isEmpty() ? List.of() : List.of(arg);
        }
        try {
            return of(kind, args);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad dataset '" + spec + "': " + e.getMessage(), e);
        }
    }

    /**
     * A dataset of a format name and its arguments, as {@code captioner import FORMAT PATH...}
     * takes them.
     *
     * @throws IllegalArgumentException for an unknown format or the wrong number of arguments
     */
    static DatasetSpec of(String format, List<String> args) {
        switch (format.toLowerCase(Locale.ROOT)) {
            case "synthetic":
                if (args.size() != 1) {
                    throw new IllegalArgumentException("synthetic:SEED needs one seed");
                }
                try {
                    return new Synthetic(Long.parseLong(args.get(0).strip()));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(
                            "the seed of synthetic:SEED must be an integer", e);
                }
            case "flickr8k":
                return new Flickr8k(Path.of(only(args, "flickr8k:DIR needs a directory")));
            case "flickr30k":
                return new Flickr30k(Path.of(only(args, "flickr30k:DIR needs a directory")));
            case "coco":
                if (args.isEmpty() || args.size() > 2 || args.get(0).isBlank()) {
                    throw new IllegalArgumentException(
                            "coco:ANNOTATIONS.json[:IMAGEDIR] needs the captions_*.json file and"
                                    + " optionally the image directory");
                }
                Path annotations = Path.of(args.get(0));
                return new Coco(
                        annotations,
                        args.size() == 2 && !args.get(1).isBlank() ? Path.of(args.get(1)) : null);
            case "karpathy":
                if (args.size() != 2 || args.get(0).isBlank() || args.get(1).isBlank()) {
                    throw new IllegalArgumentException(
                            "karpathy:DATASET.json:IMAGEDIR needs the dataset_*.json split file"
                                    + " and the image directory");
                }
                return new Karpathy(Path.of(args.get(0)), Path.of(args.get(1)));
            default:
                throw new IllegalArgumentException("expected " + FORMS);
        }
    }

    private static String only(List<String> args, String message) {
        if (args.size() != 1 || args.get(0).isBlank()) {
            throw new IllegalArgumentException(message);
        }
        return args.get(0);
    }

    /**
     * Loads up to {@code maxImages} images of every split in a deterministic order.
     *
     * @throws IllegalArgumentException when {@code maxImages < 1}
     * @throws DatasetException when the data cannot be read
     */
    default List<CaptionedImage> load(int maxImages) {
        return load(maxImages, Optional.empty());
    }

    /**
     * Loads up to {@code maxImages} images of {@code split} in a deterministic order; a dataset
     * that assigns no splits loads from all its images whatever the split.
     *
     * @throws IllegalArgumentException when {@code maxImages < 1}
     * @throws DatasetException when the data cannot be read
     */
    List<CaptionedImage> load(int maxImages, Optional<DatasetSplit> split);

    /** Whether the dataset assigns images to splits that training and evaluation should honour. */
    boolean hasSplits();

    /** A dataset of files with a caption listing that can be read without opening an image. */
    sealed interface Listed extends DatasetSpec permits Flickr8k, Flickr30k, Coco, Karpathy {

        /**
         * Reads the caption files: entries in id order with their expected image files.
         *
         * @throws DatasetException when the files are missing or malformed
         */
        DatasetListing list();

        @Override
        default List<CaptionedImage> load(int maxImages, Optional<DatasetSplit> split) {
            if (maxImages < 1) {
                throw new IllegalArgumentException("maxImages must be >= 1, was " + maxImages);
            }
            return list().decode(maxImages, split).images();
        }

        @Override
        default boolean hasSplits() {
            return list().hasSplits();
        }
    }

    /**
     * The synthetic shapes dataset of a seed; {@code load(n)} generates exactly {@code n} images.
     *
     * @param seed the generator seed
     */
    record Synthetic(long seed) implements DatasetSpec {
        @Override
        public List<CaptionedImage> load(int maxImages, Optional<DatasetSplit> split) {
            if (maxImages < 1) {
                throw new IllegalArgumentException("maxImages must be >= 1, was " + maxImages);
            }
            return SyntheticDataset.builder().setSeed(seed).setImages(maxImages).build().generate();
        }

        @Override
        public boolean hasSplits() {
            return false;
        }

        @Override
        public String toString() {
            return "synthetic:" + seed;
        }
    }

    /**
     * A directory in the Flickr8k layout, read by {@link Flickr8kLayout}.
     *
     * @param directory the dataset directory
     */
    record Flickr8k(Path directory) implements Listed {
        /** Rejects a null directory. */
        public Flickr8k {
            Objects.requireNonNull(directory, "directory");
        }

        @Override
        public DatasetListing list() {
            return Flickr8kLayout.list(directory);
        }

        @Override
        public boolean hasSplits() {
            return false;
        }

        @Override
        public String toString() {
            return "flickr8k:" + directory;
        }
    }

    /**
     * A Flickr30k directory ({@code results.csv} or {@code results_20130124.token} and the image
     * folder), read by {@link Flickr30kLayout}.
     *
     * @param directory the dataset directory
     */
    record Flickr30k(Path directory) implements Listed {
        /** Rejects a null directory. */
        public Flickr30k {
            Objects.requireNonNull(directory, "directory");
        }

        @Override
        public DatasetListing list() {
            return Flickr30kLayout.list(directory);
        }

        @Override
        public boolean hasSplits() {
            return false;
        }

        @Override
        public String toString() {
            return "flickr30k:" + directory;
        }
    }

    /**
     * A COCO captions annotation file and its image folder, read by {@link CocoCaptions}.
     *
     * @param annotations the {@code captions_*.json} file
     * @param imagesDir the image folder; null for COCO's own layout ({@link
     *     CocoCaptions#defaultImagesDir})
     */
    record Coco(Path annotations, Path imagesDir) implements Listed {
        /** Rejects a null annotations file. */
        public Coco {
            Objects.requireNonNull(annotations, "annotations");
        }

        @Override
        public DatasetListing list() {
            return CocoCaptions.list(
                    annotations,
                    imagesDir != null ? imagesDir : CocoCaptions.defaultImagesDir(annotations));
        }

        @Override
        public String toString() {
            return "coco:" + annotations + (imagesDir == null ? "" : ":" + imagesDir);
        }
    }

    /**
     * One of Karpathy's split files and the image folder, read by {@link KarpathySplits}.
     *
     * @param splitFile the {@code dataset_*.json} file
     * @param imagesDir the image folder
     */
    record Karpathy(Path splitFile, Path imagesDir) implements Listed {
        /** Rejects nulls. */
        public Karpathy {
            Objects.requireNonNull(splitFile, "splitFile");
            Objects.requireNonNull(imagesDir, "imagesDir");
        }

        @Override
        public DatasetListing list() {
            return KarpathySplits.list(splitFile, imagesDir);
        }

        @Override
        public String toString() {
            return "karpathy:" + splitFile + ":" + imagesDir;
        }
    }
}
