package io.captioner.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The host's theoretical FP32 peak, from what {@code /proc/cpuinfo} says: cores x clock x FP32 FLOP
 * per cycle and core.
 *
 * <p>FLOP per cycle is 2 (a fused multiply-add) x vector lanes x 2 FMA pipes: 64 with {@code
 * avx512f}, 32 with {@code avx2} and {@code fma}, 16 with {@code avx} (separate add and multiply),
 * 8 otherwise. Two pipes is right for Intel cores since Haswell and AMD cores since Zen 2; CPUs
 * with one 512-bit FMA unit (some Xeon Silver and Bronze) reach half the AVX-512 figure. The clock
 * is the first {@code cpu MHz} line (the nominal clock in most VMs; turbo is not counted). The
 * figure is an upper bound no real network reaches; it says how much of the machine a model uses.
 *
 * @param cores cores counted
 * @param mhz clock in MHz
 * @param flopsPerCycle FP32 FLOP per cycle and core
 * @param isa the widest vector extension found
 * @param cpuModel the CPU's model name, or {@code unknown}
 */
public record HostPeak(int cores, double mhz, int flopsPerCycle, String isa, String cpuModel) {

    /** Peak in GFLOP/s. */
    public double gflops() {
        return cores * mhz / 1000.0 * flopsPerCycle;
    }

    /** How the peak was computed, in words, for the report. */
    public String basis() {
        return String.format(
                Locale.ROOT,
                "%d cores x %.0f MHz x %d FP32 FLOP/cycle (%s, 2 FMA pipes assumed) from"
                        + " /proc/cpuinfo (%s)",
                cores,
                mhz,
                flopsPerCycle,
                isa,
                cpuModel);
    }

    /** Reads {@code /proc/cpuinfo}; empty where it is missing or has no clock (non-x86, macOS). */
    public static Optional<HostPeak> detect(int cores) {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (!Files.isReadable(cpuinfo)) {
            return Optional.empty();
        }
        try {
            return parse(Files.readString(cpuinfo), cores);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Computes the peak of {@code cores} cores from the text of {@code /proc/cpuinfo}. */
    public static Optional<HostPeak> parse(String cpuinfo, int cores) {
        if (cores < 1) {
            throw new IllegalArgumentException("cores must be >= 1, was " + cores);
        }
        String flags = field(cpuinfo, "flags");
        String mhz = field(cpuinfo, "cpu MHz");
        if (flags == null || mhz == null) {
            return Optional.empty();
        }
        double clock;
        try {
            clock = Double.parseDouble(mhz);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (!(clock > 0)) {
            return Optional.empty();
        }
        Set<String> set = new HashSet<>(Arrays.asList(flags.split("\\s+")));
        String isa;
        int flops;
        if (set.contains("avx512f")) {
            isa = "avx512f";
            flops = 64;
        } else if (set.contains("avx2") && set.contains("fma")) {
            isa = "avx2+fma";
            flops = 32;
        } else if (set.contains("avx")) {
            isa = "avx";
            flops = 16;
        } else {
            isa = "sse";
            flops = 8;
        }
        String model = field(cpuinfo, "model name");
        return Optional.of(
                new HostPeak(cores, clock, flops, isa, model == null ? "unknown" : model));
    }

    /** The value of the first {@code name : value} line, or null. */
    private static String field(String cpuinfo, String name) {
        for (String line : cpuinfo.split("\\R")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equals(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }
}
