package io.ledgerstream.core;

/**
 * Why a command was rejected. Exhaustive: every business rejection has exactly one code, and a rejected command
 * changes nothing. Exceptions ({@link InvariantViolation}) are reserved for bugs and corrupted logs.
 *
 * <p>The names are part of the on-disk contract (they appear in {@link TransferRefunded} events, in the hash of
 * those events, and in the Avro {@code Reason} enum): never rename or remove a constant.
 */
public enum Reason {
    /** The command names an account that was never opened. {@code currentVersion} is 0. */
    UNKNOWN_ACCOUNT,
    /** {@link OpenAccount} for an account ID that is already open. */
    ACCOUNT_EXISTS,
    /**
     * A withdrawal, transfer debit or new hold would take the available balance (balance minus holds) below minus
     * the overdraft limit.
     */
    INSUFFICIENT_FUNDS,
    /** The request's {@code expectedVersion} differs from the account's current version (see {@code currentVersion}). */
    VERSION_CONFLICT,
    /**
     * The request ID was already used for a command with a different payload (a different {@link Fingerprint}).
     * Not produced by {@link Ledger}: the deduplication layer compares fingerprints before calling the core.
     */
    REQUEST_ID_REUSED,
    /** The command's currency differs from the account's currency (or, for a credit, the destination's). */
    CURRENCY_MISMATCH,
    /** Applying the amount would overflow signed 64-bit arithmetic somewhere (balance, held sum, available). */
    AMOUNT_OVERFLOW,
    /** An amount is zero or negative. */
    INVALID_AMOUNT,
    /** A required field is missing or malformed; the rejection's detail names the field. */
    INVALID_COMMAND,
    /** A transfer whose source and destination are the same account. */
    SAME_ACCOUNT,
    /** Capture or release of a hold that is not active (never placed, or already captured, released or expired). */
    HOLD_NOT_FOUND,
    /** {@link PlaceHold} with a hold ID that is already active on the account. */
    HOLD_EXISTS,
    /** Capture or release of a hold whose expiry time has passed ({@code expiresAtMs <= nowMs}). */
    HOLD_EXPIRED,
    /** Capture of more than the held amount. */
    HOLD_AMOUNT_EXCEEDED,
    /** The account already has {@link Ledger#MAX_HOLDS_PER_ACCOUNT} active holds. */
    HOLD_LIMIT_REACHED,
    /**
     * A same-partition transfer whose destination refused the credit; the detail is the destination's reason's
     * {@link #name()} ({@code UNKNOWN_ACCOUNT}, {@code CURRENCY_MISMATCH} or {@code AMOUNT_OVERFLOW}). Nothing was
     * debited.
     */
    DESTINATION_REJECTED
}
