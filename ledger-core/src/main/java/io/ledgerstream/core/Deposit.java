package io.ledgerstream.core;

/**
 * Credits an account with money from outside the ledger. Immutable.
 *
 * @param accountId the account to credit
 * @param amount minor units, {@code > 0}
 * @param currency must equal the account's currency, {@code [A-Z]{3}}
 */
public record Deposit(String accountId, long amount, String currency) implements Command {
    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.deposit(this);
    }
}
