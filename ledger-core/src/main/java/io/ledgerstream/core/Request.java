package io.ledgerstream.core;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * A command as submitted by a client: the command plus its idempotency key and optional optimistic-concurrency
 * guard. Immutable.
 *
 * @param requestId client-generated idempotency key, created once before the first send and reused on every retry;
 *     valid when non-blank and at most {@link Ledger#MAX_ID_LENGTH_CHARS} characters (may be null here; {@link
 *     Ledger#decide} then rejects with {@link Reason#INVALID_COMMAND})
 * @param expectedVersion if present, the command applies only when the account's version equals it (0 for {@link
 *     OpenAccount}); must be {@code >= 0}; not null (use {@link OptionalLong#empty()})
 * @param command the command; not null
 */
public record Request(String requestId, OptionalLong expectedVersion, Command command) {
    /**
     * Checks that {@code expectedVersion} and {@code command} are not null.
     *
     * @param requestId see the record component
     * @param expectedVersion see the record component
     * @param command see the record component
     */
    public Request {
        Objects.requireNonNull(expectedVersion, "expectedVersion");
        Objects.requireNonNull(command, "command");
    }

    /**
     * A request without a version guard.
     *
     * @param requestId the idempotency key
     * @param command the command; not null
     * @return the request
     */
    public static Request of(String requestId, Command command) {
        return new Request(requestId, OptionalLong.empty(), command);
    }
}
