package io.ledgerstream.core;

import static io.ledgerstream.core.LedgerFixture.T0;
import static io.ledgerstream.core.LedgerFixture.capture;
import static io.ledgerstream.core.LedgerFixture.deposit;
import static io.ledgerstream.core.LedgerFixture.given;
import static io.ledgerstream.core.LedgerFixture.open;
import static io.ledgerstream.core.LedgerFixture.placeHold;
import static io.ledgerstream.core.LedgerFixture.release;
import static io.ledgerstream.core.LedgerFixture.withdraw;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class LedgerHoldTest {
    private static final long EXPIRY = T0 + 60_000;

    @Test
    void shouldReserveTheHeldAmountWithoutDebiting() {
        LedgerFixture ledger = given(open("acc"), deposit("acc", 100));

        LedgerEvent placed = ledger.when(placeHold("acc", "h1", 70, EXPIRY))
                .thenEvents(new HoldPlaced("h1", 70, EXPIRY))
                .get(0);

        assertThat(placed.balanceAfter()).isEqualTo(100);
        assertThat(placed.heldAfter()).isEqualTo(70);
        AccountState state = ledger.state("acc");
        assertThat(state.held()).isEqualTo(70);
        assertThat(state.available()).isEqualTo(30);
        assertThat(state.hold("h1")).contains(new Hold("h1", 70, EXPIRY));
    }

    @Test
    void shouldCountHoldsAgainstWithdrawalsAndFurtherHolds() {
        LedgerFixture ledger = given(open("acc"), deposit("acc", 100), placeHold("acc", "h1", 70, EXPIRY));

        ledger.when(withdraw("acc", 31)).thenRejected(Reason.INSUFFICIENT_FUNDS);
        ledger.when(placeHold("acc", "h2", 31, EXPIRY)).thenRejected(Reason.INSUFFICIENT_FUNDS);
        ledger.when(withdraw("acc", 30)).thenEvents(new Debited(30));
    }

    @Test
    void shouldAllowAHoldIntoTheOverdraft() {
        LedgerFixture ledger = given(open("acc", "EUR", 50));

        ledger.when(placeHold("acc", "h1", 50, EXPIRY)).thenAccepted();

        assertThat(ledger.state("acc").available()).isEqualTo(-50);
    }

    @Test
    void shouldCaptureTheWholeHoldByDefault() {
        LedgerFixture ledger = given(open("acc"), deposit("acc", 100), placeHold("acc", "h1", 70, EXPIRY));

        LedgerEvent captured = ledger.when(capture("acc", "h1"))
                .thenEvents(new HoldCaptured("h1", 70, 0))
                .get(0);

        assertThat(captured.balanceAfter()).isEqualTo(30);
        assertThat(captured.heldAfter()).isZero();
        assertThat(ledger.state("acc").holds()).isEmpty();
    }

    @Test
    void shouldReleaseTheRemainderOfAPartialCaptureInTheSameEvent() {
        LedgerFixture ledger = given(open("acc"), deposit("acc", 100), placeHold("acc", "h1", 70, EXPIRY));

        ledger.when(capture("acc", "h1", 20)).thenEvents(new HoldCaptured("h1", 20, 50));

        AccountState state = ledger.state("acc");
        assertThat(state.balance()).isEqualTo(80);
        assertThat(state.available()).isEqualTo(80);
        assertThat(state.holds()).isEmpty();
        ledger.when(capture("acc", "h1", 1)).thenRejected(Reason.HOLD_NOT_FOUND);
    }

    @Test
    void shouldRejectCapturingMoreThanHeld() {
        LedgerFixture ledger = given(open("acc"), deposit("acc", 100), placeHold("acc", "h1", 70, EXPIRY));

        ledger.when(capture("acc", "h1", 71)).thenRejected(Reason.HOLD_AMOUNT_EXCEEDED);
    }

    @Test
    void shouldRejectANonPositiveCaptureAmount() {
        LedgerFixture ledger = given(open("acc"), deposit("acc", 100), placeHold("acc", "h1", 70, EXPIRY));

        ledger.when(capture("acc", "h1", 0)).thenRejected(Reason.INVALID_AMOUNT);
        ledger.when(capture("acc", "h1", -1)).thenRejected(Reason.INVALID_AMOUNT);
    }

    @Test
    void shouldReleaseAHoldWithoutDebiting() {
        LedgerFixture ledger = given(open("acc"), deposit("acc", 100), placeHold("acc", "h1", 70, EXPIRY));

        ledger.when(release("acc", "h1")).thenEvents(new HoldReleased("h1", 70));

        assertThat(ledger.state("acc").available()).isEqualTo(100);
        ledger.when(release("acc", "h1")).thenRejected(Reason.HOLD_NOT_FOUND);
    }

    @Test
    void shouldRejectCaptureOrReleaseOfAnUnknownHold() {
        LedgerFixture ledger = given(open("acc"));

        ledger.when(capture("acc", "nope")).thenRejected(Reason.HOLD_NOT_FOUND);
        ledger.when(release("acc", "nope")).thenRejected(Reason.HOLD_NOT_FOUND);
    }

    @Test
    void shouldRejectAHoldIdThatIsAlreadyActive() {
        LedgerFixture ledger = given(open("acc"), deposit("acc", 100), placeHold("acc", "h1", 10, EXPIRY));

        ledger.when(placeHold("acc", "h1", 10, EXPIRY)).thenRejected(Reason.HOLD_EXISTS);
    }

    @Test
    void shouldRejectCaptureOrReleaseOfAnExpiredHold() {
        LedgerFixture ledger = given(open("acc"), deposit("acc", 100), placeHold("acc", "h1", 70, EXPIRY))
                .at(EXPIRY);

        ledger.when(capture("acc", "h1")).thenRejected(Reason.HOLD_EXPIRED);
        ledger.when(release("acc", "h1")).thenRejected(Reason.HOLD_EXPIRED);
        ledger.at(EXPIRY - 1).when(capture("acc", "h1")).thenAccepted();
    }

    @Test
    void shouldExpireAHoldOnlyOnceItIsDue() {
        LedgerFixture ledger = given(open("acc"), deposit("acc", 100), placeHold("acc", "h1", 70, EXPIRY));
        AccountState state = ledger.state("acc");

        assertThat(Ledger.expireHold(state, "h1", EXPIRY - 1)).isEmpty();
        assertThat(Ledger.expireHold(state, "unknown", EXPIRY)).isEmpty();
        Optional<LedgerEvent> expired = Ledger.expireHold(state, "h1", EXPIRY);

        assertThat(expired).isPresent();
        LedgerEvent event = expired.get();
        assertThat(event.body()).isEqualTo(new HoldExpired("h1", 70));
        assertThat(event.requestId()).isEqualTo("expiry:h1");
        assertThat(event.timestampMs()).isEqualTo(EXPIRY);
        assertThat(event.version()).isEqualTo(state.version() + 1);
        AccountState after = Ledger.evolve(state, event);
        assertThat(after.available()).isEqualTo(100);
        assertThat(after.holds()).isEmpty();
    }

    @Test
    void shouldExpireEveryDueHoldInHoldIdOrder() {
        LedgerFixture ledger = given(
                open("acc"),
                deposit("acc", 100),
                placeHold("acc", "h2", 10, EXPIRY),
                placeHold("acc", "h1", 20, EXPIRY - 1),
                placeHold("acc", "h3", 30, EXPIRY + 1));

        List<LedgerEvent> expired = ledger.at(EXPIRY).whenHoldsExpire("acc");

        assertThat(expired)
                .extracting(LedgerEvent::body)
                .containsExactly(new HoldExpired("h1", 20), new HoldExpired("h2", 10));
        assertThat(expired).extracting(LedgerEvent::version).containsExactly(6L, 7L);
        assertThat(ledger.state("acc").holds()).containsOnlyKeys("h3");
    }

    @Test
    void shouldRejectAHoldThatExpiresAtOrBeforeNow() {
        LedgerFixture ledger = given(open("acc"), deposit("acc", 100));

        assertThat(ledger.when(placeHold("acc", "h1", 10, T0))
                        .thenRejected(Reason.INVALID_COMMAND)
                        .detail())
                .startsWith("expiresAtMs:");
    }

    @Test
    void shouldRejectABlankHoldId() {
        LedgerFixture ledger = given(open("acc"), deposit("acc", 100));

        assertThat(ledger.when(placeHold("acc", " ", 10, EXPIRY))
                        .thenRejected(Reason.INVALID_COMMAND)
                        .detail())
                .startsWith("holdId:");
        assertThat(ledger.when(release("acc", ""))
                        .thenRejected(Reason.INVALID_COMMAND)
                        .detail())
                .startsWith("holdId:");
        assertThat(ledger.when(new CaptureHold("acc", null, OptionalLong.empty()))
                        .thenRejected(Reason.INVALID_COMMAND)
                        .detail())
                .startsWith("holdId:");
    }

    @Test
    void shouldRejectAHoldInAnotherCurrency() {
        LedgerFixture ledger = given(open("acc"), deposit("acc", 100));

        ledger.when(new PlaceHold("acc", "h1", 10, "USD", EXPIRY)).thenRejected(Reason.CURRENCY_MISMATCH);
    }

    @Test
    void shouldLimitActiveHoldsPerAccount() {
        LedgerFixture ledger = given(open("acc"), deposit("acc", 1_000_000));
        for (int i = 0; i < Ledger.MAX_HOLDS_PER_ACCOUNT; i++) {
            ledger.when(placeHold("acc", "h" + i, 1, EXPIRY)).thenAccepted();
        }

        ledger.when(placeHold("acc", "one-too-many", 1, EXPIRY)).thenRejected(Reason.HOLD_LIMIT_REACHED);
        ledger.when(release("acc", "h0")).thenAccepted();
        ledger.when(placeHold("acc", "one-too-many", 1, EXPIRY)).thenAccepted();
        assertThat(ledger.state("acc").holds()).hasSize(Ledger.MAX_HOLDS_PER_ACCOUNT);
    }

    @Test
    void shouldRejectAHoldWhoseHeldSumWouldOverflow() {
        LedgerFixture ledger = given(
                open("acc", "EUR", Long.MAX_VALUE),
                deposit("acc", Long.MAX_VALUE),
                placeHold("acc", "h1", Long.MAX_VALUE, EXPIRY));

        ledger.when(placeHold("acc", "h2", 1, EXPIRY)).thenRejected(Reason.AMOUNT_OVERFLOW);
    }
}
