package io.captioner.model.data;

import io.captioner.model.data.SyntheticScene.Palette;
import io.captioner.model.data.SyntheticScene.Relation;
import io.captioner.model.data.SyntheticScene.SceneObject;
import io.captioner.model.data.SyntheticScene.Shape;
import io.captioner.model.data.SyntheticScene.Size;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Seeded generator of captioned images (coloured shapes on plain or gradient backgrounds, one or
 * two per image with a spatial relation) that a small CNN+LSTM captioner learns on a CPU in
 * minutes, so training, evaluation and the demo run anywhere without downloading Flickr8k.
 *
 * <p>Each image is generated from its own random stream derived from the seed and its index: the
 * same seed always gives byte-identical images and captions, in any order and on any thread. Image
 * ids are {@code synthetic-<seed>-<index>} with the index zero-padded to five digits, so file names
 * sort in generation order. Every image has five distinct captions; the first always uses the
 * canonical wording ({@code "a large red circle on a gray background"}, {@code "a small blue square
 * to the left of a large yellow triangle"}), the others vary wording and size synonyms but never
 * content.
 */
public final class SyntheticDataset {

    /** Default edge length of the square images, in pixels. */
    public static final int DEFAULT_IMAGE_SIZE = 128;

    /** Default share of images that show two shapes instead of one. */
    public static final double DEFAULT_TWO_OBJECT_FRACTION = 0.4;

    /** Smallest supported image edge, so the smallest shapes stay recognisable. */
    public static final int MIN_IMAGE_SIZE = 64;

    private static final List<Palette> OBJECT_COLOURS =
            List.of(Palette.values()).stream().filter(p -> p.forObjects).toList();
    private static final List<Palette> BACKGROUNDS =
            List.of(Palette.values()).stream().filter(p -> p.forBackgrounds).toList();

    private final long seed;
    private final int images;
    private final int imageSize;
    private final double twoObjectFraction;

    private SyntheticDataset(Builder b) {
        this.seed = b.seed;
        this.images = b.images;
        this.imageSize = b.imageSize;
        this.twoObjectFraction = b.twoObjectFraction;
    }

    /** Starts a builder; {@code setSeed} and {@code setImages} are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** The seed every image derives from. */
    public long seed() {
        return seed;
    }

    /** How many images {@link #generate()} and {@link #stream()} yield. */
    public int size() {
        return images;
    }

    /** Edge length of the square images in pixels. */
    public int imageSize() {
        return imageSize;
    }

    /** The id of the image at an index, {@code synthetic-<seed>-<index>}. */
    public String id(int index) {
        return String.format(Locale.ROOT, "synthetic-%d-%05d", seed, index);
    }

    /**
     * Generates the image at an index; independent of every other index, so any subset can be
     * generated in any order.
     */
    public CaptionedImage get(int index) {
        if (index < 0 || index >= images) {
            throw new IndexOutOfBoundsException("index " + index + " outside [0, " + images + ")");
        }
        SplittableRandom rng = random(index);
        SyntheticScene scene = scene(rng);
        return new CaptionedImage(
                id(index),
                SyntheticPainter.paint(scene, imageSize, rng),
                SyntheticCaptions.write(scene, rng));
    }

    /** Generates all images into a list, in index order. */
    public List<CaptionedImage> generate() {
        List<CaptionedImage> out = new ArrayList<>(images);
        for (int i = 0; i < images; i++) {
            out.add(get(i));
        }
        return out;
    }

    /** Generates the images lazily in index order, for exports larger than memory. */
    public Stream<CaptionedImage> stream() {
        return IntStream.range(0, images).mapToObj(this::get);
    }

    /** The scene behind an image, for tests that check captions against content. */
    SyntheticScene scene(int index) {
        return scene(random(index));
    }

    private SplittableRandom random(int index) {
        // SplitMix64 finaliser over (seed, index): neighbouring seeds and indices get unrelated
        // streams.
        long z = seed * 0x9E3779B97F4A7C15L + index + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return new SplittableRandom(z ^ (z >>> 31));
    }

    private SyntheticScene scene(SplittableRandom rng) {
        Palette background = BACKGROUNDS.get(rng.nextInt(BACKGROUNDS.size()));
        if (rng.nextDouble() >= twoObjectFraction) {
            Shape shape = pick(Shape.values(), rng);
            Palette colour = objectColour(background, rng);
            Size size = rng.nextBoolean() ? Size.LARGE : Size.SMALL;
            int r = radius(size, rng);
            int jitter = imageSize / 6;
            int cx = clampCenter(imageSize / 2 + rng.nextInt(-jitter, jitter + 1), r);
            int cy = clampCenter(imageSize / 2 + rng.nextInt(-jitter, jitter + 1), r);
            return new SyntheticScene(
                    background,
                    List.of(new SceneObject(shape, colour, size, cx, cy, r)),
                    Relation.NONE);
        }
        Relation relation = rng.nextBoolean() ? Relation.HORIZONTAL : Relation.VERTICAL;
        Shape shapeA = pick(Shape.values(), rng);
        Palette colourA = objectColour(background, rng);
        Shape shapeB;
        Palette colourB;
        do {
            shapeB = pick(Shape.values(), rng);
            colourB = objectColour(background, rng);
        } while (shapeB == shapeA && colourB == colourA);
        Size sizeA = rng.nextBoolean() ? Size.LARGE : Size.SMALL;
        Size sizeB = rng.nextBoolean() ? Size.LARGE : Size.SMALL;
        int ra = radius(sizeA, rng);
        int rb = radius(sizeB, rng);
        int margin = margin();
        int half = imageSize / 2;
        // Along the relation axis each shape stays in its own half; across it the two centres
        // differ by at most an eighth of the image, so the relation is never ambiguous.
        int a1 = rng.nextInt(ra + margin, half - margin - ra + 1);
        int b1 = rng.nextInt(half + margin + rb, imageSize - margin - rb + 1);
        int a2 = clampCenter(half + rng.nextInt(-imageSize / 5, imageSize / 5 + 1), ra);
        int spread = imageSize / 8;
        int b2 = clampCenter(a2 + rng.nextInt(-spread, spread + 1), rb);
        SceneObject first;
        SceneObject second;
        if (relation == Relation.HORIZONTAL) {
            first = new SceneObject(shapeA, colourA, sizeA, a1, a2, ra);
            second = new SceneObject(shapeB, colourB, sizeB, b1, b2, rb);
        } else {
            first = new SceneObject(shapeA, colourA, sizeA, a2, a1, ra);
            second = new SceneObject(shapeB, colourB, sizeB, b2, b1, rb);
        }
        return new SyntheticScene(background, List.of(first, second), relation);
    }

    private int radius(Size size, SplittableRandom rng) {
        // Radii for a 128-pixel image, scaled: small 10-14, large 22-28.
        int lo = size == Size.LARGE ? 22 : 10;
        int hi = size == Size.LARGE ? 28 : 14;
        return (int) Math.round(rng.nextInt(lo, hi + 1) * imageSize / (double) DEFAULT_IMAGE_SIZE);
    }

    private int margin() {
        return Math.max(2, imageSize / 40);
    }

    private int clampCenter(int c, int r) {
        int lo = r + margin();
        int hi = imageSize - margin() - r;
        return Math.max(lo, Math.min(hi, c));
    }

    private static Palette objectColour(Palette background, SplittableRandom rng) {
        Palette c;
        do {
            c = OBJECT_COLOURS.get(rng.nextInt(OBJECT_COLOURS.size()));
        } while (c == background);
        return c;
    }

    private static <T> T pick(T[] values, SplittableRandom rng) {
        return values[rng.nextInt(values.length)];
    }

    /** Builder for {@link SyntheticDataset}; validation happens in {@link #build()}. */
    public static final class Builder {
        private Long seedOrNull;
        private long seed;
        private int images = -1;
        private int imageSize = DEFAULT_IMAGE_SIZE;
        private double twoObjectFraction = DEFAULT_TWO_OBJECT_FRACTION;

        private Builder() {}

        /** Sets the seed (required); the same seed always yields the same dataset. */
        public Builder setSeed(long seed) {
            this.seedOrNull = seed;
            this.seed = seed;
            return this;
        }

        /** Sets how many images to generate (required, at least 1). */
        public Builder setImages(int images) {
            this.images = images;
            return this;
        }

        /** Sets the square image edge in pixels (default 128, at least 64). */
        public Builder optImageSize(int imageSize) {
            this.imageSize = imageSize;
            return this;
        }

        /** Sets the share of two-shape images in [0, 1] (default 0.4). */
        public Builder optTwoObjectFraction(double twoObjectFraction) {
            this.twoObjectFraction = twoObjectFraction;
            return this;
        }

        /** Validates the settings and builds the dataset. */
        public SyntheticDataset build() {
            if (seedOrNull == null) {
                throw new IllegalStateException("setSeed is required");
            }
            if (images < 1) {
                throw new IllegalArgumentException(
                        "setImages is required and must be >= 1, was " + images);
            }
            if (imageSize < MIN_IMAGE_SIZE) {
                throw new IllegalArgumentException(
                        "image size must be >= " + MIN_IMAGE_SIZE + ", was " + imageSize);
            }
            if (!(twoObjectFraction >= 0 && twoObjectFraction <= 1)) {
                throw new IllegalArgumentException(
                        "two-object fraction must be in [0, 1], was " + twoObjectFraction);
            }
            return new SyntheticDataset(this);
        }
    }
}
