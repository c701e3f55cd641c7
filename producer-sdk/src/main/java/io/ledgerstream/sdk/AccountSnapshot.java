package io.ledgerstream.sdk;

import java.util.Objects;
import java.util.Optional;

/**
 * An account as it stood right after the engine decided a command (its current state if the command was rejected).
 * Immutable and thread-safe.
 *
 * @param accountId the account's ID; never null
 * @param version the number of ledger events applied to the account; 0 if it does not exist
 * @param balance booked balance in minor units; may be negative, down to minus the overdraft limit
 * @param available balance minus active holds, in minor units
 * @param currency the account's currency; null if the account does not exist (use {@link #currencyIfExists()})
 */
public record AccountSnapshot(String accountId, long version, long balance, long available, String currency) {

    /**
     * Checks the account ID is not null and the version not negative.
     *
     * @param accountId see the record component
     * @param version see the record component
     * @param balance see the record component
     * @param available see the record component
     * @param currency see the record component
     */
    public AccountSnapshot {
        Objects.requireNonNull(accountId, "accountId");
        if (version < 0) {
            throw new IllegalArgumentException("version must be >= 0, was " + version);
        }
    }

    /**
     * Returns whether the account exists (has been opened).
     *
     * @return {@code version > 0}
     */
    public boolean exists() {
        return version > 0;
    }

    /**
     * Returns the currency, empty if the account does not exist.
     *
     * @return three upper-case letters, or empty
     */
    public Optional<String> currencyIfExists() {
        return Optional.ofNullable(currency);
    }
}
