package io.captioner.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class AppMetricsTest {

    private static final String BEFORE =
            """
            # HELP captioner_batch_size Images per captioning batch.
            # TYPE captioner_batch_size histogram
            captioner_batch_size_bucket{le="1.0"} 2
            captioner_batch_size_bucket{le="+Inf"} 4
            captioner_batch_size_sum 34.0
            captioner_batch_size_count 4
            captioner_failures_total{reason="UNDECODABLE_IMAGE"} 1
            captioner_failures_total{reason="MODEL ERROR, with space"} 2
            captioner_up 1 1700000000000
            """;

    @Test
    void shouldSumSamplesOfOneNameOverTheirLabels() {
        AppMetrics metrics = AppMetrics.parse(BEFORE);

        assertThat(metrics.value("captioner_failures_total")).hasValue(3.0);
        assertThat(metrics.value("captioner_batch_size_count")).hasValue(4.0);
        assertThat(metrics.value("captioner_up")).hasValue(1.0); // a timestamp is not the value
        assertThat(metrics.value("captioner_missing")).isEmpty();
    }

    @Test
    void shouldAddTheScrapesOfSeveralInstancesSampleBySample() {
        AppMetrics one =
                AppMetrics.parse("captioner_batch_size_sum 40\ncaptioner_batch_size_count 4\n");
        AppMetrics two =
                AppMetrics.parse(
                        "captioner_batch_size_sum 8\ncaptioner_batch_size_count 2\nonly_here 1\n");

        AppMetrics both = AppMetrics.sum(List.of(one, two));

        assertThat(both.value("captioner_batch_size_sum")).hasValue(48.0);
        assertThat(both.value("captioner_batch_size_count")).hasValue(6.0);
        assertThat(both.value("only_here")).hasValue(1.0);
    }

    @Test
    void shouldTakeTheMeanBatchSizeOfTheBatchesBetweenTwoScrapes() {
        AppMetrics before = AppMetrics.parse(BEFORE);
        AppMetrics after =
                AppMetrics.parse(
                        """
                        captioner_batch_size_sum{thread="a"} 100.0
                        captioner_batch_size_count{thread="a"} 8
                        captioner_batch_size_sum{thread="b"} 30.0
                        captioner_batch_size_count{thread="b"} 2
                        """);

        // (100 + 30 - 34) / (8 + 2 - 4)
        assertThat(after.meanSince(before, "captioner_batch_size")).hasValue(16.0);
    }

    @Test
    void shouldHaveNoMeanWithoutNewObservationsOrWithoutTheMetric() {
        AppMetrics before = AppMetrics.parse(BEFORE);

        assertThat(before.meanSince(before, "captioner_batch_size")).isEmpty();
        assertThat(AppMetrics.parse("other 1\n").meanSince(before, "captioner_batch_size"))
                .isEmpty();
    }

    @Test
    void shouldSkipLinesThatAreNotSamples() {
        AppMetrics metrics = AppMetrics.parse("garbage\nname{unclosed 3\nname NaNish\nok 2.5e1\n");

        assertThat(metrics.value("ok")).hasValue(25.0);
        assertThat(metrics.value("name")).isEmpty();
        assertThat(metrics.value("garbage")).isEmpty();
    }
}
