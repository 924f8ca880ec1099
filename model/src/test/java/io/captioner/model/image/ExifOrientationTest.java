package io.captioner.model.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExifOrientationTest {
    /**
     * Source 3x2 with pixels numbered row by row: {@code 1 2 3 / 4 5 6}. Expected rows are what the
     * EXIF 2.3 orientation table says a viewer shows, written out by hand.
     */
    @ParameterizedTest(name = "orientation {0}")
    @CsvSource(
            delimiter = ';',
            value = {
                "1; 3; 1 2 3 4 5 6",
                "2; 3; 3 2 1 6 5 4",
                "3; 3; 6 5 4 3 2 1",
                "4; 3; 4 5 6 1 2 3",
                "5; 2; 1 4 2 5 3 6",
                "6; 2; 4 1 5 2 6 3",
                "7; 2; 6 3 5 2 4 1",
                "8; 2; 3 6 2 5 1 4"
            })
    void shouldMapEveryPixelAsTheExifTableSays(int orientation, int width, String expected) {
        BufferedImage src = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < 6; i++) {
            src.setRGB(i % 3, i / 3, i + 1);
        }

        BufferedImage out = ExifOrientation.apply(src, orientation);

        assertThat(out.getWidth()).isEqualTo(width);
        assertThat(out.getHeight()).isEqualTo(6 / width);
        int[] actual = out.getRGB(0, 0, width, 6 / width, null, 0, width);
        StringBuilder sb = new StringBuilder();
        for (int v : actual) {
            sb.append(sb.length() == 0 ? "" : " ").append(v & 0xFFFFFF);
        }
        assertThat(sb.toString()).isEqualTo(expected);
    }
}
