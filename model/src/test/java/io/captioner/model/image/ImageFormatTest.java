package io.captioner.model.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ImageFormatTest {
    @Test
    void shouldRecogniseDecodableFormatsFromMagicBytes() {
        assertThat(ImageFormat.sniff(bytes(0xFF, 0xD8, 0xFF, 0xE0))).isEqualTo(ImageFormat.JPEG);
        assertThat(ImageFormat.sniff(bytes(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)))
                .isEqualTo(ImageFormat.PNG);
        assertThat(ImageFormat.sniff(ascii("GIF87a..."))).isEqualTo(ImageFormat.GIF);
        assertThat(ImageFormat.sniff(ascii("GIF89a..."))).isEqualTo(ImageFormat.GIF);
        assertThat(ImageFormat.sniff(bmpWithDibHeaderSize(40))).isEqualTo(ImageFormat.BMP);
        assertThat(ImageFormat.sniff(bmpWithDibHeaderSize(124))).isEqualTo(ImageFormat.BMP);
    }

    @Test
    void shouldRecogniseCommonUnsupportedFormatsByName() {
        assertThat(ImageFormat.sniff(ascii("RIFF\0\0\0\0WEBPVP8 "))).isEqualTo(ImageFormat.WEBP);
        assertThat(ImageFormat.sniff(bytes('I', 'I', 0x2A, 0x00))).isEqualTo(ImageFormat.TIFF);
        assertThat(ImageFormat.sniff(bytes('M', 'M', 0x00, 0x2A))).isEqualTo(ImageFormat.TIFF);
        assertThat(ImageFormat.sniff(ascii("\0\0\0\u0018ftypheic"))).isEqualTo(ImageFormat.HEIF);
        assertThat(ImageFormat.sniff(ascii("\0\0\0\u001cftypavif"))).isEqualTo(ImageFormat.HEIF);
        assertThat(ImageFormat.sniff(ascii("%PDF-1.7"))).isEqualTo(ImageFormat.PDF);
        assertThat(ImageFormat.WEBP.decodable()).isFalse();
        assertThat(ImageFormat.JPEG.decodable()).isTrue();
    }

    @Test
    void shouldNotRecogniseLookalikes() {
        // An MP4 video shares the ftyp box with HEIF but not the brand.
        assertThat(ImageFormat.sniff(ascii("\0\0\0\u0018ftypisom"))).isNull();
        assertThat(ImageFormat.sniff(bmpWithDibHeaderSize(41))).isNull();
        assertThat(ImageFormat.sniff(ascii("GIF90a"))).isNull();
        assertThat(ImageFormat.sniff(bytes(0xFF, 0xD8))).isNull();
        assertThat(ImageFormat.sniff(new byte[0])).isNull();
    }

    @Test
    void shouldDescribeAtMostEightLeadingBytesInHex() {
        assertThat(ImageFormat.describeHead(ascii("Hello, world")))
                .isEqualTo("48 65 6c 6c 6f 2c 20 77");
        assertThat(ImageFormat.describeHead(bytes(0xAB))).isEqualTo("ab");
    }

    @Test
    void shouldTellProgressiveFromBaselineJpeg() {
        BufferedImage img = DecoderFixtures.texture(16, 16);

        assertThat(ImageFormat.isProgressiveJpeg(DecoderFixtures.jpeg(img, 0.9f, true))).isTrue();
        assertThat(ImageFormat.isProgressiveJpeg(DecoderFixtures.jpeg(img, 0.9f, false))).isFalse();
        assertThat(ImageFormat.isProgressiveJpeg(bytes(0xFF, 0xD8, 0xFF))).isFalse();
    }

    private static byte[] bmpWithDibHeaderSize(int size) {
        byte[] b = new byte[54];
        b[0] = 'B';
        b[1] = 'M';
        b[14] = (byte) size;
        return b;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }
}
