package io.ledgerstream.core;

/**
 * A withdrawal: money left the ledger from this account.
 *
 * @param amount minor units, {@code > 0}
 */
public record Debited(long amount) implements EventBody {

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.debited(this);
    }
}
