package io.ledgerstream.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/** The arithmetic of the results: rates, ratios, percentiles and CPU. Pure and thread-safe. */
final class ResultMath {

    private ResultMath() {}

    /** Events per second; null when the interval is empty. */
    static Double perSecond(long count, long nanos) {
        if (nanos <= 0) {
            return null;
        }
        return count * 1e9 / nanos;
    }

    /** {@code numerator / denominator}; null when either is missing or the denominator is not positive. */
    static Double ratio(Double numerator, Double denominator) {
        if (numerator == null || denominator == null || !(denominator > 0) || numerator.isNaN()) {
            return null;
        }
        return numerator / denominator;
    }

    /** Average cores used: CPU clock ticks over wall time; null if the ticks or the interval are missing. */
    static Double cpuCores(Long ticks, long nanos) {
        if (ticks == null || nanos <= 0) {
            return null;
        }
        return ticks / (double) ProcStats.CLOCK_TICKS_PER_SECOND / (nanos / 1e9);
    }

    /** Rounds to {@code digits} decimals, keeping null. */
    static Double round(Double value, int digits) {
        if (value == null || value.isNaN() || value.isInfinite()) {
            return null;
        }
        double scale = Math.pow(10, digits);
        return Math.round(value * scale) / scale;
    }

    /** Rounds each value to {@code digits} decimals, keeping nulls. */
    static List<Double> roundAll(List<Double> values, int digits) {
        List<Double> out = new ArrayList<>(values.size());
        for (Double value : values) {
            out.add(round(value, digits));
        }
        return out;
    }

    /** Summarizes a histogram of microseconds in milliseconds; percentiles are null when it is empty. */
    static Results.Latency latencyOfMicros(Histogram micros) {
        long n = micros.getTotalCount();
        if (n == 0) {
            return new Results.Latency(0, null, null, null, null, null, null);
        }
        return new Results.Latency(
                n,
                ms(micros.getValueAtPercentile(50)),
                ms(micros.getValueAtPercentile(90)),
                ms(micros.getValueAtPercentile(99)),
                ms(micros.getValueAtPercentile(99.9)),
                ms(micros.getMaxValue()),
                round(micros.getMean() / 1000.0, 3));
    }

    static long micros(long nanos) {
        return Math.max(0, TimeUnit.NANOSECONDS.toMicros(nanos));
    }

    private static Double ms(long micros) {
        return round(micros / 1000.0, 3);
    }
}
