package io.captioner.model.image;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Child-JVM main of {@link ImageDecoderMemoryIT}: decodes image files one after the other at a
 * target size and prints, per file, the decoded size and the peak heap the decode reached; exits 3
 * on {@link OutOfMemoryError}. Run it under a small {@code -Xmx} to show what a decode needs.
 *
 * <p>Usage: {@code ImageDecodeHeapProbe MIN_SHORT_SIDE FILE...}
 */
public final class ImageDecodeHeapProbe {

    private ImageDecodeHeapProbe() {}

    /** Entry point; see the class documentation. */
    public static void main(String[] args) throws Exception {
        int target = Integer.parseInt(args[0]);
        ImageDecoder decoder = ImageDecoder.builder().build();
        List<MemoryPoolMXBean> heap =
                ManagementFactory.getMemoryPoolMXBeans().stream()
                        .filter(pool -> pool.getType() == MemoryType.HEAP)
                        .toList();
        long maxPeak = 0;
        for (int i = 1; i < args.length; i++) {
            Path file = Path.of(args[i]);
            String name = file.getFileName().toString();
            try {
                byte[] bytes = Files.readAllBytes(file);
                System.gc();
                heap.forEach(MemoryPoolMXBean::resetPeakUsage);
                DecodedImage decoded = decoder.decode(bytes, target);
                // The sum of each pool's peak bounds the heap's peak from above.
                long peak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
                maxPeak = Math.max(maxPeak, peak);
                System.out.printf(
                        Locale.ROOT,
                        "DECODED %s %dx%d -> %dx%d bytes=%d heapPeakMiB=%.1f%n",
                        name,
                        decoded.originalWidth(),
                        decoded.originalHeight(),
                        decoded.width(),
                        decoded.height(),
                        bytes.length,
                        peak / 1048576.0);
            } catch (OutOfMemoryError e) {
                System.out.println("OOM " + name);
                System.out.flush();
                System.exit(3);
            }
        }
        System.out.printf(
                Locale.ROOT,
                "MAX_HEAP_PEAK_MIB=%.1f MAX_HEAP_MIB=%d %s%n",
                maxPeak / 1048576.0,
                Runtime.getRuntime().maxMemory() / 1048576,
                peakRss());
    }

    /** The process's peak resident set (VmHWM), heap and native memory together, on Linux. */
    private static String peakRss() {
        try {
            for (String line :
                    Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("VmHWM:")) {
                    return "PEAK_RSS_KIB=" + line.replaceAll("[^0-9]", "");
                }
            }
        } catch (java.io.IOException e) {
            // not Linux: the heap figures are what the test checks
        }
        return "PEAK_RSS_KIB=unknown";
    }
}
