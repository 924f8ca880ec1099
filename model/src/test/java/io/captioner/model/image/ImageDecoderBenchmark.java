package io.captioner.model.image;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decode cost of typical uploads: a 12 MP camera JPEG at full resolution and with subsampling, and
 * a 1024x768 PNG. Run with {@code java -cp <test classpath> org.openjdk.jmh.Main
 * ImageDecoderBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class ImageDecoderBenchmark {
    private final ImageDecoder full = ImageDecoder.builder().build();
    private final ImageDecoder subsampled =
            ImageDecoder.builder().optSubsamplingTarget(512).build();
    private byte[] photoJpeg;
    private byte[] screenshotPng;

    /** Encodes the inputs once, outside the measured code. */
    @Setup
    public void setUp() {
        photoJpeg = DecoderFixtures.jpeg(DecoderFixtures.texture(4000, 3000), 0.85f, false);
        screenshotPng = DecoderFixtures.write(DecoderFixtures.texture(1024, 768), "png");
    }

    /** 4000x3000 JPEG decoded to 4000x3000 RGB. */
    @Benchmark
    public DecodedImage jpeg12MegapixelFull() throws ImageDecodingException {
        return full.decode(photoJpeg);
    }

    /** 4000x3000 JPEG subsampled by 5 to 800x600 RGB. */
    @Benchmark
    public DecodedImage jpeg12MegapixelSubsampled() throws ImageDecodingException {
        return subsampled.decode(photoJpeg);
    }

    /** 1024x768 PNG decoded to RGB. */
    @Benchmark
    public DecodedImage png1024x768() throws ImageDecodingException {
        return full.decode(screenshotPng);
    }
}
