package io.captioner.cli.bench;

import io.captioner.model.CaptionResult;
import io.captioner.model.Captioner;
import io.captioner.model.DecodingOptions;
import io.captioner.model.image.ImageDecoder;
import io.captioner.model.image.ImageDecodingException;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The model's own speed without Kafka: each batch decodes its PNGs, then preprocesses, encodes and
 * captions them in one {@link Captioner#caption} call, on the calling thread, as the offline {@code
 * caption} command does. Batch size 1 with greedy decoding is what the seed does.
 */
public final class InProcessBench {

    private final Captioner captioner;
    private final ImageDecoder decoder;
    private final BenchImages images;

    /** Measures {@code captioner} on {@code images}, decoded by {@code decoder}. */
    public InProcessBench(Captioner captioner, ImageDecoder decoder, BenchImages images) {
        this.captioner = Objects.requireNonNull(captioner, "captioner");
        this.decoder = Objects.requireNonNull(decoder, "decoder");
        this.images = Objects.requireNonNull(images, "images");
    }

    /**
     * One untimed warm-up batch, then batches over the images in order until every image was
     * captioned once or {@code timeCap} has passed (checked after each batch, so at least one batch
     * is timed).
     */
    public InProcessResult run(int batchSize, DecodingOptions options, Duration timeCap) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, was " + batchSize);
        }
        captionBatch(0, Math.min(batchSize, images.size()), options);
        long capNanos = timeCap.toNanos();
        List<Long> batchNanos = new ArrayList<>();
        long tokens = 0;
        long decodeNanos = 0;
        int done = 0;
        long start = System.nanoTime();
        long now = start;
        while (done < images.size() && (done == 0 || now - start < capNanos)) {
            int size = Math.min(batchSize, images.size() - done);
            long before = System.nanoTime();
            List<BufferedImage> batch = decode(done, size);
            decodeNanos += System.nanoTime() - before;
            for (CaptionResult r : captioner.caption(batch, options)) {
                tokens += r.tokens().size();
            }
            now = System.nanoTime();
            batchNanos.add(now - before);
            done += size;
        }
        long[] samples = batchNanos.stream().mapToLong(Long::longValue).toArray();
        return new InProcessResult(
                batchSize,
                done,
                (now - start) / 1e9,
                decodeNanos / 1e9,
                LatencyStats.ofNanos(samples),
                (double) tokens / done);
    }

    private List<CaptionResult> captionBatch(int from, int size, DecodingOptions options) {
        return captioner.caption(decode(from, size), options);
    }

    private List<BufferedImage> decode(int from, int size) {
        List<BufferedImage> batch = new ArrayList<>(size);
        for (int i = from; i < from + size; i++) {
            try {
                batch.add(decoder.decode(images.get(i)).image());
            } catch (ImageDecodingException e) {
                // The images are our own PNGs: a failure here is a bug, not a bad input.
                throw new IllegalStateException("cannot decode bench image " + i, e);
            }
        }
        return batch;
    }
}
