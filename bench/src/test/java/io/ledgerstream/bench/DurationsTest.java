package io.ledgerstream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

    @Test
    void shouldParseMillisecondsSecondsMinutesAndIso() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Durations.parse("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.parse("PT20S")).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void shouldRefuseAMissingUnitANegativeOrAnOverlongDuration() {
        assertThatThrownBy(() -> Durations.parse("30")).hasMessageContaining("unit");
        assertThatThrownBy(() -> Durations.parse("-1s")).hasMessageContaining("outside");
        assertThatThrownBy(() -> Durations.parse("3h")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Durations.parse("abcs")).hasMessageContaining("not a duration");
    }

    @Test
    void shouldFormatWholeSecondsAsSeconds() {
        assertThat(Durations.format(Duration.ofSeconds(30))).isEqualTo("30s");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    }
}
