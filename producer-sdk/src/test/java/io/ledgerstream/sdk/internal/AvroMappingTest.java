package io.ledgerstream.sdk.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerstream.core.Reason;
import io.ledgerstream.schemas.AccountSnapshot;
import io.ledgerstream.schemas.CaptureHold;
import io.ledgerstream.schemas.CommandEnvelope;
import io.ledgerstream.schemas.OpenAccount;
import io.ledgerstream.schemas.OutcomeStatus;
import io.ledgerstream.schemas.PlaceHold;
import io.ledgerstream.schemas.Transfer;
import io.ledgerstream.sdk.Command;
import io.ledgerstream.sdk.CommandType;
import io.ledgerstream.sdk.Outcome;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AvroMappingTest {

    @Test
    void shouldWriteEveryFieldOfTheEnvelope() {
        Command transfer = Command.withExpectedVersion(4).transfer("alice", "bob", 250, "EUR");

        CommandEnvelope envelope = AvroMapping.toEnvelope(transfer, "client-1");

        assertThat(envelope.getRequestId()).isEqualTo(transfer.requestId());
        assertThat(envelope.getAccountId()).isEqualTo("alice");
        assertThat(envelope.getExpectedVersion()).isEqualTo(4L);
        assertThat(envelope.getReplyTo()).isEqualTo("client-1");
        assertThat(envelope.getSubmittedAtMs()).isEqualTo(transfer.createdAtMs());
        assertThat(envelope.getCommand()).isEqualTo(new Transfer("bob", 250L, "EUR"));
    }

    @Test
    void shouldMapEveryCommandType() {
        Instant expiry = Instant.parse("2099-01-01T00:00:00Z");
        assertThat(AvroMapping.toEnvelope(Command.openAccount("a", "EUR", 7), "c")
                        .getCommand())
                .isEqualTo(new OpenAccount("EUR", 7L));
        assertThat(AvroMapping.toEnvelope(Command.placeHold("a", "h", 5, "EUR", expiry), "c")
                        .getCommand())
                .isEqualTo(new PlaceHold("h", 5L, "EUR", expiry.toEpochMilli()));
        assertThat(AvroMapping.toEnvelope(Command.captureHold("a", "h"), "c").getCommand())
                .isEqualTo(new CaptureHold("h", null));
        assertThat(AvroMapping.toEnvelope(Command.captureHold("a", "h", 3), "c").getCommand())
                .isEqualTo(new CaptureHold("h", 3L));
        assertThat(AvroMapping.toEnvelope(Command.deposit("a", 1, "EUR"), "c").getExpectedVersion())
                .isNull();
        for (CommandType type : CommandType.values()) {
            assertThat(CommandType.fromWireName(type.wireName())).isEqualTo(type);
        }
    }

    @Test
    void shouldReadARejectedOutcome() {
        io.ledgerstream.schemas.Outcome avro =
                outcome(OutcomeStatus.REJECTED, io.ledgerstream.schemas.Reason.INSUFFICIENT_FUNDS);

        Outcome outcome = AvroMapping.toOutcome(avro);

        assertThat(outcome.isAccepted()).isFalse();
        assertThat(outcome.rejectionReason()).hasValue(Reason.INSUFFICIENT_FUNDS);
        assertThat(outcome.commandType()).isEqualTo(CommandType.WITHDRAW);
        assertThat(outcome.accounts()).singleElement().satisfies(a -> assertThat(a.available())
                .isEqualTo(3));
    }

    @Test
    void shouldMapEveryReasonOfTheContract() {
        for (io.ledgerstream.schemas.Reason reason : io.ledgerstream.schemas.Reason.values()) {
            assertThat(AvroMapping.toOutcome(outcome(OutcomeStatus.REJECTED, reason))
                            .reason()
                            .name())
                    .isEqualTo(reason.name());
        }
    }

    @Test
    void shouldRefuseAnOutcomeThatBreaksTheContract() {
        assertThatThrownBy(() -> AvroMapping.toOutcome(outcome(OutcomeStatus.REJECTED, null)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reason");
        assertThatThrownBy(() -> AvroMapping.toOutcome(
                        outcome(OutcomeStatus.ACCEPTED, io.ledgerstream.schemas.Reason.SAME_ACCOUNT)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static io.ledgerstream.schemas.Outcome outcome(
            OutcomeStatus status, io.ledgerstream.schemas.Reason reason) {
        return io.ledgerstream.schemas.Outcome.newBuilder()
                .setRequestId("r1")
                .setAccountId("alice")
                .setCommandType("Withdraw")
                .setStatus(status)
                .setReason(reason)
                .setDetail(reason == null ? null : "available 3")
                .setCurrentVersion(2)
                .setAccounts(List.of(new AccountSnapshot("alice", 2L, 3L, 3L, "EUR")))
                .setReplay(false)
                .setReplyTo("client-1")
                .setProcessedAtMs(1L)
                .build();
    }
}
