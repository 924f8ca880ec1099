package io.captioner.cli.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Samples this process's resident memory ({@code VmRSS} of {@code /proc/self/status}) once a second
 * and at named marks, so a long run shows whether memory stays flat after warm-up. RSS covers the
 * heap as far as it was touched plus native memory (PyTorch tensors, RocksDB, the broker), which
 * the heap figures alone would miss. Off Linux it records nothing.
 */
public final class RssSampler implements AutoCloseable {

    private static final Path STATUS = Path.of("/proc/self/status");

    private final long startNanos = System.nanoTime();
    private final List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Mark> marks = Collections.synchronizedMap(new LinkedHashMap<>());
    private final ScheduledExecutorService timer;

    private RssSampler(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    /** Starts sampling every {@code periodMillis}. */
    public static RssSampler start(long periodMillis) {
        ScheduledExecutorService timer =
                Executors.newSingleThreadScheduledExecutor(
                        r -> {
                            Thread t = new Thread(r, "bench-rss-sampler");
                            t.setDaemon(true);
                            return t;
                        });
        RssSampler sampler = new RssSampler(timer);
        timer.scheduleAtFixedRate(sampler::sample, 0, periodMillis, TimeUnit.MILLISECONDS);
        return sampler;
    }

    /** Records RSS and committed heap now under {@code name}. */
    public void mark(String name) {
        OptionalLong rss = readRssBytes();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
        marks.put(name, new Mark(rss.isPresent() ? rss.getAsLong() : -1, heap));
        rss.ifPresent(bytes -> samples.add(new Sample(elapsedSeconds(), bytes)));
    }

    /** The mark named {@code name}, if it was taken. */
    public Mark markOf(String name) {
        return marks.get(name);
    }

    /** Every sample so far, in time order. */
    public List<Sample> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    /** The largest RSS sampled, or -1 without samples. */
    public long maxBytes() {
        synchronized (samples) {
            return samples.stream().mapToLong(Sample::rssBytes).max().orElse(-1);
        }
    }

    private void sample() {
        readRssBytes().ifPresent(bytes -> samples.add(new Sample(elapsedSeconds(), bytes)));
    }

    private double elapsedSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** This process's resident set size, when {@code /proc/self/status} tells it. */
    static OptionalLong readRssBytes() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.substring(6).trim().split("\\s+");
                    return OptionalLong.of(Long.parseLong(parts[0]) * 1024);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux, or no procfs: RSS stays unknown.
        }
        return OptionalLong.empty();
    }

    /** Stops sampling. */
    @Override
    public void close() {
        timer.shutdownNow();
    }

    /**
     * One sample.
     *
     * @param seconds seconds since the sampler started
     * @param rssBytes resident set size
     */
    public record Sample(double seconds, long rssBytes) {}

    /**
     * A named moment.
     *
     * @param rssBytes resident set size, -1 when unknown
     * @param heapCommittedBytes the JVM's committed heap
     */
    public record Mark(long rssBytes, long heapCommittedBytes) {}
}
