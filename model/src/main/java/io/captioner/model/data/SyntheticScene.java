package io.captioner.model.data;

import java.util.List;
import java.util.Objects;

/**
 * What one synthetic image shows: a background and one or two shapes, the ground truth that both
 * the painter and the caption writer follow so captions always describe the pixels.
 *
 * @param background background colour (a gradient and noise are added around it when painted)
 * @param objects one or two shapes; with two, the first is the left (or top) one
 * @param relation how the two shapes are arranged, {@link Relation#NONE} for one shape
 */
record SyntheticScene(Palette background, List<SceneObject> objects, Relation relation) {

    SyntheticScene {
        Objects.requireNonNull(background, "background");
        objects = List.copyOf(objects);
        if (objects.isEmpty() || objects.size() > 2) {
            throw new IllegalArgumentException("a scene has one or two objects: " + objects);
        }
        if ((objects.size() == 2) == (relation == Relation.NONE)) {
            throw new IllegalArgumentException(
                    "two objects need a relation and one object none: " + relation);
        }
    }

    /** Shapes the generator draws, named by the word captions use. */
    enum Shape {
        CIRCLE,
        SQUARE,
        TRIANGLE,
        STAR,
        CROSS,
        DIAMOND;

        String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Named colours; each is usable for objects, backgrounds or both. */
    enum Palette {
        RED(215, 35, 35, true, false),
        GREEN(40, 170, 60, true, false),
        BLUE(40, 80, 220, true, false),
        YELLOW(240, 220, 40, true, false),
        PURPLE(140, 50, 180, true, false),
        ORANGE(245, 140, 20, true, false),
        WHITE(240, 240, 240, true, true),
        BLACK(25, 25, 25, true, true),
        GRAY(128, 128, 128, false, true),
        BROWN(120, 80, 45, false, true),
        PINK(240, 170, 190, false, true);

        final int r;
        final int g;
        final int b;
        final boolean forObjects;
        final boolean forBackgrounds;

        Palette(int r, int g, int b, boolean forObjects, boolean forBackgrounds) {
            this.r = r;
            this.g = g;
            this.b = b;
            this.forObjects = forObjects;
            this.forBackgrounds = forBackgrounds;
        }

        String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** Squared RGB distance, to find the named colour nearest to a pixel. */
        int distanceSquared(int rgb) {
            int dr = ((rgb >> 16) & 0xff) - r;
            int dg = ((rgb >> 8) & 0xff) - g;
            int db = (rgb & 0xff) - b;
            return dr * dr + dg * dg + db * db;
        }

        /** The named colour nearest to a packed RGB pixel. */
        static Palette nearest(int rgb) {
            Palette best = null;
            int bestDistance = Integer.MAX_VALUE;
            for (Palette p : values()) {
                int d = p.distanceSquared(rgb);
                if (d < bestDistance) {
                    best = p;
                    bestDistance = d;
                }
            }
            return best;
        }
    }

    /** The two sizes captions distinguish. */
    enum Size {
        SMALL,
        LARGE
    }

    /** Arrangement of two shapes; the first object is always the left or the top one. */
    enum Relation {
        NONE,
        HORIZONTAL,
        VERTICAL
    }

    /**
     * One painted shape.
     *
     * @param shape the shape
     * @param colour its fill colour name
     * @param size its size class
     * @param centerX centre x in pixels
     * @param centerY centre y in pixels
     * @param radius half its extent in pixels
     */
    record SceneObject(
            Shape shape, Palette colour, Size size, int centerX, int centerY, int radius) {}
}
