package io.ledgerstream.audit;

import io.ledgerstream.schemas.Outcome;
import io.ledgerstream.schemas.OutcomeStatus;
import java.util.Objects;

/**
 * What the audit needs of one outcome record, independent of Avro so tests can build outcomes directly. Immutable.
 *
 * @param requestId the request ID; not null
 * @param accountId the account the command was addressed to (the source of a transfer); not null
 * @param commandType the command's type name ({@code OpenAccount}, {@code Deposit}, {@code Withdraw}, {@code
 *     Transfer}, {@code PlaceHold}, {@code CaptureHold}, {@code ReleaseHold}); not null
 * @param accepted whether the status is ACCEPTED
 * @param reason the rejection reason's name (e.g. {@code DESTINATION_REJECTED}), or null when accepted
 * @param replay whether this is a re-emission for a retried request
 * @param processedAtMs when the engine decided, epoch milliseconds
 */
public record OutcomeView(
        String requestId,
        String accountId,
        String commandType,
        boolean accepted,
        String reason,
        boolean replay,
        long processedAtMs) {

    /** Reason of a cross-partition transfer refused by its destination (it has a debit and a refund). */
    static final String DESTINATION_REJECTED = "DESTINATION_REJECTED";

    /** Reason of an extra, never stored rejection of a request ID reused with another payload. */
    static final String REQUEST_ID_REUSED = "REQUEST_ID_REUSED";

    /**
     * Checks the non-null components.
     *
     * @param requestId see the record component
     * @param accountId see the record component
     * @param commandType see the record component
     * @param accepted see the record component
     * @param reason see the record component
     * @param replay see the record component
     * @param processedAtMs see the record component
     */
    public OutcomeView {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(commandType, "commandType");
    }

    /**
     * The view of a decoded Avro outcome.
     *
     * @param outcome the outcome; not null
     * @return its view
     */
    public static OutcomeView of(Outcome outcome) {
        return new OutcomeView(
                outcome.getRequestId(),
                outcome.getAccountId(),
                outcome.getCommandType(),
                outcome.getStatus() == OutcomeStatus.ACCEPTED,
                outcome.getReason() == null ? null : outcome.getReason().name(),
                outcome.getReplay(),
                outcome.getProcessedAtMs());
    }
}
