package io.captioner.model.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Feeds seeded, randomly damaged copies of valid images to the decoder: whatever the damage, the
 * result must be either an RGB image or a typed {@link ImageDecodingException}, never another
 * exception escaping from an ImageIO plugin.
 */
class ImageDecoderFuzzTest {
    private static final int MUTANTS = 150;

    // A low pixel limit keeps a mutated header that declares a large image from allocating it.
    private final ImageDecoder decoder = ImageDecoder.builder().optMaxPixels(1_000_000).build();

    @ParameterizedTest
    @ValueSource(strings = {"jpeg", "png", "gif", "bmp"})
    @Timeout(60) // guards against a plugin looping forever on damaged data; not a speed check
    void shouldOnlyEverReturnRgbOrTypedFailure(String format) {
        BufferedImage source = DecoderFixtures.texture(48, 32);
        byte[] valid =
                format.equals("jpeg")
                        ? DecoderFixtures.jpeg(source, 0.9f, false)
                        : DecoderFixtures.write(source, format);
        Random random = new Random(format.hashCode());
        Map<ImageDecodingException.Reason, Integer> outcomes =
                new EnumMap<>(ImageDecodingException.Reason.class);
        int decoded = 0;
        for (int i = 0; i < MUTANTS; i++) {
            byte[] mutant = mutate(valid, random);
            try {
                DecodedImage image = decoder.decode(mutant);
                assertThat(image.image().getType()).isEqualTo(BufferedImage.TYPE_INT_RGB);
                decoded++;
            } catch (ImageDecodingException e) {
                assertThat(e.getMessage()).isNotBlank();
                outcomes.merge(e.reason(), 1, Integer::sum);
            } catch (RuntimeException e) {
                fail("mutant " + i + " of " + format + " escaped as " + e, e);
            }
        }
        // Damage must be detected at least sometimes, or the mutations are not reaching the data.
        assertThat(outcomes).isNotEmpty();
        assertThat(decoded + outcomes.values().stream().mapToInt(Integer::intValue).sum())
                .isEqualTo(MUTANTS);
    }

    /** Flips bytes, truncates, or overwrites a run, keeping the magic bytes most of the time. */
    private static byte[] mutate(byte[] valid, Random random) {
        byte[] copy = valid.clone();
        switch (random.nextInt(3)) {
            case 0 -> {
                int flips = 1 + random.nextInt(8);
                for (int f = 0; f < flips; f++) {
                    int pos = 2 + random.nextInt(copy.length - 2);
                    copy[pos] = (byte) random.nextInt(256);
                }
            }
            case 1 -> {
                int length = 1 + random.nextInt(copy.length - 1);
                copy = Arrays.copyOf(copy, length);
            }
            default -> {
                int start = 2 + random.nextInt(copy.length - 2);
                int end = Math.min(copy.length, start + 1 + random.nextInt(64));
                Arrays.fill(copy, start, end, (byte) random.nextInt(256));
            }
        }
        return copy;
    }
}
