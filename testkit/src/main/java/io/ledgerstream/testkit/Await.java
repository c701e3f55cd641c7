package io.ledgerstream.testkit;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition with a deadline, the project's replacement for {@code Thread.sleep} in tests.
 *
 * <p>The condition is polled with a short exponential backoff: first after {@value #FIRST_POLL_DELAY_MS} ms, doubling
 * up to {@value #MAX_POLL_DELAY_MS} ms between polls. It is evaluated once more at the deadline, so a condition that
 * becomes true just in time is not reported as a timeout. On timeout an {@link AssertionError} is thrown whose message
 * says what never happened and how long was waited.
 *
 * <p>An exception thrown by the condition is not swallowed: it propagates at once, since it signals a bug in the test
 * or the code under test rather than "not yet".
 *
 * <p>Stateless and thread-safe.
 */
public final class Await {

    /** Delay before the second evaluation of the condition, in milliseconds. */
    public static final long FIRST_POLL_DELAY_MS = 5;

    /** Upper bound of the delay between two evaluations of the condition, in milliseconds. */
    public static final long MAX_POLL_DELAY_MS = 100;

    private Await() {}

    /**
     * Waits until {@code condition} returns true.
     *
     * @param timeout how long to wait at most, positive
     * @param whatNeverHappened the failure message, describing the awaited condition, e.g. {@code "the record was
     *     committed"}
     * @param condition polled from the calling thread until it returns true
     * @throws AssertionError if the condition is still false when the timeout elapses, or the thread is interrupted
     */
    public static void await(Duration timeout, String whatNeverHappened, BooleanSupplier condition) {
        Objects.requireNonNull(condition, "condition");
        awaitValue(
                timeout,
                whatNeverHappened,
                () -> condition.getAsBoolean() ? Optional.of(Boolean.TRUE) : Optional.empty());
    }

    /**
     * Waits until {@code probe} returns a present value and returns it.
     *
     * @param timeout how long to wait at most, positive
     * @param whatNeverHappened the failure message, describing the awaited value
     * @param probe polled from the calling thread until it returns a non-empty optional; must not return null
     * @param <T> the type of the awaited value
     * @return the first present value returned by the probe, never null
     * @throws AssertionError if the probe is still empty when the timeout elapses, or the thread is interrupted
     */
    public static <T> T awaitValue(Duration timeout, String whatNeverHappened, Supplier<Optional<T>> probe) {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(whatNeverHappened, "whatNeverHappened");
        Objects.requireNonNull(probe, "probe");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        long delayNanos = TimeUnit.MILLISECONDS.toNanos(FIRST_POLL_DELAY_MS);
        long maxDelayNanos = TimeUnit.MILLISECONDS.toNanos(MAX_POLL_DELAY_MS);
        while (true) {
            Optional<T> value = Objects.requireNonNull(probe.get(), "probe returned null instead of an Optional");
            if (value.isPresent()) {
                return value.get();
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                throw new AssertionError("Timed out after " + timeout.toMillis() + " ms waiting until "
                        + whatNeverHappened + " (it never happened)");
            }
            LockSupport.parkNanos(Math.min(delayNanos, remaining));
            if (Thread.currentThread().isInterrupted()) {
                throw new AssertionError("Interrupted while waiting until " + whatNeverHappened);
            }
            delayNanos = Math.min(delayNanos * 2, maxDelayNanos);
        }
    }
}
