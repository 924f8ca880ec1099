package io.captioner.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class LatencyStatsTest {

    private static long[] millis(long... ms) {
        return LongStream.of(ms).map(m -> m * 1_000_000L).toArray();
    }

    @Test
    void shouldTakeTheNearestRankPercentileOfUnsortedSamples() {
        LatencyStats stats = LatencyStats.ofNanos(millis(4, 1, 3, 2));

        assertThat(stats.percentileMillis(50)).isEqualTo(2.0);
        assertThat(stats.percentileMillis(75)).isEqualTo(3.0);
        assertThat(stats.percentileMillis(76)).isEqualTo(4.0);
        assertThat(stats.percentileMillis(1)).isEqualTo(1.0);
        assertThat(stats.maxMillis()).isEqualTo(4.0);
    }

    @Test
    void shouldPutP99OfAHundredSamplesOnTheNinetyNinthAndOfTwoHundredOnTheHundredNinetyEighth() {
        long[] hundred = LongStream.rangeClosed(1, 100).map(m -> m * 1_000_000L).toArray();
        long[] twoHundred = LongStream.rangeClosed(1, 200).map(m -> m * 1_000_000L).toArray();

        assertThat(LatencyStats.ofNanos(hundred).percentileMillis(99)).isEqualTo(99.0);
        assertThat(LatencyStats.ofNanos(hundred).percentileMillis(50)).isEqualTo(50.0);
        assertThat(LatencyStats.ofNanos(twoHundred).percentileMillis(99)).isEqualTo(198.0);
    }

    @Test
    void shouldReportTheOnlySampleForEveryPercentile() {
        LatencyStats one = LatencyStats.ofNanos(new long[] {2_500_000L});

        assertThat(one.percentileMillis(50)).isEqualTo(2.5);
        assertThat(one.percentileMillis(99)).isEqualTo(2.5);
        assertThat(one.meanMillis()).isEqualTo(2.5);
    }

    @Test
    void shouldAverageSamplesInMilliseconds() {
        assertThat(LatencyStats.ofNanos(millis(1, 2, 6)).meanMillis()).isCloseTo(3.0, within(1e-9));
    }

    @Test
    void shouldNotChangeWhenTheCallersArrayChanges() {
        long[] samples = millis(5, 6);
        LatencyStats stats = LatencyStats.ofNanos(samples);

        samples[0] = 0;

        assertThat(stats.percentileMillis(50)).isEqualTo(5.0);
    }

    @Test
    void shouldRefuseNegativeSamplesEmptySetsAndPercentilesOutOfRange() {
        assertThatThrownBy(() -> LatencyStats.ofNanos(new long[] {-1}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LatencyStats.ofNanos(new long[0]).percentileMillis(50))
                .isInstanceOf(IllegalStateException.class);
        LatencyStats stats = LatencyStats.ofNanos(millis(1));
        assertThatThrownBy(() -> stats.percentileMillis(0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> stats.percentileMillis(100.5))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(LatencyStats.ofNanos(new long[0]).count()).isZero();
    }
}
