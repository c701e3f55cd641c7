package io.ledgerstream.sdk.internal;

import java.security.SecureRandom;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Generates time-ordered version 7 UUIDs (RFC 9562, section 5.7) that are strictly increasing within one generator.
 *
 * <p>Layout, most significant bit first: 48 bits of Unix time in milliseconds, 4 version bits ({@code 0111}), 12 bits
 * of a per-millisecond sequence ("method 1" of RFC 9562 section 6.2: a fixed-length dedicated counter), 2 variant
 * bits ({@code 10}) and 62 random bits from {@link SecureRandom}. The 60-bit value {@code (millis << 12) | sequence}
 * only grows: a new millisecond starts the sequence at 0, and when 4096 IDs are drawn within one millisecond (or the
 * clock steps back) the timestamp field is advanced past the clock instead, as RFC 9562 allows, so ordering holds
 * even then. Because every field is fixed-width and the canonical form is lower-case hex, the natural order of the
 * {@link UUID#toString()} strings is the generation order too.
 *
 * <p>Thread-safe and lock-free.
 */
public final class UuidV7 {

    private static final long SEQUENCE_BITS = 12;
    private static final long TIMESTAMP_MAX_MS = (1L << 48) - 1;

    private final LongSupplier clockMs;
    private final SecureRandom random;

    /** {@code (millis << 12) | sequence} of the last ID generated; only grows. */
    private final AtomicLong last = new AtomicLong(Long.MIN_VALUE);

    /**
     * Creates a generator.
     *
     * @param clockMs the wall clock, Unix epoch milliseconds; not null
     * @param random the source of the 62 random bits; not null
     */
    public UuidV7(LongSupplier clockMs, SecureRandom random) {
        this.clockMs = Objects.requireNonNull(clockMs, "clockMs");
        this.random = Objects.requireNonNull(random, "random");
    }

    /**
     * Creates a generator on the system clock and a new {@link SecureRandom}.
     *
     * @return a new generator, never null
     */
    public static UuidV7 systemGenerator() {
        return new UuidV7(System::currentTimeMillis, new SecureRandom());
    }

    /**
     * Returns the next ID, greater than every ID this generator returned before.
     *
     * @return a version 7, variant 2 UUID, never null
     * @throws IllegalStateException if the clock is outside the 48-bit millisecond range (after the year 10889)
     */
    public UUID next() {
        long now = clockMs.getAsLong();
        if (now < 0 || now > TIMESTAMP_MAX_MS) {
            throw new IllegalStateException("clock out of the UUIDv7 range: " + now + " ms");
        }
        long candidate = now << SEQUENCE_BITS;
        long stamp = last.accumulateAndGet(candidate, (previous, fresh) -> Math.max(previous + 1, fresh));
        long millis = stamp >>> SEQUENCE_BITS;
        if (millis > TIMESTAMP_MAX_MS) {
            throw new IllegalStateException("UUIDv7 timestamp field exhausted");
        }
        long sequence = stamp & ((1L << SEQUENCE_BITS) - 1);
        long msb = (millis << 16) | (0x7L << 12) | sequence;
        long lsb = (random.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(msb, lsb);
    }

    /**
     * Returns the Unix time in milliseconds stored in a version 7 UUID.
     *
     * @param uuid a version 7 UUID; not null
     * @return its 48-bit timestamp, epoch milliseconds
     * @throws IllegalArgumentException if {@code uuid} is not version 7
     */
    public static long timestampMs(UUID uuid) {
        Objects.requireNonNull(uuid, "uuid");
        if (uuid.version() != 7) {
            throw new IllegalArgumentException("not a version 7 UUID: " + uuid);
        }
        return uuid.getMostSignificantBits() >>> 16;
    }
}
