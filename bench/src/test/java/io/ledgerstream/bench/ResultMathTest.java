package io.ledgerstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class ResultMathTest {

    @Test
    void shouldComputeRatesAndRefuseAnEmptyInterval() {
        assertThat(ResultMath.perSecond(3000, 2_000_000_000L)).isEqualTo(1500.0);
        assertThat(ResultMath.perSecond(3000, 0)).isNull();
    }

    @Test
    void shouldReturnNullRatherThanNaNOrInfinityForAMissingOrZeroDenominator() {
        assertThat(ResultMath.ratio(1.0, 4.0)).isEqualTo(0.25);
        assertThat(ResultMath.ratio(1.0, 0.0)).isNull();
        assertThat(ResultMath.ratio(null, 4.0)).isNull();
        assertThat(ResultMath.ratio(1.0, null)).isNull();
        assertThat(ResultMath.ratio(Double.NaN, 4.0)).isNull();
    }

    @Test
    void shouldTurnClockTicksIntoAverageCores() {
        // 150 ticks at 100 Hz = 1.5 CPU seconds over 3 s of wall time
        assertThat(ResultMath.cpuCores(150L, 3_000_000_000L)).isEqualTo(0.5);
        assertThat(ResultMath.cpuCores(null, 3_000_000_000L)).isNull();
    }

    @Test
    void shouldSummarizeAHistogramOfMicrosecondsInMilliseconds() {
        Histogram h = new Histogram(3);
        for (int i = 1; i <= 1000; i++) {
            h.recordValue(i * 1000L); // 1 ms .. 1000 ms
        }
        Results.Latency l = ResultMath.latencyOfMicros(h);
        assertThat(l.count()).isEqualTo(1000);
        assertThat(l.p50Ms()).isBetween(499.0, 501.0);
        assertThat(l.p99Ms()).isBetween(989.0, 991.0);
        assertThat(l.maxMs()).isBetween(999.0, 1001.0);
    }

    @Test
    void shouldLeavePercentilesOfAnEmptyHistogramNull() {
        Results.Latency l = ResultMath.latencyOfMicros(new Histogram(3));
        assertThat(l.count()).isZero();
        assertThat(l.p99Ms()).isNull();
    }

    @Test
    void shouldRoundAndKeepNull() {
        assertThat(ResultMath.round(1.23456, 2)).isEqualTo(1.23);
        assertThat(ResultMath.round(null, 2)).isNull();
        assertThat(ResultMath.round(Double.POSITIVE_INFINITY, 2)).isNull();
    }

    @Test
    void shouldRoundEveryValueOfAListInOrderAndKeepNulls() {
        assertThat(ResultMath.roundAll(java.util.Arrays.asList(1.26, null, 3.04), 1))
                .containsExactly(1.3, null, 3.0);
    }
}
