package io.ledgerstream.sdk.internal;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter: the wait before retry {@code n} (0-based) is drawn from the upper half of {@code
 * min(max, initial * 2^n)}. Immutable and thread-safe.
 *
 * @param initial the first backoff; positive
 * @param max the largest backoff; at least {@code initial}
 */
public record Backoff(Duration initial, Duration max) {

    /**
     * Checks the bounds.
     *
     * @param initial see the record component
     * @param max see the record component
     */
    public Backoff {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(max, "max");
        if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("need 0 < initial <= max, got " + initial + " and " + max);
        }
    }

    /**
     * Returns the wait before a retry.
     *
     * @param retry 0 for the first retry, 1 for the second, ...; {@code >= 0}
     * @return a duration between half the capped exponential value and that value, never null
     */
    public Duration delay(int retry) {
        if (retry < 0) {
            throw new IllegalArgumentException("retry must be >= 0, was " + retry);
        }
        long cap = max.toNanos();
        long exp = initial.toNanos();
        for (int i = 0; i < retry && exp < cap; i++) {
            exp = exp > cap / 2 ? cap : exp * 2;
        }
        exp = Math.min(exp, cap);
        long half = exp / 2;
        return Duration.ofNanos(half + ThreadLocalRandom.current().nextLong(exp - half + 1));
    }
}
