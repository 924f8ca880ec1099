package io.captioner.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFileTest {

    @TempDir Path dir;

    @Test
    void shouldGiveTheSameFileTheSameIdWhereverItLies() throws Exception {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3};
        Path a = Files.write(dir.resolve("cat.png"), png);
        Files.createDirectories(dir.resolve("copy"));
        Path b = Files.write(dir.resolve("copy/cat.png"), png);

        ImageFile first = ImageFile.inspect(a);
        ImageFile second = ImageFile.inspect(b);

        assertThat(first.id()).isEqualTo(second.id()).matches("cat\\.png-[0-9a-f]{12}");
        assertThat(first.sizeBytes()).isEqualTo(png.length);
        assertThat(first.sniffedType()).contains("image/png");
    }

    @Test
    void shouldGiveChangedContentANewId() throws Exception {
        Path file =
                Files.write(
                        dir.resolve("x.jpg"),
                        new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 1});
        String before = ImageFile.inspect(file).id();
        Files.write(file, new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 2});

        assertThat(ImageFile.inspect(file).id()).isNotEqualTo(before);
    }

    @Test
    void shouldReplaceUnsafeCharactersAndCutLongNamesInTheId() {
        assertThat(ImageFile.idOf("my cat/ü?.jpg", "0123456789ab"))
                .isEqualTo("my_cat___.jpg-0123456789ab");
        assertThat(ImageFile.idOf("n".repeat(100) + ".png", "0123456789ab"))
                .isEqualTo("n".repeat(64) + "-0123456789ab");
    }

    @Test
    void shouldRecogniseImageFormatsByMagicBytes() {
        assertThat(ImageFile.sniff(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 0}))
                .contains("image/jpeg");
        assertThat(ImageFile.sniff("GIF89a..".getBytes(StandardCharsets.US_ASCII)))
                .contains("image/gif");
        assertThat(ImageFile.sniff("RIFF\0\0\0\0WEBPVP8 ".getBytes(StandardCharsets.US_ASCII)))
                .contains("image/webp");
        assertThat(ImageFile.sniff("RIFF\0\0\0\0WAVEfmt ".getBytes(StandardCharsets.US_ASCII)))
                .isEmpty();
        assertThat(ImageFile.sniff("hello".getBytes(StandardCharsets.US_ASCII))).isEmpty();
        assertThat(ImageFile.sniff(new byte[0])).isEmpty();
    }

    @Test
    void shouldTreatATextFileAsNoImageButAnImageExtensionAsOne() throws Exception {
        Path text = Files.writeString(dir.resolve("notes.txt"), "not an image");
        Path named = Files.writeString(dir.resolve("broken.JPEG"), "not an image either");
        Path empty = Files.write(dir.resolve("empty.png"), new byte[0]);

        assertThat(ImageFile.inspect(text).looksLikeImage()).isFalse();
        ImageFile broken = ImageFile.inspect(named);
        assertThat(broken.looksLikeImage()).isTrue();
        assertThat(broken.sniffedType()).isEmpty();
        assertThat(broken.detectedType()).contains("image/jpeg");
        assertThat(ImageFile.inspect(empty).looksLikeImage()).isFalse();
    }
}
