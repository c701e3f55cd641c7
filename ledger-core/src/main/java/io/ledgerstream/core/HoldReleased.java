package io.ledgerstream.core;

import java.util.Objects;

/**
 * A hold was released on request; nothing was debited and the hold is gone.
 *
 * @param holdId the released hold; not null
 * @param amount the held amount that became available again, minor units, {@code > 0}
 */
public record HoldReleased(String holdId, long amount) implements EventBody {
    /**
     * Checks that {@code holdId} is not null.
     *
     * @param holdId see the record component
     * @param amount see the record component
     */
    public HoldReleased {
        Objects.requireNonNull(holdId, "holdId");
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.holdReleased(this);
    }
}
