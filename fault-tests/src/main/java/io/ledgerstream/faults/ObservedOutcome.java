package io.ledgerstream.faults;

import java.util.List;
import java.util.Objects;

/**
 * One outcome as the history checker sees it: either read from the committed outcomes topic (with its partition and
 * offset) or received by a client (position {@code -1}).
 *
 * @param requestId the command's request ID; not null
 * @param accountId the account the command was addressed to; not null
 * @param commandType the engine's name of the command type, e.g. {@code Transfer}; not null
 * @param accepted whether the command was applied
 * @param reason the rejection reason's name; null if and only if accepted
 * @param detail the rejection detail; may be null
 * @param currentVersion the account's version after the command
 * @param accounts the accounts the command touched, as they stood after it; not null (copied); may be empty for an
 *     outcome recorded in a journal
 * @param replay true for a re-emission of a retried request
 * @param processedAtMs when the engine decided the command, epoch milliseconds
 * @param partition partition of the outcomes topic, or -1 if received by a client
 * @param offset offset in that partition, or -1 if received by a client
 */
public record ObservedOutcome(
        String requestId,
        String accountId,
        String commandType,
        boolean accepted,
        String reason,
        String detail,
        long currentVersion,
        List<Snapshot> accounts,
        boolean replay,
        long processedAtMs,
        int partition,
        long offset) {

    /** The reason name of a request ID reused with a different payload; such outcomes decide nothing. */
    public static final String REQUEST_ID_REUSED = "REQUEST_ID_REUSED";

    /** The reason name of a cross-partition transfer refused by its destination (and refunded). */
    public static final String DESTINATION_REJECTED = "DESTINATION_REJECTED";

    /**
     * One account as an outcome reports it.
     *
     * @param accountId the account; not null
     * @param version its version after the command, 0 if it does not exist
     * @param balance its booked balance after the command, minor units
     */
    public record Snapshot(String accountId, long version, long balance) {
        /**
         * Checks the account ID.
         *
         * @param accountId see the record component
         * @param version see the record component
         * @param balance see the record component
         */
        public Snapshot {
            Objects.requireNonNull(accountId, "accountId");
        }
    }

    /**
     * Checks the fields and copies {@code accounts}.
     *
     * @param requestId see the record component
     * @param accountId see the record component
     * @param commandType see the record component
     * @param accepted see the record component
     * @param reason see the record component
     * @param detail see the record component
     * @param currentVersion see the record component
     * @param accounts see the record component
     * @param replay see the record component
     * @param processedAtMs see the record component
     * @param partition see the record component
     * @param offset see the record component
     */
    public ObservedOutcome {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(commandType, "commandType");
        accounts = List.copyOf(Objects.requireNonNull(accounts, "accounts"));
        if (accepted != (reason == null)) {
            throw new IllegalArgumentException("an outcome has a reason if and only if it is rejected: " + requestId);
        }
    }

    /**
     * Converts an outcome read from the outcomes topic.
     *
     * @param outcome the Avro value; not null
     * @param partition its partition
     * @param offset its offset
     * @return the outcome, never null
     */
    public static ObservedOutcome fromAvro(io.ledgerstream.schemas.Outcome outcome, int partition, long offset) {
        Objects.requireNonNull(outcome, "outcome");
        return new ObservedOutcome(
                outcome.getRequestId(),
                outcome.getAccountId(),
                outcome.getCommandType(),
                outcome.getStatus() == io.ledgerstream.schemas.OutcomeStatus.ACCEPTED,
                outcome.getReason() == null ? null : outcome.getReason().name(),
                outcome.getDetail(),
                outcome.getCurrentVersion(),
                outcome.getAccounts().stream()
                        .map(a -> new Snapshot(a.getAccountId(), a.getVersion(), a.getBalance()))
                        .toList(),
                outcome.getReplay(),
                outcome.getProcessedAtMs(),
                partition,
                offset);
    }

    /**
     * Converts an outcome a client received through the SDK.
     *
     * @param outcome the SDK value; not null
     * @return the outcome, with position -1; never null
     */
    public static ObservedOutcome fromSdk(io.ledgerstream.sdk.Outcome outcome) {
        Objects.requireNonNull(outcome, "outcome");
        return new ObservedOutcome(
                outcome.requestId(),
                outcome.accountId(),
                outcome.commandType().wireName(),
                outcome.isAccepted(),
                outcome.rejectionReason().map(Enum::name).orElse(null),
                outcome.detail(),
                outcome.currentVersion(),
                outcome.accounts().stream()
                        .map(a -> new Snapshot(a.accountId(), a.version(), a.balance()))
                        .toList(),
                outcome.replay(),
                outcome.processedAtMs(),
                -1,
                -1);
    }

    /**
     * Returns whether this outcome decides its request: not a replay and not a refusal of a reused request ID.
     *
     * @return true for the one outcome that counts per request ID
     */
    public boolean decides() {
        return !replay && !REQUEST_ID_REUSED.equals(reason);
    }

    /**
     * Returns whether {@code other} reports the same decision: status, reason and current version (not the replay
     * flag, the detail, the position or the time).
     *
     * @param other another outcome of the same request; not null
     * @return true if both report the same decision
     */
    public boolean sameDecisionAs(ObservedOutcome other) {
        return accepted == other.accepted
                && Objects.equals(reason, other.reason)
                && currentVersion == other.currentVersion;
    }

    /**
     * Encodes the decision fields as one tab-separated journal line (accounts are not journaled).
     *
     * @return the line, never null
     */
    public String toLine() {
        return String.join(
                "\t",
                requestId,
                accountId,
                commandType,
                accepted ? "ACCEPTED" : "REJECTED",
                reason == null ? "-" : reason,
                Long.toString(currentVersion),
                Boolean.toString(replay),
                Long.toString(processedAtMs));
    }

    /**
     * Decodes a line written by {@link #toLine()}.
     *
     * @param line the line; not null
     * @return the outcome, without accounts and with position -1; never null
     */
    public static ObservedOutcome fromLine(String line) {
        String[] f = Objects.requireNonNull(line, "line").split("\t", -1);
        if (f.length != 8) {
            throw new IllegalArgumentException("an outcome line has 8 fields, got " + f.length + ": " + line);
        }
        return new ObservedOutcome(
                f[0],
                f[1],
                f[2],
                f[3].equals("ACCEPTED"),
                f[4].equals("-") ? null : f[4],
                null,
                Long.parseLong(f[5]),
                List.of(),
                Boolean.parseBoolean(f[6]),
                Long.parseLong(f[7]),
                -1,
                -1);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        if (partition >= 0) {
            s.append('p').append(partition).append('@').append(offset).append(' ');
        }
        s.append(commandType)
                .append(' ')
                .append(requestId)
                .append(' ')
                .append(accepted ? "ACCEPTED" : "REJECTED/" + reason)
                .append(detail == null ? "" : "(" + detail + ")")
                .append(" v")
                .append(currentVersion);
        if (!accounts.isEmpty()) {
            s.append(" [");
            for (int i = 0; i < accounts.size(); i++) {
                Snapshot a = accounts.get(i);
                s.append(i == 0 ? "" : ", ")
                        .append(a.accountId())
                        .append(" v")
                        .append(a.version())
                        .append(" bal ")
                        .append(a.balance());
            }
            s.append(']');
        }
        return s.append(replay ? " replay" : "").toString();
    }
}
