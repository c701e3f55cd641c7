package io.ledgerstream.core;

import static io.ledgerstream.core.LedgerFixture.T0;
import static io.ledgerstream.core.LedgerFixture.deposit;
import static io.ledgerstream.core.LedgerFixture.given;
import static io.ledgerstream.core.LedgerFixture.open;
import static io.ledgerstream.core.LedgerFixture.transfer;
import static io.ledgerstream.core.LedgerFixture.withdraw;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class LedgerTransferTest {

    @Test
    void shouldDebitOnlyTheSourceInTheSourceStepOfACrossPartitionTransfer() {
        LedgerFixture ledger = given(open("src"), deposit("src", 100));

        LedgerEvent debited = ledger.whenSourceStep(transfer("src", "dst", 60))
                .thenEvents(new TransferDebited("dst", 60))
                .get(0);

        assertThat(debited.accountId()).isEqualTo("src");
        assertThat(debited.version()).isEqualTo(3);
        assertThat(ledger.state("src").balance()).isEqualTo(40);
    }

    @Test
    void shouldCreditTheDestinationInTheCreditStep() {
        LedgerFixture ledger = given(open("src"), deposit("src", 100), open("dst"));
        ledger.whenSourceStep(transfer("src", "dst", 60)).thenAccepted();

        LedgerEvent credited = ledger.whenCredit("t-1", "src", "dst", 60, "EUR")
                .thenEvents(new TransferCredited("src", 60))
                .get(0);

        assertThat(credited.accountId()).isEqualTo("dst");
        assertThat(credited.version()).isEqualTo(2);
        assertThat(ledger.state("dst").balance()).isEqualTo(60);
    }

    @Test
    void shouldRefuseACreditToAnUnknownDestinationAndRefundTheSource() {
        LedgerFixture ledger = given(open("src"), deposit("src", 100));
        LedgerEvent debited = ledger.whenSourceStep(transfer("src", "ghost", 60))
                .thenAccepted()
                .get(0);

        Decision.Rejected refused = ledger.whenCredit(debited.requestId(), "src", "ghost", 60, "EUR")
                .thenRejected(Reason.UNKNOWN_ACCOUNT);
        LedgerEvent refunded = ledger.whenRefund(debited.requestId(), "src", "ghost", 60, refused.reason());

        assertThat(refused.currentVersion()).isZero();
        assertThat(refunded.body()).isEqualTo(new TransferRefunded("ghost", 60, Reason.UNKNOWN_ACCOUNT));
        assertThat(refunded.version()).isEqualTo(4);
        assertThat(refunded.requestId()).isEqualTo(debited.requestId());
        assertThat(ledger.state("src").balance()).isEqualTo(100);
    }

    @Test
    void shouldRefuseACreditInAnotherCurrency() {
        LedgerFixture ledger = given(open("dst", "USD", 0));

        Decision.Rejected refused =
                ledger.whenCredit("t-1", "src", "dst", 60, "EUR").thenRejected(Reason.CURRENCY_MISMATCH);

        assertThat(refused.currentVersion()).isEqualTo(1);
    }

    @Test
    void shouldRefuseACreditThatWouldOverflowTheDestination() {
        LedgerFixture ledger = given(open("dst"), deposit("dst", Long.MAX_VALUE));

        ledger.whenCredit("t-1", "src", "dst", 1, "EUR").thenRejected(Reason.AMOUNT_OVERFLOW);
    }

    @Test
    void shouldTreatAMalformedCreditAsAnInvariantViolation() {
        AccountState dst = given(open("dst")).state("dst");

        assertThatThrownBy(() -> Ledger.decideCredit("t-1", "src", 0, "EUR", dst, T0))
                .isInstanceOf(InvariantViolation.class);
        assertThatThrownBy(() -> Ledger.decideCredit("t-1", "dst", 5, "EUR", dst, T0))
                .isInstanceOf(InvariantViolation.class);
    }

    @Test
    void shouldTreatARefundOverflowAsAnInvariantViolation() {
        LedgerFixture ledger = given(open("src"), deposit("src", 10));
        ledger.whenSourceStep(transfer("src", "ghost", 10)).thenAccepted();
        ledger.when(deposit("src", Long.MAX_VALUE)).thenAccepted();

        assertThatThrownBy(() -> ledger.whenRefund("t-1", "src", "ghost", 10, Reason.UNKNOWN_ACCOUNT))
                .isInstanceOf(InvariantViolation.class)
                .hasMessageContaining("overflows");
    }

    @Test
    void shouldMoveMoneyBetweenLocalAccountsAtomically() {
        LedgerFixture ledger = given(open("a"), deposit("a", 100), open("b"));

        List<LedgerEvent> events = ledger.whenLocalTransfer(transfer("a", "b", 30))
                .thenEvents(new TransferDebited("b", 30), new TransferCredited("a", 30));

        assertThat(events).extracting(LedgerEvent::accountId).containsExactly("a", "b");
        assertThat(events).extracting(LedgerEvent::version).containsExactly(3L, 2L);
        assertThat(events.get(0).requestId()).isEqualTo(events.get(1).requestId());
        assertThat(ledger.state("a").balance()).isEqualTo(70);
        assertThat(ledger.state("b").balance()).isEqualTo(30);
    }

    @Test
    void shouldRejectALocalTransferToAnUnknownDestinationWithoutDebiting() {
        LedgerFixture ledger = given(open("a"), deposit("a", 100));

        Decision.Rejected rejected =
                ledger.whenLocalTransfer(transfer("a", "ghost", 30)).thenRejected(Reason.DESTINATION_REJECTED);

        assertThat(rejected.detail()).isEqualTo("UNKNOWN_ACCOUNT");
        assertThat(rejected.currentVersion()).isEqualTo(2);
        assertThat(ledger.state("a").balance()).isEqualTo(100);
    }

    @Test
    void shouldRejectALocalTransferToADestinationInAnotherCurrency() {
        LedgerFixture ledger = given(open("a"), deposit("a", 100), open("b", "USD", 0));

        Decision.Rejected rejected =
                ledger.whenLocalTransfer(transfer("a", "b", 30)).thenRejected(Reason.DESTINATION_REJECTED);

        assertThat(rejected.detail()).isEqualTo("CURRENCY_MISMATCH");
    }

    @Test
    void shouldRejectALocalTransferThatWouldOverflowTheDestination() {
        LedgerFixture ledger = given(open("a"), deposit("a", 100), open("b"), deposit("b", Long.MAX_VALUE));

        Decision.Rejected rejected =
                ledger.whenLocalTransfer(transfer("a", "b", 30)).thenRejected(Reason.DESTINATION_REJECTED);

        assertThat(rejected.detail()).isEqualTo("AMOUNT_OVERFLOW");
    }

    @Test
    void shouldCheckTheSourceBeforeTheDestination() {
        LedgerFixture ledger = given(open("a"), deposit("a", 10));

        ledger.whenLocalTransfer(transfer("a", "ghost", 30)).thenRejected(Reason.INSUFFICIENT_FUNDS);
        ledger.whenLocalTransfer(transfer("unknown", "ghost", 30)).thenRejected(Reason.UNKNOWN_ACCOUNT);
    }

    @Test
    void shouldRejectATransferToItself() {
        LedgerFixture ledger = given(open("a"), deposit("a", 100));

        ledger.whenSourceStep(transfer("a", "a", 10)).thenRejected(Reason.SAME_ACCOUNT);
        ledger.whenLocalTransfer(transfer("a", "a", 10)).thenRejected(Reason.SAME_ACCOUNT);
    }

    @Test
    void shouldRejectATransferBeyondTheSourceFunds() {
        LedgerFixture ledger = given(open("a", "EUR", 20), deposit("a", 100), open("b"));

        ledger.whenSourceStep(transfer("a", "b", 121)).thenRejected(Reason.INSUFFICIENT_FUNDS);
        ledger.whenLocalTransfer(transfer("a", "b", 121)).thenRejected(Reason.INSUFFICIENT_FUNDS);
        ledger.whenLocalTransfer(transfer("a", "b", 120)).thenAccepted();
        assertThat(ledger.state("a").available()).isEqualTo(-20);
    }

    @Test
    void shouldRejectATransferInAnotherCurrencyThanTheSource() {
        LedgerFixture ledger = given(open("a"), deposit("a", 100));

        ledger.whenSourceStep(new Transfer("a", "b", 10, "USD")).thenRejected(Reason.CURRENCY_MISMATCH);
    }

    @Test
    void shouldRejectATransferWithAMissingDestination() {
        LedgerFixture ledger = given(open("a"), deposit("a", 100));

        assertThat(ledger.whenSourceStep(transfer("a", null, 10))
                        .thenRejected(Reason.INVALID_COMMAND)
                        .detail())
                .startsWith("toAccountId:");
    }

    @Test
    void shouldRejectATransferWhoseOverdraftMathWouldOverflow() {
        LedgerFixture ledger = given(open("a", "EUR", Long.MAX_VALUE), withdraw("a", Long.MAX_VALUE));

        ledger.whenSourceStep(transfer("a", "b", 5)).thenRejected(Reason.AMOUNT_OVERFLOW);
    }

    @Test
    void shouldRefuseLocalTransferArgumentsThatDoNotMatch() {
        LedgerFixture ledger = given(open("a"), deposit("a", 100), open("b"), open("c"));

        assertThatThrownBy(() -> Ledger.decideLocalTransfer(
                        Request.of("r", transfer("a", "b", 1)), ledger.state("a"), ledger.state("c"), T0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Ledger.decideLocalTransfer(
                        Request.of("r", deposit("a", 1)), ledger.state("a"), ledger.state("b"), T0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
