package io.ledgerstream.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CommandTest {

    private static final Instant LATER = Instant.parse("2099-01-01T00:00:00Z");

    @Test
    void shouldFixTheRequestIdWhenTheCommandIsCreated() {
        Command deposit = Command.deposit("alice", 500, "EUR");

        assertThat(deposit.requestId()).isEqualTo(deposit.requestId());
        UUID id = UUID.fromString(deposit.requestId());
        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2);
    }

    @Test
    void shouldGiveEveryNewCommandANewTimeOrderedRequestId() {
        Set<String> ids = new HashSet<>();
        String previous = "";
        for (int i = 0; i < 10_000; i++) {
            String id = Command.deposit("alice", 1, "EUR").requestId();
            assertThat(id).isGreaterThan(previous);
            assertThat(ids.add(id)).isTrue();
            previous = id;
        }
    }

    @Test
    void shouldTreatTheSameObjectAsARetryButAnEqualNewCommandAsANewRequest() {
        Command first = Command.withdraw("alice", 100, "EUR");
        Command again = Command.withdraw("alice", 100, "EUR");

        assertThat(first.isRetryOf(first)).isTrue();
        assertThat(first.isRetryOf(again)).isFalse();
        assertThat(first).isNotEqualTo(again);
    }

    @Test
    void shouldRebuildACommandWithAStoredRequestId() {
        Command original = Command.transfer("alice", "bob", 250, "EUR");

        Command rebuilt = Command.withRequestId(original.requestId()).transfer("alice", "bob", 250, "EUR");

        assertThat(rebuilt.requestId()).isEqualTo(original.requestId());
        assertThat(rebuilt.isRetryOf(original)).isTrue();
    }

    @Test
    void shouldCarryTheExpectedVersion() {
        Command c = Command.withExpectedVersion(3).withRequestId("req-1").deposit("alice", 5, "EUR");

        assertThat(c.expectedVersion()).hasValue(3);
        assertThat(c.requestId()).isEqualTo("req-1");
        assertThat(Command.deposit("alice", 5, "EUR").expectedVersion()).isEmpty();
    }

    @Test
    void shouldRejectAMissingOrBlankAccountNamingTheField() {
        assertThatThrownBy(() -> Command.deposit(null, 5, "EUR"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("accountId");
        assertThatThrownBy(() -> Command.withdraw("  ", 5, "EUR"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("accountId");
        assertThatThrownBy(() -> Command.openAccount("a".repeat(129), "EUR"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("accountId")
                .hasMessageContaining("128");
        assertThatThrownBy(() -> Command.transfer(null, "bob", 5, "EUR"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fromAccountId");
        assertThatThrownBy(() -> Command.transfer("alice", "", 5, "EUR"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("toAccountId");
    }

    @Test
    void shouldRejectANonPositiveAmountNamingTheField() {
        assertThatThrownBy(() -> Command.deposit("alice", 0, "EUR"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("amount")
                .hasMessageContaining("0");
        assertThatThrownBy(() -> Command.withdraw("alice", -1, "EUR"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("amount");
        assertThatThrownBy(() -> Command.transfer("alice", "bob", 0, "EUR"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("amount");
        assertThatThrownBy(() -> Command.placeHold("alice", "h1", -5, "EUR", LATER))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("amount");
        assertThatThrownBy(() -> Command.captureHold("alice", "h1", 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("amount");
    }

    @Test
    void shouldRejectAMissingOrMalformedCurrencyNamingTheField() {
        assertThatThrownBy(() -> Command.deposit("alice", 5, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("currency");
        assertThatThrownBy(() -> Command.deposit("alice", 5, "eur"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("currency")
                .hasMessageContaining("eur");
        assertThatThrownBy(() -> Command.openAccount("alice", "EURO"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("currency");
    }

    @Test
    void shouldRejectOtherInvalidFieldsNamingThem() {
        assertThatThrownBy(() -> Command.transfer("alice", "alice", 5, "EUR"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("toAccountId");
        assertThatThrownBy(() -> Command.placeHold("alice", null, 5, "EUR", LATER))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("holdId");
        assertThatThrownBy(() -> Command.placeHold("alice", "h1", 5, "EUR", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expiresAt");
        assertThatThrownBy(() -> Command.releaseHold("alice", " "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("holdId");
        assertThatThrownBy(() -> Command.openAccount("alice", "EUR", -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("overdraftLimit");
        assertThatThrownBy(() -> Command.withExpectedVersion(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expectedVersion");
        assertThatThrownBy(() -> Command.withRequestId(""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("requestId");
    }

    @Test
    void shouldExposeEachTypesFields() {
        Command hold = Command.placeHold("alice", "h1", 70, "EUR", LATER);
        assertThat(hold.type()).isEqualTo(CommandType.PLACE_HOLD);
        assertThat(hold.holdId()).hasValue("h1");
        assertThat(hold.amount()).hasValue(70);
        assertThat(hold.expiresAtMs()).hasValue(LATER.toEpochMilli());

        Command capture = Command.captureHold("alice", "h1");
        assertThat(capture.amount()).isEmpty();
        assertThat(capture.currency()).isEmpty();

        Command open = Command.openAccount("alice", "EUR", 1_000);
        assertThat(open.overdraftLimit()).hasValue(1_000);

        Command transfer = Command.transfer("alice", "bob", 5, "EUR");
        assertThat(transfer.accountId()).isEqualTo("alice");
        assertThat(transfer.toAccountId()).hasValue("bob");
        assertThat(transfer.toString()).contains("Transfer", transfer.requestId(), "bob");
    }
}
