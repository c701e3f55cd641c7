package io.ledgerstream.sdk;

import io.ledgerstream.core.Reason;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The engine's single, final answer to one command: {@link Status#ACCEPTED} (applied: its ledger events are committed
 * in the same Kafka transaction as this outcome) or {@link Status#REJECTED} with a {@link Reason} (nothing was
 * applied). A business rejection such as {@link Reason#INSUFFICIENT_FUNDS} is a value here, never an exception.
 *
 * <p>Immutable and thread-safe.
 *
 * @param requestId the command's request ID; never null
 * @param accountId the account the command was addressed to (the source of a transfer); never null
 * @param commandType the command's type; never null
 * @param status whether the command was applied; never null
 * @param reason why it was rejected; null if and only if accepted (use {@link #rejectionReason()})
 * @param detail human-readable detail of a rejection (e.g. the field at fault); may be null
 * @param currentVersion the account's version after the command (its current version when rejected); 0 if it does
 *     not exist
 * @param accounts every account the command touched, as it stood after the command; never null, unmodifiable
 * @param replay true when this is a re-emission for a retried request: the command was applied at most once, and
 *     this outcome equals the original apart from this flag
 * @param processedAtMs when the engine decided the command, epoch milliseconds
 */
public record Outcome(
        String requestId,
        String accountId,
        CommandType commandType,
        Status status,
        Reason reason,
        String detail,
        long currentVersion,
        List<AccountSnapshot> accounts,
        boolean replay,
        long processedAtMs) {

    /** Whether a command was applied. */
    public enum Status {
        /** The command was applied; its events are in the ledger. */
        ACCEPTED,
        /** Nothing was applied; {@link Outcome#reason()} says why. */
        REJECTED
    }

    /**
     * Checks the fields and copies {@code accounts}.
     *
     * @param requestId see the record component
     * @param accountId see the record component
     * @param commandType see the record component
     * @param status see the record component
     * @param reason see the record component
     * @param detail see the record component
     * @param currentVersion see the record component
     * @param accounts see the record component
     * @param replay see the record component
     * @param processedAtMs see the record component
     * @throws IllegalArgumentException if the reason does not match the status
     */
    public Outcome {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(commandType, "commandType");
        Objects.requireNonNull(status, "status");
        accounts = List.copyOf(Objects.requireNonNull(accounts, "accounts"));
        if ((status == Status.REJECTED) != (reason != null)) {
            throw new IllegalArgumentException("a " + status + " outcome " + (reason == null ? "needs" : "has no")
                    + " reason, got " + reason + " for request " + requestId);
        }
    }

    /**
     * Returns whether the command was applied.
     *
     * @return {@code status() == ACCEPTED}
     */
    public boolean isAccepted() {
        return status == Status.ACCEPTED;
    }

    /**
     * Returns the rejection reason.
     *
     * @return the reason, or empty if the command was accepted
     */
    public Optional<Reason> rejectionReason() {
        return Optional.ofNullable(reason);
    }

    /**
     * Returns the snapshot of one account the command touched.
     *
     * @param id an account ID; not null
     * @return the account as it stood after the command, or empty if the command did not touch it
     */
    public Optional<AccountSnapshot> account(String id) {
        Objects.requireNonNull(id, "id");
        return accounts.stream().filter(a -> a.accountId().equals(id)).findFirst();
    }
}
