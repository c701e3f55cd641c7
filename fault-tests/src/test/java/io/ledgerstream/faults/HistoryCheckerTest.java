package io.ledgerstream.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerstream.core.Credited;
import io.ledgerstream.core.LedgerEvent;
import io.ledgerstream.faults.CommittedLog.CommittedEvent;
import io.ledgerstream.faults.History.Observation;
import io.ledgerstream.faults.ObservedOutcome.Snapshot;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The checker must accept a correct history and catch each property broken on its own. Each test starts from the same
 * correct history (local and cross-partition transfers, a refused withdrawal, a refunded transfer, a resend and a
 * reused request ID) produced by the pure core, then breaks one thing.
 */
class HistoryCheckerTest {

    private SyntheticEngine engine;
    private Op depositA;
    private Op withdrawA;
    private Op refusedWithdrawB;
    private Op localTransfer;
    private Op refundedTransfer;
    private Op locallyRefusedTransfer;
    private Op lastDepositB;
    private Op lastCrossTransfer;

    @BeforeEach
    void correctHistory() {
        engine = new SyntheticEngine(Set.of("x", "ghost"));
        engine.open("a");
        engine.open("b");
        engine.open("x");
        depositA = engine.deposit("a", 1_000);
        engine.deposit("b", 500);
        engine.deposit("x", 200);
        withdrawA = engine.withdraw("a", 100);
        refusedWithdrawB = engine.withdraw("b", 10_000);
        localTransfer = engine.transfer("a", "b", 50);
        engine.transfer("a", "x", 70);
        refundedTransfer = engine.transfer("b", "ghost", 30);
        locallyRefusedTransfer = engine.transfer("b", "nobody", 40);
        engine.resend(depositA);
        engine.clash(withdrawA);
        lastDepositB = engine.deposit("b", 5);
        lastCrossTransfer = engine.transfer("a", "x", 20);
    }

    @Test
    void shouldAcceptACorrectHistory() {
        CheckReport report = check();

        assertThat(report.ok()).as(report.describe()).isTrue();
        assertThat(report.count("requests")).isEqualTo(14);
        assertThat(report.count("resends")).isEqualTo(1);
        assertThat(report.count("clashes")).isEqualTo(1);
        assertThat(report.count("lost")).isZero();
        assertThat(report.count("duplicatedOutcomes")).isZero();
        assertThat(report.count("halfApplied")).isZero();
        assertThat(report.count("destinationRejected")).isEqualTo(2);
        assertThat(report.count("rejected")).isEqualTo(3);
        assertThat(report.count("transfers")).isEqualTo(4);
        assertThat(report.count("inFlight")).isZero();
        assertThat(report.count("totalBalance")).isEqualTo(1_000 + 500 + 200 - 100 + 5);
        assertThat(report.count("accounts")).isEqualTo(3);
    }

    @Test
    void shouldCatchALostCommandAndPrintOnlyItsHistory() {
        String id = refusedWithdrawB.requestId();
        engine.outcomes.removeIf(o -> o.requestId().equals(id));

        CheckReport report = check();

        assertThat(report.violationCounts()).containsOnlyKeys(Property.LOST);
        assertThat(report.count("lost")).isEqualTo(1);
        String smallest = report.slices().get(0);
        assertThat(smallest).contains(id).doesNotContain(depositA.requestId(), localTransfer.requestId());
        assertThat(report.describe()).contains("[LOST] request " + id);
    }

    @Test
    void shouldCatchADoubledOutcome() {
        ObservedOutcome original = engine.decidingOutcome(localTransfer.requestId());
        engine.outcomes.add(SyntheticEngine.copy(original, true, null, false, 0, 999));

        assertViolates(check(), Property.DUPLICATED_OUTCOME, localTransfer.requestId());
    }

    @Test
    void shouldCatchAnOutcomeForARequestNobodySent() {
        ObservedOutcome original = engine.decidingOutcome(depositA.requestId());
        engine.outcomes.add(new ObservedOutcome(
                "never-sent", "a", "Deposit", true, null, null, 9, List.of(), false, original.processedAtMs(), 0, 999));

        assertViolates(check(), Property.PHANTOM, "never-sent");
    }

    @Test
    void shouldCatchAReplayThatDiffersFromTheOriginal() {
        ObservedOutcome original = engine.decidingOutcome(depositA.requestId());
        engine.outcomes.add(SyntheticEngine.copy(original, false, "INSUFFICIENT_FUNDS", true, 0, 999));

        assertViolates(check(), Property.OUTCOME_MISMATCH, depositA.requestId());
    }

    @Test
    void shouldCatchARequestRefusedAsReusedThatWasNeverReused() {
        ObservedOutcome original = engine.decidingOutcome(lastDepositB.requestId());
        engine.outcomes.add(SyntheticEngine.copy(original, false, ObservedOutcome.REQUEST_ID_REUSED, false, 0, 999));

        assertViolates(check(), Property.OUTCOME_MISMATCH, lastDepositB.requestId());
    }

    @Test
    void shouldCatchAClientThatSawAnotherDecision() {
        ObservedOutcome original = engine.decidingOutcome(withdrawA.requestId());
        engine.history.add(new Observation(
                SyntheticEngine.copy(original, false, "INSUFFICIENT_FUNDS", false, -1, -1), 1L, "client-2"));

        CheckReport report = check();

        assertViolates(report, Property.CLIENT_DISAGREES, withdrawA.requestId());
        assertThat(report.violationCounts()).containsOnlyKeys(Property.CLIENT_DISAGREES);
    }

    @Test
    void shouldCatchAnAcceptedCommandWhoseEventIsMissing() {
        engine.events.removeIf(e -> e.event().requestId().equals(lastDepositB.requestId()));

        assertViolates(check(), Property.MISSING_EVENTS, lastDepositB.requestId());
    }

    @Test
    void shouldCatchAnEventWrittenTwice() {
        CommittedEvent event = engine.eventsOf(lastDepositB.requestId()).get(0);
        engine.events.add(new CommittedEvent(event.event(), event.partition(), 999));

        CheckReport report = check();

        assertViolates(report, Property.DUPLICATED_EVENTS, lastDepositB.requestId());
        assertThat(report.count("duplicatedEvents")).isEqualTo(1);
    }

    @Test
    void shouldCatchEventsOfARejectedCommand() {
        ObservedOutcome accepted = engine.decidingOutcome(lastDepositB.requestId());
        engine.outcomes.set(
                engine.outcomes.indexOf(accepted),
                SyntheticEngine.copy(accepted, false, "INSUFFICIENT_FUNDS", false, 0, accepted.offset()));

        CheckReport report = check();

        assertViolates(report, Property.UNEXPECTED_EVENTS, lastDepositB.requestId());
        assertThat(report.violates(Property.BALANCE_MISMATCH)).isTrue();
    }

    @Test
    void shouldCatchABrokenHashChain() {
        CommittedEvent event = engine.eventsOf(withdrawA.requestId()).get(0);
        LedgerEvent e = event.event();
        byte[] forged = e.hash().clone();
        forged[0] ^= 1;
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
                forged);
        engine.events.set(
                engine.events.indexOf(event), new CommittedEvent(tampered, event.partition(), event.offset()));

        CheckReport report = check();

        assertViolates(report, Property.CHAIN_BROKEN, withdrawA.requestId());
        assertThat(report.violations().get(0).accountIds()).containsExactly("a");
    }

    @Test
    void shouldCatchAnOutcomeSnapshotThatDiffersFromItsEvent() {
        ObservedOutcome o = engine.decidingOutcome(localTransfer.requestId());
        List<Snapshot> wrong = o.accounts().stream()
                .map(s -> new Snapshot(s.accountId(), s.version(), s.balance() + 1))
                .toList();
        engine.outcomes.set(
                engine.outcomes.indexOf(o),
                new ObservedOutcome(
                        o.requestId(),
                        o.accountId(),
                        o.commandType(),
                        o.accepted(),
                        o.reason(),
                        o.detail(),
                        o.currentVersion(),
                        wrong,
                        o.replay(),
                        o.processedAtMs(),
                        o.partition(),
                        o.offset()));

        assertViolates(check(), Property.SNAPSHOT_MISMATCH, localTransfer.requestId());
    }

    @Test
    void shouldCatchABalanceThatDiffersFromTheModelAndMoneyCreated() {
        // the engine applied a deposit where the client asked for a withdrawal, with a valid chain
        SyntheticEngine other = new SyntheticEngine(Set.of());
        other.open("a");
        Op deposit = other.deposit("a", 100);
        Op asked = new Op(deposit.requestId(), Op.Kind.WITHDRAW, "a", null, 100, SyntheticEngine.EUR);
        History history = new History();
        other.history
                .submissions()
                .forEach(s -> history.add(
                        s.op().requestId().equals(deposit.requestId())
                                ? new History.Submission(asked, 1, "c", false)
                                : s));
        CommittedLog log = new CommittedLog(
                other.outcomes.stream()
                        .map(o -> o.requestId().equals(deposit.requestId())
                                ? new ObservedOutcome(
                                        o.requestId(),
                                        "a",
                                        "Withdraw",
                                        true,
                                        null,
                                        null,
                                        o.currentVersion(),
                                        o.accounts(),
                                        false,
                                        o.processedAtMs(),
                                        o.partition(),
                                        o.offset())
                                : o)
                        .toList(),
                other.events);

        CheckReport report = HistoryChecker.check(history, log);

        assertViolates(report, Property.BALANCE_MISMATCH, deposit.requestId());
        assertThat(report.violates(Property.MONEY_NOT_CONSERVED)).isTrue();
        assertThat(report.describe()).contains("replayed balance 100 but the model of accepted outcomes gives -100");
    }

    @Test
    void shouldCatchATransferDebitedButNeverCredited() {
        engine.events.removeIf(e -> e.event().requestId().equals(lastCrossTransfer.requestId())
                && e.event().accountId().equals("x"));

        CheckReport report = check();

        assertViolates(report, Property.HALF_APPLIED_TRANSFER, lastCrossTransfer.requestId());
        assertThat(report.count("halfApplied")).isEqualTo(1);
        assertThat(report.count("inFlight")).isEqualTo(20);
        assertThat(report.violates(Property.MONEY_NOT_CONSERVED))
                .as("the money is in flight, not lost")
                .isFalse();
    }

    @Test
    void shouldCatchATransferBothCreditedAndRefunded() {
        CommittedEvent credit = engine.eventsOf(lastCrossTransfer.requestId()).stream()
                .filter(e -> e.event().accountId().equals("x"))
                .findFirst()
                .orElseThrow();
        CommittedEvent refund = engine.eventsOf(refundedTransfer.requestId()).get(1);
        LedgerEvent r = refund.event();
        // a refund event with the cross transfer's request ID, appended to the refunded transfer's account chain
        engine.events.add(new CommittedEvent(
                new LedgerEvent(
                        r.accountId(),
                        r.version(),
                        lastCrossTransfer.requestId(),
                        r.timestampMs(),
                        r.currency(),
                        r.body(),
                        r.balanceAfter(),
                        r.heldAfter(),
                        r.prevHash(),
                        r.hash()),
                credit.partition(),
                999));

        CheckReport report = check();

        assertViolates(report, Property.HALF_APPLIED_TRANSFER, lastCrossTransfer.requestId());
    }

    @Test
    void shouldFailLoudlyWithTheSmallestHistory() {
        engine.events.removeIf(e -> e.event().requestId().equals(refusedWithdrawB.requestId()));
        engine.events.add(new CommittedEvent(
                new LedgerEvent(
                        "b",
                        99,
                        refusedWithdrawB.requestId(),
                        1,
                        "EUR",
                        new Credited(1),
                        0,
                        0,
                        new byte[32],
                        new byte[32]),
                0,
                1_000));

        CheckReport report = check();

        assertThatThrownBy(report::assertOk)
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("smallest failing histories")
                .hasMessageContaining(refusedWithdrawB.requestId());
    }

    @Test
    void shouldRequireAtomicRefusalOnOnePartitionAndASagaAcrossPartitions() {
        assertThat(engine.eventsOf(locallyRefusedTransfer.requestId())).isEmpty();
        assertThat(engine.eventsOf(refundedTransfer.requestId())).hasSize(2);
        assertThat(HistoryChecker.check(engine.history, engine.log()).ok())
                .as("without the partitioning, both forms are accepted")
                .isTrue();

        // the same refusal with a debit and refund on one partition: not atomic
        CheckReport report = HistoryChecker.check(engine.history, engine.log(), a -> 0);

        assertViolates(report, Property.UNEXPECTED_EVENTS, refundedTransfer.requestId());
    }

    private CheckReport check() {
        return HistoryChecker.check(engine.history, engine.log(), engine::partitionOf);
    }

    private static void assertViolates(CheckReport report, Property property, String requestId) {
        assertThat(report.violations()).as(report.describe()).anySatisfy(v -> {
            assertThat(v.property()).isEqualTo(property);
            assertThat(v.requestIds()).contains(requestId);
        });
    }
}
