package io.captioner.cli.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Where the bench's JVM spends its CPU, by part of the system: the model's inference threads, the
 * input threads that decode, the stream threads, the Kafka clients, the bench's own load, the
 * broker (with the registry and the app's HTTP server), the JIT and the JVM's GC and VM threads.
 * Everything runs in one process on the same cores, so these shares are what limits the end-to-end
 * figure against the raw one.
 *
 * <p>Java threads are read by their full names through {@link ThreadMXBean}; the JIT's and the GC's
 * threads are hidden from it and are read from {@code /proc/self/task} (Linux only; elsewhere they
 * count as unknown).
 */
public final class CpuUsage {

    /** Part of the system, in the order of the report. */
    public static final List<String> GROUPS =
            List.of(
                    "inference",
                    "input",
                    "stream_threads",
                    "kafka_clients",
                    "bench_load",
                    "broker_and_other",
                    "jit",
                    "gc_and_vm");

    private static final Path TASKS = Path.of("/proc/self/task");
    private static final long CLOCK_TICK_NANOS = 10_000_000L; // USER_HZ is 100 on Linux

    private CpuUsage() {}

    /** The part of the system a Java thread named {@code name} works for. */
    static String groupOf(String name) {
        if (name.startsWith("captioner-inference")) {
            return "inference";
        }
        if (name.startsWith("captioner-input")) {
            return "input";
        }
        // Before the stream threads: their producers' I/O threads carry the stream thread's name.
        if (name.startsWith("kafka-producer-network-thread")
                || name.startsWith("kafka-coordinator-heartbeat-thread")
                || name.startsWith("consumer_background_thread")) {
            return "kafka_clients";
        }
        if (name.contains("-StreamThread-") || name.contains("-StateUpdater-")) {
            return "stream_threads";
        }
        if (name.equals("main") || name.startsWith("bench-")) {
            return "bench_load";
        }
        return "broker_and_other";
    }

    /** The part of the system a thread hidden from Java works for, by its {@code comm}. */
    static String hiddenGroupOf(String comm) {
        return isCompiler(comm) ? "jit" : "gc_and_vm";
    }

    private static boolean isCompiler(String comm) {
        return comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre");
    }

    /** Whether {@code comm} names one of the JVM's own threads that Java does not list. */
    static boolean isHidden(String comm) {
        return isCompiler(comm)
                || comm.startsWith("GC Thread")
                || comm.startsWith("G1 ")
                || comm.startsWith("VM Thread")
                || comm.startsWith("VM Periodic")
                || comm.startsWith("Sweeper")
                || comm.startsWith("Service Thread")
                || comm.startsWith("Monitor Deflati");
    }

    /** CPU time by part of the system so far, and when it was read. */
    public static Snapshot take() {
        Map<String, Long> nanos = new HashMap<>();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        if (threads.isThreadCpuTimeSupported()) {
            for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
                if (info == null) {
                    continue;
                }
                long cpu = threads.getThreadCpuTime(info.getThreadId());
                if (cpu > 0) {
                    nanos.merge(groupOf(info.getThreadName()), cpu, Long::sum);
                }
            }
        }
        boolean hidden = readHidden(nanos);
        return new Snapshot(System.nanoTime(), nanos, hidden);
    }

    private static boolean readHidden(Map<String, Long> nanos) {
        if (!Files.isDirectory(TASKS)) {
            return false;
        }
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
            for (Path task : tasks) {
                try {
                    String comm =
                            Files.readString(task.resolve("comm"), StandardCharsets.UTF_8).strip();
                    if (isHidden(comm)) {
                        long ticks = ticks(Files.readString(task.resolve("stat")));
                        nanos.merge(hiddenGroupOf(comm), ticks * CLOCK_TICK_NANOS, Long::sum);
                    }
                } catch (IOException | RuntimeException e) {
                    // the thread ended between listing and reading: its time is lost either way
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** User plus system ticks of a {@code /proc/PID/task/TID/stat} line. */
    static long ticks(String stat) {
        // The name in parentheses may hold spaces; fields are counted after its closing one.
        String[] rest = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        return Long.parseLong(rest[11]) + Long.parseLong(rest[12]);
    }

    /**
     * CPU time by part of the system at one moment.
     *
     * @param atNanos {@link System#nanoTime()} when it was read
     * @param cpuNanos CPU time of each group since its threads started
     * @param hiddenRead whether the JIT's and GC's threads could be read
     */
    public record Snapshot(long atNanos, Map<String, Long> cpuNanos, boolean hiddenRead) {

        /** Copies the map. */
        public Snapshot {
            cpuNanos = Map.copyOf(cpuNanos);
        }

        /**
         * Cores each group kept busy on average between {@code earlier} and this snapshot (a thread
         * that ended meanwhile is not counted); the JIT and GC groups are left out where they could
         * not be read.
         */
        public Map<String, Double> coresSince(Snapshot earlier) {
            double seconds = (atNanos - earlier.atNanos) / 1e9;
            Map<String, Double> cores = new LinkedHashMap<>();
            if (seconds <= 0) {
                return cores;
            }
            for (String group : GROUPS) {
                boolean hiddenGroup = group.equals("jit") || group.equals("gc_and_vm");
                if (hiddenGroup && !(hiddenRead && earlier.hiddenRead)) {
                    continue;
                }
                long delta =
                        cpuNanos.getOrDefault(group, 0L) - earlier.cpuNanos.getOrDefault(group, 0L);
                cores.put(group, Math.max(0, delta) / 1e9 / seconds);
            }
            return cores;
        }

        /** Cores the JIT kept busy since {@code earlier}; empty where it cannot be read. */
        public OptionalDouble jitCoresSince(Snapshot earlier) {
            Double jit = coresSince(earlier).get("jit");
            return jit == null ? OptionalDouble.empty() : OptionalDouble.of(jit);
        }
    }
}
