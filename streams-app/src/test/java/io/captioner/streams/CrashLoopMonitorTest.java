package io.captioner.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CrashLoopMonitorTest {

    @TempDir Path dir;

    @Test
    void shouldReportACrashLoopAtTheLimitWithinTheWindowAndRecoverAfterIt() {
        AtomicLong now = new AtomicLong(1_000_000);
        CrashLoopMonitor monitor = new CrashLoopMonitor(3, Duration.ofMinutes(5), now::get);

        monitor.replaced(new IllegalStateException("first"));
        now.addAndGet(60_000);
        monitor.replaced(new IllegalStateException("second"));
        assertThat(monitor.crashLoop()).isEmpty();
        now.addAndGet(60_000);
        monitor.replaced(new IllegalStateException("registry down"));

        assertThat(monitor.crashLoop())
                .hasValueSatisfying(
                        reason ->
                                assertThat(reason)
                                        .contains("3 times")
                                        .contains("crash loop")
                                        .contains("registry down"));
        assertThat(monitor.total()).isEqualTo(3);
        now.addAndGet(4 * 60_000 + 1);
        assertThat(monitor.crashLoop()).as("the first two left the window").isEmpty();
        assertThat(monitor.total()).isEqualTo(3);
    }

    @Test
    void shouldNotCallSpreadOutReplacementsALoop() {
        AtomicLong now = new AtomicLong();
        CrashLoopMonitor monitor = new CrashLoopMonitor(3, Duration.ofMinutes(1), now::get);

        for (int i = 0; i < 10; i++) {
            monitor.replaced(new RuntimeException("once in a while"));
            now.addAndGet(45_000);
        }

        assertThat(monitor.crashLoop()).isEmpty();
        assertThat(monitor.total()).isEqualTo(10);
    }

    @Test
    void shouldKeepOneGeneratedInstanceNamePerDataDirectory() throws Exception {
        String first = InstanceName.inDataDirectory(dir.resolve("a"));
        String again = InstanceName.inDataDirectory(dir.resolve("a"));
        String other = InstanceName.inDataDirectory(dir.resolve("b"));

        assertThat(first).startsWith("captioner-").isEqualTo(again).isNotEqualTo(other);
        assertThat(Files.readString(dir.resolve("a").resolve(InstanceName.FILE)).trim())
                .isEqualTo(first);
    }
}
