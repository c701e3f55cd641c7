package io.ledgerstream.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;

/**
 * Random command sequences over a few accounts, run through the core and through a deliberately naive reference
 * model (plain maps, straight-line rules). After every step: same outcome and reason, same balances, holds and
 * versions, gapless versions, and conservation of money (sum of balances + money in flight = deposits - withdrawals
 * - captures). At the end, every account's log replays through {@link Ledger#evolve} to the same state.
 *
 * <p>Cross-partition transfers are simulated as source step, then (possibly much later, in any order) the credit
 * step, then a refund if the destination refused.
 */
class LedgerModelPropertyTest {
    private static final long T0 = 1_700_000_000_000L;
    /** "Z" is never opened; "D" opens in USD by default. */
    private static final List<String> ACCOUNTS = List.of("A", "B", "C", "D", "Z");

    private static final List<String> HOLD_IDS = List.of("h1", "h2", "h3");

    /** Opens A (EUR, no overdraft), B (EUR, overdraft 100) and D (USD); C may be opened by a generated command. */
    private static final List<Op> SETUP =
            List.of(new OpenOp(0, 0, 0, 0), new OpenOp(1, 0, 100, 0), new OpenOp(3, 0, 0, 0));

    // ---------------------------------------------------------------------------------------------------------------
    // operations

    interface Op {}

    /** currency: 0 = the account's natural currency, 1 EUR, 2 USD, 3 an invalid code. */
    record OpenOp(int account, int currency, long overdraftLimit, int guard) implements Op {}

    record DepositOp(int account, long amount, int currency, int guard) implements Op {}

    record WithdrawOp(int account, long amount, int currency, int guard) implements Op {}

    record TransferOp(int from, int to, long amount, int currency, boolean local, int guard) implements Op {}

    record PlaceHoldOp(int account, int hold, long amount, int currency, long ttlMs, int guard) implements Op {}

    /** amount 0 captures the whole hold; {@code existing} aims at an active hold, if any, picked by the indexes. */
    record CaptureOp(int account, int hold, long amount, boolean existing, int guard) implements Op {}

    /** {@code existing} aims at an active hold, if any, picked by the indexes. */
    record ReleaseOp(int account, int hold, boolean existing, int guard) implements Op {}

    /** Advances time; runs the hold-expiry pass only if {@code expire} (so due holds can linger). */
    record TickOp(long deltaMs, boolean expire) implements Op {}

    /** Delivers the credit step of one in-flight cross-partition transfer (chosen by index modulo their number). */
    record DeliverOp(int index) implements Op {}

    @Provide
    Arbitrary<List<Op>> operations() {
        Arbitrary<Integer> account = Arbitraries.integers().between(0, ACCOUNTS.size() - 1);
        Arbitrary<Integer> openable = Arbitraries.integers().between(0, ACCOUNTS.size() - 2);
        Arbitrary<Integer> hold = Arbitraries.integers().between(0, HOLD_IDS.size() - 1);
        Arbitrary<Long> amount = Arbitraries.frequencyOf(
                Tuple.of(20, Arbitraries.longs().between(1, 300)), Tuple.of(1, Arbitraries.of(0L, -7L)));
        Arbitrary<Integer> currency = Arbitraries.frequencyOf(
                Tuple.of(12, Arbitraries.just(0)),
                Tuple.of(1, Arbitraries.integers().between(1, 3)));
        Arbitrary<Integer> guard = Arbitraries.frequencyOf(
                Tuple.of(8, Arbitraries.just(0)), Tuple.of(2, Arbitraries.just(1)), Tuple.of(1, Arbitraries.just(2)));
        Arbitrary<Long> overdraft = Arbitraries.of(0L, 0L, 100L, 1_000L, -1L);
        Arbitrary<Long> ttl = Arbitraries.frequencyOf(
                Tuple.of(1, Arbitraries.just(0L)),
                Tuple.of(10, Arbitraries.longs().between(1, 400)));
        Arbitrary<Long> captureAmount = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.just(0L)),
                Tuple.of(5, Arbitraries.longs().between(1, 200)),
                Tuple.of(1, Arbitraries.just(-1L)));

        Arbitrary<Op> open =
                Combinators.combine(openable, currency, overdraft, guard).as(OpenOp::new);
        Arbitrary<Op> deposit =
                Combinators.combine(account, amount, currency, guard).as(DepositOp::new);
        Arbitrary<Op> withdraw =
                Combinators.combine(account, amount, currency, guard).as(WithdrawOp::new);
        Arbitrary<Op> transfer = Combinators.combine(
                        account, account, amount, currency, Arbitraries.of(true, false), guard)
                .as(TransferOp::new);
        Arbitrary<Op> placeHold =
                Combinators.combine(account, hold, amount, currency, ttl, guard).as(PlaceHoldOp::new);
        Arbitrary<Op> capture = Combinators.combine(account, hold, captureAmount, Arbitraries.of(true, false), guard)
                .as(CaptureOp::new);
        Arbitrary<Op> release = Combinators.combine(account, hold, Arbitraries.of(true, false), guard)
                .as(ReleaseOp::new);
        Arbitrary<Op> tick = Combinators.combine(Arbitraries.longs().between(0, 60), Arbitraries.of(true, false))
                .as(TickOp::new);
        Arbitrary<Op> deliver = Arbitraries.integers().between(0, 10).map(DeliverOp::new);

        Arbitrary<Op> op = Arbitraries.frequencyOf(
                Tuple.of(4, open),
                Tuple.of(6, deposit),
                Tuple.of(4, withdraw),
                Tuple.of(8, transfer),
                Tuple.of(5, placeHold),
                Tuple.of(6, capture),
                Tuple.of(3, release),
                Tuple.of(3, tick),
                Tuple.of(4, deliver));
        return op.list().ofMinSize(10).ofMaxSize(80).withSizeDistribution(RandomDistribution.uniform());
    }

    @Property(tries = 400, edgeCases = EdgeCasesMode.NONE)
    @StatisticsReport(StatisticsReport.StatisticsReportMode.OFF)
    void shouldAgreeWithTheReferenceModelAndConserveMoney(@ForAll("operations") List<Op> ops) {
        World world = new World();
        for (Op op : SETUP) {
            world.run(op);
        }
        for (Op op : ops) {
            world.run(op);
            world.checkAgainstModel();
        }
        while (!world.inFlight.isEmpty()) {
            world.run(new DeliverOp(0));
            world.checkAgainstModel();
        }
        world.checkReplay();

        // the generator must keep reaching the interesting paths (counts over all tries; each is typically >= 20)
        Statistics.coverage(coverage -> {
            for (String command : List.of(
                    "OpenAccount",
                    "Deposit",
                    "Withdraw",
                    "Transfer",
                    "PlaceHold",
                    "CaptureHold",
                    "ReleaseHold",
                    "Credit",
                    "Expiry")) {
                coverage.check(command, "ACCEPTED").count(count -> count > 0);
            }
            for (Reason reason : List.of(
                    Reason.INSUFFICIENT_FUNDS,
                    Reason.VERSION_CONFLICT,
                    Reason.SAME_ACCOUNT,
                    Reason.DESTINATION_REJECTED,
                    Reason.HOLD_EXPIRED,
                    Reason.HOLD_AMOUNT_EXCEEDED,
                    Reason.HOLD_EXISTS,
                    Reason.UNKNOWN_ACCOUNT,
                    Reason.CURRENCY_MISMATCH)) {
                coverage.checkQuery(values -> values.get(1).equals(reason.name()))
                        .count(count -> count > 0);
            }
            coverage.check("Credit", "UNKNOWN_ACCOUNT").count(count -> count > 0);
        });
    }

    // ---------------------------------------------------------------------------------------------------------------
    // the naive reference model

    static final class ModelHold {
        final long amount;
        final long expiresAtMs;

        ModelHold(long amount, long expiresAtMs) {
            this.amount = amount;
            this.expiresAtMs = expiresAtMs;
        }
    }

    static final class ModelAccount {
        final String currency;
        final long overdraftLimit;
        long balance;
        long version = 1;
        final TreeMap<String, ModelHold> holds = new TreeMap<>();

        ModelAccount(String currency, long overdraftLimit) {
            this.currency = currency;
            this.overdraftLimit = overdraftLimit;
        }

        long held() {
            long held = 0;
            for (ModelHold hold : holds.values()) {
                held += hold.amount;
            }
            return held;
        }

        long available() {
            return balance - held();
        }
    }

    record InFlight(String requestId, String from, String to, long amount, String currency) {}

    /** The system under test (states and logs from the core) next to the model (plain maps). */
    static final class World {
        long now = T0;
        int requests;
        final Map<String, AccountState> states = new HashMap<>();
        final Map<String, List<LedgerEvent>> logs = new HashMap<>();
        final List<InFlight> inFlight = new ArrayList<>();

        final Map<String, ModelAccount> model = new HashMap<>();
        long deposited;
        long withdrawn;
        long captured;

        String naturalCurrency(String accountId) {
            return accountId.equals("D") ? "USD" : "EUR";
        }

        String currency(String accountId, int choice) {
            switch (choice) {
                case 0:
                    ModelAccount account = model.get(accountId);
                    return account != null ? account.currency : naturalCurrency(accountId);
                case 1:
                    return "EUR";
                case 2:
                    return "USD";
                default:
                    return "eur";
            }
        }

        OptionalLong guard(String accountId, int guard) {
            long version = model.containsKey(accountId) ? model.get(accountId).version : 0;
            if (guard == 0) {
                return OptionalLong.empty();
            }
            return OptionalLong.of(guard == 1 ? version : version + 1);
        }

        /** The model's rejection for existence and the version guard, or null. */
        Reason existenceAndVersion(String accountId, OptionalLong expected) {
            ModelAccount account = model.get(accountId);
            if (account == null) {
                return Reason.UNKNOWN_ACCOUNT;
            }
            if (expected.isPresent() && expected.getAsLong() != account.version) {
                return Reason.VERSION_CONFLICT;
            }
            return null;
        }

        static boolean validCurrency(String currency) {
            return currency.matches("[A-Z]{3}");
        }

        void run(Op op) {
            if (op instanceof TickOp) {
                tick((TickOp) op);
            } else if (op instanceof DeliverOp) {
                deliver((DeliverOp) op);
            } else {
                command(op);
            }
        }

        void tick(TickOp tick) {
            now += tick.deltaMs();
            if (!tick.expire()) {
                return;
            }
            for (String id : ACCOUNTS) {
                AccountState state = states.get(id);
                if (state == null) {
                    continue;
                }
                List<LedgerEvent> expired = Ledger.expireDueHolds(state, now);
                apply(expired);
                for (int i = 0; i < expired.size(); i++) {
                    Statistics.collect("Expiry", "ACCEPTED");
                }
                ModelAccount account = model.get(id);
                account.holds.values().removeIf(hold -> {
                    if (hold.expiresAtMs <= now) {
                        account.version++;
                        return true;
                    }
                    return false;
                });
            }
        }

        void deliver(DeliverOp deliver) {
            if (inFlight.isEmpty()) {
                return;
            }
            InFlight transfer = inFlight.remove(deliver.index() % inFlight.size());
            Decision credit = Ledger.decideCredit(
                    transfer.requestId(),
                    transfer.from(),
                    transfer.amount(),
                    transfer.currency(),
                    states.get(transfer.to()),
                    now);

            ModelAccount destination = model.get(transfer.to());
            Reason expected = destination == null
                    ? Reason.UNKNOWN_ACCOUNT
                    : !destination.currency.equals(transfer.currency()) ? Reason.CURRENCY_MISMATCH : null;
            if (expected == null) {
                assertThat(credit).as("credit of %s", transfer).isInstanceOf(Decision.Accepted.class);
                apply(((Decision.Accepted) credit).events());
                Statistics.collect("Credit", "ACCEPTED");
                destination.balance += transfer.amount();
                destination.version++;
            } else {
                assertThat(credit).as("credit of %s", transfer).isInstanceOf(Decision.Rejected.class);
                Reason reason = ((Decision.Rejected) credit).reason();
                assertThat(reason).isEqualTo(expected);
                Statistics.collect("Credit", reason.name());
                apply(List.of(Ledger.refund(
                        transfer.requestId(),
                        transfer.to(),
                        transfer.amount(),
                        reason,
                        states.get(transfer.from()),
                        now)));
                ModelAccount source = model.get(transfer.from());
                source.balance += transfer.amount();
                source.version++;
            }
        }

        void command(Op op) {
            String requestId = "r" + ++requests;
            Request request;
            Reason expected;
            Runnable modelEffect;
            boolean localTransfer = false;
            String keyedBy;

            if (op instanceof OpenOp) {
                OpenOp o = (OpenOp) op;
                String id = ACCOUNTS.get(o.account());
                String currency = o.currency() == 0 ? naturalCurrency(id) : currency(id, o.currency());
                OptionalLong guard = guard(id, o.guard());
                request = new Request(requestId, guard, new OpenAccount(id, currency, o.overdraftLimit()));
                keyedBy = id;
                if (!validCurrency(currency) || o.overdraftLimit() < 0) {
                    expected = Reason.INVALID_COMMAND;
                } else if (model.containsKey(id)) {
                    expected = Reason.ACCOUNT_EXISTS;
                } else if (guard.isPresent() && guard.getAsLong() != 0) {
                    expected = Reason.VERSION_CONFLICT;
                } else {
                    expected = null;
                }
                modelEffect = () -> model.put(id, new ModelAccount(currency, o.overdraftLimit()));
            } else if (op instanceof DepositOp || op instanceof WithdrawOp) {
                boolean isDeposit = op instanceof DepositOp;
                int accountIndex = isDeposit ? ((DepositOp) op).account() : ((WithdrawOp) op).account();
                long amount = isDeposit ? ((DepositOp) op).amount() : ((WithdrawOp) op).amount();
                int currencyChoice = isDeposit ? ((DepositOp) op).currency() : ((WithdrawOp) op).currency();
                int guardChoice = isDeposit ? ((DepositOp) op).guard() : ((WithdrawOp) op).guard();
                String id = ACCOUNTS.get(accountIndex);
                String currency = currency(id, currencyChoice);
                OptionalLong guard = guard(id, guardChoice);
                Command command = isDeposit ? new Deposit(id, amount, currency) : new Withdraw(id, amount, currency);
                request = new Request(requestId, guard, command);
                keyedBy = id;
                ModelAccount account = model.get(id);
                if (amount <= 0) {
                    expected = Reason.INVALID_AMOUNT;
                } else if (!validCurrency(currency)) {
                    expected = Reason.INVALID_COMMAND;
                } else if (existenceAndVersion(id, guard) != null) {
                    expected = existenceAndVersion(id, guard);
                } else if (!currency.equals(account.currency)) {
                    expected = Reason.CURRENCY_MISMATCH;
                } else if (!isDeposit && account.available() - amount < -account.overdraftLimit) {
                    expected = Reason.INSUFFICIENT_FUNDS;
                } else {
                    expected = null;
                }
                modelEffect = () -> {
                    if (isDeposit) {
                        account.balance += amount;
                        deposited += amount;
                    } else {
                        account.balance -= amount;
                        withdrawn += amount;
                    }
                    account.version++;
                };
            } else if (op instanceof TransferOp) {
                TransferOp t = (TransferOp) op;
                String from = ACCOUNTS.get(t.from());
                String to = ACCOUNTS.get(t.to());
                String currency = currency(from, t.currency());
                OptionalLong guard = guard(from, t.guard());
                request = new Request(requestId, guard, new Transfer(from, to, t.amount(), currency));
                keyedBy = from;
                localTransfer = t.local();
                ModelAccount source = model.get(from);
                ModelAccount destination = model.get(to);
                if (t.amount() <= 0) {
                    expected = Reason.INVALID_AMOUNT;
                } else if (!validCurrency(currency)) {
                    expected = Reason.INVALID_COMMAND;
                } else if (existenceAndVersion(from, guard) != null) {
                    expected = existenceAndVersion(from, guard);
                } else if (from.equals(to)) {
                    expected = Reason.SAME_ACCOUNT;
                } else if (!currency.equals(source.currency)) {
                    expected = Reason.CURRENCY_MISMATCH;
                } else if (source.available() - t.amount() < -source.overdraftLimit) {
                    expected = Reason.INSUFFICIENT_FUNDS;
                } else if (t.local() && (destination == null || !destination.currency.equals(currency))) {
                    expected = Reason.DESTINATION_REJECTED;
                } else {
                    expected = null;
                }
                modelEffect = () -> {
                    source.balance -= t.amount();
                    source.version++;
                    if (t.local()) {
                        destination.balance += t.amount();
                        destination.version++;
                    } else {
                        inFlight.add(new InFlight(requestId, from, to, t.amount(), currency));
                    }
                };
            } else if (op instanceof PlaceHoldOp) {
                PlaceHoldOp p = (PlaceHoldOp) op;
                String id = ACCOUNTS.get(p.account());
                String holdId = HOLD_IDS.get(p.hold());
                String currency = currency(id, p.currency());
                OptionalLong guard = guard(id, p.guard());
                long expiresAtMs = now + p.ttlMs();
                request = new Request(requestId, guard, new PlaceHold(id, holdId, p.amount(), currency, expiresAtMs));
                keyedBy = id;
                ModelAccount account = model.get(id);
                if (p.amount() <= 0) {
                    expected = Reason.INVALID_AMOUNT;
                } else if (!validCurrency(currency) || p.ttlMs() <= 0) {
                    expected = Reason.INVALID_COMMAND;
                } else if (existenceAndVersion(id, guard) != null) {
                    expected = existenceAndVersion(id, guard);
                } else if (!currency.equals(account.currency)) {
                    expected = Reason.CURRENCY_MISMATCH;
                } else if (account.holds.containsKey(holdId)) {
                    expected = Reason.HOLD_EXISTS;
                } else if (account.available() - p.amount() < -account.overdraftLimit) {
                    expected = Reason.INSUFFICIENT_FUNDS;
                } else {
                    expected = null;
                }
                modelEffect = () -> {
                    account.holds.put(holdId, new ModelHold(p.amount(), expiresAtMs));
                    account.version++;
                };
            } else if (op instanceof CaptureOp || op instanceof ReleaseOp) {
                boolean isCapture = op instanceof CaptureOp;
                int accountIndex = isCapture ? ((CaptureOp) op).account() : ((ReleaseOp) op).account();
                int holdIndex = isCapture ? ((CaptureOp) op).hold() : ((ReleaseOp) op).hold();
                int guardChoice = isCapture ? ((CaptureOp) op).guard() : ((ReleaseOp) op).guard();
                long amount = isCapture ? ((CaptureOp) op).amount() : 0;
                boolean existing = isCapture ? ((CaptureOp) op).existing() : ((ReleaseOp) op).existing();
                String chosenId = ACCOUNTS.get(accountIndex);
                String chosenHoldId = HOLD_IDS.get(holdIndex);
                List<String[]> activeHolds = new ArrayList<>();
                for (String accountId : ACCOUNTS) {
                    if (model.containsKey(accountId)) {
                        for (String activeHoldId : model.get(accountId).holds.keySet()) {
                            activeHolds.add(new String[] {accountId, activeHoldId});
                        }
                    }
                }
                if (existing && !activeHolds.isEmpty()) {
                    String[] target =
                            activeHolds.get((accountIndex * HOLD_IDS.size() + holdIndex) % activeHolds.size());
                    chosenId = target[0];
                    chosenHoldId = target[1];
                }
                String id = chosenId;
                String holdId = chosenHoldId;
                OptionalLong guard = guard(id, guardChoice);
                Command command = isCapture
                        ? new CaptureHold(id, holdId, amount == 0 ? OptionalLong.empty() : OptionalLong.of(amount))
                        : new ReleaseHold(id, holdId);
                request = new Request(requestId, guard, command);
                keyedBy = id;
                ModelAccount account = model.get(id);
                ModelHold hold = account == null ? null : account.holds.get(holdId);
                if (isCapture && amount < 0) {
                    expected = Reason.INVALID_AMOUNT;
                } else if (existenceAndVersion(id, guard) != null) {
                    expected = existenceAndVersion(id, guard);
                } else if (hold == null) {
                    expected = Reason.HOLD_NOT_FOUND;
                } else if (hold.expiresAtMs <= now) {
                    expected = Reason.HOLD_EXPIRED;
                } else if (isCapture && amount > hold.amount) {
                    expected = Reason.HOLD_AMOUNT_EXCEEDED;
                } else {
                    expected = null;
                }
                modelEffect = () -> {
                    account.holds.remove(holdId);
                    if (isCapture) {
                        long taken = amount == 0 ? hold.amount : amount;
                        account.balance -= taken;
                        captured += taken;
                    }
                    account.version++;
                };
            } else {
                throw new IllegalArgumentException("unknown op " + op);
            }

            Decision decision = localTransfer
                    ? Ledger.decideLocalTransfer(
                            request, states.get(keyedBy), states.get(((Transfer) request.command()).toAccountId()), now)
                    : Ledger.decide(request, states.get(keyedBy), now);

            if (expected == null) {
                assertThat(decision).as("%s", request).isInstanceOf(Decision.Accepted.class);
                List<LedgerEvent> events = ((Decision.Accepted) decision).events();
                for (LedgerEvent event : events) {
                    assertThat(event.requestId()).isEqualTo(requestId);
                    assertThat(event.timestampMs()).isEqualTo(now);
                }
                apply(events);
                modelEffect.run();
                Statistics.collect(request.command().getClass().getSimpleName(), "ACCEPTED");
            } else {
                assertThat(decision).as("%s", request).isInstanceOf(Decision.Rejected.class);
                Decision.Rejected rejected = (Decision.Rejected) decision;
                Statistics.collect(
                        request.command().getClass().getSimpleName(),
                        rejected.reason().name());
                assertThat(rejected.reason())
                        .as("%s: %s", request, rejected.detail())
                        .isEqualTo(expected);
                long version = model.containsKey(keyedBy) ? model.get(keyedBy).version : 0;
                assertThat(rejected.currentVersion()).as("currentVersion").isEqualTo(version);
            }
        }

        void apply(List<LedgerEvent> events) {
            for (LedgerEvent event : events) {
                AccountState before = states.get(event.accountId());
                long previousVersion = before == null ? 0 : before.version();
                assertThat(event.version()).as("gapless version").isEqualTo(previousVersion + 1);
                states.put(event.accountId(), Ledger.evolve(before, event));
                logs.computeIfAbsent(event.accountId(), id -> new ArrayList<>()).add(event);
            }
        }

        void checkAgainstModel() {
            assertThat(states.keySet()).isEqualTo(model.keySet());
            long balances = 0;
            for (Map.Entry<String, ModelAccount> entry : model.entrySet()) {
                AccountState state = states.get(entry.getKey());
                ModelAccount account = entry.getValue();
                assertThat(state.balance()).as("balance of %s", entry.getKey()).isEqualTo(account.balance);
                assertThat(state.version()).as("version of %s", entry.getKey()).isEqualTo(account.version);
                assertThat(state.held()).as("held of %s", entry.getKey()).isEqualTo(account.held());
                assertThat(state.holds().keySet()).isEqualTo(account.holds.keySet());
                assertThat(state.available()).isGreaterThanOrEqualTo(-account.overdraftLimit);
                assertThat(logs.get(entry.getKey())).hasSize((int) account.version);
                balances += state.balance();
            }
            long inFlightAmount = inFlight.stream().mapToLong(InFlight::amount).sum();
            assertThat(balances + inFlightAmount)
                    .as("conservation: balances + in flight = deposits - withdrawals - captures")
                    .isEqualTo(deposited - withdrawn - captured);
        }

        void checkReplay() {
            for (Map.Entry<String, List<LedgerEvent>> entry : logs.entrySet()) {
                AccountState replayed = null;
                for (LedgerEvent event : entry.getValue()) {
                    replayed = Ledger.evolve(replayed, event);
                }
                assertThat(replayed).as("replay of %s", entry.getKey()).isEqualTo(states.get(entry.getKey()));
            }
        }
    }
}
