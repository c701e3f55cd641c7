package io.ledgerstream.core;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An open account's state: the fold of its events through {@link Ledger#evolve}. Immutable and thread-safe: the
 * holds map is copied into an unmodifiable map sorted by natural hold ID order, and {@code lastHash} is copied in
 * and out. {@link #equals} and {@link #hashCode} compare {@code lastHash} by content.
 *
 * <p>The constructor asserts the account invariants, so a state read back from a store is checked just like one
 * produced by {@code evolve}; a violation throws {@link InvariantViolation} (a bug or a corrupted store):
 *
 * <ul>
 *   <li>{@code accountId} is a valid ID (non-blank, at most {@link Ledger#MAX_ID_LENGTH_CHARS} characters);
 *       {@code currency} matches {@code [A-Z]{3}};
 *   <li>{@code overdraftLimit >= 0}; {@code version >= 1}; {@code lastHash} has 32 bytes;
 *   <li>at most {@link Ledger#MAX_HOLDS_PER_ACCOUNT} holds, each stored under its own hold ID with amount {@code
 *       > 0}, and their sum fits in a {@code long};
 *   <li>{@code available() >= -overdraftLimit}.
 * </ul>
 *
 * @param accountId the account ID; not null
 * @param currency the account's currency, {@code [A-Z]{3}}; not null
 * @param overdraftLimit how far below zero the available balance may go, minor units, {@code >= 0}
 * @param balance booked balance, minor units; may be negative (down to {@code -overdraftLimit + held()})
 * @param version number of events applied, {@code >= 1} (1 right after {@link AccountOpened})
 * @param holds active holds keyed by hold ID; not null (copied; the accessor returns an unmodifiable view)
 * @param lastHash {@link LedgerEvent#hash()} of the last applied event, 32 bytes; not null (copied in and out)
 */
public record AccountState(
        String accountId,
        String currency,
        long overdraftLimit,
        long balance,
        long version,
        SortedMap<String, Hold> holds,
        byte[] lastHash) {

    /**
     * Copies {@code holds} and {@code lastHash} and asserts the invariants listed on the type.
     *
     * @param accountId see the record component
     * @param currency see the record component
     * @param overdraftLimit see the record component
     * @param balance see the record component
     * @param version see the record component
     * @param holds see the record component
     * @param lastHash see the record component
     */
    public AccountState {
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(currency, "currency");
        Objects.requireNonNull(holds, "holds");
        Objects.requireNonNull(lastHash, "lastHash");
        if (holds.isEmpty()) {
            holds = Collections.emptySortedMap(); // most accounts hold nothing: no copy, nothing to iterate
        } else {
            TreeMap<String, Hold> copy = new TreeMap<>(); // natural order, whatever the argument's comparator
            copy.putAll(holds);
            holds = Collections.unmodifiableSortedMap(copy);
        }
        lastHash = lastHash.clone();

        if (!Validation.isValidId(accountId)) {
            throw new InvariantViolation("account state: invalid accountId '" + accountId + "'");
        }
        if (!Validation.isValidCurrency(currency)) {
            throw new InvariantViolation("account " + accountId + ": invalid currency '" + currency + "'");
        }
        if (overdraftLimit < 0) {
            throw new InvariantViolation("account " + accountId + ": negative overdraftLimit " + overdraftLimit);
        }
        if (version < 1) {
            throw new InvariantViolation("account " + accountId + ": version " + version + " < 1");
        }
        if (lastHash.length != Hashes.HASH_LENGTH_BYTES) {
            throw new InvariantViolation("account " + accountId + ": lastHash has " + lastHash.length + " bytes");
        }
        if (holds.size() > Ledger.MAX_HOLDS_PER_ACCOUNT) {
            throw new InvariantViolation(
                    "account " + accountId + ": " + holds.size() + " holds > " + Ledger.MAX_HOLDS_PER_ACCOUNT);
        }
        if (!holds.isEmpty()) { // an empty sorted map still builds an iterator
            for (Map.Entry<String, Hold> entry : holds.entrySet()) {
                Hold hold = Objects.requireNonNull(entry.getValue(), "hold");
                if (!entry.getKey().equals(hold.holdId())) {
                    throw new InvariantViolation(
                            "account " + accountId + ": hold " + hold.holdId() + " stored under key " + entry.getKey());
                }
                if (hold.amount() <= 0) {
                    throw new InvariantViolation("account " + accountId + ": hold " + hold.holdId()
                            + " has non-positive amount " + hold.amount());
                }
            }
        }
        long available = available(accountId, balance, sumOfHolds(accountId, holds));
        if (available < -overdraftLimit) {
            throw new InvariantViolation("account " + accountId + ": available " + available
                    + " is below -overdraftLimit " + -overdraftLimit);
        }
    }

    /**
     * Sum of the active holds' amounts, minor units, {@code >= 0}.
     *
     * @return the held amount
     */
    public long held() {
        return sumOfHolds(accountId, holds);
    }

    /**
     * Balance minus active holds, minor units; always {@code >= -overdraftLimit}.
     *
     * @return the available balance
     */
    public long available() {
        return available(accountId, balance, held());
    }

    /**
     * The active hold with this ID.
     *
     * @param holdId the hold ID; not null
     * @return the hold, or empty if there is no such active hold
     */
    public Optional<Hold> hold(String holdId) {
        return Optional.ofNullable(holds.get(Objects.requireNonNull(holdId, "holdId")));
    }

    /**
     * A copy of the hash of the last applied event.
     *
     * @return a new 32-byte array
     */
    @Override
    public byte[] lastHash() {
        return lastHash.clone();
    }

    /** Package-private accessor that avoids the copy, for the core's own read-only use. */
    byte[] lastHashUnsafe() {
        return lastHash;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof AccountState)) {
            return false;
        }
        AccountState other = (AccountState) o;
        return overdraftLimit == other.overdraftLimit
                && balance == other.balance
                && version == other.version
                && accountId.equals(other.accountId)
                && currency.equals(other.currency)
                && holds.equals(other.holds)
                && Arrays.equals(lastHash, other.lastHash);
    }

    @Override
    public int hashCode() {
        int result = Objects.hash(accountId, currency, overdraftLimit, balance, version, holds);
        return 31 * result + Arrays.hashCode(lastHash);
    }

    @Override
    public String toString() {
        return "AccountState[accountId=" + accountId + ", currency=" + currency + ", overdraftLimit=" + overdraftLimit
                + ", balance=" + balance + ", version=" + version + ", holds=" + holds.values() + ", lastHash="
                + Hashes.toHex(lastHash) + "]";
    }

    private static long sumOfHolds(String accountId, Map<String, Hold> holds) {
        if (holds.isEmpty()) {
            return 0;
        }
        long sum = 0;
        for (Hold hold : holds.values()) {
            try {
                sum = Math.addExact(sum, hold.amount());
            } catch (ArithmeticException e) {
                throw new InvariantViolation("account " + accountId + ": sum of holds overflows", e);
            }
        }
        return sum;
    }

    private static long available(String accountId, long balance, long held) {
        try {
            return Math.subtractExact(balance, held);
        } catch (ArithmeticException e) {
            throw new InvariantViolation(
                    "account " + accountId + ": balance " + balance + " - held " + held + " overflows", e);
        }
    }
}
