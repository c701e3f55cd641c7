package io.ledgerstream.core;

/**
 * The fact an event records, one record type per fact. Bodies are immutable values; their amounts are minor units of
 * the account's currency (the envelope's {@link LedgerEvent#currency()}). Strings are never null; amounts are checked
 * by {@link Ledger#evolve}, not on construction, so that a corrupted event can be built and rejected loudly.
 *
 * <p>Each type has a stable one-byte tag in the canonical hash encoding (see {@link LedgerEvent#canonicalBytes()});
 * the tags, like the type names, are part of the on-disk contract. Java 17 has no pattern-matching {@code switch};
 * use {@link #accept(Visitor)} for exhaustive dispatch.
 */
public sealed interface EventBody
        permits AccountOpened,
                Credited,
                Debited,
                TransferDebited,
                TransferCredited,
                TransferRefunded,
                HoldPlaced,
                HoldCaptured,
                HoldReleased,
                HoldExpired {

    /**
     * Dispatches to the visitor method for this body's type.
     *
     * @param visitor the visitor; not null
     * @param <R> the result type
     * @return what the visitor returns
     */
    <R> R accept(Visitor<R> visitor);

    /**
     * Exhaustive dispatch over the event body types: adding a type breaks every visitor at compile time.
     *
     * @param <R> the result type
     */
    interface Visitor<R> {
        /**
         * Visits a {@link AccountOpened}.
         *
         * @param body the body; not null
         * @return the result
         */
        R accountOpened(AccountOpened body);

        /**
         * Visits a {@link Credited}.
         *
         * @param body the body; not null
         * @return the result
         */
        R credited(Credited body);

        /**
         * Visits a {@link Debited}.
         *
         * @param body the body; not null
         * @return the result
         */
        R debited(Debited body);

        /**
         * Visits a {@link TransferDebited}.
         *
         * @param body the body; not null
         * @return the result
         */
        R transferDebited(TransferDebited body);

        /**
         * Visits a {@link TransferCredited}.
         *
         * @param body the body; not null
         * @return the result
         */
        R transferCredited(TransferCredited body);

        /**
         * Visits a {@link TransferRefunded}.
         *
         * @param body the body; not null
         * @return the result
         */
        R transferRefunded(TransferRefunded body);

        /**
         * Visits a {@link HoldPlaced}.
         *
         * @param body the body; not null
         * @return the result
         */
        R holdPlaced(HoldPlaced body);

        /**
         * Visits a {@link HoldCaptured}.
         *
         * @param body the body; not null
         * @return the result
         */
        R holdCaptured(HoldCaptured body);

        /**
         * Visits a {@link HoldReleased}.
         *
         * @param body the body; not null
         * @return the result
         */
        R holdReleased(HoldReleased body);

        /**
         * Visits a {@link HoldExpired}.
         *
         * @param body the body; not null
         * @return the result
         */
        R holdExpired(HoldExpired body);
    }
}
