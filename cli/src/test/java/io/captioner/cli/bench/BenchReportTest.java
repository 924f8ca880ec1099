package io.captioner.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.captioner.model.DecodingOptions;
import io.captioner.model.nn.EncoderType;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class BenchReportTest {

    private static final long MB = 1024 * 1024;

    private static LatencyStats millis(long... ms) {
        long[] nanos = new long[ms.length];
        for (int i = 0; i < ms.length; i++) {
            nanos[i] = ms[i] * 1_000_000L;
        }
        return LatencyStats.ofNanos(nanos);
    }

    private static BenchResults results(
            OptionalDouble gflop, OptionalDouble avgBatch, Optional<HostPeak> peak) {
        return results(gflop, avgBatch, peak, Optional.empty());
    }

    private static BenchResults results(
            OptionalDouble gflop,
            OptionalDouble avgBatch,
            Optional<HostPeak> peak,
            Optional<InProcessResult> rawAgain) {
        BenchSettings settings =
                new BenchSettings(
                        EncoderType.TINY_CNN,
                        Optional.empty(),
                        false,
                        100,
                        128,
                        16,
                        List.of(1, 16),
                        OptionalInt.empty(),
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(3),
                        Duration.ofSeconds(10),
                        1,
                        Duration.ofSeconds(2),
                        OptionalDouble.empty(),
                        Map.of(),
                        Path.of("data"),
                        Path.of("out"));
        Map<String, Double> cpu = new LinkedHashMap<>();
        cpu.put("inference", 1.2345);
        cpu.put("input", 0.3);
        cpu.put("jit", 0.014);
        InProcessResult seed =
                new InProcessResult(1, 50, 2.0, 0.5, millis(40, 40), 9.0, 1, 2); // 25/s
        InProcessResult raw =
                new InProcessResult(16, 96, 0.48, 0.12, millis(80, 90), 9.5, 2, 1); // 200/s
        return new BenchResults(
                settings,
                Path.of("model.zip"),
                "bench",
                "v1",
                "tiny-cnn",
                2,
                2,
                100,
                30_000,
                DecodingOptions.greedy(),
                seed,
                List.of(seed, raw),
                rawAgain,
                gflop,
                1,
                2,
                3,
                new PipelineBench.BacklogResult(100, 0.8, millis(100, 200, 300)), // 125/s
                avgBatch,
                new PipelineBench.SteadyResult(62.5, 120, 1.9, millis(30, 60), 2.5),
                0,
                new RssSampler.Mark(100 * MB, 50 * MB),
                new RssSampler.Mark(900 * MB, 400 * MB),
                new RssSampler.Mark(870 * MB, 400 * MB),
                new RssSampler.Mark(880 * MB, 420 * MB),
                950 * MB,
                List.of(new RssSampler.Sample(0.5, 100 * MB)),
                peak,
                0.5,
                -1,
                new BenchResults.WarmUp(7.04, 600, OptionalDouble.of(0.034)),
                cpu,
                Map.of());
    }

    /** The report of {@link #results} with the raw stage repeated as {@code again}. */
    private static Map<String, Object> reportWithRawAgain(InProcessResult again) {
        return BenchReport.of(
                results(
                        OptionalDouble.empty(),
                        OptionalDouble.empty(),
                        Optional.empty(),
                        Optional.of(again)),
                Instant.now(),
                false);
    }

    /** The report of {@link #results} with no arithmetic count, batch metric or peak. */
    private static Map<String, Object> reportWithUnknowns(boolean withSamples) {
        return BenchReport.of(
                results(OptionalDouble.empty(), OptionalDouble.empty(), Optional.empty()),
                Instant.now(),
                withSamples);
    }

    @Test
    void shouldTakeTheRawFigureOfTheRepeatWhenItIsFaster() {
        // Given a raw stage of 200/s before the pipeline and 250/s after it
        InProcessResult again = new InProcessResult(16, 96, 0.384, 0.12, millis(70, 80), 9.5, 2, 1);

        // When the report is made
        Map<String, Object> r = reportWithRawAgain(again);

        // Then the model's limit is the faster one, and the ratios are taken against it
        assertThat(r.get("raw_images_per_s")).isEqualTo(250.0);
        assertThat(r.get("raw_first_images_per_s")).isEqualTo(200.0);
        assertThat(r.get("raw_again_images_per_s")).isEqualTo(250.0);
        assertThat(r.get("e2e_over_raw")).isEqualTo(0.5);
        assertThat(r.get("raw_best_images_per_s")).isEqualTo(250.0);
    }

    @Test
    void shouldKeepTheFirstRawFigureWhenTheRepeatIsSlower() {
        InProcessResult again =
                new InProcessResult(16, 96, 0.6, 0.12, millis(90, 99), 9.5, 2, 1); // 160/s

        Map<String, Object> r = reportWithRawAgain(again);

        assertThat(r.get("raw_images_per_s")).isEqualTo(200.0);
        assertThat(r.get("raw_again_images_per_s")).isEqualTo(160.0);
        assertThat(r.get("e2e_over_raw")).isEqualTo(0.625);
    }

    @Test
    void shouldPutTheRatiosOfEndToEndOverRawAndOverSeedStyle() {
        Map<String, Object> r =
                BenchReport.of(
                        results(OptionalDouble.of(0.1), OptionalDouble.of(15.5), Optional.empty()),
                        Instant.parse("2026-12-02T10:00:00.5Z"),
                        false);

        assertThat(r.get("raw_images_per_s")).isEqualTo(200.0);
        assertThat(r.get("seed_style_images_per_s")).isEqualTo(25.0);
        assertThat(r.get("e2e_images_per_s")).isEqualTo(125.0);
        assertThat(r.get("e2e_over_raw")).isEqualTo(0.625);
        assertThat(r.get("raw_best_images_per_s")).isEqualTo(200.0);
        assertThat(r.get("raw_best_batch_size")).isEqualTo(16);
        assertThat(r.get("e2e_over_raw_best")).isEqualTo(0.625);
        assertThat(r.get("e2e_over_seed_style")).isEqualTo(5.0);
        assertThat(r.get("avg_batch_size")).isEqualTo(15.5);
        assertThat(r.get("raw_decode_share")).isEqualTo(0.25);
        assertThat(r.get("raw_workers")).isEqualTo(2);
        assertThat(r.get("raw_intra_op_threads")).isEqualTo(1);
        assertThat(r.get("p50_ms")).isEqualTo(200.0);
        assertThat(r.get("p99_ms")).isEqualTo(300.0);
        assertThat(r.get("steady_p99_ms")).isEqualTo(60.0);
        assertThat(r.get("date")).isEqualTo("2026-12-02T10:00:00Z");
        assertThat(r.get("load_avg_start")).isEqualTo(0.5);
        assertThat(r).containsEntry("load_avg_end", null);
        assertThat(r).doesNotContainKey("rss_samples_s_mb");
    }

    @Test
    void shouldReportTheWarmUpAsItRanAndTheCoresOfEachPartInTheirOrder() {
        Map<String, Object> r = reportWithUnknowns(false);

        assertThat(r.get("warm_up_s")).isEqualTo(7.0);
        assertThat(r.get("warm_up_min_s")).isEqualTo(3.0);
        assertThat(r.get("warm_up_max_s")).isEqualTo(10.0);
        assertThat(r.get("warm_up_images")).isEqualTo(600);
        assertThat(r.get("warm_up_jit_cores")).isEqualTo(0.03);
        @SuppressWarnings("unchecked")
        Map<String, Double> e2eCpu = (Map<String, Double>) r.get("e2e_cpu_cores");
        assertThat(e2eCpu)
                .containsExactly(
                        Map.entry("inference", 1.23),
                        Map.entry("input", 0.3),
                        Map.entry("jit", 0.01));
        assertThat((Map<?, ?>) r.get("steady_cpu_cores")).isEmpty();
        assertThat(BenchReport.summary(r))
                .contains("cpu (e2e)    inference 1.23, input 0.3, jit 0.01 cores");
    }

    @Test
    void shouldReportMemoryInMegabytesWithGrowthSinceTheWarmUpEvenWhenItShrank() {
        Map<String, Object> r = reportWithUnknowns(true);

        assertThat(r.get("rss_start_mb")).isEqualTo(100L);
        assertThat(r.get("rss_after_warm_up_mb")).isEqualTo(900L);
        assertThat(r.get("rss_end_mb")).isEqualTo(880L);
        assertThat(r.get("rss_growth_mb")).isEqualTo(-20L);
        assertThat(r.get("rss_steady_growth_mb")).isEqualTo(10L);
        assertThat(r.get("heap_committed_after_warm_up_mb")).isEqualTo(400L);
        assertThat(r.get("heap_committed_end_mb")).isEqualTo(420L);
        assertThat(r.get("rss_max_mb")).isEqualTo(950L);
        assertThat(r.get("rss_samples_s_mb")).isEqualTo(List.of(List.of(0.5, 100.0)));
    }

    @Test
    void shouldComputeTheFractionOfPeakFromTheCountedArithmetic() {
        HostPeak peak = new HostPeak(2, 2500, 32, "avx2+fma", "test"); // 160 GFLOP/s
        Map<String, Object> r =
                BenchReport.of(
                        results(OptionalDouble.of(8.0), OptionalDouble.of(16), Optional.of(peak)),
                        Instant.now(),
                        false);

        assertThat(r.get("peak_gflops")).isEqualTo(160.0);
        assertThat(r.get("peak_images_per_s")).isEqualTo(20.0);
        // 200 images/s x 8 GFLOP = 1600 GFLOP/s: a fake model faster than the peak, 10 x.
        assertThat(r.get("raw_fraction_of_peak")).isEqualTo(10.0);
    }

    @Test
    void shouldLeaveUnknownFiguresNullRatherThanGuess() {
        Map<String, Object> r = reportWithUnknowns(false);

        assertThat(r).containsEntry("avg_batch_size", null);
        assertThat(r).containsEntry("gflop_per_image", null);
        assertThat(r).containsEntry("peak_gflops", null);
        assertThat(r).containsEntry("raw_fraction_of_peak", null);
        assertThat(BenchReport.summary(r)).hasSize(9).allMatch(line -> !line.isBlank());
    }
}
