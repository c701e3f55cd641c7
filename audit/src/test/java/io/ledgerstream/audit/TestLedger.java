package io.ledgerstream.audit;

import io.ledgerstream.core.AccountState;
import io.ledgerstream.core.CaptureHold;
import io.ledgerstream.core.ConsistentHash;
import io.ledgerstream.core.Decision;
import io.ledgerstream.core.Deposit;
import io.ledgerstream.core.EventBody;
import io.ledgerstream.core.Ledger;
import io.ledgerstream.core.LedgerEvent;
import io.ledgerstream.core.OpenAccount;
import io.ledgerstream.core.PlaceHold;
import io.ledgerstream.core.Reason;
import io.ledgerstream.core.ReleaseHold;
import io.ledgerstream.core.Request;
import io.ledgerstream.core.Transfer;
import io.ledgerstream.core.Withdraw;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A ledger built with the pure core the way the engine builds it (same decide/evolve, same saga), laid out on
 * {@value #PARTITIONS} partitions by the consistent hash, with one outcome per request. Corruptions are appended or
 * removed by hand. Test plumbing; not thread-safe.
 */
final class TestLedger {
    static final int PARTITIONS = 4;
    static final String EVENTS = "events";
    static final String OUTCOMES = "outcomes";
    static final String EUR = "EUR";

    /** One event record. */
    record Entry(int partition, long offset, LedgerEvent event) {}

    /** One outcome record. */
    record OutcomeEntry(int partition, long offset, OutcomeView outcome) {}

    final List<Entry> events = new ArrayList<>();
    final List<OutcomeEntry> outcomes = new ArrayList<>();
    final Map<String, AccountState> states = new HashMap<>();
    private final Map<String, LedgerEvent> tips = new HashMap<>();
    private final long[] nextOffset = new long[PARTITIONS];
    private long nextOutcomeOffset;
    private int requests;
    /** The start of the next requests' IDs. */
    String requestIdPrefix = "req-";

    long now = 1_700_000_000_000L;

    /** An account ID of the form {@code prefix-n} that lives on the given partition. */
    static String accountOn(String prefix, int partition) {
        for (int i = 0; ; i++) {
            String id = prefix + "-" + i;
            if (ConsistentHash.partition(id, PARTITIONS) == partition) {
                return id;
            }
        }
    }

    static int partitionOf(String accountId) {
        return ConsistentHash.partition(accountId, PARTITIONS);
    }

    void tick(long ms) {
        now += ms;
    }

    String open(String account, long overdraftLimit) {
        return decide(new OpenAccount(account, EUR, overdraftLimit), "OpenAccount");
    }

    String deposit(String account, long amount) {
        return decide(new Deposit(account, amount, EUR), "Deposit");
    }

    String withdraw(String account, long amount) {
        return decide(new Withdraw(account, amount, EUR), "Withdraw");
    }

    String placeHold(String account, String holdId, long amount, long expiresAtMs) {
        return decide(new PlaceHold(account, holdId, amount, EUR, expiresAtMs), "PlaceHold");
    }

    String capture(String account, String holdId, long amount) {
        return decide(new CaptureHold(account, holdId, OptionalLong.of(amount)), "CaptureHold");
    }

    String release(String account, String holdId) {
        return decide(new ReleaseHold(account, holdId), "ReleaseHold");
    }

    /** The engine's hold expiry punctuator: a HoldExpired with request ID "expiry:holdId", no outcome. */
    void expire(String account, String holdId) {
        LedgerEvent event = Ledger.expireHold(states.get(account), holdId, now).orElseThrow();
        apply(event);
    }

    /** A transfer as the engine runs it: one step on one partition, else the saga (credit or refund). */
    String transfer(String from, String to, long amount) {
        String id = nextRequestId();
        Request request = new Request(id, OptionalLong.empty(), new Transfer(from, to, amount, EUR));
        if (partitionOf(from) == partitionOf(to)) {
            Decision decision = Ledger.decideLocalTransfer(request, states.get(from), states.get(to), now);
            complete(id, from, "Transfer", decision);
            return id;
        }
        Decision debit = Ledger.decide(request, states.get(from), now);
        if (debit instanceof Decision.Rejected) {
            complete(id, from, "Transfer", debit);
            return id;
        }
        ((Decision.Accepted) debit).events().forEach(this::apply);
        tick(1);
        Decision credit = Ledger.decideCredit(id, from, amount, EUR, states.get(to), now);
        if (credit instanceof Decision.Accepted accepted) {
            accepted.events().forEach(this::apply);
            outcome(new OutcomeView(id, from, "Transfer", true, null, false, now));
        } else {
            Reason reason = ((Decision.Rejected) credit).reason();
            apply(Ledger.refund(id, to, amount, reason, states.get(from), now));
            outcome(new OutcomeView(id, from, "Transfer", false, "DESTINATION_REJECTED", false, now));
        }
        return id;
    }

    /** Only the source step of a cross-partition transfer: money in flight, no outcome yet. */
    String transferDebitOnly(String from, String to, long amount) {
        String id = nextRequestId();
        Request request = new Request(id, OptionalLong.empty(), new Transfer(from, to, amount, EUR));
        Decision debit = Ledger.decide(request, states.get(from), now);
        ((Decision.Accepted) debit).events().forEach(this::apply);
        return id;
    }

    /** Appends an event record as a plain producer would, without applying it. */
    Entry append(LedgerEvent event) {
        int partition = partitionOf(event.accountId());
        Entry entry = new Entry(partition, nextOffset[partition]++, event);
        events.add(entry);
        tips.put(event.accountId(), event);
        return entry;
    }

    /** Appends a correctly hash-chained event on the account's latest appended event, without applying it. */
    Entry forgeNext(String account, String requestId, EventBody body, long balanceAfter, long heldAfter) {
        return append(chainedAfter(tips.get(account), requestId, now, EUR, body, balanceAfter, heldAfter));
    }

    /** A correctly hashed event of {@code previous}'s account, chained on it (version and prevHash follow it). */
    static LedgerEvent chainedAfter(
            LedgerEvent previous,
            String requestId,
            long timestampMs,
            String currency,
            EventBody body,
            long balanceAfter,
            long heldAfter) {
        String account = previous.accountId();
        long version = previous.version() + 1;
        byte[] hash = LedgerEvent.computeHash(
                account, version, requestId, timestampMs, currency, body, balanceAfter, heldAfter, previous.hash());
        return new LedgerEvent(
                account,
                version,
                requestId,
                timestampMs,
                currency,
                body,
                balanceAfter,
                heldAfter,
                previous.hash(),
                hash);
    }

    /** The latest event record of an account. */
    Entry lastOf(String account) {
        for (int i = events.size() - 1; i >= 0; i--) {
            if (events.get(i).event().accountId().equals(account)) {
                return events.get(i);
            }
        }
        throw new IllegalArgumentException("no event of " + account);
    }

    /** All event records of an account, in log order. */
    List<Entry> eventsOf(String account) {
        return events.stream()
                .filter(e -> e.event().accountId().equals(account))
                .toList();
    }

    void outcome(OutcomeView outcome) {
        outcomes.add(new OutcomeEntry(0, nextOutcomeOffset++, outcome));
    }

    /** Feeds every event then every outcome. */
    LedgerAudit feed(LedgerAudit audit) {
        for (Entry e : events) {
            audit.onEvent(e.partition(), e.offset(), e.event());
        }
        return outcomesInto(audit);
    }

    /** Feeds every outcome. */
    LedgerAudit outcomesInto(LedgerAudit audit) {
        for (OutcomeEntry o : outcomes) {
            audit.onOutcome(o.partition(), o.offset(), o.outcome());
        }
        return audit;
    }

    static LedgerAudit.Settings settings() {
        return LedgerAudit.Settings.of(EVENTS, OUTCOMES)
                .withPartitionCount(PARTITIONS)
                .withInFlightGraceMs(60_000);
    }

    /** Audits the whole ledger with the default test settings, the reference time being now. */
    AuditReport audit() {
        return feed(new LedgerAudit(settings())).finish(now);
    }

    private String decide(io.ledgerstream.core.Command command, String type) {
        String id = nextRequestId();
        Request request = new Request(id, OptionalLong.empty(), command);
        Decision decision = Ledger.decide(request, states.get(command.accountId()), now);
        complete(id, command.accountId(), type, decision);
        return id;
    }

    private void complete(String id, String account, String type, Decision decision) {
        if (decision instanceof Decision.Accepted accepted) {
            accepted.events().forEach(this::apply);
            outcome(new OutcomeView(id, account, type, true, null, false, now));
        } else {
            Decision.Rejected rejected = (Decision.Rejected) decision;
            outcome(new OutcomeView(id, account, type, false, rejected.reason().name(), false, now));
        }
        tick(1);
    }

    private void apply(LedgerEvent event) {
        states.put(event.accountId(), Ledger.evolve(states.get(event.accountId()), event));
        append(event);
    }

    private String nextRequestId() {
        return requestIdPrefix + ++requests;
    }
}
