package io.captioner.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenLoopScheduleTest {

    /** A clock that only moves when told to: sleeping jumps to the deadline, sends may stall. */
    private static final class FakeClock implements OpenLoopSchedule.NanoClock {
        long now;

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void sleepUntil(long deadlineNanos) {
            now = Math.max(now, deadlineNanos);
        }
    }

    @Test
    void shouldSpaceSendsEvenlyAtTheRate() {
        OpenLoopSchedule schedule = new OpenLoopSchedule(50, Duration.ofSeconds(2));

        assertThat(schedule.count()).isEqualTo(100);
        assertThat(schedule.offsetNanos(0)).isZero();
        assertThat(schedule.offsetNanos(1)).isEqualTo(20_000_000L);
        assertThat(schedule.offsetNanos(99)).isEqualTo(1_980_000_000L);
        assertThat(schedule.span()).isEqualTo(Duration.ofMillis(1980));
    }

    @Test
    void shouldHandleFractionalRatesAndKeepAtLeastOneSend() {
        OpenLoopSchedule slow = new OpenLoopSchedule(0.5, Duration.ofSeconds(9));
        OpenLoopSchedule tiny = new OpenLoopSchedule(0.1, Duration.ofSeconds(1));

        assertThat(slow.count()).isEqualTo(4);
        assertThat(slow.offsetNanos(3)).isEqualTo(6_000_000_000L);
        assertThat(tiny.count()).isEqualTo(1);
        assertThat(new OpenLoopSchedule(3.3, Duration.ofSeconds(10)).count()).isEqualTo(33);
    }

    @Test
    void shouldHandEachSendItsDueTimeEvenWhenAnEarlierSendStalled() throws Exception {
        OpenLoopSchedule schedule = new OpenLoopSchedule(10, Duration.ofSeconds(1));
        FakeClock clock = new FakeClock();
        List<Long> dues = new ArrayList<>();
        List<Long> sentAt = new ArrayList<>();

        long maxLag =
                schedule.drive(
                        1_000L,
                        clock,
                        (i, due) -> {
                            dues.add(due);
                            sentAt.add(clock.now);
                            if (i == 2) {
                                clock.now += 350_000_000L; // the broker stalls the third send
                            }
                        });

        // Latencies count from the schedule, not from when the sender got round to it.
        for (int i = 0; i < 10; i++) {
            assertThat(dues.get(i)).isEqualTo(1_000L + i * 100_000_000L);
        }
        // The stalled sender does not slow down the load: the overdue sends go out at once...
        assertThat(sentAt.get(3)).isEqualTo(sentAt.get(2) + 350_000_000L);
        assertThat(sentAt.get(4)).isEqualTo(sentAt.get(3));
        assertThat(sentAt.get(5)).isEqualTo(sentAt.get(3));
        // ...and it is back on schedule afterwards.
        assertThat(sentAt.get(6)).isEqualTo(dues.get(6));
        // The fourth send, due 100 ms after the stalled one, left 250 ms late.
        assertThat(maxLag).isEqualTo(250_000_000L);
    }

    @Test
    void shouldRefuseRatesAndDurationsThatAreNotPositive() {
        assertThatThrownBy(() -> new OpenLoopSchedule(0, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OpenLoopSchedule(Double.NaN, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(
                        () -> new OpenLoopSchedule(Double.POSITIVE_INFINITY, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OpenLoopSchedule(1, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        OpenLoopSchedule schedule = new OpenLoopSchedule(1, Duration.ofSeconds(2));
        assertThatThrownBy(() -> schedule.offsetNanos(2))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }
}
