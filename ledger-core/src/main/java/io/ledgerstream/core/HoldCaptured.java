package io.ledgerstream.core;

import java.util.Objects;

/**
 * A hold was captured: {@code amount} was debited from the balance and {@code releasedAmount} (the
 * remainder) released; the hold is gone. {@code amount + releasedAmount} equals the held amount.
 *
 * @param holdId the captured hold; not null
 * @param amount captured minor units, {@code > 0}
 * @param releasedAmount released remainder, minor units, {@code >= 0}
 */
public record HoldCaptured(String holdId, long amount, long releasedAmount) implements EventBody {
    /**
     * Checks that {@code holdId} is not null.
     *
     * @param holdId see the record component
     * @param amount see the record component
     * @param releasedAmount see the record component
     */
    public HoldCaptured {
        Objects.requireNonNull(holdId, "holdId");
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.holdCaptured(this);
    }
}
