package io.ledgerstream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChartsTest {

    @Test
    void shouldRenderAMermaidXyChartWithBarsAndALine() {
        String chart = Charts.xy(
                "Throughput vs partitions",
                "partitions",
                List.of("1", "2", "4"),
                "per second",
                List.of(100.0, 180.0, 320.0),
                Arrays.asList(10.0, null, 30.5));
        assertThat(chart)
                .startsWith("```mermaid\nxychart-beta\n")
                .contains("title \"Throughput vs partitions\"")
                .contains("x-axis \"partitions\" [\"1\", \"2\", \"4\"]")
                .contains("y-axis \"per second\" 0 --> 500")
                .contains("bar [100, 180, 320]")
                .contains("line [10, 0, 30.5]")
                .endsWith("```\n");
    }

    @Test
    void shouldRoundTheAxisUpToANiceNumber() {
        assertThat(Charts.niceCeiling(0)).isEqualTo("1");
        assertThat(Charts.niceCeiling(0.3)).isEqualTo("0.5");
        assertThat(Charts.niceCeiling(0.06)).isEqualTo("0.1");
        assertThat(Charts.niceCeiling(1.7)).isEqualTo("2");
        assertThat(Charts.niceCeiling(2400)).isEqualTo("2500");
        assertThat(Charts.niceCeiling(2600)).isEqualTo("5000");
        assertThat(Charts.niceCeiling(9000)).isEqualTo("10000");
    }

    @Test
    void shouldRefuseASeriesOfTheWrongLength() {
        assertThatThrownBy(() -> Charts.xy("t", "x", List.of("a"), "y", List.of(1.0, 2.0), null))
                .hasMessageContaining("2 values for 1 categories");
    }
}
