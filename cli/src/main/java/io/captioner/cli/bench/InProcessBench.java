package io.captioner.cli.bench;

import ai.djl.pytorch.jni.JniUtils;
import io.captioner.model.CaptionResult;
import io.captioner.model.Captioner;
import io.captioner.model.CaptionerSession;
import io.captioner.model.DecodingOptions;
import io.captioner.model.image.ImageDecoder;
import io.captioner.model.image.ImageDecodingException;
import java.awt.image.BufferedImage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The model's own speed without Kafka: each batch decodes its PNGs, then resizes, encodes and
 * captions them in one forward pass, on one thread (as the offline {@code caption} command does) or
 * on several side by side (as the app's inference threads do). Batch size 1 with greedy decoding on
 * one thread is what the seed does.
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
     * is timed), on the calling thread.
     */
    public InProcessResult run(int batchSize, DecodingOptions options, Duration timeCap) {
        return run(batchSize, options, timeCap, 1);
    }

    /**
     * Like {@link #run(int, DecodingOptions, Duration)} with {@code workers} threads taking the
     * next batch each, every one in its own {@link CaptionerSession}: the model's limit as the app
     * runs it (its inference threads side by side), not as one thread with every core runs it.
     */
    public InProcessResult run(
            int batchSize, DecodingOptions options, Duration timeCap, int workers) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, was " + batchSize);
        }
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be >= 1, was " + workers);
        }
        captionBatch(0, Math.min(batchSize, images.size()), options);
        long capNanos = timeCap.toNanos();
        List<Long> batchNanos = Collections.synchronizedList(new ArrayList<>());
        AtomicLong tokens = new AtomicLong();
        AtomicLong decodeNanos = new AtomicLong();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        long start = System.nanoTime();
        Runnable worker =
                () -> {
                    try (CaptionerSession session = captioner.newSession()) {
                        while (true) {
                            if (done.get() > 0 && System.nanoTime() - start >= capNanos) {
                                return;
                            }
                            int from = next.getAndAdd(batchSize);
                            if (from >= images.size()) {
                                return;
                            }
                            int size = Math.min(batchSize, images.size() - from);
                            long before = System.nanoTime();
                            List<BufferedImage> decoded = decode(from, size);
                            decodeNanos.addAndGet(System.nanoTime() - before);
                            List<byte[]> resized = new ArrayList<>(size);
                            for (BufferedImage image : decoded) {
                                resized.add(captioner.preprocessor().resize(image));
                            }
                            for (CaptionResult r : session.captionResized(resized, options)) {
                                tokens.addAndGet(r.tokens().size());
                            }
                            batchNanos.add(System.nanoTime() - before);
                            done.addAndGet(size);
                        }
                    } catch (RuntimeException e) {
                        failure.compareAndSet(null, e);
                        // The other workers stop at their next batch.
                        next.set(images.size());
                    }
                };
        if (workers == 1) {
            worker.run();
        } else {
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < workers; i++) {
                Thread t = new Thread(worker, "bench-raw-" + (i + 1));
                threads.add(t);
                t.start();
            }
            for (Thread t : threads) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while measuring", e);
                }
            }
        }
        long end = System.nanoTime();
        if (failure.get() != null) {
            throw failure.get();
        }
        long[] samples = batchNanos.stream().mapToLong(Long::longValue).toArray();
        int n = done.get();
        return new InProcessResult(
                batchSize,
                n,
                (end - start) / 1e9,
                decodeNanos.get() / 1e9 / workers,
                LatencyStats.ofNanos(samples),
                (double) tokens.get() / n,
                workers,
                JniUtils.getNumThreads());
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
