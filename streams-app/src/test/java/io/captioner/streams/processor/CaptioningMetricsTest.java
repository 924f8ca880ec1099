package io.captioner.streams.processor;

import static org.assertj.core.api.Assertions.assertThat;

import io.captioner.events.FailureReason;
import io.captioner.model.Captioner;
import io.captioner.streams.Fixtures;
import io.captioner.streams.model.ModelHolder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The captioning meters as Prometheus renders them: the names users scrape. */
class CaptioningMetricsTest {

    @TempDir Path dir;
    private final PrometheusMeterRegistry registry =
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final CaptioningMetrics metrics = new CaptioningMetrics(registry);

    @AfterEach
    void close() {
        registry.close();
    }

    @Test
    void shouldExposeEveryFailureReasonAtZeroBeforeTheFirstFailure() {
        metrics.failure(FailureReason.FETCH_FAILED);

        String scrape = registry.scrape();

        for (FailureReason reason : FailureReason.values()) {
            double expected = reason == FailureReason.FETCH_FAILED ? 1 : 0;
            assertThat(scrape)
                    .contains("captioner_failures_total{reason=\"" + reason + "\"} " + expected);
        }
    }

    @Test
    void shouldRenderCountsAndHistogramsWithTheirStableBuckets() {
        metrics.batch(3, 7_000_000);
        metrics.caption(40);
        metrics.caption(-5); // a clock skewed into the future counts as zero latency
        metrics.buffered(4);
        metrics.buffered(-1);

        String scrape = registry.scrape();

        assertThat(scrape)
                .contains("\ncaptioner_captions_total 2.0\n")
                .contains("\ncaptioner_buffered_images 3.0\n")
                .contains("captioner_batch_size_bucket{le=\"2.0\"} 0\n")
                .contains("captioner_batch_size_bucket{le=\"4.0\"} 1\n")
                .contains("captioner_batch_size_bucket{le=\"1024.0\"} 1\n")
                .contains("captioner_inference_seconds_bucket{le=\"0.005\"} 0\n")
                .contains("captioner_inference_seconds_bucket{le=\"0.01\"} 1\n")
                .contains("captioner_inference_seconds_bucket{le=\"40.96\"} 1\n")
                .contains("captioner_end_to_end_latency_seconds_bucket{le=\"0.01\"} 1\n")
                .contains("captioner_end_to_end_latency_seconds_bucket{le=\"0.02\"} 1\n")
                .contains("captioner_end_to_end_latency_seconds_bucket{le=\"0.04\"} 2\n")
                .contains("captioner_end_to_end_latency_seconds_count 2\n");
        assertThat(metrics.batches()).isEqualTo(1);
        assertThat(metrics.batchedImages()).isEqualTo(3.0);
    }

    @Test
    void shouldExportTheServedModelAndFollowEverySwap() throws Exception {
        Path first = Fixtures.tinyModel(dir, 7);
        Path second = Fixtures.tinyModel(dir.resolve("second"), 11);
        try (ModelHolder models = new ModelHolder()) {
            metrics.registerModelInfo(models);
            String none = registry.scrape();

            models.install(Captioner.load(first));
            String v1 = models.current().orElseThrow().version();
            String afterFirst = registry.scrape();
            models.install(Captioner.load(second));
            String v2 = models.current().orElseThrow().version();
            String afterSecond = registry.scrape();

            assertThat(none).doesNotContain("captioner_model_info{");
            assertThat(afterFirst)
                    .contains("captioner_model_info{name=\"tiny\",version=\"" + v1 + "\"} 1");
            assertThat(v2).isNotEqualTo(v1);
            assertThat(afterSecond)
                    .contains("captioner_model_info{name=\"tiny\",version=\"" + v2 + "\"} 1")
                    .doesNotContain("version=\"" + v1 + "\"");
        }
    }
}
