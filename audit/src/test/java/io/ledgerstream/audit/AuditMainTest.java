package io.ledgerstream.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AuditMainTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return new AuditMain(new PrintWriter(out, true), new PrintWriter(err, true), false).execute(args);
    }

    @Test
    void shouldExitWithUsageErrorWhenRequiredOptionIsMissing() {
        // when
        int code = run("--registry-url", "http://localhost:1");

        // then
        assertThat(code).isEqualTo(AuditMain.EXIT_ERROR);
        assertThat(err.toString()).contains("--bootstrap-servers");
    }

    @Test
    void shouldExitWithUsageErrorWhenBothOffsetAndTimeStartTheRange() {
        // when
        int code = run(
                "--bootstrap-servers",
                "localhost:1",
                "--registry-url",
                "http://localhost:1",
                "--from-offset",
                "5",
                "--from-time",
                "2026-01-01T00:00:00Z");

        // then
        assertThat(code).isEqualTo(AuditMain.EXIT_ERROR);
        assertThat(err.toString()).contains("mutually exclusive");
    }

    @Test
    void shouldExitWithUsageErrorOnMalformedTime() {
        // when
        int code = run(
                "--bootstrap-servers", "localhost:1", "--registry-url", "http://localhost:1", "--as-of", "yesterday");

        // then
        assertThat(code).isEqualTo(AuditMain.EXIT_ERROR);
        assertThat(err.toString()).contains("ISO-8601");
    }

    @Test
    void shouldExitWithUsageErrorOnInvalidValue() {
        // when
        int code = run(
                "--bootstrap-servers", "localhost:1", "--registry-url", "http://localhost:1", "--max-findings", "0");

        // then
        assertThat(code).isEqualTo(AuditMain.EXIT_ERROR);
        assertThat(err.toString()).contains("maxFindings");
    }

    @Test
    void shouldDocumentExitCodesInHelp() {
        // when
        int code = run("--help");

        // then
        assertThat(code).isZero();
        assertThat(out.toString()).contains("130").contains("--compare-live").contains("--as-of");
    }

    @Test
    void shouldParseTimesAsIsoOrEpochMilliseconds() {
        assertThat(AuditMain.parseTime("1700000000000")).isEqualTo(1_700_000_000_000L);
        assertThat(AuditMain.parseTime("2023-11-14T22:13:20Z")).isEqualTo(1_700_000_000_000L);
        assertThat(AuditMain.parseTime("2023-11-14T23:13:20+01:00")).isEqualTo(1_700_000_000_000L);
        assertThatThrownBy(() -> AuditMain.parseTime("soon")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldParseOffsetsForAllOrSinglePartitions() {
        AuditOptions.Offsets all = AuditOptions.Offsets.parse("42");
        assertThat(all.forPartition(3)).isEqualTo(42L);
        AuditOptions.Offsets some = AuditOptions.Offsets.parse("0:10, 2:30");
        assertThat(some.byPartition()).isEqualTo(Map.of(0, 10L, 2, 30L));
        assertThat(some.forPartition(1)).isNull();
        assertThatThrownBy(() -> AuditOptions.Offsets.parse("0:x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldDrawProgressWithRateAndEta() {
        assertThat(ConsoleProgress.line(500, 1_000, 1_000))
                .contains("50%")
                .contains("500/s")
                .contains("ETA 00:01");
    }
}
