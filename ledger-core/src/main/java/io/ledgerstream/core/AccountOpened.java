package io.ledgerstream.core;

/**
 * The account was opened with a zero balance, no holds and the envelope's currency; always version 1.
 *
 * @param overdraftLimit how far below zero the available balance may go, minor units, {@code >= 0}
 */
public record AccountOpened(long overdraftLimit) implements EventBody {

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.accountOpened(this);
    }
}
