package io.ledgerstream.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.ledgerstream.core.Credited;
import io.ledgerstream.core.Debited;
import io.ledgerstream.core.HoldCaptured;
import io.ledgerstream.core.LedgerEvent;
import io.ledgerstream.core.TransferCredited;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** The invariant checkers on ledgers built with the pure core: given these events, when audited, then this report. */
class LedgerAuditTest {

    static final String ALICE = TestLedger.accountOn("alice", 0);
    static final String BOB = TestLedger.accountOn("bob", 0);
    static final String CAROL = TestLedger.accountOn("carol", 1);
    static final String DAVE = TestLedger.accountOn("dave", 2);
    static final String GHOST = TestLedger.accountOn("ghost", 3);

    /** Every kind of event: local and cross-partition transfers (credited and refunded), holds of every ending. */
    static TestLedger cleanLedger() {
        TestLedger ledger = new TestLedger();
        ledger.open(ALICE, 0);
        ledger.open(BOB, 0);
        ledger.open(CAROL, 500);
        ledger.open(DAVE, 0);
        ledger.deposit(ALICE, 10_000);
        ledger.deposit(CAROL, 1_000);
        ledger.withdraw(ALICE, 1_000);
        ledger.transfer(ALICE, BOB, 2_000); // same partition: one step
        ledger.transfer(ALICE, CAROL, 1_500); // cross-partition, credited
        ledger.transfer(CAROL, GHOST, 300); // cross-partition, refunded (unknown destination)
        ledger.withdraw(CAROL, 2_900); // into the overdraft: 1,000 + 1,500 - 2,900 = -400 >= -500
        ledger.placeHold(ALICE, "h1", 500, ledger.now + 60_000);
        ledger.capture(ALICE, "h1", 300);
        ledger.placeHold(BOB, "h2", 200, ledger.now + 60_000);
        ledger.release(BOB, "h2");
        ledger.deposit(DAVE, 700);
        ledger.placeHold(DAVE, "h3", 100, ledger.now + 5);
        ledger.tick(10);
        ledger.expire(DAVE, "h3");
        ledger.withdraw(DAVE, 10_000); // rejected: insufficient funds, no event
        return ledger;
    }

    @Test
    void shouldPassEveryInvariantWhenLedgerIsClean() {
        // given
        TestLedger ledger = cleanLedger();

        // when
        AuditReport report = ledger.audit();

        // then
        assertThat(report.findings()).isEmpty();
        assertThat(report.status()).isEqualTo(AuditReport.Status.PASS);
        assertThat(report.exitCode()).isZero();
        assertThat(report.result(Invariant.LIVE_STATE).status()).isEqualTo(InvariantResult.Status.SKIPPED);
        assertThat(report.counts().events()).isEqualTo(ledger.events.size());
        assertThat(report.counts().eventsApplied()).isEqualTo(ledger.events.size());
        assertThat(report.counts().holdExpiries()).isEqualTo(1);
        assertThat(report.counts().accounts()).isEqualTo(4);
        assertThat(report.counts().transfers()).isEqualTo(3);
        assertThat(report.inFlight().count()).isZero();
        AuditReport.CurrencyTotals eur = report.money().get(0);
        assertThat(eur.conserved()).isTrue();
        assertThat(eur.deposits()).isEqualTo(11_700);
        assertThat(eur.withdrawals()).isEqualTo(3_900);
        assertThat(eur.capturedHolds()).isEqualTo(300);
        assertThat(eur.balances()).isEqualTo(11_700 - 3_900 - 300);
        LedgerAudit replayed = ledger.feed(new LedgerAudit(TestLedger.settings()));
        assertThat(replayed.states()).isEqualTo(ledger.states);
    }

    @Test
    void shouldNameAMisplacedEventWithoutBreakingItsAccountsChainWhateverTheShardCount() {
        for (int shards = 1; shards <= 3; shards++) {
            // given: the next event of an account, correctly chained, written to a partition that does not own it
            TestLedger ledger = cleanLedger();
            String account = ledger.events.get(0).event().accountId();
            LedgerEvent tip = ledger.lastOf(account).event();
            TestLedger.Entry forged = ledger.forgeNext(
                    account, "req-misplaced", new Credited(5), tip.balanceAfter() + 5, tip.heldAfter());
            int wrong = (forged.partition() + 1) % TestLedger.PARTITIONS;
            ledger.events.set(ledger.events.size() - 1, new TestLedger.Entry(wrong, 1_000, forged.event()));

            // when
            AuditReport report =
                    ledger.feed(new LedgerAudit(TestLedger.settings(), shards)).finish(ledger.now);

            // then: only the placement is wrong; the account's versions and chain are intact in its one shard
            assertThat(report.result(Invariant.PLACEMENT).violations())
                    .as("shards=" + shards)
                    .isEqualTo(1);
            assertThat(report.result(Invariant.VERSIONS).status()).isEqualTo(InvariantResult.Status.PASS);
            assertThat(report.result(Invariant.HASH_CHAIN).status()).isEqualTo(InvariantResult.Status.PASS);
            assertThat(report.findings())
                    .extracting(Finding::kind)
                    .contains("MISPLACED")
                    .doesNotContain("MISSING_START", "VERSION_GAP", "CHAIN_BROKEN");
        }
    }

    @Test
    void shouldGiveTheSameReportWithSeveralShards() {
        // given
        TestLedger ledger = cleanLedger();
        ledger.append(ledger.eventsOf(CAROL).get(2).event()); // one duplicate, to compare findings too
        // and a transfer's request ID reused on a third account, so that one request spans up to three shards
        String transfer = ledger.eventsOf(CAROL).get(2).event().requestId();
        LedgerEvent daveTip = ledger.lastOf(DAVE).event();
        ledger.forgeNext(DAVE, transfer, new Credited(1), daveTip.balanceAfter() + 1, daveTip.heldAfter());
        assertThat(Set.of(shardOf(ALICE), shardOf(CAROL), shardOf(DAVE)))
                .as("the request's three accounts are replayed by three shards")
                .hasSize(3);

        // when
        AuditReport single = ledger.audit();
        AuditReport parallel = auditInParallel(ledger, 3);

        // then
        assertThat(parallel.invariants()).isEqualTo(single.invariants());
        assertThat(parallel.counts()).isEqualTo(single.counts());
        assertThat(parallel.money()).isEqualTo(single.money());
        assertThat(parallel.findings()).containsExactlyInAnyOrderElementsOf(single.findings());
        assertThat(parallel.findings())
                .filteredOn(f -> f.kind().equals("APPLIED_TWICE") && transfer.equals(f.requestId()))
                .singleElement()
                .satisfies(f -> assertThat(f.message())
                        .contains("has 4 events") // debit, credit, the credit's duplicate, the reuse on dave
                        .contains("TransferDebited on " + ALICE, "TransferCredited on " + CAROL, "on " + DAVE));
    }

    @Test
    void shouldGiveTheSameReportWhenSomeShardsReadNothing() {
        // given: more shards than accounts, so that some shards index no request at all
        TestLedger ledger = cleanLedger();
        ledger.append(ledger.eventsOf(CAROL).get(2).event());

        // when: their request checks run in parallel with the others'
        AuditReport single = ledger.audit();
        AuditReport parallel = auditInParallel(ledger, 16);

        // then
        assertThat(parallel.counts()).isEqualTo(single.counts());
        assertThat(parallel.invariants()).isEqualTo(single.invariants());
        assertThat(parallel.findings()).containsExactlyInAnyOrderElementsOf(single.findings());
    }

    /** The ledger replayed by {@code shards} shards, its request checks run on as many threads. */
    private static AuditReport auditInParallel(TestLedger ledger, int shards) {
        ExecutorService pool = Executors.newFixedThreadPool(shards);
        try {
            LedgerAudit sharded = ledger.feed(new LedgerAudit(TestLedger.settings(), shards));
            AuditReport.Source source = ledger.audit().source();
            return sharded.finish(
                    new LedgerAudit.RunInfo(source, ledger.now, 0, 0, ledger.now, Long.MIN_VALUE, false), pool);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldMatchEventsAndOutcomesWhetherARequestIdIsIndexedFromTheRecordOrEncodedAgain() {
        // given: the clean ledger, then requests whose IDs are not ASCII; one of them as a decoder reads malformed
        // UTF-8 (a replacement character in the ID, which is not the UTF-8 encoding of the record's bytes)
        TestLedger ledger = cleanLedger();
        ledger.requestIdPrefix = "réq-";
        ledger.deposit(ALICE, 5);
        ledger.requestIdPrefix = "r\uFFFD-";
        String malformed = ledger.deposit(BOB, 7);
        ledger.transfer(BOB, CAROL, 3);
        ledger.tick(120_000); // older than the grace: an event without its outcome would be named
        byte[] malformedBytes = ("r?-" + malformed.substring(3)).getBytes(StandardCharsets.UTF_8);
        malformedBytes[1] = (byte) 0xFF;
        assertThat(new String(malformedBytes, StandardCharsets.UTF_8)).isEqualTo(malformed);

        // when: every event fed with what the decoder learns of it, its ID's bytes read in place within the record
        LedgerAudit audit = new LedgerAudit(TestLedger.settings());
        StringPool names = audit.shard(0).names();
        for (TestLedger.Entry e : ledger.events) {
            LedgerEvent event = e.event();
            EventDecoder.Refs refs = new EventDecoder.Refs();
            refs.account = names.id(event.accountId());
            refs.counterparty = names.id(EventKind.counterparty(event.body()));
            refs.currency = names.id(event.currency());
            byte[] id = event.requestId().equals(malformed)
                    ? malformedBytes
                    : event.requestId().getBytes(StandardCharsets.UTF_8);
            refs.requestIdData = new byte[id.length + 7];
            System.arraycopy(id, 0, refs.requestIdData, 5, id.length);
            refs.requestIdStart = 5;
            refs.requestIdLength = id.length;
            audit.shard(0).onEvent(e.partition(), e.offset(), event, refs);
        }
        ledger.outcomesInto(audit);
        AuditReport report = audit.finish(ledger.now);

        // then: the same clean report as without the decoder's help
        assertThat(report.findings()).isEmpty();
        assertThat(report.status()).isEqualTo(AuditReport.Status.PASS);
        assertThat(report.counts()).isEqualTo(ledger.audit().counts());
    }

    @Test
    void shouldNameDuplicatedEventAndSkipIt() {
        // given
        TestLedger ledger = cleanLedger();
        TestLedger.Entry original = ledger.eventsOf(ALICE).get(1); // the deposit
        TestLedger.Entry copy = ledger.append(original.event());

        // when
        AuditReport report = ledger.audit();

        // then
        assertThat(report.status()).isEqualTo(AuditReport.Status.FAIL);
        assertThat(report.exitCode()).isEqualTo(1);
        Finding duplicate = only(report, Invariant.VERSIONS);
        assertThat(duplicate.kind()).isEqualTo("DUPLICATE_EVENT");
        assertThat(duplicate.topic()).isEqualTo(TestLedger.EVENTS);
        assertThat(duplicate.partition()).isEqualTo(copy.partition());
        assertThat(duplicate.offset()).isEqualTo(copy.offset());
        assertThat(duplicate.message()).contains(original.partition() + "@" + original.offset());
        assertThat(only(report, Invariant.REQUEST_ONCE).kind()).isEqualTo("APPLIED_TWICE");
        assertThat(report.result(Invariant.CONSERVATION).status()).isEqualTo(InvariantResult.Status.PASS);
        assertThat(report.counts().eventsSkipped()).isEqualTo(1);
    }

    @Test
    void shouldNameEventsThatForkAnAccountAtAVersionItPassedWhateverTheShardCount() {
        // given: two self-consistent events at alice's version 2, chained on her version 1, after her later events:
        // one of another request, one of the deposit's own request but another kind; then a true copy of version 2
        TestLedger ledger = cleanLedger();
        LedgerEvent opened = ledger.eventsOf(ALICE).get(0).event();
        TestLedger.Entry deposit = ledger.eventsOf(ALICE).get(1);
        long tipVersion = ledger.lastOf(ALICE).event().version();
        TestLedger.Entry otherRequest = ledger.append(TestLedger.chainedAfter(
                opened, "forked", opened.timestampMs(), opened.currency(), new Credited(5), 5, 0));
        TestLedger.Entry otherKind = ledger.append(TestLedger.chainedAfter(
                opened, deposit.event().requestId(), opened.timestampMs(), opened.currency(), new Debited(5), -5, 0));
        TestLedger.Entry copy = ledger.append(deposit.event());
        ledger.tick(120_000);

        // when
        AuditReport single = ledger.audit();
        AuditReport parallel = auditInParallel(ledger, 3);

        // then
        for (AuditReport report : List.of(single, parallel)) {
            assertThat(report.result(Invariant.HASH_CHAIN).findings())
                    .extracting(Finding::kind, Finding::offset)
                    .containsExactly(
                            tuple("CONFLICTING_EVENT", otherRequest.offset()),
                            tuple("CONFLICTING_EVENT", otherKind.offset()));
            assertThat(report.result(Invariant.HASH_CHAIN).findings()).allSatisfy(f -> assertThat(f.message())
                    .contains("a second, different event claims version 2 (the account is at version " + tipVersion
                            + ")"));
            assertThat(report.result(Invariant.HASH_CHAIN).findings())
                    .extracting(Finding::requestId)
                    .containsExactly("forked", deposit.event().requestId());
            Finding duplicate = only(report, Invariant.VERSIONS);
            assertThat(duplicate.kind()).isEqualTo("DUPLICATE_EVENT");
            assertThat(duplicate.offset()).isEqualTo(copy.offset());
            assertThat(duplicate.message())
                    .isEqualTo(ALICE + " v2 Credited: a copy of version 2 of the same request, already applied at "
                            + deposit.partition() + "@" + deposit.offset() + "; skipped");
            assertThat(report.counts().eventsSkipped()).isEqualTo(3);
        }
        assertThat(parallel.findings()).containsExactlyInAnyOrderElementsOf(single.findings());
    }

    @Test
    void shouldNameAlteredEventAndKeepAuditingTheAccount() {
        // given: alice's withdrawal altered (amount changed, hash kept); later, a duplicate on the same account
        TestLedger ledger = cleanLedger();
        TestLedger.Entry withdrawal = ledger.eventsOf(ALICE).get(2);
        LedgerEvent w = withdrawal.event();
        ledger.events.set(
                ledger.events.indexOf(withdrawal),
                new TestLedger.Entry(
                        withdrawal.partition(),
                        withdrawal.offset(),
                        new LedgerEvent(
                                w.accountId(),
                                w.version(),
                                w.requestId(),
                                w.timestampMs(),
                                w.currency(),
                                new Debited(10),
                                w.balanceAfter(),
                                w.heldAfter(),
                                w.prevHash(),
                                w.hash())));
        TestLedger.Entry copy = ledger.append(ledger.lastOf(ALICE).event());

        // when
        AuditReport report = ledger.audit();

        // then
        Finding altered = only(report, Invariant.HASH_CHAIN);
        assertThat(altered.kind()).isEqualTo("HASH_MISMATCH");
        assertThat(altered.offset()).isEqualTo(withdrawal.offset());
        assertThat(altered.accountId()).isEqualTo(ALICE);
        assertThat(only(report, Invariant.VERSIONS).offset()).isEqualTo(copy.offset());
        assertThat(kinds(report, Invariant.CONSERVATION)).containsExactly("UNBALANCED_EVENT", "NOT_CONSERVED");
        assertThat(report.result(Invariant.TRANSITIONS).status()).isEqualTo(InvariantResult.Status.PASS);
    }

    @Test
    void shouldNameInsertedEventWhosePrevHashDoesNotChain() {
        // given: a well-formed, self-consistent event whose prevHash is not alice's last hash
        TestLedger ledger = cleanLedger();
        LedgerEvent tip = ledger.lastOf(ALICE).event();
        long balance = tip.balanceAfter() + 1_000;
        byte[] wrongPrev = new byte[32];
        byte[] hash = LedgerEvent.computeHash(
                ALICE, tip.version() + 1, "forged", ledger.now, "EUR", new Credited(1_000), balance, 0, wrongPrev);
        TestLedger.Entry forged = ledger.append(new LedgerEvent(
                ALICE,
                tip.version() + 1,
                "forged",
                ledger.now,
                "EUR",
                new Credited(1_000),
                balance,
                0,
                wrongPrev,
                hash));
        ledger.tick(120_000); // older than the grace: its outcome is missing, not pending

        // when
        AuditReport report = ledger.audit();

        // then
        Finding broken = only(report, Invariant.HASH_CHAIN);
        assertThat(broken.kind()).isEqualTo("CHAIN_BROKEN");
        assertThat(broken.offset()).isEqualTo(forged.offset());
        assertThat(only(report, Invariant.OUTCOMES).kind()).isEqualTo("MISSING_OUTCOME");
    }

    @Test
    void shouldNameRemovedEventAsVersionGap() {
        // given: carol's deposit removed
        TestLedger ledger = cleanLedger();
        TestLedger.Entry deposit = ledger.eventsOf(CAROL).get(1);
        ledger.events.remove(deposit);
        TestLedger.Entry next = ledger.eventsOf(CAROL).get(1);

        ledger.tick(120_000); // the outcome without events is older than the grace

        // when
        AuditReport report = ledger.audit();

        // then
        Finding gap = only(report, Invariant.VERSIONS);
        assertThat(gap.kind()).isEqualTo("VERSION_GAP");
        assertThat(gap.accountId()).isEqualTo(CAROL);
        assertThat(gap.offset()).isEqualTo(next.offset());
        assertThat(gap.message()).contains("version 2 is missing");
        assertThat(report.result(Invariant.HASH_CHAIN).violations()).isZero();
        assertThat(kinds(report, Invariant.CONSERVATION)).containsExactly("UNBALANCED_EVENT", "NOT_CONSERVED");
        assertThat(report.result(Invariant.OUTCOMES).findings())
                .extracting(Finding::kind)
                .containsExactly("MISSING_EVENTS");
    }

    @Test
    void shouldNameAccountWhoseOpeningWasRemoved() {
        // given
        TestLedger ledger = cleanLedger();
        ledger.events.remove(ledger.eventsOf(DAVE).get(0));

        // when
        AuditReport report = ledger.audit();

        // then
        Finding missing = only(report, Invariant.VERSIONS);
        assertThat(missing.kind()).isEqualTo("MISSING_START");
        assertThat(missing.accountId()).isEqualTo(DAVE);
    }

    @Test
    void shouldNameBalanceBelowItsMinimum() {
        // given: a correctly hash-chained stream where a withdrawal takes the balance below zero (no overdraft)
        TestLedger ledger = new TestLedger();
        ledger.open("erin", 0);
        ledger.deposit("erin", 100);
        TestLedger.Entry overdrawn = ledger.forgeNext("erin", "forged-debit", new Debited(500), -400, 0);
        ledger.outcome(new OutcomeView("forged-debit", "erin", "Withdraw", true, null, false, ledger.now));

        // when
        AuditReport report = ledger.audit();

        // then
        Finding below = only(report, Invariant.MIN_BALANCE);
        assertThat(below.kind()).isEqualTo("BELOW_MINIMUM");
        assertThat(below.partition()).isEqualTo(overdrawn.partition());
        assertThat(below.offset()).isEqualTo(overdrawn.offset());
        assertThat(below.message()).contains("-400").contains("minimum 0");
        assertThat(report.result(Invariant.TRANSITIONS).violations()).isZero();
        assertThat(report.result(Invariant.HASH_CHAIN).violations()).isZero();
        assertThat(report.result(Invariant.CONSERVATION).violations()).isZero();
    }

    @Test
    void shouldNameHoldCapturedForMoreThanPlaced() {
        // given
        TestLedger ledger = new TestLedger();
        ledger.open("fay", 0);
        ledger.deposit("fay", 1_000);
        ledger.placeHold("fay", "h", 100, ledger.now + 60_000);
        TestLedger.Entry capture = ledger.forgeNext("fay", "forged-capture", new HoldCaptured("h", 400, 0), 600, 0);
        ledger.outcome(new OutcomeView("forged-capture", "fay", "CaptureHold", true, null, false, ledger.now));

        // when
        AuditReport report = ledger.audit();

        // then
        Finding hold = only(report, Invariant.HOLDS);
        assertThat(hold.kind()).isEqualTo("HOLD_MISMATCH");
        assertThat(hold.offset()).isEqualTo(capture.offset());
        assertThat(hold.message()).contains("400").contains("100 was placed");
    }

    @Test
    void shouldListRecentTransferInFlightAndNameAnOldOneStuck() {
        // given
        TestLedger ledger = cleanLedger();
        String old = ledger.transferDebitOnly(ALICE, CAROL, 100);
        ledger.tick(120_000);
        String recent = ledger.transferDebitOnly(ALICE, DAVE, 50);

        // when
        AuditReport report = ledger.audit();

        // then
        assertThat(report.inFlight().count()).isEqualTo(2);
        assertThat(report.inFlight().listed())
                .extracting(AuditReport.InFlightTransfer::requestId, AuditReport.InFlightTransfer::stuck)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(old, true),
                        org.assertj.core.groups.Tuple.tuple(recent, false));
        Finding stuck = only(report, Invariant.TRANSFERS);
        assertThat(stuck.kind()).isEqualTo("STUCK_TRANSFER");
        assertThat(stuck.requestId()).isEqualTo(old);
        assertThat(only(report, Invariant.OUTCOMES).requestId()).isEqualTo(old);
        assertThat(report.money().get(0).inFlight()).isEqualTo(150);
        assertThat(report.money().get(0).conserved()).isTrue();
    }

    @Test
    void shouldNameCreditWithoutDebitAndTheMoneyItCreated() {
        // given
        TestLedger ledger = cleanLedger();
        LedgerEvent tip = ledger.lastOf(BOB).event();
        ledger.forgeNext(BOB, "phantom", new TransferCredited(CAROL, 5_000), tip.balanceAfter() + 5_000, 0);
        ledger.outcome(new OutcomeView("phantom", CAROL, "Transfer", true, null, false, ledger.now));

        // when
        AuditReport report = ledger.audit();

        // then
        assertThat(only(report, Invariant.TRANSFERS).kind()).isEqualTo("CREDIT_WITHOUT_DEBIT");
        Finding notConserved = only(report, Invariant.CONSERVATION);
        assertThat(notConserved.kind()).isEqualTo("NOT_CONSERVED");
        assertThat(notConserved.message()).contains("difference 5000");
        assertThat(only(report, Invariant.OUTCOMES).kind()).isEqualTo("OUTCOME_MISMATCH");
    }

    @Test
    void shouldNameRejectedOutcomeWithEventsAndDuplicateOutcome() {
        // given
        TestLedger ledger = cleanLedger();
        TestLedger.OutcomeEntry accepted = ledger.outcomes.get(4); // alice's deposit
        OutcomeView o = accepted.outcome();
        ledger.outcome(new OutcomeView(
                o.requestId(), o.accountId(), o.commandType(), false, "INSUFFICIENT_FUNDS", false, o.processedAtMs()));
        ledger.outcome(new OutcomeView(o.requestId(), o.accountId(), o.commandType(), true, null, true, 0)); // replay

        // when
        AuditReport report = ledger.audit();

        // then
        assertThat(only(report, Invariant.OUTCOMES).kind()).isEqualTo("DUPLICATE_OUTCOME");
        assertThat(report.counts().replayOutcomes()).isEqualTo(1);
    }

    @Test
    void shouldGiveBalancesOfTheSequentialModelAsOf() {
        // given
        TestLedger ledger = new TestLedger();
        ledger.open(ALICE, 0);
        ledger.open(CAROL, 0);
        ledger.deposit(ALICE, 1_000);
        ledger.transfer(ALICE, CAROL, 300);
        long asOf = ledger.now;
        ledger.tick(1_000);
        ledger.withdraw(ALICE, 200);
        ledger.open(DAVE, 0);

        // when
        AuditReport report = ledger.feed(new LedgerAudit(TestLedger.settings().withAsOfMs(asOf)))
                .finish(ledger.now);

        // then
        assertThat(report.asOf().accounts())
                .extracting(AuditReport.AccountBalance::accountId, AuditReport.AccountBalance::balance)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(ALICE, 700L),
                        org.assertj.core.groups.Tuple.tuple(CAROL, 300L));
        assertThat(report.toText()).contains("balances as of");
    }

    @Test
    void shouldAnchorAccountsWhenTheRangeStartsMidLog() {
        // given: the range starts after each partition's first records (holds placed before it end inside it)
        TestLedger ledger = cleanLedger();
        List<TestLedger.Entry> inRange =
                ledger.events.stream().filter(e -> e.offset() >= 3).toList();
        LedgerAudit audit = new LedgerAudit(TestLedger.settings().withRange(Set.of(0, 1, 2, 3), false));

        // when
        inRange.forEach(e -> audit.onEvent(e.partition(), e.offset(), e.event()));
        ledger.outcomes.forEach(o -> audit.onOutcome(o.partition(), o.offset(), o.outcome()));
        AuditReport report = audit.finish(ledger.now);

        // then
        assertThat(report.findings()).isEmpty();
        assertThat(report.counts().accountsAnchored()).isPositive();
        assertThat(report.money().get(0).conserved()).isTrue();
        assertThat(report.result(Invariant.MIN_BALANCE).note()).contains("overdraft limit is unknown");
        assertThat(audit.states().get(ALICE).balance())
                .isEqualTo(ledger.states.get(ALICE).balance());
    }

    @Test
    void shouldListDifferencesWithTheLiveState() {
        // given
        TestLedger ledger = cleanLedger();
        LedgerAudit audit = ledger.feed(new LedgerAudit(TestLedger.settings()));
        Map<String, LedgerAudit.LiveAccount> live = new java.util.HashMap<>();
        ledger.states.forEach((id, s) -> live.put(
                id,
                new LedgerAudit.LiveAccount(id, s.currency(), s.balance(), s.held(), s.version(), s.lastHash(), 0, 7)));
        io.ledgerstream.core.AccountState bob = ledger.states.get(BOB);
        live.put(
                BOB,
                new LedgerAudit.LiveAccount(BOB, "EUR", bob.balance() + 1, 0, bob.version(), bob.lastHash(), 0, 9));
        live.remove(DAVE);

        // when
        audit.compareLive("engine-accounts-changelog", live);
        AuditReport report = audit.finish(ledger.now);

        // then
        assertThat(report.result(Invariant.LIVE_STATE).violations()).isEqualTo(2);
        assertThat(report.live().accountsCompared()).isEqualTo(4);
        assertThat(report.live().differences())
                .extracting(AuditReport.LiveDifference::accountId, AuditReport.LiveDifference::field)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(BOB, "balance"),
                        org.assertj.core.groups.Tuple.tuple(DAVE, "account"));
    }

    @Test
    void shouldKeepCountsExactWhenFindingsAreBounded() {
        // given: 30 duplicates
        TestLedger ledger = cleanLedger();
        for (int i = 0; i < 30; i++) {
            ledger.append(ledger.eventsOf(ALICE).get(0).event());
        }

        // when
        AuditReport report = ledger.feed(new LedgerAudit(TestLedger.settings().withMaxFindings(5)))
                .finish(ledger.now);

        // then
        assertThat(report.result(Invariant.VERSIONS).violations()).isEqualTo(30);
        assertThat(report.result(Invariant.VERSIONS).findings()).hasSize(5);
        assertThat(report.toText()).contains("25 more");
    }

    @Test
    void shouldAuditOnlyTheFilteredAccounts() {
        // given
        TestLedger ledger = cleanLedger();
        ledger.append(ledger.eventsOf(DAVE).get(1).event()); // a duplicate outside the filter

        // when
        AuditReport report = ledger.feed(new LedgerAudit(TestLedger.settings().withAccounts(Set.of(ALICE, BOB))))
                .finish(ledger.now);

        // then
        assertThat(report.findings()).isEmpty();
        assertThat(report.counts().accounts()).isEqualTo(2);
        assertThat(report.money().get(0).conserved()).isNull();
        assertThat(report.result(Invariant.CONSERVATION).note()).contains("account filter");
    }

    private static List<String> kinds(AuditReport report, Invariant invariant) {
        return report.result(invariant).findings().stream().map(Finding::kind).toList();
    }

    private static Finding only(AuditReport report, Invariant invariant) {
        InvariantResult result = report.result(invariant);
        assertThat(result.status()).as(invariant + " fails").isEqualTo(InvariantResult.Status.FAIL);
        assertThat(result.findings()).as(invariant + " findings").hasSize(1);
        return result.findings().get(0);
    }

    private static int shardOf(String account) {
        return LedgerAudit.shardOf(
                account.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                3,
                TestLedger.settings().partitionCount());
    }
}
