package io.ledgerstream.faults;

import io.ledgerstream.core.AccountState;
import io.ledgerstream.core.Decision;
import io.ledgerstream.core.Deposit;
import io.ledgerstream.core.Ledger;
import io.ledgerstream.core.LedgerEvent;
import io.ledgerstream.core.OpenAccount;
import io.ledgerstream.core.Request;
import io.ledgerstream.core.Transfer;
import io.ledgerstream.core.Withdraw;
import io.ledgerstream.faults.CommittedLog.CommittedEvent;
import io.ledgerstream.faults.History.Observation;
import io.ledgerstream.faults.History.Submission;
import io.ledgerstream.faults.ObservedOutcome.Snapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A sequential, in-memory stand-in for the engine built on the pure core, producing correct histories and committed
 * logs that tests then break one property at a time. Accounts in {@code remote} live "on another partition":
 * transfers to them run the debit / credit-or-refund saga, as the engine does across partitions.
 */
final class SyntheticEngine {

    static final String EUR = "EUR";
    static final String CLIENT = "client-1";

    final History history = new History();
    final List<ObservedOutcome> outcomes = new ArrayList<>();
    final List<CommittedEvent> events = new ArrayList<>();

    private final Set<String> remote;
    private final Map<String, AccountState> states = new HashMap<>();
    private final Map<String, ObservedOutcome> decided = new HashMap<>();
    private final long[] nextOffset = new long[2];
    private long outcomeOffset;
    private long clock = 1_700_000_000_000L;
    private int ids;

    SyntheticEngine(Set<String> remote) {
        this.remote = remote;
    }

    Op open(String account) {
        return run(new Op(nextId(), Op.Kind.OPEN_ACCOUNT, account, null, 0, EUR));
    }

    Op deposit(String account, long amount) {
        return run(new Op(nextId(), Op.Kind.DEPOSIT, account, null, amount, EUR));
    }

    Op withdraw(String account, long amount) {
        return run(new Op(nextId(), Op.Kind.WITHDRAW, account, null, amount, EUR));
    }

    Op transfer(String from, String to, long amount) {
        return run(new Op(nextId(), Op.Kind.TRANSFER, from, to, amount, EUR));
    }

    /** Resends a decided op: the engine replays its outcome. */
    void resend(Op op) {
        clock++;
        history.add(new Submission(op, clock, CLIENT, false));
        ObservedOutcome original = decided.get(op.requestId());
        ObservedOutcome replay = copy(original, original.accepted(), original.reason(), true, 0, outcomeOffset++);
        outcomes.add(replay);
        history.add(new Observation(replay, clock, CLIENT));
    }

    /** Sends another payload under a used request ID: the engine refuses it and applies nothing. */
    void clash(Op op) {
        clock++;
        Op other = new Op(op.requestId(), Op.Kind.DEPOSIT, op.accountId(), null, 999_999, EUR);
        history.add(new Submission(other, clock, CLIENT, true));
        ObservedOutcome refusal = new ObservedOutcome(
                op.requestId(),
                op.accountId(),
                "Deposit",
                false,
                ObservedOutcome.REQUEST_ID_REUSED,
                "request ID already used for a different command",
                versionOf(op.accountId()),
                List.of(snapshot(op.accountId())),
                false,
                clock,
                0,
                outcomeOffset++);
        outcomes.add(refusal);
        history.add(new Observation(refusal, clock, CLIENT));
    }

    Op run(Op op) {
        clock++;
        history.add(new Submission(op, clock, CLIENT, false));
        ObservedOutcome outcome = decide(op);
        decided.put(op.requestId(), outcome);
        outcomes.add(outcome);
        history.add(new Observation(outcome, clock, CLIENT));
        return op;
    }

    int partitionOf(String account) {
        return remote.contains(account) ? 1 : 0;
    }

    CommittedLog log() {
        return new CommittedLog(outcomes, events);
    }

    ObservedOutcome decidingOutcome(String requestId) {
        return outcomes.stream()
                .filter(o -> o.requestId().equals(requestId) && o.decides())
                .findFirst()
                .orElseThrow();
    }

    List<CommittedEvent> eventsOf(String requestId) {
        return events.stream()
                .filter(e -> e.event().requestId().equals(requestId))
                .toList();
    }

    static ObservedOutcome copy(
            ObservedOutcome o, boolean accepted, String reason, boolean replay, int partition, long offset) {
        return new ObservedOutcome(
                o.requestId(),
                o.accountId(),
                o.commandType(),
                accepted,
                reason,
                o.detail(),
                o.currentVersion(),
                o.accounts(),
                replay,
                o.processedAtMs(),
                partition,
                offset);
    }

    private ObservedOutcome decide(Op op) {
        Request request = Request.of(op.requestId(), coreCommand(op));
        AccountState source = states.get(op.accountId());
        if (op.kind() == Op.Kind.TRANSFER && remote.contains(op.toAccountId())) {
            return saga(op, request, source);
        }
        Decision decision = op.kind() == Op.Kind.TRANSFER
                ? Ledger.decideLocalTransfer(request, source, states.get(op.toAccountId()), clock)
                : Ledger.decide(request, source, clock);
        if (decision instanceof Decision.Rejected rejected) {
            return outcome(op, false, rejected.reason().name(), rejected.currentVersion(), List.of(op.accountId()));
        }
        List<String> touched = new ArrayList<>();
        for (LedgerEvent e : ((Decision.Accepted) decision).events()) {
            apply(e);
            touched.add(e.accountId());
        }
        return outcome(op, true, null, versionOf(op.accountId()), touched);
    }

    private ObservedOutcome saga(Op op, Request request, AccountState source) {
        Decision debit = Ledger.decide(request, source, clock);
        if (debit instanceof Decision.Rejected rejected) {
            return outcome(op, false, rejected.reason().name(), rejected.currentVersion(), List.of(op.accountId()));
        }
        apply(((Decision.Accepted) debit).events().get(0));
        long debitedVersion = versionOf(op.accountId());
        long debitedBalance = states.get(op.accountId()).balance();
        Decision credit = Ledger.decideCredit(
                op.requestId(), op.accountId(), op.amount(), op.currency(), states.get(op.toAccountId()), clock);
        if (credit instanceof Decision.Accepted accepted) {
            accepted.events().forEach(this::apply);
            return new ObservedOutcome(
                    op.requestId(),
                    op.accountId(),
                    op.kind().wireName(),
                    true,
                    null,
                    null,
                    debitedVersion,
                    List.of(new Snapshot(op.accountId(), debitedVersion, debitedBalance), snapshot(op.toAccountId())),
                    false,
                    clock,
                    0,
                    outcomeOffset++);
        }
        Decision.Rejected refused = (Decision.Rejected) credit;
        apply(Ledger.refund(
                op.requestId(), op.toAccountId(), op.amount(), refused.reason(), states.get(op.accountId()), clock));
        return outcome(
                op,
                false,
                ObservedOutcome.DESTINATION_REJECTED,
                versionOf(op.accountId()),
                List.of(op.accountId(), op.toAccountId()));
    }

    private ObservedOutcome outcome(Op op, boolean accepted, String reason, long version, List<String> touched) {
        return new ObservedOutcome(
                op.requestId(),
                op.accountId(),
                op.kind().wireName(),
                accepted,
                reason,
                null,
                version,
                touched.stream().map(this::snapshot).toList(),
                false,
                clock,
                0,
                outcomeOffset++);
    }

    private void apply(LedgerEvent e) {
        states.put(e.accountId(), Ledger.evolve(states.get(e.accountId()), e));
        int partition = remote.contains(e.accountId()) ? 1 : 0;
        events.add(new CommittedEvent(e, partition, nextOffset[partition]++));
    }

    private Snapshot snapshot(String account) {
        AccountState s = states.get(account);
        return new Snapshot(account, s == null ? 0 : s.version(), s == null ? 0 : s.balance());
    }

    private long versionOf(String account) {
        AccountState s = states.get(account);
        return s == null ? 0 : s.version();
    }

    private String nextId() {
        return "r" + (++ids);
    }

    private static io.ledgerstream.core.Command coreCommand(Op op) {
        return switch (op.kind()) {
            case OPEN_ACCOUNT -> new OpenAccount(op.accountId(), op.currency(), op.amount());
            case DEPOSIT -> new Deposit(op.accountId(), op.amount(), op.currency());
            case WITHDRAW -> new Withdraw(op.accountId(), op.amount(), op.currency());
            case TRANSFER -> new Transfer(op.accountId(), op.toAccountId(), op.amount(), op.currency());
        };
    }
}
