package io.ledgerstream.core;

/**
 * Opens an account. Immutable.
 *
 * @param accountId the new account's ID; valid when non-blank and at most {@link Ledger#MAX_ID_LENGTH_CHARS} characters
 * @param currency the account's currency for its whole life, {@code [A-Z]{3}} (e.g. {@code EUR})
 * @param overdraftLimit how far below zero the available balance may go, minor units, {@code >= 0}
 */
public record OpenAccount(String accountId, String currency, long overdraftLimit) implements Command {
    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.openAccount(this);
    }
}
