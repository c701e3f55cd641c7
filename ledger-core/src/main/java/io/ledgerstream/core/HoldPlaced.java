package io.ledgerstream.core;

import java.util.Objects;

/**
 * A hold was placed: the amount is reserved (counts against the available balance) but not debited.
 *
 * @param holdId unique among the account's active holds; not null
 * @param amount minor units, {@code > 0}
 * @param expiresAtMs expiry, epoch milliseconds, {@code >} the event's timestamp
 */
public record HoldPlaced(String holdId, long amount, long expiresAtMs) implements EventBody {
    /**
     * Checks that {@code holdId} is not null.
     *
     * @param holdId see the record component
     * @param amount see the record component
     * @param expiresAtMs see the record component
     */
    public HoldPlaced {
        Objects.requireNonNull(holdId, "holdId");
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.holdPlaced(this);
    }
}
