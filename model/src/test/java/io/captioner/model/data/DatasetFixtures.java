package io.captioner.model.data;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** Small real files in the layouts of the public datasets, written by the tests themselves. */
final class DatasetFixtures {

    private DatasetFixtures() {}

    /** Writes a 16 x 12 JPEG of one colour to {@code file}, creating its folder. */
    static Path jpeg(Path file, Color color) {
        BufferedImage image = new BufferedImage(16, 12, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(color);
            g.fillRect(0, 0, 16, 12);
        } finally {
            g.dispose();
        }
        try {
            Files.createDirectories(file.getParent());
            if (!ImageIO.write(image, "jpeg", file.toFile())) {
                throw new IllegalStateException("no JPEG writer");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /** Writes text to {@code file} as UTF-8, creating its folder. */
    static Path text(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            return Files.writeString(file, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
