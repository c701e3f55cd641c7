package io.ledgerstream.faults;

/** The properties the {@link HistoryChecker} checks; a {@link Violation} names the one it breaks. */
public enum Property {
    /** A submitted request ID has no committed outcome that decides it: the command was lost. */
    LOST,
    /** A request ID has more than one committed deciding (non-replay) outcome: the command was decided twice. */
    DUPLICATED_OUTCOME,
    /** A committed outcome or event names a request ID that no client submitted. */
    PHANTOM,
    /**
     * A committed outcome contradicts its command (other account or type), a replay differs from the original, or a
     * request sent with one payload only was refused as {@code REQUEST_ID_REUSED}.
     */
    OUTCOME_MISMATCH,
    /** An outcome a client received differs from the committed decision of that request. */
    CLIENT_DISAGREES,
    /** An accepted command's ledger events (or a refunded transfer's) are not all in the event log. */
    MISSING_EVENTS,
    /** A command's events appear more than once, or one account version appears twice. */
    DUPLICATED_EVENTS,
    /** The event log holds events for a rejected command, or events that do not match the command. */
    UNEXPECTED_EVENTS,
    /** An account's events do not replay through {@code Ledger.evolve}: version gap, broken hash chain, bad balance. */
    CHAIN_BROKEN,
    /** An outcome's account snapshot differs from the account's event for that request (version or balance). */
    SNAPSHOT_MISMATCH,
    /** An account's replayed balance differs from a model replay of the accepted outcomes. */
    BALANCE_MISMATCH,
    /** Sum of balances plus money in flight differs from accepted deposits minus accepted withdrawals. */
    MONEY_NOT_CONSERVED,
    /** A {@code TransferDebited} is not matched by exactly one {@code TransferCredited} or {@code TransferRefunded}. */
    HALF_APPLIED_TRANSFER
}
