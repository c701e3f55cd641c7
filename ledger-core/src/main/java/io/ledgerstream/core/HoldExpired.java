package io.ledgerstream.core;

import java.util.Objects;

/**
 * A hold reached its expiry time and was removed; nothing was debited. Its envelope's request ID is
 * {@code "expiry:" + holdId} (see {@link Ledger#expireHold}).
 *
 * @param holdId the expired hold; not null
 * @param amount the held amount that became available again, minor units, {@code > 0}
 */
public record HoldExpired(String holdId, long amount) implements EventBody {
    /**
     * Checks that {@code holdId} is not null.
     *
     * @param holdId see the record component
     * @param amount see the record component
     */
    public HoldExpired {
        Objects.requireNonNull(holdId, "holdId");
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.holdExpired(this);
    }
}
