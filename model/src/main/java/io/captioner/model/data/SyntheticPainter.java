package io.captioner.model.data;

import io.captioner.model.data.SyntheticScene.Palette;
import io.captioner.model.data.SyntheticScene.SceneObject;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.util.SplittableRandom;

/**
 * Renders a scene to RGB pixels: a background with a faint gradient, flat-coloured shapes without
 * anti-aliasing, then light per-pixel noise. Anti-aliasing is off so every pixel is either
 * background or object colour, which keeps rendering exactly reproducible and lets tests check
 * captions against pixel colours.
 */
final class SyntheticPainter {

    /** Largest gradient offset per channel, in 0-255 units. */
    static final int GRADIENT_AMPLITUDE = 18;

    /** Largest colour jitter of an object per channel. */
    static final int OBJECT_JITTER = 12;

    /** Largest per-pixel noise per channel. */
    static final int NOISE = 5;

    // Sixteen noise values in [-NOISE, NOISE], symmetric around zero.
    private static final int[] NOISE_TABLE = {
        -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, -3, -1, 0, 1, 3
    };

    private SyntheticPainter() {}

    static BufferedImage paint(SyntheticScene scene, int size, SplittableRandom rng) {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        int[] pixels = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        paintBackground(pixels, size, scene.background(), rng);

        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_OFF);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            for (SceneObject o : scene.objects()) {
                g.setColor(jitter(o.colour(), rng));
                g.fill(outline(o));
            }
        } finally {
            g.dispose();
        }

        addNoise(pixels, rng);
        return image;
    }

    /**
     * Adds noise in [-NOISE, NOISE] to every channel; 4 random bits per channel (mapped through a
     * table) instead of one bounded draw each keeps 2000 images within a few seconds.
     */
    private static void addNoise(int[] pixels, SplittableRandom rng) {
        long bits = 0;
        int left = 0;
        for (int i = 0; i < pixels.length; i++) {
            if (left == 0) {
                bits = rng.nextLong();
                left = 5; // 5 pixels x 12 bits per long
            }
            int p = pixels[i];
            int r = clamp(((p >> 16) & 0xff) + NOISE_TABLE[(int) (bits & 0xf)]);
            int g = clamp(((p >> 8) & 0xff) + NOISE_TABLE[(int) ((bits >>> 4) & 0xf)]);
            int b = clamp((p & 0xff) + NOISE_TABLE[(int) ((bits >>> 8) & 0xf)]);
            pixels[i] = (r << 16) | (g << 8) | b;
            bits >>>= 12;
            left--;
        }
    }

    private static void paintBackground(
            int[] pixels, int size, Palette colour, SplittableRandom rng) {
        // Direction 0: flat; 1: left to right; 2: top to bottom; 3: diagonal.
        int direction = rng.nextInt(4);
        int amplitude =
                direction == 0 ? 0 : rng.nextInt(GRADIENT_AMPLITUDE / 2, GRADIENT_AMPLITUDE + 1);
        int sign = rng.nextBoolean() ? 1 : -1;
        double span = Math.max(1, size - 1);
        // Offsets depend on x, y or x + y only, so they are computed once per value of that sum.
        int[] offsets = new int[2 * size - 1];
        for (int k = 0; k < offsets.length; k++) {
            double t =
                    switch (direction) {
                        case 1, 2 -> Math.min(k, size - 1) / span;
                        case 3 -> k / (2 * span);
                        default -> 0.5;
                    };
            offsets[k] = (int) Math.round(sign * amplitude * (2 * t - 1));
        }
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                int k =
                        switch (direction) {
                            case 1 -> x;
                            case 2 -> y;
                            default -> x + y;
                        };
                int offset = offsets[k];
                pixels[y * size + x] =
                        (clamp(colour.r + offset) << 16)
                                | (clamp(colour.g + offset) << 8)
                                | clamp(colour.b + offset);
            }
        }
    }

    private static Color jitter(Palette colour, SplittableRandom rng) {
        return new Color(
                clamp(colour.r + rng.nextInt(-OBJECT_JITTER, OBJECT_JITTER + 1)),
                clamp(colour.g + rng.nextInt(-OBJECT_JITTER, OBJECT_JITTER + 1)),
                clamp(colour.b + rng.nextInt(-OBJECT_JITTER, OBJECT_JITTER + 1)));
    }

    private static Shape outline(SceneObject o) {
        double cx = o.centerX();
        double cy = o.centerY();
        double r = o.radius();
        switch (o.shape()) {
            case CIRCLE:
                return new Ellipse2D.Double(cx - r, cy - r, 2 * r, 2 * r);
            case SQUARE:
                double h = 0.85 * r;
                return new Rectangle2D.Double(cx - h, cy - h, 2 * h, 2 * h);
            case TRIANGLE:
                return polygon(
                        new double[] {cx, cx + r, cx - r},
                        new double[] {cy - r, cy + 0.8 * r, cy + 0.8 * r});
            case DIAMOND:
                return polygon(
                        new double[] {cx, cx + r, cx, cx - r},
                        new double[] {cy - r, cy, cy + r, cy});
            case STAR:
                double[] xs = new double[10];
                double[] ys = new double[10];
                for (int i = 0; i < 10; i++) {
                    double radius = i % 2 == 0 ? r : 0.5 * r;
                    double angle = -Math.PI / 2 + i * Math.PI / 5;
                    xs[i] = cx + radius * Math.cos(angle);
                    ys[i] = cy + radius * Math.sin(angle);
                }
                return polygon(xs, ys);
            case CROSS:
                double w = 0.35 * r;
                Path2D.Double cross = new Path2D.Double();
                cross.append(new Rectangle2D.Double(cx - r, cy - w, 2 * r, 2 * w), false);
                cross.append(new Rectangle2D.Double(cx - w, cy - r, 2 * w, 2 * r), false);
                return cross;
            default:
                throw new IllegalStateException("unknown shape " + o.shape());
        }
    }

    private static Shape polygon(double[] xs, double[] ys) {
        Polygon p = new Polygon();
        for (int i = 0; i < xs.length; i++) {
            p.addPoint((int) Math.round(xs[i]), (int) Math.round(ys[i]));
        }
        return p;
    }

    private static int clamp(int v) {
        return v < 0 ? 0 : Math.min(255, v);
    }
}
