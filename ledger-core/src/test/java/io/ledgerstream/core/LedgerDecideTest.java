package io.ledgerstream.core;

import static io.ledgerstream.core.LedgerFixture.T0;
import static io.ledgerstream.core.LedgerFixture.deposit;
import static io.ledgerstream.core.LedgerFixture.given;
import static io.ledgerstream.core.LedgerFixture.open;
import static io.ledgerstream.core.LedgerFixture.withdraw;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class LedgerDecideTest {

    @Test
    void shouldOpenAccountAtVersionOneChainedOnGenesis() {
        LedgerFixture ledger = given();

        LedgerEvent opened = ledger.when(open("acc-1", "EUR", 500))
                .thenEvents(new AccountOpened(500))
                .get(0);

        assertThat(opened.version()).isEqualTo(1);
        assertThat(opened.prevHash()).isEqualTo(Hashes.genesis());
        assertThat(opened.hash()).isEqualTo(opened.expectedHash());
        assertThat(opened.currency()).isEqualTo("EUR");
        assertThat(opened.balanceAfter()).isZero();
        assertThat(opened.heldAfter()).isZero();
        AccountState state = ledger.state("acc-1");
        assertThat(state.version()).isEqualTo(1);
        assertThat(state.overdraftLimit()).isEqualTo(500);
        assertThat(state.lastHash()).isEqualTo(opened.hash());
    }

    @Test
    void shouldRejectOpeningAnExistingAccount() {
        LedgerFixture ledger = given(open("acc-1"));

        Decision.Rejected rejected = ledger.when(open("acc-1")).thenRejected(Reason.ACCOUNT_EXISTS);

        assertThat(rejected.currentVersion()).isEqualTo(1);
    }

    @Test
    void shouldRejectAnyOtherCommandOnAnUnknownAccountWithVersionZero() {
        LedgerFixture ledger = given();

        Decision.Rejected rejected = ledger.when(deposit("ghost", 10)).thenRejected(Reason.UNKNOWN_ACCOUNT);

        assertThat(rejected.currentVersion()).isZero();
    }

    @Test
    void shouldCreditADepositAndIncrementTheVersion() {
        LedgerFixture ledger = given(open("acc-1"));

        LedgerEvent credited =
                ledger.when(deposit("acc-1", 250)).thenEvents(new Credited(250)).get(0);

        assertThat(credited.version()).isEqualTo(2);
        assertThat(credited.balanceAfter()).isEqualTo(250);
        assertThat(credited.prevHash()).isEqualTo(ledger.log("acc-1").get(0).hash());
        assertThat(ledger.state("acc-1").balance()).isEqualTo(250);
    }

    @Test
    void shouldDebitAWithdrawalWithinTheOverdraftLimit() {
        LedgerFixture ledger = given(open("acc-1", "EUR", 100), deposit("acc-1", 50));

        ledger.when(withdraw("acc-1", 150)).thenEvents(new Debited(150));

        assertThat(ledger.state("acc-1").balance()).isEqualTo(-100);
        assertThat(ledger.state("acc-1").available()).isEqualTo(-100);
    }

    @Test
    void shouldRejectAWithdrawalBeyondTheOverdraftLimit() {
        LedgerFixture ledger = given(open("acc-1", "EUR", 100), deposit("acc-1", 50));

        Decision.Rejected rejected = ledger.when(withdraw("acc-1", 151)).thenRejected(Reason.INSUFFICIENT_FUNDS);

        assertThat(rejected.detail()).contains("available 50");
        assertThat(rejected.currentVersion()).isEqualTo(2);
        assertThat(ledger.state("acc-1").balance()).isEqualTo(50);
    }

    @Test
    void shouldRejectACurrencyMismatch() {
        LedgerFixture ledger = given(open("acc-1"));

        ledger.when(new Deposit("acc-1", 10, "USD")).thenRejected(Reason.CURRENCY_MISMATCH);
        ledger.when(new Withdraw("acc-1", 10, "USD")).thenRejected(Reason.CURRENCY_MISMATCH);
    }

    @Test
    void shouldRejectNonPositiveAmounts() {
        LedgerFixture ledger = given(open("acc-1"));

        ledger.when(deposit("acc-1", 0)).thenRejected(Reason.INVALID_AMOUNT);
        ledger.when(withdraw("acc-1", -5)).thenRejected(Reason.INVALID_AMOUNT);
        ledger.when(deposit("acc-1", Long.MIN_VALUE)).thenRejected(Reason.INVALID_AMOUNT);
    }

    @Test
    void shouldNameTheInvalidFieldInTheDetail() {
        LedgerFixture ledger = given(open("acc-1"));

        assertThat(ledger.when(new Deposit("acc-1", 10, "eur"))
                        .thenRejected(Reason.INVALID_COMMAND)
                        .detail())
                .startsWith("currency:");
        assertThat(ledger.when(new Deposit("acc-1", 10, null))
                        .thenRejected(Reason.INVALID_COMMAND)
                        .detail())
                .startsWith("currency:");
        assertThat(ledger.when(new Deposit(" ", 10, "EUR"))
                        .thenRejected(Reason.INVALID_COMMAND)
                        .detail())
                .startsWith("accountId:");
        assertThat(ledger.when(new Deposit(null, 10, "EUR"))
                        .thenRejected(Reason.INVALID_COMMAND)
                        .detail())
                .startsWith("accountId:");
        assertThat(ledger.when(Request.of("", deposit("acc-1", 10)))
                        .thenRejected(Reason.INVALID_COMMAND)
                        .detail())
                .startsWith("requestId:");
        assertThat(ledger.when(Request.of(null, deposit("acc-1", 10)))
                        .thenRejected(Reason.INVALID_COMMAND)
                        .detail())
                .startsWith("requestId:");
        assertThat(ledger.when(open("acc-2", "EUR", -1))
                        .thenRejected(Reason.INVALID_COMMAND)
                        .detail())
                .startsWith("overdraftLimit:");
        assertThat(ledger.when(new Request("r", OptionalLong.of(-1), deposit("acc-1", 10)))
                        .thenRejected(Reason.INVALID_COMMAND)
                        .detail())
                .startsWith("expectedVersion:");
        assertThat(ledger.when(new OpenAccount("acc-3", "EURO", 0))
                        .thenRejected(Reason.INVALID_COMMAND)
                        .detail())
                .startsWith("currency:");
    }

    @Test
    void shouldAcceptIdsUpTo128CharactersAndRejectLongerOnes() {
        String longest = "a".repeat(Ledger.MAX_ID_LENGTH_CHARS);
        LedgerFixture ledger = given(open(longest));

        assertThat(ledger.state(longest)).isNotNull();
        assertThat(ledger.when(open(longest + "b"))
                        .thenRejected(Reason.INVALID_COMMAND)
                        .detail())
                .startsWith("accountId:")
                .contains("128");
        assertThat(ledger.when(Request.of("r".repeat(129), deposit(longest, 1)))
                        .thenRejected(Reason.INVALID_COMMAND)
                        .detail())
                .startsWith("requestId:");
    }

    @Test
    void shouldReportTheAccountVersionInAValidationRejection() {
        LedgerFixture ledger = given(open("acc-1"), deposit("acc-1", 5));

        assertThat(ledger.when(deposit("acc-1", 0))
                        .thenRejected(Reason.INVALID_AMOUNT)
                        .currentVersion())
                .isEqualTo(2);
    }

    @Test
    void shouldRejectAStaleExpectedVersionWithTheCurrentVersion() {
        LedgerFixture ledger = given(open("acc-1"), deposit("acc-1", 5));

        Decision.Rejected rejected =
                ledger.whenExpecting(1, deposit("acc-1", 5)).thenRejected(Reason.VERSION_CONFLICT);

        assertThat(rejected.currentVersion()).isEqualTo(2);
        ledger.whenExpecting(2, deposit("acc-1", 5)).thenEvents(new Credited(5));
    }

    @Test
    void shouldRequireExpectedVersionZeroToOpenAnAccount() {
        LedgerFixture ledger = given();

        Decision.Rejected rejected = ledger.whenExpecting(3, open("acc-1")).thenRejected(Reason.VERSION_CONFLICT);

        assertThat(rejected.currentVersion()).isZero();
        ledger.whenExpecting(0, open("acc-1")).thenEvents(new AccountOpened(0));
    }

    @Test
    void shouldCheckValidationThenExistenceThenVersionThenBusinessRules() {
        LedgerFixture ledger = given(open("acc-1"));

        // invalid amount on an unknown account with a wrong version: validation wins
        ledger.when(new Request("r-1", OptionalLong.of(9), deposit("ghost", 0))).thenRejected(Reason.INVALID_AMOUNT);
        // unknown account with a wrong version: existence wins
        ledger.when(new Request("r-2", OptionalLong.of(9), deposit("ghost", 1))).thenRejected(Reason.UNKNOWN_ACCOUNT);
        // existing account: ACCOUNT_EXISTS before the version check
        ledger.when(new Request("r-3", OptionalLong.of(9), open("acc-1"))).thenRejected(Reason.ACCOUNT_EXISTS);
        // wrong version and wrong currency: version wins
        ledger.when(new Request("r-4", OptionalLong.of(9), new Deposit("acc-1", 1, "USD")))
                .thenRejected(Reason.VERSION_CONFLICT);
        // wrong currency and insufficient funds: currency wins
        ledger.when(new Withdraw("acc-1", 1_000, "USD")).thenRejected(Reason.CURRENCY_MISMATCH);
    }

    @Test
    void shouldRejectADepositThatWouldOverflowTheBalance() {
        LedgerFixture ledger = given(open("acc-1"), deposit("acc-1", Long.MAX_VALUE - 10));

        ledger.when(deposit("acc-1", 10)).thenEvents(new Credited(10));
        Decision.Rejected rejected = ledger.when(deposit("acc-1", 1)).thenRejected(Reason.AMOUNT_OVERFLOW);

        assertThat(rejected.currentVersion()).isEqualTo(3);
        assertThat(ledger.state("acc-1").balance()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void shouldRejectAWithdrawalWhoseOverdraftMathWouldOverflow() {
        LedgerFixture ledger = given(open("acc-1", "EUR", Long.MAX_VALUE), withdraw("acc-1", Long.MAX_VALUE));

        assertThat(ledger.state("acc-1").balance()).isEqualTo(-Long.MAX_VALUE);
        ledger.when(withdraw("acc-1", 2)).thenRejected(Reason.AMOUNT_OVERFLOW);
        ledger.when(withdraw("acc-1", Long.MAX_VALUE)).thenRejected(Reason.AMOUNT_OVERFLOW);
        assertThat(ledger.state("acc-1").balance()).isEqualTo(-Long.MAX_VALUE);
    }

    @Test
    void shouldStampEventsWithTheTimePassedIn() {
        LedgerFixture ledger = given(open("acc-1")).at(T0 + 42);

        LedgerEvent event = ledger.when(deposit("acc-1", 1)).thenAccepted().get(0);

        assertThat(event.timestampMs()).isEqualTo(T0 + 42);
    }

    @Test
    void shouldBeDeterministic() {
        AccountState state = given(open("acc-1"), deposit("acc-1", 100)).state("acc-1");
        Request request = Request.of("r-1", withdraw("acc-1", 30));

        assertThat(Ledger.decide(request, state, T0)).isEqualTo(Ledger.decide(request, state, T0));
    }

    @Test
    void shouldRefuseTheStateOfAnotherAccount() {
        AccountState other = given(open("acc-2")).state("acc-2");

        assertThatThrownBy(() -> Ledger.decide(Request.of("r-1", deposit("acc-1", 1)), other, T0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("acc-2");
    }
}
