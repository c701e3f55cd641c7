package io.ledgerstream.audit;

/**
 * The invariants the audit proves. The enum names are part of the JSON report's stable schema ({@code
 * invariants[].id}); the order is the order of the report.
 */
public enum Invariant {
    /** Every record in the range decodes through the registry into a ledger event or an outcome. */
    DECODE("every record in the range decodes into a ledger event or an outcome"),
    /** Every event is on the partition that owns its account (the shared jump consistent hash). */
    PLACEMENT("every event is on the partition that owns its account"),
    /** Per account, versions start at 1 and are gapless; no event is duplicated. */
    VERSIONS("per account, versions start at 1, are gapless and never repeat"),
    /** Per account, each prevHash is the previous event's hash and each hash recomputes. */
    HASH_CHAIN("per account, the hash chain is intact (no altered, inserted or removed event)"),
    /** Every event applies with Ledger.evolve: recorded balanceAfter/heldAfter and fields obey the rules. */
    TRANSITIONS("every event applies with Ledger.evolve (recorded balances and fields obey the rules)"),
    /** No available balance ever went below minus the account's overdraft limit. */
    MIN_BALANCE("no balance ever went below its allowed minimum"),
    /** Holds are never captured, released or expired for more than was placed, nor twice. */
    HOLDS("holds are never captured or released for more than was placed"),
    /** Every request ID was applied at most once (one event set, beyond the transfer saga's legs). */
    REQUEST_ONCE("every request ID was applied at most once"),
    /** Every accepted outcome has its events and every event (but hold expiry) its outcome. */
    OUTCOMES("every accepted outcome has its events and every event its outcome"),
    /** Every transfer debit is matched by exactly one credit or one refund. */
    TRANSFERS("every transfer debit is matched by exactly one credit or refund"),
    /** Sum of balances plus money in flight equals deposits minus withdrawals minus captured holds. */
    CONSERVATION("balances + money in flight = deposits - withdrawals - captured holds, at every event"),
    /** The rebuilt balances and versions equal the engine's state store (--compare-live). */
    LIVE_STATE("the rebuilt accounts equal the engine's live state store");

    private final String description;

    Invariant(String description) {
        this.description = description;
    }

    /**
     * One-line description, as printed in the report.
     *
     * @return the description; never null
     */
    public String description() {
        return description;
    }
}
