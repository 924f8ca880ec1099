package io.captioner.model.image;

import io.captioner.model.data.SyntheticDataset;
import java.awt.image.BufferedImage;
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
 * The serving path's input work per image, decode plus resize to the encoder's input: the bench's
 * 128x128 PNG for tiny-cnn (64x64) and a 640x480 JPEG for ResNet (224x224). Run with {@code java
 * -cp <test classpath> org.openjdk.jmh.Main ImagePreprocessBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ImagePreprocessBenchmark {
    private final ImageDecoder decoder = ImageDecoder.builder().build();
    private final ImagePreprocessor tiny = ImagePreprocessor.imagenet(64);
    private final ImagePreprocessor resnet = ImagePreprocessor.imagenet(224);
    private byte[] smallPng;
    private byte[] scenePng;
    private byte[] vgaJpeg;
    private BufferedImage decodedVga;

    /** Encodes the inputs once, outside the measured code. */
    @Setup
    public void setUp() throws ImageDecodingException {
        smallPng = DecoderFixtures.write(DecoderFixtures.texture(128, 128), "png");
        scenePng =
                DecoderFixtures.write(
                        SyntheticDataset.builder()
                                .setSeed(2026)
                                .setImages(1)
                                .optImageSize(128)
                                .build()
                                .stream()
                                .findFirst()
                                .orElseThrow()
                                .image(),
                        "png");
        vgaJpeg = DecoderFixtures.jpeg(DecoderFixtures.texture(640, 480), 0.9f, false);
        decodedVga = decoder.decode(vgaJpeg, resnet.minDecodeShortSide()).image();
    }

    /** 128x128 PNG decoded and resized to 64x64 RGB bytes. */
    @Benchmark
    public byte[] png128ToTiny() throws ImageDecodingException {
        return tiny.resize(decoder.decode(smallPng, tiny.minDecodeShortSide()).image());
    }

    /** A 128x128 synthetic scene PNG (what {@code ./captioner bench} sends) to 64x64 RGB bytes. */
    @Benchmark
    public byte[] scenePng128ToTiny() throws ImageDecodingException {
        return tiny.resize(decoder.decode(scenePng, tiny.minDecodeShortSide()).image());
    }

    /** 640x480 JPEG decoded and resized to 224x224 RGB bytes. */
    @Benchmark
    public byte[] jpeg640ToResnet() throws ImageDecodingException {
        return resnet.resize(decoder.decode(vgaJpeg, resnet.minDecodeShortSide()).image());
    }

    /** The resize alone of a decoded 640x480 image to 224x224. */
    @Benchmark
    public byte[] resize640ToResnet() {
        return resnet.resize(decodedVga);
    }
}
