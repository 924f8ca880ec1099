package io.captioner.cli.bench;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.stream.Stream;

/**
 * The JSON shape of a bench run: flat keys for the headline figures (the stdout line), plus the
 * chart's points and the memory samples (bench.json only). Numbers are rounded to what the
 * measurement can tell; unknown figures are null.
 */
public final class BenchReport {

    private BenchReport() {}

    /** The report of {@code r}; {@code withSamples} adds the RSS samples. */
    public static Map<String, Object> of(BenchResults r, Instant finished, boolean withSamples) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("date", finished.truncatedTo(ChronoUnit.SECONDS).toString());
        m.put("encoder", r.encoder());
        m.put("model", r.modelFile().toString());
        m.put("model_version", r.modelVersion());
        m.put("batch_size", r.settings().batchSize());
        m.put("threads", r.threads());
        m.put("app_threads", r.appIntraOpThreads());
        m.put("stream_threads", r.streamThreads());
        m.put("instances", r.settings().instances());
        m.put("host_cores", r.hostCores());
        m.put("load_avg_start", r.loadStart() < 0 ? null : round(r.loadStart(), 2));
        m.put("load_avg_end", r.loadEnd() < 0 ? null : round(r.loadEnd(), 2));
        m.put("images", r.images());
        m.put("image_size", r.settings().imageSize());
        m.put("warm_up_s", round(r.warmUp().seconds(), 1));
        m.put("warm_up_min_s", r.settings().warmUp().toMillis() / 1000.0);
        m.put("warm_up_max_s", r.settings().warmUpMax().toMillis() / 1000.0);
        m.put("warm_up_images", r.warmUp().images());
        m.put("warm_up_jit_cores", round(r.warmUp().jitCores(), 2));
        m.put("image_bytes_mean", round(r.imageBytesMean(), 0));
        m.put("images_partitions", r.imagesPartitions());
        m.put("beam_size", r.decoding().beamSize());
        m.put("max_caption_length", r.decoding().maxLength());
        InProcessResult raw = r.raw();
        m.put("mean_caption_words", round(raw.meanTokens(), 2));

        m.put("raw_images_per_s", round(raw.imagesPerSecond(), 1));
        m.put("raw_images", raw.images());
        m.put("raw_batch_p50_ms", round(raw.batchLatency().percentileMillis(50), 1));
        m.put("raw_batch_p99_ms", round(raw.batchLatency().percentileMillis(99), 1));
        m.put("raw_decode_share", round(raw.decodeShare(), 3));
        m.put("raw_workers", raw.workers());
        m.put("raw_intra_op_threads", raw.intraOpThreads());
        m.put("raw_first_images_per_s", round(r.rawFirst().imagesPerSecond(), 1));
        m.put(
                "raw_again_images_per_s",
                r.rawAgain().map(again -> round(again.imagesPerSecond(), 1)).orElse(null));
        m.put("seed_style_images_per_s", round(r.seedStyle().imagesPerSecond(), 1));
        m.put("seed_style_images", r.seedStyle().images());

        PipelineBench.BacklogResult e2e = r.e2e();
        m.put("e2e_images_per_s", round(e2e.imagesPerSecond(), 1));
        m.put("e2e_seconds", round(e2e.seconds(), 2));
        m.put("e2e_over_raw", round(e2e.imagesPerSecond() / raw.imagesPerSecond(), 3));
        // The configured batch size need not be the model's best on this host (a ResNet on two
        // cores is fastest at 2 to 8): the best point of the chart is its limit at any size.
        InProcessResult best =
                Stream.concat(r.sweep().stream(), Stream.of(raw))
                        .max(Comparator.comparingDouble(InProcessResult::imagesPerSecond))
                        .orElse(raw);
        m.put("raw_best_images_per_s", round(best.imagesPerSecond(), 1));
        m.put("raw_best_batch_size", best.batchSize());
        m.put("e2e_over_raw_best", round(e2e.imagesPerSecond() / best.imagesPerSecond(), 3));
        m.put(
                "e2e_over_seed_style",
                round(e2e.imagesPerSecond() / r.seedStyle().imagesPerSecond(), 3));
        m.put("avg_batch_size", round(r.avgBatchSize(), 2));
        m.put("p50_ms", round(e2e.latency().percentileMillis(50), 1));
        m.put("p99_ms", round(e2e.latency().percentileMillis(99), 1));
        m.put("max_ms", round(e2e.latency().maxMillis(), 1));
        m.put("e2e_cpu_cores", cores(r.e2eCpu()));

        PipelineBench.SteadyResult steady = r.steady();
        m.put("steady_rate_per_s", round(steady.ratePerSecond(), 2));
        m.put("steady_seconds", round(steady.seconds(), 1));
        m.put("steady_images", steady.images());
        m.put("steady_p50_ms", round(steady.latency().percentileMillis(50), 1));
        m.put("steady_p99_ms", round(steady.latency().percentileMillis(99), 1));
        m.put("steady_max_ms", round(steady.latency().maxMillis(), 1));
        m.put("steady_max_send_lag_ms", round(steady.maxSendLagMillis(), 1));
        m.put("steady_cpu_cores", cores(r.steadyCpu()));
        m.put("duplicate_captions", r.duplicateCaptions());

        m.put("rss_start_mb", megabytes(r.rssStart().rssBytes()));
        m.put("rss_after_warm_up_mb", megabytes(r.rssAfterWarmUp().rssBytes()));
        m.put("rss_after_e2e_mb", megabytes(r.rssAfterE2e().rssBytes()));
        m.put("rss_end_mb", megabytes(r.rssEnd().rssBytes()));
        m.put("rss_max_mb", megabytes(r.rssMaxBytes()));
        m.put("rss_growth_mb", growth(r.rssAfterWarmUp(), r.rssEnd()));
        m.put("rss_steady_growth_mb", growth(r.rssAfterE2e(), r.rssEnd()));
        m.put(
                "heap_committed_after_warm_up_mb",
                megabytes(r.rssAfterWarmUp().heapCommittedBytes()));
        m.put("heap_committed_end_mb", megabytes(r.rssEnd().heapCommittedBytes()));

        m.put("gflop_per_image", round(r.gflopPerImage(), 3));
        if (r.peak().isPresent()) {
            HostPeak peak = r.peak().get();
            m.put("peak_gflops", round(peak.gflops(), 1));
            m.put("peak_basis", peak.basis());
            if (r.gflopPerImage().isPresent()) {
                double gflop = r.gflopPerImage().getAsDouble();
                m.put("peak_images_per_s", round(peak.gflops() / gflop, 1));
                m.put(
                        "raw_fraction_of_peak",
                        round(raw.imagesPerSecond() * gflop / peak.gflops(), 4));
            } else {
                m.put("peak_images_per_s", null);
                m.put("raw_fraction_of_peak", null);
            }
        } else {
            m.put("peak_gflops", null);
            m.put("peak_basis", "unknown: /proc/cpuinfo has no x86 flags or clock");
            m.put("peak_images_per_s", null);
            m.put("raw_fraction_of_peak", null);
        }

        List<Map<String, Object>> sweep = new ArrayList<>();
        for (InProcessResult point : r.sweep()) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("batch_size", point.batchSize());
            p.put("images", point.images());
            p.put("seconds", round(point.seconds(), 2));
            p.put("images_per_s", round(point.imagesPerSecond(), 1));
            p.put("batch_p50_ms", round(point.batchLatency().percentileMillis(50), 1));
            p.put("batch_p99_ms", round(point.batchLatency().percentileMillis(99), 1));
            p.put("decode_share", round(point.decodeShare(), 3));
            p.put("workers", point.workers());
            sweep.add(p);
        }
        m.put("sweep", sweep);
        if (withSamples) {
            List<List<Double>> samples = new ArrayList<>();
            for (RssSampler.Sample s : r.rssSamples()) {
                samples.add(List.of(round(s.seconds(), 1), (double) megabytes(s.rssBytes())));
            }
            m.put("rss_samples_s_mb", samples);
        }
        return m;
    }

    /** The report as a few lines for people: the figures side by side, then memory and peak. */
    public static List<String> summary(Map<String, Object> r) {
        return List.of(
                String.format(
                        Locale.ROOT,
                        "%s, batch %s, %s PyTorch thread(s), %s stream thread(s), %s cores",
                        r.get("encoder"),
                        r.get("batch_size"),
                        r.get("threads"),
                        r.get("stream_threads"),
                        r.get("host_cores")),
                String.format(
                        Locale.ROOT,
                        "raw          %s images/s (before the pipeline %s, after it %s)",
                        r.get("raw_images_per_s"),
                        r.get("raw_first_images_per_s"),
                        r.get("raw_again_images_per_s")),
                String.format(
                        Locale.ROOT, "seed-style   %s images/s", r.get("seed_style_images_per_s")),
                String.format(
                        Locale.ROOT,
                        "end to end   %s images/s, p50 %s ms, p99 %s ms, average batch %s",
                        r.get("e2e_images_per_s"),
                        r.get("p50_ms"),
                        r.get("p99_ms"),
                        r.get("avg_batch_size")),
                String.format(
                        Locale.ROOT,
                        "steady state %s images/s: p50 %s ms, p99 %s ms",
                        r.get("steady_rate_per_s"),
                        r.get("steady_p50_ms"),
                        r.get("steady_p99_ms")),
                String.format(
                        Locale.ROOT,
                        "ratios       e2e_over_raw %s, e2e_over_seed_style %s",
                        r.get("e2e_over_raw"),
                        r.get("e2e_over_seed_style")),
                String.format(
                        Locale.ROOT, "cpu (e2e)    %s", describeCores(r.get("e2e_cpu_cores"))),
                String.format(
                        Locale.ROOT,
                        "memory       RSS %s MB at start, %s MB after warm-up, %s MB after the"
                                + " backlog, %s MB at the end (%s MB since warm-up, %s MB over the"
                                + " steady state)",
                        r.get("rss_start_mb"),
                        r.get("rss_after_warm_up_mb"),
                        r.get("rss_after_e2e_mb"),
                        r.get("rss_end_mb"),
                        r.get("rss_growth_mb"),
                        r.get("rss_steady_growth_mb")),
                String.format(
                        Locale.ROOT,
                        "peak         %s GFLOP per image, host peak %s GFLOP/s: raw uses %s of it",
                        r.get("gflop_per_image"),
                        r.get("peak_gflops"),
                        r.get("raw_fraction_of_peak")));
    }

    /** Cores per part of the system, rounded, in the report's order. */
    private static Map<String, Double> cores(Map<String, Double> cpu) {
        Map<String, Double> out = new LinkedHashMap<>();
        cpu.forEach((group, cores) -> out.put(group, round(cores, 2)));
        return out;
    }

    /** "inference 1.22, input 0.37, ..." or "unknown". */
    private static String describeCores(Object cores) {
        if (!(cores instanceof Map<?, ?> map) || map.isEmpty()) {
            return "unknown";
        }
        StringBuilder b = new StringBuilder();
        map.forEach(
                (group, value) ->
                        b.append(b.length() == 0 ? "" : ", ")
                                .append(group)
                                .append(' ')
                                .append(value));
        return b.append(" cores").toString();
    }

    /** RSS from {@code from} to {@code to} in MB, negative when it shrank; null when unknown. */
    private static Long growth(RssSampler.Mark from, RssSampler.Mark to) {
        if (from.rssBytes() < 0 || to.rssBytes() < 0) {
            return null;
        }
        return Math.round((to.rssBytes() - from.rssBytes()) / (1024.0 * 1024.0));
    }

    private static Long megabytes(long bytes) {
        return bytes < 0 ? null : Math.round(bytes / (1024.0 * 1024.0));
    }

    private static Double round(OptionalDouble value, int decimals) {
        return value.isPresent() ? round(value.getAsDouble(), decimals) : null;
    }

    private static Double round(double value, int decimals) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return null;
        }
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }
}
