package io.ledgerstream.core;

import java.util.Objects;

/**
 * An active hold on an account: an amount reserved against the available balance. Immutable.
 *
 * @param holdId client-chosen, unique among the account's active holds; not null
 * @param amount reserved minor units, {@code > 0} (checked by {@link AccountState})
 * @param expiresAtMs expiry, epoch milliseconds; the hold is expired at any {@code nowMs >= expiresAtMs}
 */
public record Hold(String holdId, long amount, long expiresAtMs) {
    /**
     * Checks that {@code holdId} is not null.
     *
     * @param holdId see the record component
     * @param amount see the record component
     * @param expiresAtMs see the record component
     */
    public Hold {
        Objects.requireNonNull(holdId, "holdId");
    }

    /**
     * Whether the hold has expired at the given time.
     *
     * @param nowMs the time, epoch milliseconds
     * @return {@code expiresAtMs <= nowMs}
     */
    public boolean isExpiredAt(long nowMs) {
        return expiresAtMs <= nowMs;
    }
}
