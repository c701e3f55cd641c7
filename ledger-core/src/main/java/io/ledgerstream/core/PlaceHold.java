package io.ledgerstream.core;

/**
 * Reserves part of an account's available balance until it is captured, released or expires. Immutable.
 *
 * @param accountId the account to place the hold on
 * @param holdId client-chosen, unique among the account's active holds
 * @param amount minor units, {@code > 0}; the available balance must stay {@code >= -overdraftLimit}
 * @param currency must equal the account's currency, {@code [A-Z]{3}}
 * @param expiresAtMs when the hold expires, epoch milliseconds; must be {@code > nowMs} of the decision
 */
public record PlaceHold(String accountId, String holdId, long amount, String currency, long expiresAtMs)
        implements Command {
    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.placeHold(this);
    }
}
