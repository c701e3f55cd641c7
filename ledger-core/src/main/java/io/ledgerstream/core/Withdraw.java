package io.ledgerstream.core;

/**
 * Debits an account; the money leaves the ledger. Immutable.
 *
 * @param accountId the account to debit
 * @param amount minor units, {@code > 0}; the available balance must stay {@code >= -overdraftLimit}
 * @param currency must equal the account's currency, {@code [A-Z]{3}}
 */
public record Withdraw(String accountId, long amount, String currency) implements Command {
    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.withdraw(this);
    }
}
