package io.ledgerstream.core;

/**
 * Moves money from one account to another. Keyed by the source. Immutable.
 *
 * @param accountId the source account, debited
 * @param toAccountId the destination account, credited; must differ from the source
 * @param amount minor units, {@code > 0}; the source's available balance must stay {@code >= -overdraftLimit}
 * @param currency must equal both accounts' currency, {@code [A-Z]{3}}
 */
public record Transfer(String accountId, String toAccountId, long amount, String currency) implements Command {
    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.transfer(this);
    }
}
