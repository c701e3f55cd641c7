package io.ledgerstream.core;

import java.util.Objects;

/**
 * Destination leg of a transfer: the amount arrived on this (destination) account.
 *
 * @param fromAccountId the source; not null
 * @param amount minor units, {@code > 0}
 */
public record TransferCredited(String fromAccountId, long amount) implements EventBody {
    /**
     * Checks that {@code fromAccountId} is not null.
     *
     * @param fromAccountId see the record component
     * @param amount see the record component
     */
    public TransferCredited {
        Objects.requireNonNull(fromAccountId, "fromAccountId");
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.transferCredited(this);
    }
}
