package io.captioner.model.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.captioner.model.data.SyntheticScene.Palette;
import io.captioner.model.data.SyntheticScene.Relation;
import io.captioner.model.data.SyntheticScene.SceneObject;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SyntheticDatasetTest {

    /** Pixels of one named colour needed before the test counts it as an object. */
    private static final int MIN_OBJECT_PIXELS = 30;

    private static SyntheticDataset dataset(long seed, int images) {
        return SyntheticDataset.builder().setSeed(seed).setImages(images).build();
    }

    @Test
    void shouldGenerateByteIdenticalImagesAndCaptionsForTheSameSeed() throws Exception {
        // given two independently built datasets with the same seed
        List<CaptionedImage> first = dataset(42, 60).generate();
        List<CaptionedImage> second = dataset(42, 60).generate();

        // then pixels, ids and captions hash the same
        assertThat(hash(first)).isEqualTo(hash(second));
    }

    @Test
    void shouldGenerateDifferentImagesForDifferentSeeds() throws Exception {
        List<CaptionedImage> a = dataset(1, 20).generate();
        List<CaptionedImage> b = dataset(2, 20).generate();

        assertThat(hash(a)).isNotEqualTo(hash(b));
        for (int i = 0; i < a.size(); i++) {
            assertThat(pixels(a.get(i).image())).isNotEqualTo(pixels(b.get(i).image()));
        }
    }

    @Test
    void shouldGenerateEachImageIndependentlyOfOrderAndAccessPath() throws Exception {
        SyntheticDataset ds = dataset(7, 30);
        List<CaptionedImage> eager = ds.generate();

        List<CaptionedImage> reversed = new ArrayList<>();
        for (int i = ds.size() - 1; i >= 0; i--) {
            reversed.add(0, ds.get(i));
        }

        assertThat(hash(ds.stream().toList())).isEqualTo(hash(eager));
        assertThat(hash(reversed)).isEqualTo(hash(eager));
    }

    @Test
    void shouldNameImagesBySeedAndZeroPaddedIndex() {
        List<CaptionedImage> images = dataset(-3, 12).generate();

        assertThat(images.get(0).id()).isEqualTo("synthetic--3-00000");
        assertThat(images.get(11).id()).isEqualTo("synthetic--3-00011");
        assertThat(images.stream().map(CaptionedImage::id).sorted().toList())
                .isEqualTo(images.stream().map(CaptionedImage::id).toList());
    }

    @Test
    void shouldWriteFiveDistinctCaptionsPerImage() {
        for (CaptionedImage image : dataset(5, 200).generate()) {
            assertThat(image.captions()).hasSize(5).doesNotHaveDuplicates();
            assertThat(image.image().getWidth()).isEqualTo(SyntheticDataset.DEFAULT_IMAGE_SIZE);
            assertThat(image.image().getHeight()).isEqualTo(SyntheticDataset.DEFAULT_IMAGE_SIZE);
        }
    }

    @Test
    void shouldNameTheColoursThatThePixelsShow() {
        int checkedBackgrounds = 0;
        for (CaptionedImage image : dataset(11, 300).generate()) {
            // given the named colour nearest to every pixel
            Map<Palette, Integer> counts = colourCounts(image.image());
            Palette background =
                    counts.entrySet().stream()
                            .max(Map.Entry.comparingByValue())
                            .orElseThrow()
                            .getKey();
            Set<String> painted = new HashSet<>();
            counts.forEach(
                    (colour, count) -> {
                        if (colour != background && count >= MIN_OBJECT_PIXELS) {
                            painted.add(colour.word());
                        }
                    });

            // then the canonical caption names exactly the painted object colours
            String canonical = image.captions().get(0);
            assertThat(objectColourWords(canonical))
                    .as(image.id() + ": " + canonical)
                    .isEqualTo(painted);
            // and any caption naming the background names the dominant colour
            for (String caption : image.captions()) {
                String named = backgroundWord(caption);
                if (named != null) {
                    assertThat(named).as(image.id() + ": " + caption).isEqualTo(background.word());
                    checkedBackgrounds++;
                }
            }
        }
        assertThat(checkedBackgrounds).isGreaterThan(100);
    }

    @Test
    void shouldPutTheFirstNamedShapeLeftOfOrAboveTheSecond() {
        int checked = 0;
        for (CaptionedImage image : dataset(13, 300).generate()) {
            String canonical = image.captions().get(0);
            List<String> colours = new ArrayList<>(objectColourWordsInOrder(canonical));
            boolean left = canonical.contains(" to the left of ");
            boolean above = canonical.contains(" above ");
            if (colours.size() != 2 || !(left || above)) {
                continue;
            }
            double[] first = centroid(image.image(), Palette.valueOf(colours.get(0).toUpperCase()));
            double[] second =
                    centroid(image.image(), Palette.valueOf(colours.get(1).toUpperCase()));
            int axis = left ? 0 : 1;
            assertThat(first[axis]).as(image.id() + ": " + canonical).isLessThan(second[axis]);
            checked++;
        }
        assertThat(checked).isGreaterThan(50);
    }

    @Test
    void shouldPaintEverySmallSingleShapeWithFewerPixelsThanEveryLargeOne() {
        int maxSmall = 0;
        int minLarge = Integer.MAX_VALUE;
        for (CaptionedImage image : dataset(17, 300).generate()) {
            String canonical = image.captions().get(0);
            if (!canonical.endsWith(" background")) {
                continue; // two shapes
            }
            Map<Palette, Integer> counts = colourCounts(image.image());
            String colour = objectColourWordsInOrder(canonical).iterator().next();
            int area = counts.getOrDefault(Palette.valueOf(colour.toUpperCase()), 0);
            if (canonical.startsWith("a small ")) {
                maxSmall = Math.max(maxSmall, area);
            } else {
                assertThat(canonical).matches("an? large .*");
                minLarge = Math.min(minLarge, area);
            }
        }
        assertThat(maxSmall).isPositive().isLessThan(minLarge);
    }

    @Test
    void shouldDescribeTheSceneContentInEveryCaption() {
        SyntheticDataset ds = dataset(19, 200);
        for (int i = 0; i < ds.size(); i++) {
            SyntheticScene scene = ds.scene(i);
            for (String caption : ds.get(i).captions()) {
                for (SceneObject o : scene.objects()) {
                    assertThat(caption).contains(o.colour().word()).contains(o.shape().word());
                }
            }
            String canonical = ds.get(i).captions().get(0);
            if (scene.relation() == Relation.HORIZONTAL) {
                assertThat(canonical).contains(" to the left of ");
            } else if (scene.relation() == Relation.VERTICAL) {
                assertThat(canonical).contains(" above ");
            } else {
                assertThat(canonical)
                        .endsWith(" on a " + scene.background().word() + " background");
            }
        }
    }

    @Test
    void shouldMixOneAndTwoShapeImagesWithEveryShapeAndColour() {
        Set<String> words = new HashSet<>();
        int pairs = 0;
        List<CaptionedImage> images = dataset(23, 500).generate();
        for (CaptionedImage image : images) {
            words.addAll(Arrays.asList(image.captions().get(0).split(" ")));
            if (!image.captions().get(0).endsWith(" background")) {
                pairs++;
            }
        }
        assertThat(words)
                .contains("circle", "square", "triangle", "star", "cross", "diamond")
                .contains("red", "green", "blue", "yellow", "purple", "orange", "white", "black")
                .contains("small", "large", "above", "left");
        assertThat(pairs).isBetween(150, 250);
    }

    @Test
    void shouldHonourImageSizeAndSingleShapeOnlyOptions() {
        List<CaptionedImage> images =
                SyntheticDataset.builder()
                        .setSeed(3)
                        .setImages(20)
                        .optImageSize(96)
                        .optTwoObjectFraction(0)
                        .build()
                        .generate();
        assertThat(images)
                .allSatisfy(
                        image -> {
                            assertThat(image.image().getWidth()).isEqualTo(96);
                            assertThat(image.captions().get(0)).endsWith(" background");
                        });
    }

    @Test
    void shouldRejectIncompleteOrInvalidSettings() {
        assertThatThrownBy(() -> SyntheticDataset.builder().setImages(3).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("setSeed");
        assertThatThrownBy(() -> SyntheticDataset.builder().setSeed(1).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("setImages");
        assertThatThrownBy(
                        () ->
                                SyntheticDataset.builder()
                                        .setSeed(1)
                                        .setImages(1)
                                        .optImageSize(32)
                                        .build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(
                        () ->
                                SyntheticDataset.builder()
                                        .setSeed(1)
                                        .setImages(1)
                                        .optTwoObjectFraction(1.5)
                                        .build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> dataset(1, 2).get(2))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }

    // ---- helpers: read the pixels independently of the generator's scene ----

    private static Set<String> objectColourWords(String caption) {
        return new HashSet<>(objectColourWordsInOrder(caption));
    }

    /** Object colour words in caption order, leaving out the colour named as background. */
    private static Set<String> objectColourWordsInOrder(String caption) {
        Set<String> out = new LinkedHashSet<>();
        String[] words = caption.replace(",", " ").replace(".", " ").trim().split("\\s+");
        for (int i = 0; i < words.length; i++) {
            boolean isBackground =
                    i + 1 < words.length
                            && (words[i + 1].equals("background")
                                    || words[i + 1].equals("backdrop"));
            if (isBackground) {
                continue;
            }
            for (Palette p : Palette.values()) {
                if (p.forObjects && p.word().equals(words[i])) {
                    out.add(words[i]);
                }
            }
        }
        return out;
    }

    private static String backgroundWord(String caption) {
        String[] words = caption.replace(",", " ").trim().split("\\s+");
        for (int i = 0; i + 1 < words.length; i++) {
            if (words[i + 1].equals("background") || words[i + 1].equals("backdrop")) {
                return words[i];
            }
        }
        return null;
    }

    private static Map<Palette, Integer> colourCounts(BufferedImage image) {
        Map<Palette, Integer> counts = new EnumMap<>(Palette.class);
        for (int p : pixels(image)) {
            counts.merge(Palette.nearest(p), 1, Integer::sum);
        }
        return counts;
    }

    private static double[] centroid(BufferedImage image, Palette colour) {
        double sx = 0;
        double sy = 0;
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if (Palette.nearest(image.getRGB(x, y) & 0xffffff) == colour) {
                    sx += x;
                    sy += y;
                    n++;
                }
            }
        }
        assertThat(n).isGreaterThanOrEqualTo(MIN_OBJECT_PIXELS);
        return new double[] {sx / n, sy / n};
    }

    private static int[] pixels(BufferedImage image) {
        int[] rgb =
                image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] &= 0xffffff;
        }
        return rgb;
    }

    private static String hash(List<CaptionedImage> images) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        for (CaptionedImage image : images) {
            sha.update(image.id().getBytes(StandardCharsets.UTF_8));
            for (int p : pixels(image.image())) {
                sha.update((byte) (p >> 16));
                sha.update((byte) (p >> 8));
                sha.update((byte) p);
            }
            for (String caption : image.captions()) {
                sha.update(caption.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
        }
        return java.util.HexFormat.of().formatHex(sha.digest());
    }
}
