package io.ledgerstream.core;

/**
 * A deposit: money entered the ledger on this account.
 *
 * @param amount minor units, {@code > 0}
 */
public record Credited(long amount) implements EventBody {

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.credited(this);
    }
}
