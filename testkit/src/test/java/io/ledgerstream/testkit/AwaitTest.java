package io.ledgerstream.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AwaitTest {

    @Test
    void shouldReturnAsSoonAsConditionHolds() {
        AtomicInteger polls = new AtomicInteger();

        Await.await(Duration.ofSeconds(5), "the third poll", () -> polls.incrementAndGet() == 3);

        assertThat(polls).hasValue(3);
    }

    @Test
    void shouldFailWithWhatNeverHappenedAfterTimeout() {
        long start = System.nanoTime();

        assertThatThrownBy(() -> Await.await(Duration.ofMillis(150), "the moon turned green", () -> false))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("the moon turned green")
                .hasMessageContaining("150 ms");

        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .isBetween(Duration.ofMillis(150), Duration.ofSeconds(5));
    }

    @Test
    void shouldEvaluateConditionOnceMoreAtDeadline() {
        long deadline = System.nanoTime() + Duration.ofMillis(120).toNanos();

        Await.await(Duration.ofMillis(120), "the deadline passed", () -> System.nanoTime() >= deadline);
    }

    @Test
    void shouldReturnAwaitedValue() {
        AtomicInteger polls = new AtomicInteger();

        String value = Await.awaitValue(
                Duration.ofSeconds(5),
                "a value",
                () -> polls.incrementAndGet() < 2 ? Optional.empty() : Optional.of("ready"));

        assertThat(value).isEqualTo("ready");
    }

    @Test
    void shouldPropagateExceptionFromCondition() {
        assertThatThrownBy(() -> Await.await(Duration.ofSeconds(5), "never", () -> {
                    throw new IllegalStateException("broken probe");
                }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("broken probe");
    }

    @Test
    void shouldRejectNonPositiveTimeout() {
        assertThatThrownBy(() -> Await.await(Duration.ZERO, "x", () -> true))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
