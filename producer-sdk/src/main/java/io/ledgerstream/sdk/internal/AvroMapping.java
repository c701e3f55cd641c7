package io.ledgerstream.sdk.internal;

import io.ledgerstream.core.Reason;
import io.ledgerstream.schemas.CaptureHold;
import io.ledgerstream.schemas.CommandEnvelope;
import io.ledgerstream.schemas.Deposit;
import io.ledgerstream.schemas.OpenAccount;
import io.ledgerstream.schemas.OutcomeStatus;
import io.ledgerstream.schemas.PlaceHold;
import io.ledgerstream.schemas.ReleaseHold;
import io.ledgerstream.schemas.Transfer;
import io.ledgerstream.schemas.Withdraw;
import io.ledgerstream.sdk.AccountSnapshot;
import io.ledgerstream.sdk.Command;
import io.ledgerstream.sdk.CommandType;
import io.ledgerstream.sdk.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Converts between the SDK's public types and the Avro contracts of {@code schemas}. Stateless and thread-safe. */
public final class AvroMapping {

    private AvroMapping() {}

    /**
     * Builds the envelope published for a command.
     *
     * @param command the command; not null
     * @param replyTo the submitting client's ID (its outcome partition is derived from it); not null
     * @return a new envelope, never null
     */
    public static CommandEnvelope toEnvelope(Command command, String replyTo) {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(replyTo, "replyTo");
        return CommandEnvelope.newBuilder()
                .setRequestId(command.requestId())
                .setAccountId(command.accountId())
                .setExpectedVersion(
                        command.expectedVersion().isPresent()
                                ? command.expectedVersion().getAsLong()
                                : null)
                .setReplyTo(replyTo)
                .setSubmittedAtMs(command.createdAtMs())
                .setCommand(body(command))
                .build();
    }

    private static Object body(Command c) {
        return switch (c.type()) {
            case OPEN_ACCOUNT -> new OpenAccount(
                    c.currency().orElseThrow(), c.overdraftLimit().orElse(0));
            case DEPOSIT -> new Deposit(c.amount().getAsLong(), c.currency().orElseThrow());
            case WITHDRAW -> new Withdraw(c.amount().getAsLong(), c.currency().orElseThrow());
            case TRANSFER -> new Transfer(
                    c.toAccountId().orElseThrow(),
                    c.amount().getAsLong(),
                    c.currency().orElseThrow());
            case PLACE_HOLD -> new PlaceHold(
                    c.holdId().orElseThrow(),
                    c.amount().getAsLong(),
                    c.currency().orElseThrow(),
                    c.expiresAtMs().getAsLong());
            case CAPTURE_HOLD -> new CaptureHold(
                    c.holdId().orElseThrow(),
                    c.amount().isPresent() ? c.amount().getAsLong() : null);
            case RELEASE_HOLD -> new ReleaseHold(c.holdId().orElseThrow());
        };
    }

    /**
     * Converts an outcome read from the outcomes topic, checking it is well-formed.
     *
     * @param avro the decoded record; not null
     * @return the SDK outcome, never null
     * @throws IllegalArgumentException if the record breaks the outcome contract (unknown command type, a reason on
     *     an accepted outcome or none on a rejected one)
     */
    public static Outcome toOutcome(io.ledgerstream.schemas.Outcome avro) {
        Objects.requireNonNull(avro, "avro");
        List<AccountSnapshot> accounts = new ArrayList<>(avro.getAccounts().size());
        for (io.ledgerstream.schemas.AccountSnapshot a : avro.getAccounts()) {
            accounts.add(new AccountSnapshot(
                    a.getAccountId(), a.getVersion(), a.getBalance(), a.getAvailable(), a.getCurrency()));
        }
        return new Outcome(
                avro.getRequestId(),
                avro.getAccountId(),
                CommandType.fromWireName(avro.getCommandType()),
                avro.getStatus() == OutcomeStatus.ACCEPTED ? Outcome.Status.ACCEPTED : Outcome.Status.REJECTED,
                avro.getReason() == null
                        ? null
                        : Reason.valueOf(avro.getReason().name()),
                avro.getDetail(),
                avro.getCurrentVersion(),
                accounts,
                avro.getReplay(),
                avro.getProcessedAtMs());
    }
}
