package io.captioner.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CpuUsageTest {

    @Test
    void shouldGroupThreadsByThePartOfTheSystemTheyWorkFor() {
        assertThat(CpuUsage.groupOf("captioner-inference-1")).isEqualTo("inference");
        assertThat(CpuUsage.groupOf("captioner-input-3")).isEqualTo("input");
        assertThat(CpuUsage.groupOf("captioner-bench-4f1c-StreamThread-1"))
                .isEqualTo("stream_threads");
        assertThat(
                        CpuUsage.groupOf(
                                "kafka-producer-network-thread |"
                                        + " captioner-bench-4f1c-StreamThread-1-producer"))
                .isEqualTo("kafka_clients");
        assertThat(CpuUsage.groupOf("main")).isEqualTo("bench_load");
        assertThat(CpuUsage.groupOf("bench-caption-tracker")).isEqualTo("bench_load");
        assertThat(CpuUsage.groupOf("data-plane-kafka-request-handler-0"))
                .isEqualTo("broker_and_other");
    }

    @Test
    void shouldTellTheJvmsHiddenThreadsApartFromJavaThreads() {
        assertThat(CpuUsage.isHidden("C2 CompilerThre")).isTrue();
        assertThat(CpuUsage.hiddenGroupOf("C1 CompilerThre")).isEqualTo("jit");
        assertThat(CpuUsage.isHidden("GC Thread#1")).isTrue();
        assertThat(CpuUsage.hiddenGroupOf("G1 Conc#0")).isEqualTo("gc_and_vm");
        // Java threads are counted by their full names instead, never twice.
        assertThat(CpuUsage.isHidden("captioner-infer")).isFalse();
        assertThat(CpuUsage.isHidden("data-plane-kafk")).isFalse();
    }

    @Test
    void shouldReadUserAndSystemTicksAfterANameWithSpacesAndParentheses() {
        String stat =
                "4242 (C2 Compiler) x) S 1 1 1 0 -1 4194368 0 0 0 0 1234 56 0 0 20 0 1 0 100 0 0";

        assertThat(CpuUsage.ticks(stat)).isEqualTo(1290);
    }

    @Test
    void shouldAverageEachGroupsCpuOverTheTimeBetweenSnapshots() {
        CpuUsage.Snapshot before =
                new CpuUsage.Snapshot(
                        0, Map.of("inference", 1_000_000_000L, "jit", 500_000_000L), true);
        CpuUsage.Snapshot after =
                new CpuUsage.Snapshot(
                        2_000_000_000L,
                        Map.of(
                                "inference", 4_000_000_000L,
                                "jit", 700_000_000L,
                                "input", 600_000_000L),
                        true);

        Map<String, Double> cores = after.coresSince(before);

        assertThat(cores.get("inference")).isEqualTo(1.5);
        assertThat(cores.get("input")).isEqualTo(0.3);
        assertThat(cores.get("jit")).isEqualTo(0.1, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(cores.get("broker_and_other")).isEqualTo(0.0);
        assertThat(cores.keySet()).containsExactlyElementsOf(CpuUsage.GROUPS);
        assertThat(after.jitCoresSince(before))
                .hasValueCloseTo(0.1, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void shouldLeaveTheJitAndGcOutWhereTheyCouldNotBeRead() {
        CpuUsage.Snapshot before = new CpuUsage.Snapshot(0, Map.of("inference", 0L), false);
        CpuUsage.Snapshot after =
                new CpuUsage.Snapshot(1_000_000_000L, Map.of("inference", 900_000_000L), false);

        assertThat(after.coresSince(before)).doesNotContainKeys("jit", "gc_and_vm");
        assertThat(after.jitCoresSince(before)).isEmpty();
    }

    @Test
    void shouldSeeThisJvmsOwnThreadsWorking() {
        CpuUsage.Snapshot before = CpuUsage.take();
        long until = System.nanoTime() + 200_000_000L;
        long spin = 0;
        while (System.nanoTime() < until) {
            spin++;
        }

        Map<String, Double> cores = CpuUsage.take().coresSince(before);

        assertThat(spin).isPositive();
        // Surefire runs tests on "main": the spin is the bench-load group's.
        assertThat(cores.get("bench_load")).isGreaterThan(0.3);
    }
}
