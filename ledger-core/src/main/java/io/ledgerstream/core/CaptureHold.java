package io.ledgerstream.core;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * Debits all or part of an active hold; any remainder is released in the same event. Immutable.
 *
 * @param accountId the account holding the hold
 * @param holdId the hold to capture
 * @param amount minor units to capture, {@code > 0} and at most the held amount; empty captures the whole hold; not
 *     null
 */
public record CaptureHold(String accountId, String holdId, OptionalLong amount) implements Command {
    /**
     * Checks that {@code amount} is not null (use {@link OptionalLong#empty()}).
     *
     * @param accountId see the record component
     * @param holdId see the record component
     * @param amount see the record component
     */
    public CaptureHold {
        Objects.requireNonNull(amount, "amount");
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.captureHold(this);
    }
}
