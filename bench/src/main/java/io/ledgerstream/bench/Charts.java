package io.ledgerstream.bench;

import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Renders Mermaid {@code xychart-beta} charts (GitHub renders them in Markdown). The chart type has no legend, so a
 * chart shows at most one bar series (drawn first) and one line series; the caption says which is which. Pure.
 */
final class Charts {

    private Charts() {}

    /**
     * @param title the chart's title
     * @param xLabel the x axis's name
     * @param xs the categories
     * @param yLabel the y axis's name
     * @param bars the bar series (one value per category; null values are drawn as 0), or null
     * @param line the line series, or null
     */
    static String xy(
            String title, String xLabel, List<String> xs, String yLabel, List<Double> bars, List<Double> line) {
        Objects.requireNonNull(xs, "xs");
        double max = 0;
        for (List<Double> s : java.util.Arrays.asList(bars, line)) {
            if (s != null) {
                if (s.size() != xs.size()) {
                    throw new IllegalArgumentException(
                            "a series has " + s.size() + " values for " + xs.size() + " categories");
                }
                for (Double v : s) {
                    if (v != null) {
                        max = Math.max(max, v);
                    }
                }
            }
        }
        StringBuilder b = new StringBuilder();
        b.append("```mermaid\n");
        b.append("xychart-beta\n");
        b.append("    title \"").append(escape(title)).append("\"\n");
        b.append("    x-axis \"").append(escape(xLabel)).append("\" [");
        for (int i = 0; i < xs.size(); i++) {
            b.append(i == 0 ? "" : ", ").append('"').append(escape(xs.get(i))).append('"');
        }
        b.append("]\n");
        b.append("    y-axis \"")
                .append(escape(yLabel))
                .append("\" 0 --> ")
                .append(niceCeiling(max))
                .append('\n');
        if (bars != null) {
            b.append("    bar ").append(values(bars)).append('\n');
        }
        if (line != null) {
            b.append("    line ").append(values(line)).append('\n');
        }
        b.append("```\n");
        return b.toString();
    }

    /** The smallest of 1, 2, 2.5, 5 times a power of ten that is at least {@code v}; 1 when {@code v <= 0}. */
    static String niceCeiling(double v) {
        if (!(v > 0)) {
            return "1";
        }
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * p >= v) {
                return number(m * p);
            }
        }
        return number(10 * p);
    }

    private static String values(List<Double> series) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < series.size(); i++) {
            Double v = series.get(i);
            b.append(i == 0 ? "" : ", ").append(number(v == null ? 0 : v));
        }
        return b.append(']').toString();
    }

    private static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return new java.math.BigDecimal(String.format(Locale.ROOT, "%.4f", v))
                .stripTrailingZeros()
                .toPlainString();
    }

    private static String escape(String s) {
        return s.replace("\"", "'");
    }
}
