package io.captioner.streams.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class MetricsRegistryTest {

    private final MetricsRegistry registry = new MetricsRegistry();

    @Test
    void shouldExposeUnlabelledCounterFromZero() {
        Counter captions = registry.counter("captioner_captions_total", "Captions produced.");

        assertThat(registry.scrape())
                .isEqualTo(
                        "# HELP captioner_captions_total Captions produced.\n"
                                + "# TYPE captioner_captions_total counter\n"
                                + "captioner_captions_total 0\n");

        captions.inc();
        captions.inc(2);

        assertThat(registry.scrape()).contains("\ncaptioner_captions_total 3\n");
    }

    @Test
    void shouldExposeLabelledCounterSortedByLabelValue() {
        Counter failures =
                registry.counter("captioner_failures_total", "Dead-lettered events.", "reason");

        failures.labels("IMAGE_TOO_LARGE").inc();
        failures.labels("FETCH_FAILED").inc(2);
        failures.labels("FETCH_FAILED").inc();

        assertThat(registry.scrape())
                .isEqualTo(
                        "# HELP captioner_failures_total Dead-lettered events.\n"
                                + "# TYPE captioner_failures_total counter\n"
                                + "captioner_failures_total{reason=\"FETCH_FAILED\"} 3\n"
                                + "captioner_failures_total{reason=\"IMAGE_TOO_LARGE\"} 1\n");
    }

    @Test
    void shouldExposeGaugeWithTwoLabelsAndFractionalValues() {
        Gauge info = registry.gauge("captioner_model_info", "Loaded model.", "name", "version");
        Gauge lag = registry.gauge("captioner_queue_fill_ratio", "Fill ratio.");

        info.labels("resnet50-lstm", "3").set(1);
        lag.set(0.25);
        lag.add(0.5);

        assertThat(registry.scrape())
                .isEqualTo(
                        "# HELP captioner_model_info Loaded model.\n"
                                + "# TYPE captioner_model_info gauge\n"
                                + "captioner_model_info{name=\"resnet50-lstm\",version=\"3\"} 1\n"
                                + "# HELP captioner_queue_fill_ratio Fill ratio.\n"
                                + "# TYPE captioner_queue_fill_ratio gauge\n"
                                + "captioner_queue_fill_ratio 0.75\n");
    }

    @Test
    void shouldDropRetiredGaugeChildren() {
        Gauge info = registry.gauge("captioner_model_info", "Loaded model.", "name", "version");
        info.labels("m", "1").set(1);

        info.clear();
        info.labels("m", "2").set(1);

        assertThat(registry.scrape())
                .contains("captioner_model_info{name=\"m\",version=\"2\"} 1\n")
                .doesNotContain("version=\"1\"");
    }

    @Test
    void shouldExposeHistogramWithCumulativeBucketsSumAndCount() {
        Histogram batch =
                registry.histogram(
                        "captioner_batch_size", "Images per batch.", new double[] {1, 2, 4, 8});

        batch.observe(1); // le is inclusive: lands in le="1"
        batch.observe(3);
        batch.observe(4);
        batch.observe(100);

        assertThat(registry.scrape())
                .isEqualTo(
                        "# HELP captioner_batch_size Images per batch.\n"
                                + "# TYPE captioner_batch_size histogram\n"
                                + "captioner_batch_size_bucket{le=\"1\"} 1\n"
                                + "captioner_batch_size_bucket{le=\"2\"} 1\n"
                                + "captioner_batch_size_bucket{le=\"4\"} 3\n"
                                + "captioner_batch_size_bucket{le=\"8\"} 3\n"
                                + "captioner_batch_size_bucket{le=\"+Inf\"} 4\n"
                                + "captioner_batch_size_sum 108\n"
                                + "captioner_batch_size_count 4\n");
    }

    @Test
    void shouldPutLeAfterOtherLabelsAndRenderFractionalBounds() {
        Histogram latency =
                registry.histogram(
                        "captioner_inference_seconds",
                        "Inference time.",
                        new double[] {0.005, 0.5},
                        "model");

        latency.labels("v1").observe(0.25);

        assertThat(registry.scrape())
                .contains(
                        "captioner_inference_seconds_bucket{model=\"v1\",le=\"0.005\"} 0\n"
                                + "captioner_inference_seconds_bucket{model=\"v1\",le=\"0.5\"} 1\n"
                                + "captioner_inference_seconds_bucket{model=\"v1\",le=\"+Inf\"} 1\n"
                                + "captioner_inference_seconds_sum{model=\"v1\"} 0.25\n"
                                + "captioner_inference_seconds_count{model=\"v1\"} 1\n");
    }

    @Test
    void shouldEscapeLabelValuesAndHelpText() {
        Counter c = registry.counter("x_total", "Line one\nback\\slash", "path");

        c.labels("a\"b\\c\nd").inc();

        assertThat(registry.scrape())
                .isEqualTo(
                        "# HELP x_total Line one\\nback\\\\slash\n"
                                + "# TYPE x_total counter\n"
                                + "x_total{path=\"a\\\"b\\\\c\\nd\"} 1\n");
    }

    @Test
    void shouldReadSupplierGaugesAtScrapeTime() {
        AtomicReference<Double> depth = new AtomicReference<>(3.0);
        AtomicReference<Map<List<String>, Double>> model =
                new AtomicReference<>(Map.of(List.of("m", "1"), 1.0));
        registry.supplierGauge("captioner_queue_depth", "Queued images.", () -> depth.get());
        registry.supplierGauge(
                "captioner_model_info", "Loaded model.", List.of("name", "version"), model::get);

        String first = registry.scrape();
        depth.set(5.0);
        model.set(Map.of(List.of("m", "2"), 1.0));
        String second = registry.scrape();

        assertThat(first)
                .contains("captioner_queue_depth 3\n")
                .contains("captioner_model_info{name=\"m\",version=\"1\"} 1\n");
        assertThat(second)
                .contains("captioner_queue_depth 5\n")
                .contains("captioner_model_info{name=\"m\",version=\"2\"} 1\n")
                .doesNotContain("version=\"1\"");
    }

    @Test
    void shouldExportNanWhenSupplierThrowsAndKeepOtherMetrics() {
        registry.supplierGauge(
                "broken",
                "Throws.",
                () -> {
                    throw new IllegalStateException("boom");
                });
        registry.counter("ok_total", "Fine.").inc();

        assertThat(registry.scrape()).contains("broken NaN\n").contains("ok_total 1\n");
    }

    @Test
    void shouldRejectInvalidRegistrationsAndUse() {
        registry.counter("dup_total", "x");
        Counter labelled = registry.counter("labelled_total", "x", "reason");

        assertThatThrownBy(() -> registry.counter("dup_total", "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already registered");
        assertThatThrownBy(() -> registry.counter("bad-name", "x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> registry.counter("c_total", "x", "__reserved"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> registry.histogram("h", "x", new double[] {1}, "le"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> registry.histogram("h2", "x", new double[] {2, 1}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> labelled.labels("a", "b"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(labelled::inc).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> labelled.labels("a").inc(-1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldBuildBucketLayouts() {
        assertThat(Histogram.linearBuckets(1, 1, 4)).containsExactly(1, 2, 3, 4);
        assertThat(Histogram.exponentialBuckets(0.01, 2, 4))
                .containsExactly(0.01, 0.02, 0.04, 0.08);
    }

    @Test
    void shouldCountExactlyUnderConcurrentUpdates() throws Exception {
        Counter counter = registry.counter("c_total", "x");
        Histogram histogram = registry.histogram("h", "x", new double[] {0.5});
        int threads = 4;
        int perThread = 25_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> futures =
                    java.util.stream.IntStream.range(0, threads)
                            .<Future<?>>mapToObj(
                                    t ->
                                            pool.submit(
                                                    () -> {
                                                        start.await();
                                                        for (int i = 0; i < perThread; i++) {
                                                            counter.inc();
                                                            histogram.observe(i % 2);
                                                            if (i % 100 == 0) {
                                                                registry.scrape();
                                                            }
                                                        }
                                                        return null;
                                                    }))
                            .collect(java.util.stream.Collectors.toList());
            start.countDown();
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(counter.value()).isEqualTo(threads * perThread);
        assertThat(histogram.count()).isEqualTo(threads * perThread);
        assertThat(registry.scrape())
                .contains("h_bucket{le=\"0.5\"} " + threads * perThread / 2 + "\n")
                .contains("h_count " + threads * perThread + "\n");
    }
}
