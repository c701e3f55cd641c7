package io.ledgerstream.core;

/**
 * A command addressed to one account: the account it is keyed (and partitioned) by is {@link #accountId()}; for a
 * {@link Transfer} that is the source.
 *
 * <p>Command records are plain immutable values and do <em>not</em> validate their fields: strings may be null or
 * malformed so that {@link Ledger#decide} can reject them with {@link Reason#INVALID_COMMAND} or {@link
 * Reason#INVALID_AMOUNT} as an outcome, rather than failing on construction. Only {@code Optional} fields must be
 * non-null. Ids (account, hold, request) are valid when non-blank and at most {@link Ledger#MAX_ID_LENGTH_CHARS}
 * characters; currencies when they match {@code [A-Z]{3}}; amounts are minor units and valid when {@code > 0}.
 *
 * <p>Java 17 has no pattern-matching {@code switch}; use {@link #accept(Visitor)} for exhaustive dispatch.
 */
public sealed interface Command permits OpenAccount, Deposit, Withdraw, Transfer, PlaceHold, CaptureHold, ReleaseHold {

    /**
     * The account this command is keyed by (for a transfer, the source).
     *
     * @return the account ID; may be null or blank on an invalid command
     */
    String accountId();

    /**
     * Dispatches to the visitor method for this command's type.
     *
     * @param visitor the visitor; not null
     * @param <R> the result type
     * @return what the visitor returns
     */
    <R> R accept(Visitor<R> visitor);

    /**
     * Exhaustive dispatch over the command types: adding a command type breaks every visitor at compile time.
     *
     * @param <R> the result type
     */
    interface Visitor<R> {
        /**
         * Visits a {@link OpenAccount}.
         *
         * @param command the command; not null
         * @return the result
         */
        R openAccount(OpenAccount command);

        /**
         * Visits a {@link Deposit}.
         *
         * @param command the command; not null
         * @return the result
         */
        R deposit(Deposit command);

        /**
         * Visits a {@link Withdraw}.
         *
         * @param command the command; not null
         * @return the result
         */
        R withdraw(Withdraw command);

        /**
         * Visits a {@link Transfer}.
         *
         * @param command the command; not null
         * @return the result
         */
        R transfer(Transfer command);

        /**
         * Visits a {@link PlaceHold}.
         *
         * @param command the command; not null
         * @return the result
         */
        R placeHold(PlaceHold command);

        /**
         * Visits a {@link CaptureHold}.
         *
         * @param command the command; not null
         * @return the result
         */
        R captureHold(CaptureHold command);

        /**
         * Visits a {@link ReleaseHold}.
         *
         * @param command the command; not null
         * @return the result
         */
        R releaseHold(ReleaseHold command);
    }
}
