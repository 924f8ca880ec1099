package io.captioner.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class HostPeakTest {

    private static String cpuinfo(String model, String mhz, String flags) {
        return "processor\t: 0\n"
                + "vendor_id\t: AuthenticAMD\n"
                + "model name\t: "
                + model
                + "\n"
                + "cpu MHz\t\t: "
                + mhz
                + "\n"
                + "flags\t\t: "
                + flags
                + "\n\n"
                + "processor\t: 1\n"
                + "cpu MHz\t\t: 1200.000\n";
    }

    @Test
    void shouldCountThirtyTwoFlopPerCycleWithAvx2AndFma() {
        HostPeak peak =
                HostPeak.parse(
                                cpuinfo(
                                        "AMD EPYC",
                                        "2445.402",
                                        "fpu sse sse2 ssse3 fma sse4_1 avx f16c avx2 bmi2"),
                                2)
                        .orElseThrow();

        assertThat(peak.flopsPerCycle()).isEqualTo(32);
        assertThat(peak.isa()).isEqualTo("avx2+fma");
        assertThat(peak.mhz()).isEqualTo(2445.402); // the first processor's clock
        assertThat(peak.gflops()).isCloseTo(2 * 2.445402 * 32, within(1e-9));
        assertThat(peak.basis()).contains("2 cores", "2445 MHz", "32 FP32 FLOP/cycle", "AMD EPYC");
    }

    @Test
    void shouldCountSixtyFourWithAvx512AndSixteenWithPlainAvx() {
        String avx512 = cpuinfo("Xeon", "2600", "sse2 avx fma avx2 avx512f avx512bw");
        String avx = cpuinfo("Sandy", "3000", "sse2 avx");
        String sse = cpuinfo("Old", "2000", "sse sse2");

        assertThat(HostPeak.parse(avx512, 2).orElseThrow().gflops())
                .isCloseTo(2 * 2.6 * 64, within(1e-9));
        assertThat(HostPeak.parse(avx, 4).orElseThrow().flopsPerCycle()).isEqualTo(16);
        assertThat(HostPeak.parse(sse, 1).orElseThrow().flopsPerCycle()).isEqualTo(8);
    }

    @Test
    void shouldGiveNoPeakWithoutFlagsOrClock() {
        String arm = "processor\t: 0\nBogoMIPS\t: 50.00\nFeatures\t: fp asimd evtstrm\n";
        String noClock = "processor\t: 0\nflags\t\t: avx2 fma\n";

        assertThat(HostPeak.parse(arm, 2)).isEmpty();
        assertThat(HostPeak.parse(noClock, 2)).isEmpty();
        assertThat(HostPeak.parse(cpuinfo("x", "n/a", "avx2 fma"), 2)).isEmpty();
        assertThatThrownBy(() -> HostPeak.parse(arm, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
