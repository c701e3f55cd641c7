package io.ledgerstream.core;

/**
 * Releases an active hold without debiting anything. Immutable.
 *
 * @param accountId the account holding the hold
 * @param holdId the hold to release
 */
public record ReleaseHold(String accountId, String holdId) implements Command {
    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.releaseHold(this);
    }
}
