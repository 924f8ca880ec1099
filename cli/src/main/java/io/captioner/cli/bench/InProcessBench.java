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
import java.util.concurrent.CountDownLatch;
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
     * is timed), on one thread.
     */
    public InProcessResult run(int batchSize, DecodingOptions options, Duration timeCap) {
        return run(batchSize, options, timeCap, 1);
    }

    /**
     * Like {@link #run(int, DecodingOptions, Duration)} with {@code workers} threads taking the
     * next batch each, every one in its own {@link CaptionerSession} and after its own untimed
     * batch: the model's limit as the app runs it (its inference threads side by side), not as one
     * thread with every core runs it.
     */
    public InProcessResult run(
            int batchSize, DecodingOptions options, Duration timeCap, int workers) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, was " + batchSize);
        }
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be >= 1, was " + workers);
        }
        long capNanos = timeCap.toNanos();
        List<Long> batchNanos = Collections.synchronizedList(new ArrayList<>());
        AtomicLong tokens = new AtomicLong();
        AtomicLong decodeNanos = new AtomicLong();
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        // Each worker's first pass at a batch shape is slow (allocations, kernel selection): one
        // untimed batch per worker, then all start together.
        CountDownLatch warm = new CountDownLatch(workers);
        CountDownLatch go = new CountDownLatch(1);
        AtomicLong startNanos = new AtomicLong();
        Runnable worker =
                () -> {
                    try (CaptionerSession session = captioner.newSession()) {
                        try {
                            session.captionResized(
                                    resize(decode(0, Math.min(batchSize, images.size()))), options);
                        } finally {
                            warm.countDown();
                        }
                        go.await();
                        long start = startNanos.get();
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
                            for (CaptionResult r :
                                    session.captionResized(resize(decoded), options)) {
                                tokens.addAndGet(r.tokens().size());
                            }
                            batchNanos.add(System.nanoTime() - before);
                            done.addAndGet(size);
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (RuntimeException e) {
                        failure.compareAndSet(null, e);
                        // The other workers stop at their next batch.
                        next.set(images.size());
                    }
                };
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            Thread t = new Thread(worker, "bench-raw-" + (i + 1));
            threads.add(t);
            t.start();
        }
        try {
            warm.await();
            startNanos.set(System.nanoTime());
            go.countDown();
            for (Thread t : threads) {
                t.join();
            }
        } catch (InterruptedException e) {
            threads.forEach(Thread::interrupt);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while measuring", e);
        }
        long start = startNanos.get();
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

    private List<byte[]> resize(List<BufferedImage> decoded) {
        List<byte[]> resized = new ArrayList<>(decoded.size());
        for (BufferedImage image : decoded) {
            resized.add(captioner.preprocessor().resize(image));
        }
        return resized;
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
