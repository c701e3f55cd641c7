package io.ledgerstream.core;

import java.util.Objects;

/**
 * The destination refused a cross-partition transfer; the amount came back to this (source) account.
 *
 * @param toAccountId the destination that refused; not null
 * @param amount minor units, {@code > 0}; equal to the refused {@link TransferDebited}'s amount
 * @param reason the destination's reason, e.g. {@link Reason#UNKNOWN_ACCOUNT}; not null
 */
public record TransferRefunded(String toAccountId, long amount, Reason reason) implements EventBody {
    /**
     * Checks that {@code toAccountId} and {@code reason} are not null.
     *
     * @param toAccountId see the record component
     * @param amount see the record component
     * @param reason see the record component
     */
    public TransferRefunded {
        Objects.requireNonNull(toAccountId, "toAccountId");
        Objects.requireNonNull(reason, "reason");
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.transferRefunded(this);
    }
}
