package io.ledgerstream.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Given/when/then fixture for the core: "given these commands (or events), when this request at this time, then these
 * events or this rejection". Keeps every account's state and log; each accepted event is applied with {@link
 * Ledger#evolve}, so a scenario also checks that the core's events replay.
 */
final class LedgerFixture {
    static final long T0 = 1_700_000_000_000L;

    private final Map<String, AccountState> states = new HashMap<>();
    private final Map<String, List<LedgerEvent>> logs = new HashMap<>();
    private long nowMs = T0;
    private int requests;

    private LedgerFixture() {}

    static OpenAccount open(String accountId) {
        return new OpenAccount(accountId, "EUR", 0);
    }

    static OpenAccount open(String accountId, String currency, long overdraftLimit) {
        return new OpenAccount(accountId, currency, overdraftLimit);
    }

    static Deposit deposit(String accountId, long amount) {
        return new Deposit(accountId, amount, "EUR");
    }

    static Withdraw withdraw(String accountId, long amount) {
        return new Withdraw(accountId, amount, "EUR");
    }

    static Transfer transfer(String from, String to, long amount) {
        return new Transfer(from, to, amount, "EUR");
    }

    static PlaceHold placeHold(String accountId, String holdId, long amount, long expiresAtMs) {
        return new PlaceHold(accountId, holdId, amount, "EUR", expiresAtMs);
    }

    static CaptureHold capture(String accountId, String holdId) {
        return new CaptureHold(accountId, holdId, OptionalLong.empty());
    }

    static CaptureHold capture(String accountId, String holdId, long amount) {
        return new CaptureHold(accountId, holdId, OptionalLong.of(amount));
    }

    static ReleaseHold release(String accountId, String holdId) {
        return new ReleaseHold(accountId, holdId);
    }

    /** A fresh ledger where each command of the history was accepted, in order, at {@link #T0}. */
    static LedgerFixture given(Command... history) {
        LedgerFixture fixture = new LedgerFixture();
        for (Command command : history) {
            fixture.when(command).thenAccepted();
        }
        return fixture;
    }

    /** A fresh ledger built from these events, applied with {@link Ledger#evolve}. */
    static LedgerFixture givenEvents(LedgerEvent... events) {
        LedgerFixture fixture = new LedgerFixture();
        fixture.apply(Arrays.asList(events));
        return fixture;
    }

    LedgerFixture at(long nowMs) {
        this.nowMs = nowMs;
        return this;
    }

    long now() {
        return nowMs;
    }

    AccountState state(String accountId) {
        return states.get(accountId);
    }

    List<LedgerEvent> log(String accountId) {
        return logs.getOrDefault(accountId, List.of());
    }

    String nextRequestId() {
        return "req-" + ++requests;
    }

    /** Decides the command; a transfer between two known accounts is decided as a local transfer. */
    Then when(Command command) {
        return when(Request.of(nextRequestId(), command));
    }

    Then whenExpecting(long expectedVersion, Command command) {
        return when(new Request(nextRequestId(), OptionalLong.of(expectedVersion), command));
    }

    Then when(Request request) {
        Command command = request.command();
        if (command instanceof Transfer && states.containsKey(((Transfer) command).toAccountId())) {
            return whenLocalTransfer(request);
        }
        return new Then(Ledger.decide(request, states.get(command.accountId()), nowMs));
    }

    /** The source step only, as for a cross-partition transfer. */
    Then whenSourceStep(Transfer transfer) {
        return new Then(Ledger.decide(Request.of(nextRequestId(), transfer), states.get(transfer.accountId()), nowMs));
    }

    Then whenLocalTransfer(Transfer transfer) {
        return whenLocalTransfer(Request.of(nextRequestId(), transfer));
    }

    Then whenLocalTransfer(Request request) {
        Transfer transfer = (Transfer) request.command();
        return new Then(Ledger.decideLocalTransfer(
                request, states.get(transfer.accountId()), states.get(transfer.toAccountId()), nowMs));
    }

    Then whenCredit(String requestId, String from, String to, long amount, String currency) {
        return new Then(Ledger.decideCredit(requestId, from, amount, currency, states.get(to), nowMs));
    }

    LedgerEvent whenRefund(String requestId, String from, String to, long amount, Reason reason) {
        LedgerEvent event = Ledger.refund(requestId, to, amount, reason, states.get(from), nowMs);
        apply(List.of(event));
        return event;
    }

    List<LedgerEvent> whenHoldsExpire(String accountId) {
        List<LedgerEvent> events = Ledger.expireDueHolds(states.get(accountId), nowMs);
        apply(events);
        return events;
    }

    void apply(List<LedgerEvent> events) {
        for (LedgerEvent event : events) {
            states.put(event.accountId(), Ledger.evolve(states.get(event.accountId()), event));
            logs.computeIfAbsent(event.accountId(), id -> new ArrayList<>()).add(event);
        }
    }

    /** The outcome of one decision, with assertions that read as "then ...". */
    final class Then {
        private final Decision decision;

        Then(Decision decision) {
            this.decision = decision;
        }

        Decision decision() {
            return decision;
        }

        /** Asserts acceptance, applies the events, and returns them. */
        List<LedgerEvent> thenAccepted() {
            assertThat(decision).as("decision").isInstanceOf(Decision.Accepted.class);
            List<LedgerEvent> events = ((Decision.Accepted) decision).events();
            apply(events);
            return events;
        }

        /** Asserts acceptance with exactly these bodies (in order), applies the events, and returns them. */
        List<LedgerEvent> thenEvents(EventBody... bodies) {
            List<LedgerEvent> events = thenAccepted();
            assertThat(events).extracting(LedgerEvent::body).containsExactly(bodies);
            for (LedgerEvent event : events) {
                assertThat(event.timestampMs()).as("timestamp").isEqualTo(nowMs);
            }
            return events;
        }

        /** Asserts a rejection with this reason and returns it; nothing is applied. */
        Decision.Rejected thenRejected(Reason reason) {
            assertThat(decision).as("decision").isInstanceOf(Decision.Rejected.class);
            Decision.Rejected rejected = (Decision.Rejected) decision;
            assertThat(rejected.reason())
                    .as("reason (detail: %s)", rejected.detail())
                    .isEqualTo(reason);
            return rejected;
        }
    }
}
