package io.ledgerstream.bench;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import picocli.CommandLine.ITypeConverter;

/** Parses the harness's durations: {@code 500ms}, {@code 30s}, {@code 2m}, or ISO-8601 ({@code PT30S}). */
final class Durations implements ITypeConverter<Duration> {

    /** The longest duration any option accepts: every loop of the harness is bounded well inside it. */
    static final Duration MAX = Duration.ofHours(2);

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    static Duration parse(String value) {
        Objects.requireNonNull(value, "value");
        String v = value.trim().toLowerCase(Locale.ROOT);
        Duration d;
        try {
            if (v.startsWith("pt")) {
                d = Duration.parse(v.toUpperCase(Locale.ROOT));
            } else if (v.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
            } else if (v.endsWith("s")) {
                d = Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
            } else if (v.endsWith("m")) {
                d = Duration.ofMillis(Math.round(Double.parseDouble(v.substring(0, v.length() - 1)) * 60_000));
            } else {
                throw new IllegalArgumentException("a duration needs a unit (ms, s, m), got '" + value + "'");
            }
        } catch (NumberFormatException | java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("not a duration: '" + value + "' (e.g. 500ms, 30s, 2m)", e);
        }
        if (d.isNegative() || d.compareTo(MAX) > 0) {
            throw new IllegalArgumentException("duration " + value + " is outside [0, " + MAX + "]");
        }
        return d;
    }

    static String format(Duration d) {
        long ms = d.toMillis();
        return ms % 1000 == 0 ? (ms / 1000) + "s" : ms + "ms";
    }
}
