package io.captioner.model.image;

import java.awt.AlphaComposite;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.awt.image.SinglePixelPackedSampleModel;
import java.util.Arrays;

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
        if (isCompactThreeByteBgr(src)) {
            return bgrToRgb(src);
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

    /**
     * Opaque sRGB bytes, what the PNG and JPEG readers give for colour images, are repacked by
     * hand: the same values Java2D's drawing gives, without its per-pixel generic loops (a third of
     * a small image's decode and resize).
     */
    private static BufferedImage bgrToRgb(BufferedImage src) {
        int w = src.getWidth();
        int h = src.getHeight();
        byte[] bgr = ((DataBufferByte) src.getRaster().getDataBuffer()).getData();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        int[] dst = ((DataBufferInt) out.getRaster().getDataBuffer()).getData();
        for (int i = 0, j = 0; i < dst.length; i++, j += 3) {
            dst[i] = (bgr[j + 2] & 0xff) << 16 | (bgr[j + 1] & 0xff) << 8 | (bgr[j] & 0xff);
        }
        return out;
    }

    /** True for sRGB 3BYTE_BGR whose pixels are three gap-free bytes each starting at index 0. */
    static boolean isCompactThreeByteBgr(BufferedImage img) {
        return img.getType() == BufferedImage.TYPE_3BYTE_BGR
                && img.getColorModel().getColorSpace().isCS_sRGB()
                && isUnshared(img.getRaster())
                && img.getRaster().getSampleModel() instanceof PixelInterleavedSampleModel sm
                && sm.getPixelStride() == 3
                && sm.getScanlineStride() == 3 * img.getWidth()
                && Arrays.equals(sm.getBandOffsets(), new int[] {2, 1, 0});
    }

    /** True for INT_RGB whose pixels are one gap-free int per pixel starting at index 0. */
    static boolean isCompactIntRgb(BufferedImage img) {
        return img.getType() == BufferedImage.TYPE_INT_RGB
                && isUnshared(img.getRaster())
                && img.getRaster().getSampleModel() instanceof SinglePixelPackedSampleModel sm
                && sm.getScanlineStride() == img.getWidth();
    }

    /** A raster of its own: no parent, no translation, one bank from index 0. */
    private static boolean isUnshared(Raster r) {
        return r.getParent() == null
                && r.getSampleModelTranslateX() == 0
                && r.getSampleModelTranslateY() == 0
                && r.getDataBuffer().getOffset() == 0
                && r.getDataBuffer().getNumBanks() == 1;
    }
}
