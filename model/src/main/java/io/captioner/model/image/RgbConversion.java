package io.captioner.model.image;

import java.awt.AlphaComposite;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBufferInt;
import java.awt.image.Raster;
import java.awt.image.SinglePixelPackedSampleModel;

/**
 * Converts any decoded image into a compact 8-bit {@code TYPE_INT_RGB} image, compositing alpha
 * onto white.
 *
 * <p>White is the background because captioning datasets are photos and product shots, where a
 * transparent area is meant to be "background", and the browsers and viewers people used to judge
 * the image show it on white; black would invent a dark scene.
 */
final class RgbConversion {
    private RgbConversion() {}

    /** Returns {@code src} when it already is a compact INT_RGB image, else a converted copy. */
    static BufferedImage toRgb(BufferedImage src) {
        if (isCompactIntRgb(src)) {
            return src;
        }
        ColorModel cm = src.getColorModel();
        if (cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY
                && cm.getNumColorComponents() == 1) {
            return grayToRgb(src, cm);
        }
        BufferedImage out =
                new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setComposite(AlphaComposite.Src);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, src.getWidth(), src.getHeight());
            g.setComposite(AlphaComposite.SrcOver);
            g.drawImage(src, 0, 0, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    /**
     * Grey images are converted by hand because Java2D treats {@code CS_GRAY} samples as linear
     * light and would brighten them on the way to sRGB, while PNG/JPEG/BMP grey samples are
     * gamma-encoded like sRGB already; copying the value into R, G and B is what viewers do.
     */
    private static BufferedImage grayToRgb(BufferedImage src, ColorModel cm) {
        int w = src.getWidth();
        int h = src.getHeight();
        Raster raster = src.getRaster();
        int bands = raster.getNumBands();
        boolean alpha = cm.hasAlpha() && bands > 1;
        double grayMax = (1L << raster.getSampleModel().getSampleSize(0)) - 1;
        double alphaMax = alpha ? (1L << raster.getSampleModel().getSampleSize(1)) - 1 : 1;
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] dst = ((DataBufferInt) out.getRaster().getDataBuffer()).getData();
        int[] gray = new int[w];
        int[] alphas = new int[w];
        for (int y = 0; y < h; y++) {
            raster.getSamples(0, y, w, 1, 0, gray);
            if (alpha) {
                raster.getSamples(0, y, w, 1, 1, alphas);
            }
            for (int x = 0; x < w; x++) {
                double g = gray[x] / grayMax;
                if (alpha) {
                    double a = alphas[x] / alphaMax;
                    if (cm.isAlphaPremultiplied()) {
                        g = g + (1 - a);
                    } else {
                        g = g * a + (1 - a);
                    }
                }
                int v = (int) Math.round(Math.min(1.0, Math.max(0.0, g)) * 255);
                dst[y * w + x] = (v << 16) | (v << 8) | v;
            }
        }
        return out;
    }

    /** True for INT_RGB whose pixels are one gap-free int per pixel starting at index 0. */
    static boolean isCompactIntRgb(BufferedImage img) {
        if (img.getType() != BufferedImage.TYPE_INT_RGB) {
            return false;
        }
        Raster r = img.getRaster();
        return r.getParent() == null
                && r.getSampleModelTranslateX() == 0
                && r.getSampleModelTranslateY() == 0
                && r.getSampleModel() instanceof SinglePixelPackedSampleModel sm
                && sm.getScanlineStride() == img.getWidth()
                && r.getDataBuffer().getOffset() == 0
                && r.getDataBuffer().getNumBanks() == 1;
    }
}
