package io.ledgerstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProcStatsTest {

    @Test
    void shouldSumUserAndSystemTicksEvenWhenTheCommandNameHoldsSpacesAndParentheses() {
        String stat = "4242 (java (main) x) S 1 4242 4242 0 -1 4194560 1000 0 0 0 1234 567 0 0 20 0 40 0 100 1 2";
        assertThat(ProcStats.parseCpuTicks(stat)).hasValue(1234 + 567);
    }

    @Test
    void shouldReturnEmptyForATruncatedStatLine() {
        assertThat(ProcStats.parseCpuTicks("4242 (java) S 1 2")).isEmpty();
        assertThat(ProcStats.parseCpuTicks("garbage")).isEmpty();
    }

    @Test
    void shouldReadRssAndPeakInBytesFromStatus() {
        String status = "Name:\tjava\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\nThreads:\t42\n";
        assertThat(ProcStats.parseStatusKb(status, "VmRSS:")).hasValue(102400L * 1024);
        assertThat(ProcStats.parseStatusKb(status, "VmHWM:")).hasValue(204800L * 1024);
        assertThat(ProcStats.parseStatusKb(status, "VmSwap:")).isEmpty();
    }

    @Test
    void shouldParseTheThreeLoadAverages() {
        assertThat(ProcStats.parseLoadAverages("1.52 0.98 0.75 3/712 12345\n")).containsExactly(1.52, 0.98, 0.75);
        assertThat(ProcStats.parseLoadAverages("")).isEmpty();
    }
}
