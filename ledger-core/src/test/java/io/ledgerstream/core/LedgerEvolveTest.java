package io.ledgerstream.core;

import static io.ledgerstream.core.LedgerFixture.T0;
import static io.ledgerstream.core.LedgerFixture.deposit;
import static io.ledgerstream.core.LedgerFixture.given;
import static io.ledgerstream.core.LedgerFixture.open;
import static io.ledgerstream.core.LedgerFixture.placeHold;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class LedgerEvolveTest {

    /** Rebuilds the event with the given changes and a correct hash (an internally consistent forgery). */
    private static LedgerEvent rehashed(
            LedgerEvent e, long version, EventBody body, long balanceAfter, long heldAfter, byte[] prevHash) {
        byte[] hash = LedgerEvent.computeHash(
                e.accountId(),
                version,
                e.requestId(),
                e.timestampMs(),
                e.currency(),
                body,
                balanceAfter,
                heldAfter,
                prevHash);
        return new LedgerEvent(
                e.accountId(),
                version,
                e.requestId(),
                e.timestampMs(),
                e.currency(),
                body,
                balanceAfter,
                heldAfter,
                prevHash,
                hash);
    }

    private static LedgerEvent withBalanceAfter(LedgerEvent e, long balanceAfter, boolean rehash) {
        if (rehash) {
            return rehashed(e, e.version(), e.body(), balanceAfter, e.heldAfter(), e.prevHash());
        }
        return new LedgerEvent(
                e.accountId(),
                e.version(),
                e.requestId(),
                e.timestampMs(),
                e.currency(),
                e.body(),
                balanceAfter,
                e.heldAfter(),
                e.prevHash(),
                e.hash());
    }

    @Test
    void shouldReplayALogToTheSameState() {
        LedgerFixture ledger =
                given(open("acc"), deposit("acc", 100), placeHold("acc", "h1", 30, T0 + 1), deposit("acc", 5));

        AccountState replayed = null;
        for (LedgerEvent event : ledger.log("acc")) {
            replayed = Ledger.evolve(replayed, event);
        }

        assertThat(replayed).isEqualTo(ledger.state("acc"));
    }

    @Test
    void shouldRejectAVersionGap() {
        LedgerFixture ledger = given(open("acc"), deposit("acc", 1), deposit("acc", 2));
        List<LedgerEvent> log = ledger.log("acc");
        AccountState afterOpen = Ledger.evolve(null, log.get(0));

        assertThatThrownBy(() -> Ledger.evolve(afterOpen, log.get(2)))
                .isInstanceOf(InvariantViolation.class)
                .hasMessageContaining("version gap");
    }

    @Test
    void shouldRejectAReplayedEvent() {
        LedgerFixture ledger = given(open("acc"), deposit("acc", 1));
        LedgerEvent last = ledger.log("acc").get(1);

        assertThatThrownBy(() -> Ledger.evolve(ledger.state("acc"), last))
                .isInstanceOf(InvariantViolation.class)
                .hasMessageContaining("version gap");
    }

    @Test
    void shouldRejectAGapEvenWhenTheForgerFixedTheVersion() {
        LedgerFixture ledger = given(open("acc"), deposit("acc", 1), deposit("acc", 2));
        List<LedgerEvent> log = ledger.log("acc");
        AccountState afterOpen = Ledger.evolve(null, log.get(0));
        LedgerEvent third = log.get(2);
        LedgerEvent renumbered =
                rehashed(third, 2, third.body(), third.balanceAfter(), third.heldAfter(), third.prevHash());

        assertThatThrownBy(() -> Ledger.evolve(afterOpen, renumbered))
                .isInstanceOf(InvariantViolation.class)
                .hasMessageContaining("prevHash");
    }

    @Test
    void shouldRejectAWrongPrevHash() {
        LedgerFixture ledger = given(open("acc"), deposit("acc", 1));
        AccountState opened = Ledger.evolve(null, ledger.log("acc").get(0));
        LedgerEvent deposit = ledger.log("acc").get(1);
        byte[] wrong = deposit.prevHash();
        wrong[0] ^= 1;
        LedgerEvent forged = rehashed(deposit, 2, deposit.body(), deposit.balanceAfter(), deposit.heldAfter(), wrong);

        assertThatThrownBy(() -> Ledger.evolve(opened, forged))
                .isInstanceOf(InvariantViolation.class)
                .hasMessageContaining("prevHash");
    }

    @Test
    void shouldRejectATamperedHash() {
        LedgerFixture ledger = given(open("acc"), deposit("acc", 1));
        AccountState opened = Ledger.evolve(null, ledger.log("acc").get(0));
        LedgerEvent e = ledger.log("acc").get(1);
        byte[] hash = e.hash();
        hash[31] ^= 0x40;
        LedgerEvent tampered = new LedgerEvent(
                e.accountId(),
                e.version(),
                e.requestId(),
                e.timestampMs(),
                e.currency(),
                e.body(),
                e.balanceAfter(),
                e.heldAfter(),
                e.prevHash(),
                hash);

        assertThat(tampered.hasValidHash()).isFalse();
        assertThatThrownBy(() -> Ledger.evolve(opened, tampered))
                .isInstanceOf(InvariantViolation.class)
                .hasMessageContaining("hash");
    }

    @Test
    void shouldRejectATamperedBody() {
        LedgerFixture ledger = given(open("acc"), deposit("acc", 1));
        AccountState opened = Ledger.evolve(null, ledger.log("acc").get(0));
        LedgerEvent e = ledger.log("acc").get(1);
        LedgerEvent tampered = new LedgerEvent(
                e.accountId(),
                e.version(),
                e.requestId(),
                e.timestampMs(),
                e.currency(),
                new Credited(1_000_000),
                1_000_000,
                e.heldAfter(),
                e.prevHash(),
                e.hash());

        assertThatThrownBy(() -> Ledger.evolve(opened, tampered))
                .isInstanceOf(InvariantViolation.class)
                .hasMessageContaining("does not match the recomputed");
    }

    @Test
    void shouldRejectATamperedBalanceAfter() {
        LedgerFixture ledger = given(open("acc"), deposit("acc", 10));
        AccountState opened = Ledger.evolve(null, ledger.log("acc").get(0));
        LedgerEvent deposit = ledger.log("acc").get(1);

        assertThatThrownBy(() -> Ledger.evolve(opened, withBalanceAfter(deposit, 11, false)))
                .isInstanceOf(InvariantViolation.class)
                .hasMessageContaining("hash");
        assertThatThrownBy(() -> Ledger.evolve(opened, withBalanceAfter(deposit, 11, true)))
                .isInstanceOf(InvariantViolation.class)
                .hasMessageContaining("balanceAfter 11 but computed 10");
    }

    @Test
    void shouldRejectATamperedHeldAfter() {
        LedgerFixture ledger = given(open("acc"), deposit("acc", 10), placeHold("acc", "h", 4, T0 + 1));
        AccountState before = Ledger.evolve(
                Ledger.evolve(null, ledger.log("acc").get(0)), ledger.log("acc").get(1));
        LedgerEvent e = ledger.log("acc").get(2);
        LedgerEvent forged = rehashed(e, e.version(), e.body(), e.balanceAfter(), 5, e.prevHash());

        assertThatThrownBy(() -> Ledger.evolve(before, forged))
                .isInstanceOf(InvariantViolation.class)
                .hasMessageContaining("heldAfter 5 but computed 4");
    }

    @Test
    void shouldRejectAnOverLimitDebitEvenWhenConsistentlyHashed() {
        LedgerFixture ledger = given(open("acc"), deposit("acc", 10));
        AccountState state = ledger.state("acc");
        LedgerEvent credit = ledger.log("acc").get(1);
        LedgerEvent overdraw = rehashed(credit, 3, new Debited(11), -1, 0, state.lastHash());

        assertThatThrownBy(() -> Ledger.evolve(state, overdraw))
                .isInstanceOf(InvariantViolation.class)
                .hasMessageContaining("below -overdraftLimit");
    }

    @Test
    void shouldRejectAnEventForAnotherAccount() {
        AccountState a = given(open("a")).state("a");
        LedgerEvent bOpened = given(open("b"), deposit("b", 1)).log("b").get(1);

        assertThatThrownBy(() -> Ledger.evolve(a, bOpened)).isInstanceOf(InvariantViolation.class);
    }

    @Test
    void shouldRequireTheFirstEventToBeAVersionOneAccountOpened() {
        List<LedgerEvent> log = given(open("acc"), deposit("acc", 1)).log("acc");
        LedgerEvent opened = log.get(0);

        assertThatThrownBy(() -> Ledger.evolve(null, log.get(1)))
                .isInstanceOf(InvariantViolation.class)
                .hasMessageContaining("first event");
        assertThatThrownBy(() -> Ledger.evolve(null, rehashed(opened, 2, opened.body(), 0, 0, opened.prevHash())))
                .isInstanceOf(InvariantViolation.class)
                .hasMessageContaining("version 1");
        byte[] notGenesis = new byte[32];
        notGenesis[5] = 1;
        assertThatThrownBy(() -> Ledger.evolve(null, rehashed(opened, 1, opened.body(), 0, 0, notGenesis)))
                .isInstanceOf(InvariantViolation.class)
                .hasMessageContaining("genesis");
        assertThatThrownBy(() -> Ledger.evolve(null, rehashed(opened, 1, opened.body(), 7, 0, Hashes.genesis())))
                .isInstanceOf(InvariantViolation.class)
                .hasMessageContaining("zero balance");
    }

    @Test
    void shouldRejectOpeningAnOpenAccountAgain() {
        LedgerFixture ledger = given(open("acc"));
        LedgerEvent opened = ledger.log("acc").get(0);
        LedgerEvent again =
                rehashed(opened, 2, opened.body(), 0, 0, ledger.state("acc").lastHash());

        assertThatThrownBy(() -> Ledger.evolve(ledger.state("acc"), again))
                .isInstanceOf(InvariantViolation.class)
                .hasMessageContaining("already open");
    }

    @Test
    void shouldRejectInconsistentHoldEvents() {
        LedgerFixture ledger = given(open("acc"), deposit("acc", 100), placeHold("acc", "h1", 40, T0 + 10));
        AccountState state = ledger.state("acc");
        LedgerEvent template = ledger.log("acc").get(2);
        byte[] last = state.lastHash();

        assertThatThrownBy(
                        () -> Ledger.evolve(state, rehashed(template, 4, new HoldReleased("nope", 40), 100, 0, last)))
                .isInstanceOf(InvariantViolation.class)
                .hasMessageContaining("not active");
        assertThatThrownBy(() -> Ledger.evolve(state, rehashed(template, 4, new HoldReleased("h1", 39), 100, 0, last)))
                .isInstanceOf(InvariantViolation.class)
                .hasMessageContaining("!= held");
        assertThatThrownBy(
                        () -> Ledger.evolve(state, rehashed(template, 4, new HoldCaptured("h1", 30, 5), 70, 0, last)))
                .isInstanceOf(InvariantViolation.class)
                .hasMessageContaining("!= held");
        assertThatThrownBy(() ->
                        Ledger.evolve(state, rehashed(template, 4, new HoldPlaced("h1", 1, T0 + 10), 100, 41, last)))
                .isInstanceOf(InvariantViolation.class)
                .hasMessageContaining("already active");
        // the template's timestamp is T0, before the hold's expiry
        assertThatThrownBy(() -> Ledger.evolve(state, rehashed(template, 4, new HoldExpired("h1", 40), 100, 0, last)))
                .isInstanceOf(InvariantViolation.class)
                .hasMessageContaining("after the event's timestamp");
    }

    @Test
    void shouldRejectNonPositiveAmountsInEvents() {
        LedgerFixture ledger = given(open("acc"), deposit("acc", 100));
        AccountState state = ledger.state("acc");
        LedgerEvent template = ledger.log("acc").get(1);

        assertThatThrownBy(() -> Ledger.evolve(state, rehashed(template, 3, new Credited(0), 100, 0, state.lastHash())))
                .isInstanceOf(InvariantViolation.class)
                .hasMessageContaining("<= 0");
        assertThatThrownBy(() -> Ledger.evolve(state, rehashed(template, 3, new Debited(-5), 105, 0, state.lastHash())))
                .isInstanceOf(InvariantViolation.class)
                .hasMessageContaining("<= 0");
    }

    @Test
    void shouldRejectAnEventThatOverflowsTheBalance() {
        LedgerFixture ledger = given(open("acc"), deposit("acc", Long.MAX_VALUE));
        AccountState state = ledger.state("acc");
        LedgerEvent template = ledger.log("acc").get(1);

        assertThatThrownBy(() -> Ledger.evolve(
                        state, rehashed(template, 3, new Credited(1), Long.MIN_VALUE, 0, state.lastHash())))
                .isInstanceOf(InvariantViolation.class)
                .hasMessageContaining("overflows");
    }

    @Test
    void shouldRejectHashesOfTheWrongLength() {
        LedgerEvent e = given(open("acc")).log("acc").get(0);

        assertThatThrownBy(() -> new LedgerEvent(
                        e.accountId(),
                        1,
                        e.requestId(),
                        e.timestampMs(),
                        e.currency(),
                        e.body(),
                        0,
                        0,
                        new byte[31],
                        e.hash()))
                .isInstanceOf(InvariantViolation.class);
    }
}
