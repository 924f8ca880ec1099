package io.captioner.model.data;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A dataset named on the command line, {@code synthetic:SEED} or {@code flickr8k:DIR}, so every
 * command and the training service accept the same dataset strings.
 */
public sealed interface DatasetSpec permits DatasetSpec.Synthetic, DatasetSpec.Flickr8k {

    /**
     * Parses {@code synthetic:SEED} (a signed 64-bit integer) or {@code flickr8k:DIR}.
     *
     * @throws IllegalArgumentException naming the accepted forms when the spec is malformed
     */
    static DatasetSpec parse(String spec) {
        Objects.requireNonNull(spec, "spec");
        int colon = spec.indexOf(':');
        String kind = colon < 0 ? spec : spec.substring(0, colon);
        String arg = colon < 0 ? "" : spec.substring(colon + 1);
        switch (kind) {
            case "synthetic":
                try {
                    return new Synthetic(Long.parseLong(arg.strip()));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(
                            "bad dataset '"
                                    + spec
                                    + "': the seed of synthetic:SEED must be an integer",
                            e);
                }
            case "flickr8k":
                if (arg.isBlank()) {
                    throw new IllegalArgumentException(
                            "bad dataset '" + spec + "': flickr8k:DIR needs a directory");
                }
                return new Flickr8k(Path.of(arg));
            default:
                throw new IllegalArgumentException(
                        "bad dataset '" + spec + "': expected synthetic:SEED or flickr8k:DIR");
        }
    }

    /**
     * Loads up to {@code maxImages} images in a deterministic order.
     *
     * @throws IllegalArgumentException when {@code maxImages < 1}
     * @throws DatasetException when the data cannot be read
     */
    List<CaptionedImage> load(int maxImages);

    /**
     * The synthetic shapes dataset of a seed; {@code load(n)} generates exactly {@code n} images.
     *
     * @param seed the generator seed
     */
    record Synthetic(long seed) implements DatasetSpec {
        @Override
        public List<CaptionedImage> load(int maxImages) {
            if (maxImages < 1) {
                throw new IllegalArgumentException("maxImages must be >= 1, was " + maxImages);
            }
            return SyntheticDataset.builder().setSeed(seed).setImages(maxImages).build().generate();
        }

        @Override
        public String toString() {
            return "synthetic:" + seed;
        }
    }

    /**
     * A directory in the Flickr8k layout, read by {@link Flickr8kLayout}; {@code load(n)} returns
     * fewer than {@code n} images when the directory holds fewer.
     *
     * @param directory the dataset directory
     */
    record Flickr8k(Path directory) implements DatasetSpec {
        /** Rejects a null directory. */
        public Flickr8k {
            Objects.requireNonNull(directory, "directory");
        }

        @Override
        public List<CaptionedImage> load(int maxImages) {
            return Flickr8kLayout.read(directory, maxImages).images();
        }

        @Override
        public String toString() {
            return "flickr8k:" + directory;
        }
    }
}
