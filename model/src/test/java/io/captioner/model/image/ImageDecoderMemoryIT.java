package io.captioner.model.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * 40 MP images decode for a 224-pixel model in a 128 MB heap, several in a row, in a child JVM
 * ({@link ImageDecodeHeapProbe}); the same heap cannot hold one of them at full resolution, which
 * is what the limit is worth.
 */
class ImageDecoderMemoryIT {

    private static final Logger LOG = LoggerFactory.getLogger(ImageDecoderMemoryIT.class);

    /** 7744 x 5165 = 39,997,760 pixels, just under the default 40 MP limit. */
    private static final int W = 7744;

    private static final int H = 5165;
    private static final String HEAP = "-Xmx128m";
    private static final int TARGET = ImagePreprocessor.imagenet(224).minDecodeShortSide();

    @TempDir static Path dir;
    private static final List<Path> FILES = new ArrayList<>();

    @BeforeAll
    static void writeFortyMegapixelImages() throws IOException {
        BufferedImage photo = DecoderFixtures.photo(W, H, true);
        byte[] jpeg = DecoderFixtures.jpeg(photo, 0.9f, false);
        FILES.add(Files.write(dir.resolve("photo-baseline.jpg"), jpeg));
        byte[] progressive =
                DecoderFixtures.withExifOrientation(
                        DecoderFixtures.jpeg(photo, 0.9f, true), 6, false);
        FILES.add(Files.write(dir.resolve("photo-progressive-rotated.jpg"), progressive));
        Path png = dir.resolve("graphic-rgba16-adam7.png");
        try (OutputStream out = Files.newOutputStream(png)) {
            // No noise: a 40 MP photo as PNG is far over the 20 MiB input limit, a graphic is not.
            StreamingPng.write(
                    out,
                    W,
                    H,
                    StreamingPng.Kind.RGBA16,
                    true,
                    (x, y) -> DecoderFixtures.photoRgb(x, y, W, H, false));
        }
        FILES.add(png);
    }

    @Test
    void shouldDecodeSeveralFortyMegapixelImagesInARowInA128MegabyteHeap() throws Exception {
        List<String> args = new ArrayList<>();
        args.add(String.valueOf(TARGET));
        FILES.forEach(f -> args.add(f.toString()));

        Run run = runProbe(args);

        assertThat(run.exitCode).as(run.output).isZero();
        ImageDecoder decoder = ImageDecoder.builder().build();
        for (Path file : FILES) {
            ImageHeader header = decoder.probe(Files.readAllBytes(file));
            Matcher m =
                    Pattern.compile(
                                    "DECODED "
                                            + Pattern.quote(file.getFileName().toString())
                                            + " (\\d+)x(\\d+) -> (\\d+)x(\\d+) bytes=\\d+"
                                            + " heapPeakMiB=([0-9.]+)")
                            .matcher(run.output);
            assertThat(m.find()).as(run.output).isTrue();
            assertThat(Integer.parseInt(m.group(1)) * Long.parseLong(m.group(2)))
                    .isEqualTo(header.pixels());
            assertThat(Long.parseLong(m.group(3)) * Long.parseLong(m.group(4)))
                    .isEqualTo(header.decodedPixels(TARGET))
                    .isLessThan(1_000_000L);
            // Input bytes, decoded pixels and the JVM's own baseline: far below the 128 MB limit,
            // where one full-resolution decode needs 280 MB (3-byte raster + 4-byte RGB copy).
            assertThat(Double.parseDouble(m.group(5))).as(run.output).isLessThan(64.0);
        }
        LOG.info("40 MP decodes at {} px in {}:\n{}", TARGET, HEAP, run.output);
    }

    @Test
    void shouldNotFitOneOfThemAtFullResolutionInTheSameHeap() throws Exception {
        Run run = runProbe(List.of("0", FILES.get(0).toString()));

        assertThat(run.exitCode).as(run.output).isEqualTo(3);
        assertThat(run.output).contains("OOM photo-baseline.jpg");
    }

    private record Run(int exitCode, String output) {}

    private static Run runProbe(List<String> args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add(HEAP);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(ImageDecodeHeapProbe.class.getName());
        command.addAll(args);
        Path log = Files.createTempFile(dir, "probe", ".log");
        Process process =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(log.toFile())
                        .start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("probe did not finish: " + Files.readString(log));
        }
        return new Run(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }
}
