package io.ledgerstream.core;

import java.util.Objects;

/**
 * Source leg of a transfer: the amount left this (source) account. For a cross-partition transfer it is
 * "in flight" until the destination's {@link TransferCredited} or this account's {@link TransferRefunded}.
 *
 * @param toAccountId the destination; not null
 * @param amount minor units, {@code > 0}
 */
public record TransferDebited(String toAccountId, long amount) implements EventBody {
    /**
     * Checks that {@code toAccountId} is not null.
     *
     * @param toAccountId see the record component
     * @param amount see the record component
     */
    public TransferDebited {
        Objects.requireNonNull(toAccountId, "toAccountId");
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.transferDebited(this);
    }
}
