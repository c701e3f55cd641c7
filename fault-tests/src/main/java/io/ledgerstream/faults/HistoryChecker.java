package io.ledgerstream.faults;

import io.ledgerstream.core.AccountOpened;
import io.ledgerstream.core.AccountState;
import io.ledgerstream.core.Credited;
import io.ledgerstream.core.Debited;
import io.ledgerstream.core.EventBody;
import io.ledgerstream.core.HoldCaptured;
import io.ledgerstream.core.Ledger;
import io.ledgerstream.core.LedgerEvent;
import io.ledgerstream.core.TransferCredited;
import io.ledgerstream.core.TransferDebited;
import io.ledgerstream.core.TransferRefunded;
import io.ledgerstream.faults.CommittedLog.CommittedEvent;
import io.ledgerstream.faults.History.Observation;
import io.ledgerstream.faults.History.Submission;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.ToIntFunction;

/**
 * Checks a client-side {@link History} against what the engine committed ({@link CommittedLog}), in the manner of
 * Jepsen's checkers: exactly-once outcomes, exactly-once events, per-account replay through {@link Ledger#evolve},
 * balances against a model replay of the accepted outcomes, conservation of money and no half-applied transfer. See
 * {@link Property} for the full list.
 *
 * <p>The checker is pure: it reads its inputs and returns a {@link CheckReport}. For each violation it keeps the
 * smallest slice of the history that shows it (the submissions, client observations, committed outcomes and events of
 * the request IDs and accounts involved), so a failure prints a few lines instead of a whole run.
 *
 * <p>Request IDs starting with {@value Ledger#EXPIRY_REQUEST_ID_PREFIX} (hold expiries) are engine-made and exempt
 * from the request checks. Stateless and thread-safe.
 */
public final class HistoryChecker {

    /** Most events of one account shown around the version where a chain breaks. */
    static final int ACCOUNT_WINDOW_EVENTS = 3;

    /** Most lines of one history slice. */
    static final int SLICE_LINES_MAX = 60;

    private HistoryChecker() {}

    /**
     * Checks a history against the committed log.
     *
     * @param history what clients submitted and received; not null
     * @param log what the engine committed; not null
     * @return the report: counts, violations and their smallest failing histories; never null
     */
    public static CheckReport check(History history, CommittedLog log) {
        return check(history, log, null);
    }

    /**
     * Checks a history against the committed log, knowing the engine's partitioning: a transfer refused by its
     * destination must then have left no events if both accounts share a partition (decided atomically) and exactly
     * a debit and a refund if they do not (the saga). Without the partitioning either form is accepted.
     *
     * @param history what clients submitted and received; not null
     * @param log what the engine committed; not null
     * @param partitionOf the engine's partition of an account ID, or null if unknown
     * @return the report: counts, violations and their smallest failing histories; never null
     */
    public static CheckReport check(History history, CommittedLog log, ToIntFunction<String> partitionOf) {
        return new Run(Objects.requireNonNull(history, "history"), Objects.requireNonNull(log, "log"), partitionOf)
                .check();
    }

    /** The signature of an event for exactly-once comparison: which account, what fact, how much, with whom. */
    record EventKey(String accountId, String type, long amount, String counterpart) {
        static EventKey of(LedgerEvent e) {
            EventBody b = e.body();
            String account = e.accountId();
            if (b instanceof AccountOpened o) {
                return new EventKey(account, "AccountOpened", o.overdraftLimit(), null);
            } else if (b instanceof Credited c) {
                return new EventKey(account, "Credited", c.amount(), null);
            } else if (b instanceof Debited d) {
                return new EventKey(account, "Debited", d.amount(), null);
            } else if (b instanceof TransferDebited t) {
                return new EventKey(account, "TransferDebited", t.amount(), t.toAccountId());
            } else if (b instanceof TransferCredited t) {
                return new EventKey(account, "TransferCredited", t.amount(), t.fromAccountId());
            } else if (b instanceof TransferRefunded t) {
                return new EventKey(account, "TransferRefunded", t.amount(), t.toAccountId());
            }
            return new EventKey(account, b.getClass().getSimpleName(), 0, null);
        }

        @Override
        public String toString() {
            return type + "(" + accountId + (counterpart == null ? "" : "," + counterpart) + "," + amount + ")";
        }
    }

    /** How an event changes its account's booked balance, minor units. */
    static long balanceDelta(EventBody b) {
        if (b instanceof Credited c) {
            return c.amount();
        } else if (b instanceof Debited d) {
            return -d.amount();
        } else if (b instanceof TransferDebited t) {
            return -t.amount();
        } else if (b instanceof TransferCredited t) {
            return t.amount();
        } else if (b instanceof TransferRefunded t) {
            return t.amount();
        } else if (b instanceof HoldCaptured h) {
            return -h.amount();
        }
        return 0;
    }

    /** One check of one history; not thread-safe, used once. */
    private static final class Run {
        private final History history;
        private final CommittedLog log;
        private final Map<String, Op> commands;
        private final Set<String> clashIds = new HashSet<>();
        private final Map<String, List<ObservedOutcome>> deciding = new LinkedHashMap<>();
        private final Map<String, List<ObservedOutcome>> replays = new LinkedHashMap<>();
        private final Map<String, List<ObservedOutcome>> reuseRefusals = new LinkedHashMap<>();
        private final Map<String, List<CommittedEvent>> eventsByRequest = new LinkedHashMap<>();
        private final Map<String, List<CommittedEvent>> eventsByAccount = new TreeMap<>();
        private final List<Violation> violations = new ArrayList<>();
        private final Set<String> reported = new HashSet<>();
        private final Map<String, Long> counts = new LinkedHashMap<>();
        private final ToIntFunction<String> partitionOf;

        Run(History history, CommittedLog log, ToIntFunction<String> partitionOf) {
            this.history = history;
            this.log = log;
            this.partitionOf = partitionOf;
            this.commands = history.commands();
            for (Submission s : history.submissions()) {
                if (s.clash()) {
                    clashIds.add(s.op().requestId());
                }
            }
            for (ObservedOutcome o : log.outcomes()) {
                Map<String, List<ObservedOutcome>> target =
                        o.replay() ? replays : o.decides() ? deciding : reuseRefusals;
                target.computeIfAbsent(o.requestId(), k -> new ArrayList<>()).add(o);
            }
            for (CommittedEvent e : log.events()) {
                eventsByRequest
                        .computeIfAbsent(e.event().requestId(), k -> new ArrayList<>())
                        .add(e);
                eventsByAccount
                        .computeIfAbsent(e.event().accountId(), k -> new ArrayList<>())
                        .add(e);
            }
        }

        CheckReport check() {
            checkOutcomes();
            checkClientObservations();
            checkDuplicateVersions();
            checkEventsPerRequest();
            long inFlight = checkTransfers();
            Map<String, AccountState> replayed = replayAccounts();
            checkSnapshots();
            checkBalancesAndMoney(replayed, inFlight);
            count("events", log.events().size());
            count("accounts", replayed.size());
            return new CheckReport(counts, violations, slices());
        }

        // ---- outcomes ---------------------------------------------------------------------------------------

        private void checkOutcomes() {
            long lost = 0;
            long duplicated = 0;
            long accepted = 0;
            long destinationRejected = 0;
            for (Map.Entry<String, Op> entry : commands.entrySet()) {
                String id = entry.getKey();
                Op op = entry.getValue();
                List<ObservedOutcome> decided = deciding.getOrDefault(id, List.of());
                if (decided.isEmpty()) {
                    lost++;
                    add(new Violation(
                            Property.LOST,
                            "request " + id + " (" + op + ") has no committed deciding outcome",
                            Set.of(id),
                            Set.of(),
                            -1));
                    continue;
                }
                if (decided.size() > 1) {
                    duplicated++;
                    add(Violation.ofRequests(
                            Property.DUPLICATED_OUTCOME,
                            "request " + id + " (" + op + ") has " + decided.size() + " deciding outcomes",
                            Set.of(id)));
                }
                ObservedOutcome o = decided.get(0);
                if (!o.accountId().equals(op.accountId())
                        || !o.commandType().equals(op.kind().wireName())) {
                    add(Violation.ofRequests(
                            Property.OUTCOME_MISMATCH,
                            "request " + id + ": outcome " + o + " does not match command " + op,
                            Set.of(id)));
                }
                if (o.accepted()) {
                    accepted++;
                } else if (ObservedOutcome.DESTINATION_REJECTED.equals(o.reason())) {
                    destinationRejected++;
                }
            }
            for (String id : deciding.keySet()) {
                if (!commands.containsKey(id)) {
                    add(Violation.ofRequests(
                            Property.PHANTOM,
                            "committed outcome " + deciding.get(id).get(0) + " for a request no client submitted",
                            Set.of(id)));
                }
            }
            for (Map.Entry<String, List<ObservedOutcome>> entry : replays.entrySet()) {
                List<ObservedOutcome> original = deciding.getOrDefault(entry.getKey(), List.of());
                for (ObservedOutcome replay : entry.getValue()) {
                    if (!original.isEmpty() && !replay.sameDecisionAs(original.get(0))) {
                        add(Violation.ofRequests(
                                Property.OUTCOME_MISMATCH,
                                "replay " + replay + " differs from the original " + original.get(0),
                                Set.of(entry.getKey())));
                    }
                }
            }
            for (String id : reuseRefusals.keySet()) {
                if (!clashIds.contains(id)) {
                    add(Violation.ofRequests(
                            Property.OUTCOME_MISMATCH,
                            "request " + id + " was refused as " + ObservedOutcome.REQUEST_ID_REUSED
                                    + " but was only ever sent with one payload",
                            Set.of(id)));
                }
            }
            long submissions = history.submissions().size();
            count("requests", commands.size());
            count("submissions", submissions);
            count(
                    "clashes",
                    history.submissions().stream().filter(Submission::clash).count());
            count("resends", submissions - commands.size() - counts.get("clashes"));
            count("committedOutcomes", log.outcomes().size());
            count(
                    "replayOutcomes",
                    replays.values().stream().mapToLong(List::size).sum());
            count(
                    "reuseRefusals",
                    reuseRefusals.values().stream().mapToLong(List::size).sum());
            count("accepted", accepted);
            count("rejected", commands.size() - lost - accepted);
            count("destinationRejected", destinationRejected);
            count("lost", lost);
            count("duplicatedOutcomes", duplicated);
        }

        private void checkClientObservations() {
            long observed = 0;
            for (Observation obs : history.observations()) {
                observed++;
                ObservedOutcome o = obs.outcome();
                if (ObservedOutcome.REQUEST_ID_REUSED.equals(o.reason())) {
                    continue; // a clash's refusal: decides nothing
                }
                List<ObservedOutcome> decided = deciding.getOrDefault(o.requestId(), List.of());
                if (!decided.isEmpty() && !o.sameDecisionAs(decided.get(0))) {
                    add(Violation.ofRequests(
                            Property.CLIENT_DISAGREES,
                            "client " + obs.clientId() + " received " + o + " but the committed decision is "
                                    + decided.get(0),
                            Set.of(o.requestId())));
                }
            }
            count("clientObservations", observed);
        }

        // ---- events -----------------------------------------------------------------------------------------

        private void checkDuplicateVersions() {
            for (Map.Entry<String, List<CommittedEvent>> entry : eventsByAccount.entrySet()) {
                Map<Long, CommittedEvent> byVersion = new HashMap<>();
                Set<Integer> partitions = new TreeSet<>();
                for (CommittedEvent e : entry.getValue()) {
                    partitions.add(e.partition());
                    CommittedEvent earlier = byVersion.putIfAbsent(e.event().version(), e);
                    if (earlier != null) {
                        add(new Violation(
                                Property.DUPLICATED_EVENTS,
                                "account " + entry.getKey() + " has two events at version "
                                        + e.event().version() + ": " + earlier + " and " + e,
                                new HashSet<>(List.of(
                                        earlier.event().requestId(), e.event().requestId())),
                                Set.of(entry.getKey()),
                                e.event().version()));
                    }
                }
                if (partitions.size() > 1) {
                    add(new Violation(
                            Property.CHAIN_BROKEN,
                            "account " + entry.getKey() + " has events in partitions " + partitions
                                    + ": their order is undefined",
                            Set.of(),
                            Set.of(entry.getKey()),
                            -1));
                }
            }
        }

        private void checkEventsPerRequest() {
            for (Map.Entry<String, List<CommittedEvent>> entry : eventsByRequest.entrySet()) {
                String id = entry.getKey();
                if (!id.startsWith(Ledger.EXPIRY_REQUEST_ID_PREFIX) && !commands.containsKey(id)) {
                    add(Violation.ofRequests(
                            Property.PHANTOM,
                            "events for a request no client submitted: " + entry.getValue(),
                            Set.of(id)));
                }
            }
            long duplicatedEvents = 0;
            for (Map.Entry<String, Op> entry : commands.entrySet()) {
                String id = entry.getKey();
                List<ObservedOutcome> decided = deciding.getOrDefault(id, List.of());
                if (decided.size() != 1) {
                    continue; // lost or doubled: reported above; the events cannot be judged against one decision
                }
                List<CommittedEvent> own = eventsByRequest.getOrDefault(id, List.of());
                Map<EventKey, Integer> expected = multiset(expectedEvents(entry.getValue(), decided.get(0), own));
                Map<EventKey, Integer> actual =
                        multiset(own.stream().map(e -> EventKey.of(e.event())).toList());
                List<EventKey> missing = new ArrayList<>();
                List<EventKey> doubled = new ArrayList<>();
                List<EventKey> unexpected = new ArrayList<>();
                for (Map.Entry<EventKey, Integer> e : expected.entrySet()) {
                    int have = actual.getOrDefault(e.getKey(), 0);
                    boolean completion = e.getKey().type().equals("TransferCredited")
                            || e.getKey().type().equals("TransferRefunded");
                    // a debit whose completion is missing is a half-applied transfer, reported by checkTransfers
                    boolean halfApplied = completion
                            && eventsByRequest.getOrDefault(id, List.of()).stream()
                                    .anyMatch(c -> c.event().body() instanceof TransferDebited);
                    if (have < e.getValue() && !halfApplied) {
                        missing.add(e.getKey());
                    } else if (have > e.getValue()) {
                        doubled.add(e.getKey());
                    }
                }
                for (Map.Entry<EventKey, Integer> e : actual.entrySet()) {
                    if (!expected.containsKey(e.getKey())) {
                        unexpected.add(e.getKey());
                    }
                }
                String what = " for " + entry.getValue() + " decided " + decided.get(0);
                if (!missing.isEmpty()) {
                    add(new Violation(
                            Property.MISSING_EVENTS, "missing events " + missing + what, Set.of(id), Set.of(), -1));
                }
                if (!doubled.isEmpty()) {
                    duplicatedEvents++;
                    add(new Violation(
                            Property.DUPLICATED_EVENTS,
                            "events appear more than once " + doubled + what,
                            Set.of(id),
                            Set.of(),
                            -1));
                }
                if (!unexpected.isEmpty()) {
                    add(new Violation(
                            Property.UNEXPECTED_EVENTS,
                            "unexpected events " + unexpected + what,
                            Set.of(id),
                            Set.of(),
                            -1));
                }
            }
            count("duplicatedEvents", duplicatedEvents);
        }

        /** The events an op must have produced, given its one deciding outcome (and, if unsure, its events). */
        private List<EventKey> expectedEvents(Op op, ObservedOutcome decided, List<CommittedEvent> own) {
            String a = op.accountId();
            if (!decided.accepted()) {
                if (op.kind() == Op.Kind.TRANSFER
                        && ObservedOutcome.DESTINATION_REJECTED.equals(decided.reason())
                        && sagaRefund(op, own)) {
                    return List.of(
                            new EventKey(a, "TransferDebited", op.amount(), op.toAccountId()),
                            new EventKey(a, "TransferRefunded", op.amount(), op.toAccountId()));
                }
                return List.of();
            }
            return switch (op.kind()) {
                case OPEN_ACCOUNT -> List.of(new EventKey(a, "AccountOpened", op.amount(), null));
                case DEPOSIT -> List.of(new EventKey(a, "Credited", op.amount(), null));
                case WITHDRAW -> List.of(new EventKey(a, "Debited", op.amount(), null));
                case TRANSFER -> List.of(
                        new EventKey(a, "TransferDebited", op.amount(), op.toAccountId()),
                        new EventKey(op.toAccountId(), "TransferCredited", op.amount(), a));
            };
        }

        /**
         * Whether a transfer refused by its destination went through the saga (debit, then refund) rather than being
         * refused atomically on one partition (no events).
         */
        private boolean sagaRefund(Op op, List<CommittedEvent> own) {
            if (partitionOf != null) {
                return partitionOf.applyAsInt(op.accountId()) != partitionOf.applyAsInt(op.toAccountId());
            }
            return own.stream().anyMatch(e -> e.event().body() instanceof TransferDebited);
        }

        /** Half-applied transfers, from the events alone; returns the money in flight (debited, not completed). */
        private long checkTransfers() {
            long inFlight = 0;
            long halfApplied = 0;
            long transfers = 0;
            for (Map.Entry<String, List<CommittedEvent>> entry : eventsByRequest.entrySet()) {
                int debits = 0;
                int completions = 0;
                long balance = 0;
                Set<String> accounts = new TreeSet<>();
                for (CommittedEvent e : entry.getValue()) {
                    EventBody b = e.event().body();
                    if (b instanceof TransferDebited t) {
                        debits++;
                        balance += t.amount();
                        accounts.add(e.event().accountId());
                        accounts.add(t.toAccountId());
                    } else if (b instanceof TransferCredited t) {
                        completions++;
                        balance -= t.amount();
                        accounts.add(e.event().accountId());
                    } else if (b instanceof TransferRefunded t) {
                        completions++;
                        balance -= t.amount();
                        accounts.add(e.event().accountId());
                    }
                }
                if (debits == 0 && completions == 0) {
                    continue;
                }
                transfers++;
                inFlight += balance;
                if (debits != completions || balance != 0) {
                    halfApplied++;
                    add(new Violation(
                            Property.HALF_APPLIED_TRANSFER,
                            "transfer " + entry.getKey() + " has " + debits + " TransferDebited and " + completions
                                    + " TransferCredited/TransferRefunded (in flight " + balance + ")",
                            Set.of(entry.getKey()),
                            Set.of(),
                            -1));
                }
            }
            count("transfers", transfers);
            count("halfApplied", halfApplied);
            return inFlight;
        }

        private Map<String, AccountState> replayAccounts() {
            Map<String, AccountState> states = new TreeMap<>();
            for (Map.Entry<String, List<CommittedEvent>> entry : eventsByAccount.entrySet()) {
                AccountState state = null;
                for (CommittedEvent e : entry.getValue()) {
                    try {
                        state = Ledger.evolve(state, e.event());
                    } catch (RuntimeException broken) { // InvariantViolation, or a malformed event
                        add(new Violation(
                                Property.CHAIN_BROKEN,
                                "account " + entry.getKey() + " does not replay at " + e + ": " + broken.getMessage(),
                                Set.of(e.event().requestId()),
                                Set.of(entry.getKey()),
                                e.event().version()));
                        state = null;
                        break;
                    }
                }
                if (state != null) {
                    states.put(entry.getKey(), state);
                }
            }
            return states;
        }

        private void checkSnapshots() {
            for (Map.Entry<String, List<ObservedOutcome>> entry : deciding.entrySet()) {
                List<CommittedEvent> events = eventsByRequest.getOrDefault(entry.getKey(), List.of());
                ObservedOutcome o = entry.getValue().get(0);
                for (ObservedOutcome.Snapshot s : o.accounts()) {
                    CommittedEvent last = events.stream()
                            .filter(e -> e.event().accountId().equals(s.accountId()))
                            .max(Comparator.comparingLong(e -> e.event().version()))
                            .orElse(null);
                    if (last != null
                            && (last.event().version() != s.version()
                                    || last.event().balanceAfter() != s.balance())) {
                        add(new Violation(
                                Property.SNAPSHOT_MISMATCH,
                                "outcome " + o + " reports " + s.accountId() + " at v" + s.version() + " balance "
                                        + s.balance() + " but its event is " + last,
                                Set.of(entry.getKey()),
                                Set.of(),
                                -1));
                    }
                }
            }
        }

        // ---- model ------------------------------------------------------------------------------------------

        private void checkBalancesAndMoney(Map<String, AccountState> replayed, long inFlight) {
            Map<String, Long> model = new TreeMap<>();
            Map<String, Map<String, Long>> modelDeltas = new HashMap<>();
            long deposits = 0;
            long withdrawals = 0;
            for (Map.Entry<String, Op> entry : commands.entrySet()) {
                List<ObservedOutcome> decided = deciding.getOrDefault(entry.getKey(), List.of());
                if (decided.isEmpty() || !decided.get(0).accepted()) {
                    continue;
                }
                Op op = entry.getValue();
                String id = op.requestId();
                switch (op.kind()) {
                    case OPEN_ACCOUNT -> {
                        model.putIfAbsent(op.accountId(), 0L);
                        delta(modelDeltas, op.accountId(), id, 0);
                    }
                    case DEPOSIT -> {
                        model.merge(op.accountId(), op.amount(), Long::sum);
                        delta(modelDeltas, op.accountId(), id, op.amount());
                        deposits += op.amount();
                    }
                    case WITHDRAW -> {
                        model.merge(op.accountId(), -op.amount(), Long::sum);
                        delta(modelDeltas, op.accountId(), id, -op.amount());
                        withdrawals += op.amount();
                    }
                    case TRANSFER -> {
                        model.merge(op.accountId(), -op.amount(), Long::sum);
                        model.merge(op.toAccountId(), op.amount(), Long::sum);
                        delta(modelDeltas, op.accountId(), id, -op.amount());
                        delta(modelDeltas, op.toAccountId(), id, op.amount());
                    }
                }
            }
            Set<String> accounts = new TreeSet<>(model.keySet());
            accounts.addAll(eventsByAccount.keySet());
            long total = 0;
            for (String account : accounts) {
                AccountState state = replayed.get(account);
                if (state != null) {
                    total += state.balance();
                }
                if (state == null && eventsByAccount.containsKey(account)) {
                    continue; // its chain is broken: reported by replayAccounts
                }
                Long expected = model.get(account);
                Long actual = state == null ? null : state.balance();
                if (!Objects.equals(expected, actual)) {
                    balanceMismatch(account, expected, actual, modelDeltas.getOrDefault(account, Map.of()));
                }
            }
            count("deposits", deposits);
            count("withdrawals", withdrawals);
            count("totalBalance", total);
            count("inFlight", inFlight);
            if (total + inFlight != deposits - withdrawals) {
                add(new Violation(
                        Property.MONEY_NOT_CONSERVED,
                        "sum of balances " + total + " + in flight " + inFlight + " = " + (total + inFlight)
                                + " but accepted deposits " + deposits + " - withdrawals " + withdrawals + " = "
                                + (deposits - withdrawals),
                        Set.of(),
                        Set.of(),
                        -1));
            }
        }

        private void balanceMismatch(String account, Long expected, Long actual, Map<String, Long> modelDeltas) {
            Map<String, Long> eventDeltas = new LinkedHashMap<>();
            for (CommittedEvent e : eventsByAccount.getOrDefault(account, List.of())) {
                eventDeltas.merge(e.event().requestId(), balanceDelta(e.event().body()), Long::sum);
            }
            Set<String> differing = new TreeSet<>();
            Set<String> ids = new HashSet<>(eventDeltas.keySet());
            ids.addAll(modelDeltas.keySet());
            StringBuilder detail = new StringBuilder();
            for (String id : ids) {
                Long fromEvents = eventDeltas.get(id);
                Long fromModel = modelDeltas.get(id);
                if (!Objects.equals(fromEvents, fromModel)
                        && !(fromModel == null && Long.valueOf(0).equals(fromEvents))) {
                    differing.add(id);
                }
            }
            for (String id : differing) {
                detail.append(detail.length() == 0 ? "" : ", ")
                        .append(id)
                        .append(" (events ")
                        .append(eventDeltas.get(id))
                        .append(", model ")
                        .append(modelDeltas.get(id))
                        .append(')');
            }
            add(new Violation(
                    Property.BALANCE_MISMATCH,
                    "account " + account + ": replayed balance " + actual + " but the model of accepted outcomes gives "
                            + expected + "; requests that differ: " + detail,
                    differing,
                    Set.of(account),
                    -1));
        }

        private static void delta(Map<String, Map<String, Long>> deltas, String account, String id, long amount) {
            deltas.computeIfAbsent(account, k -> new HashMap<>()).merge(id, amount, Long::sum);
        }

        // ---- reporting --------------------------------------------------------------------------------------

        private void add(Violation v) {
            if (reported.add(v.property() + "|" + v.message())) {
                violations.add(v);
            }
        }

        private void count(String name, long value) {
            counts.put(name, value);
        }

        private static <T> Map<T, Integer> multiset(List<T> items) {
            Map<T, Integer> m = new LinkedHashMap<>();
            items.forEach(i -> m.merge(i, 1, Integer::sum));
            return m;
        }

        /** For each violation, the smallest history slice that shows it. */
        private List<String> slices() {
            List<String> slices = new ArrayList<>();
            if (violations.isEmpty()) {
                return slices;
            }
            Map<String, List<Submission>> submissions = new HashMap<>();
            for (Submission s : history.submissions()) {
                submissions
                        .computeIfAbsent(s.op().requestId(), k -> new ArrayList<>())
                        .add(s);
            }
            Map<String, List<Observation>> observations = new HashMap<>();
            for (Observation o : history.observations()) {
                observations
                        .computeIfAbsent(o.outcome().requestId(), k -> new ArrayList<>())
                        .add(o);
            }
            Map<String, List<ObservedOutcome>> outcomes = new HashMap<>();
            for (ObservedOutcome o : log.outcomes()) {
                outcomes.computeIfAbsent(o.requestId(), k -> new ArrayList<>()).add(o);
            }
            for (Violation v : violations) {
                List<String> lines = new ArrayList<>();
                for (String id : new TreeSet<>(v.requestIds())) {
                    lines.add("request " + id + ":");
                    for (Submission s : submissions.getOrDefault(id, List.of())) {
                        lines.add(
                                "  submit  " + s.atMs() + " " + s.clientId() + (s.clash() ? " CLASH " : " ") + s.op());
                    }
                    for (Observation o : observations.getOrDefault(id, List.of())) {
                        lines.add("  client  " + o.atMs() + " " + o.clientId() + " received " + o.outcome());
                    }
                    for (ObservedOutcome o : outcomes.getOrDefault(id, List.of())) {
                        lines.add("  outcome " + o);
                    }
                    for (CommittedEvent e : eventsByRequest.getOrDefault(id, List.of())) {
                        lines.add("  event   " + e);
                    }
                }
                for (String account : new TreeSet<>(v.accountIds())) {
                    List<CommittedEvent> events = eventsByAccount.getOrDefault(account, List.of());
                    lines.add("account " + account + " (" + events.size() + " events"
                            + (v.focusVersion() >= 0 ? ", around v" + v.focusVersion() : "") + "):");
                    for (CommittedEvent e : events) {
                        long version = e.event().version();
                        boolean near = v.focusVersion() < 0
                                ? events.size() <= 2 * ACCOUNT_WINDOW_EVENTS
                                : Math.abs(version - v.focusVersion()) <= ACCOUNT_WINDOW_EVENTS;
                        if (near) {
                            lines.add("  event   " + e);
                        }
                    }
                }
                if (lines.size() > SLICE_LINES_MAX) {
                    int more = lines.size() - SLICE_LINES_MAX;
                    lines = new ArrayList<>(lines.subList(0, SLICE_LINES_MAX));
                    lines.add("  ... " + more + " more lines");
                }
                slices.add(String.join("\n", lines));
            }
            return slices;
        }
    }
}
