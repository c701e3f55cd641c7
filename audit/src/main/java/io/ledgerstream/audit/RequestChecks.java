package io.ledgerstream.audit;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The request-level invariants, over request buckets once every shard's log of a bucket is indexed: REQUEST_ONCE,
 * TRANSFERS (and the money in flight that CONSERVATION needs) and OUTCOMES; and, for the replay's VERSIONS and
 * HASH_CHAIN, whether an event that claimed a version its account had passed copies an earlier event of its request
 * or forks the account. Not thread-safe: one per checking thread.
 */
final class RequestChecks {

    /** The checks' view of the run. */
    record Context(
            LedgerAudit.Settings settings,
            long referenceTimeMs,
            long outcomeCoverageStartMs,
            boolean fullRange,
            boolean anyPartialStart) {}

    private static final Comparator<AuditReport.InFlightTransfer> IN_FLIGHT_ORDER = Comparator.comparingInt(
                    AuditReport.InFlightTransfer::partition)
            .thenComparingLong(AuditReport.InFlightTransfer::offset)
            .thenComparing(AuditReport.InFlightTransfer::requestId);

    private final Context context;
    private final Set<String> filter;
    final Findings findings;
    /** The applied events of the request being checked (reused: the checks keep no reference to it). */
    private final List<EventRef> applied = new ArrayList<>(4);

    final TreeSet<AuditReport.InFlightTransfer> inFlightListed = new TreeSet<>(IN_FLIGHT_ORDER);
    /** Per currency: [0] unmatched debits at the end, [1] legs without their debit (in flight at the start). */
    final Map<String, long[]> inFlightByCurrency = new HashMap<>();

    long requests;
    long transfers;
    long inFlightCount;
    long stuckCount;
    long outcomesExemptRetention;
    long outcomesPending;
    long outcomesNotVerifiable;

    RequestChecks(Context context) {
        this.context = context;
        this.filter = context.settings().accounts();
        this.findings = new Findings(context.settings().maxFindings());
    }

    /** Checks one request: its ID is only materialized (from the entry) when a finding or a listing names it. */
    void check(RequestEntry entry) {
        List<EventRef> all = entry.events();
        List<EventRef> applied = this.applied;
        applied.clear();
        for (EventRef ref : all) {
            if (ref.applied) {
                applied.add(ref);
            }
        }
        if (!all.isEmpty()) {
            requests++;
            checkOnce(entry, all);
        }
        boolean inFlight = checkTransfer(entry, applied);
        if (context.settings().outcomesTopic() != null) {
            checkOutcome(entry, all, applied, inFlight);
        }
    }

    // ---- repeats (VERSIONS, HASH_CHAIN) -------------------------------------------------------------------------

    /**
     * Names each event the replay marked as a repeat: a copy of an earlier event of the same request, account,
     * version and kind ({@code DUPLICATE_EVENT}), or a second, different event at a version the account had already
     * passed ({@code CONFLICTING_EVENT}). Either way the replay skipped it.
     */
    void checkRepeats(RequestIndex index) {
        index.forEachRepeat((repeat, same, requestId, accountVersion) -> {
            if (same != null && same.kind == repeat.kind) {
                repeatFinding(
                        Invariant.VERSIONS,
                        "DUPLICATE_EVENT",
                        repeat,
                        requestId,
                        "a copy of version " + repeat.version + " of the same request, already applied at "
                                + same.partition + "@" + same.offset + "; skipped");
            } else {
                repeatFinding(
                        Invariant.HASH_CHAIN,
                        "CONFLICTING_EVENT",
                        repeat,
                        requestId,
                        conflictingEvent(repeat.version, accountVersion));
            }
        });
    }

    /** The message of a {@code CONFLICTING_EVENT} finding. */
    static String conflictingEvent(long version, long accountVersion) {
        return "a second, different event claims version " + version + " (the account is at version " + accountVersion
                + "): an inserted or forked event; skipped";
    }

    private void repeatFinding(Invariant invariant, String kind, EventRef repeat, String requestId, String message) {
        eventFinding(
                invariant,
                kind,
                repeat,
                requestId,
                repeat.accountId + " v" + repeat.version + " " + repeat.kind.typeName() + ": " + message);
    }

    // ---- REQUEST_ONCE -----------------------------------------------------------------------------------------

    private void checkOnce(RequestEntry entry, List<EventRef> all) {
        findings.check(Invariant.REQUEST_ONCE);
        if (all.size() == 1) {
            return;
        }
        int debits = 0;
        int legs = 0;
        for (EventRef ref : all) {
            if (ref.kind == EventKind.TRANSFER_DEBITED) {
                debits++;
            } else if (ref.kind == EventKind.TRANSFER_CREDITED || ref.kind == EventKind.TRANSFER_REFUNDED) {
                legs++;
            }
        }
        if (debits == 1 && legs == 1 && all.size() == 2) {
            return; // the saga: a debit and its credit or refund
        }
        EventRef last = latest(all);
        eventFinding(
                Invariant.REQUEST_ONCE,
                "APPLIED_TWICE",
                last,
                entry.requestId(),
                "request " + entry.requestId() + " has " + all.size() + " events, more than one application: "
                        + describe(all));
    }

    // ---- TRANSFERS --------------------------------------------------------------------------------------------

    /** Returns true if the request is a transfer still in flight (debited, neither credited nor refunded). */
    private boolean checkTransfer(RequestEntry entry, List<EventRef> applied) {
        EventRef debit = null;
        EventRef leg = null;
        int debits = 0;
        int legs = 0;
        for (EventRef ref : applied) {
            if (ref.kind == EventKind.TRANSFER_DEBITED) {
                debits++;
                debit = ref;
            } else if (ref.kind == EventKind.TRANSFER_CREDITED || ref.kind == EventKind.TRANSFER_REFUNDED) {
                legs++;
                leg = ref;
            }
        }
        if (debits + legs == 0) {
            return false;
        }
        transfers++;
        findings.check(Invariant.TRANSFERS);
        if (debits > 1 || legs > 1) {
            eventFinding(
                    Invariant.TRANSFERS,
                    debits > 1 ? "DEBITED_TWICE" : "SETTLED_TWICE",
                    latest(applied),
                    entry.requestId(),
                    "transfer " + entry.requestId() + " has " + debits + " debits and " + legs + " credits/refunds: "
                            + describe(applied));
            // conservation still counts each unmatched leg below
        }
        if (debits >= 1 && legs == 0) {
            if (!filter.isEmpty() && !filter.contains(debit.counterparty)) {
                transfers--; // the destination's credit is outside the account filter: not verifiable
                return false;
            }
            boolean stuck = debit.timestampMs
                    < context.referenceTimeMs() - context.settings().inFlightGraceMs();
            for (EventRef ref : applied) {
                if (ref.kind == EventKind.TRANSFER_DEBITED) {
                    inFlightCount++;
                    inFlight(ref.currency)[0] += ref.amount;
                    inFlightListed.add(new AuditReport.InFlightTransfer(
                            entry.requestId(),
                            ref.accountId,
                            ref.counterparty,
                            ref.amount,
                            ref.currency,
                            ref.timestampMs,
                            ref.partition,
                            ref.offset,
                            stuck));
                    if (inFlightListed.size() > context.settings().maxFindings()) {
                        inFlightListed.pollLast();
                    }
                }
            }
            if (stuck) {
                stuckCount++;
                eventFinding(
                        Invariant.TRANSFERS,
                        "STUCK_TRANSFER",
                        debit,
                        entry.requestId(),
                        "transfer " + entry.requestId() + " of " + debit.amount + " " + debit.currency + " from "
                                + debit.accountId + " to " + debit.counterparty + " debited at " + debit.timestampMs
                                + " is neither credited nor refunded "
                                + context.settings().inFlightGraceMs()
                                + " ms before the end of the range (" + context.referenceTimeMs() + ")");
            }
            return true;
        }
        if (debits == 0) {
            String source = leg.kind == EventKind.TRANSFER_CREDITED ? leg.counterparty : leg.accountId;
            if (!filter.isEmpty() && !filter.contains(source)) {
                transfers--; // the source's debit is outside the account filter: not verifiable
                return false;
            }
            if (context.anyPartialStart()) {
                for (EventRef ref : applied) {
                    inFlight(ref.currency)[1] += ref.amount; // debited before the range started
                }
                return false;
            }
            eventFinding(
                    Invariant.TRANSFERS,
                    "CREDIT_WITHOUT_DEBIT",
                    leg,
                    entry.requestId(),
                    "transfer " + entry.requestId() + ": " + leg.describe() + " has no TransferDebited");
            return false;
        }
        if (debits == 1 && legs == 1) {
            boolean matches = leg.kind == EventKind.TRANSFER_CREDITED
                    ? leg.accountId.equals(debit.counterparty) && leg.counterparty.equals(debit.accountId)
                    : leg.accountId.equals(debit.accountId) && leg.counterparty.equals(debit.counterparty);
            if (!matches || leg.amount != debit.amount || !leg.currency.equals(debit.currency)) {
                eventFinding(
                        Invariant.TRANSFERS,
                        "MISMATCHED_LEGS",
                        leg,
                        entry.requestId(),
                        "transfer " + entry.requestId() + ": " + debit.describe() + " (" + debit.amount + " to "
                                + debit.counterparty + ") does not match " + leg.describe() + " (" + leg.amount
                                + " with " + leg.counterparty + ")");
            }
        }
        // unmatched amounts count for conservation: a debit settled twice leaves more credited than debited
        long settled = 0;
        long debited = 0;
        String currency = debit.currency;
        for (EventRef ref : applied) {
            if (ref.kind == EventKind.TRANSFER_DEBITED) {
                debited += ref.amount;
            } else if (ref.kind.isTransferLeg()) {
                settled += ref.amount;
            }
        }
        if (debited > settled) {
            inFlight(currency)[0] += debited - settled;
        } else if (settled > debited && context.anyPartialStart()) {
            inFlight(currency)[1] += settled - debited;
        }
        return false;
    }

    private long[] inFlight(String currency) {
        return inFlightByCurrency.computeIfAbsent(currency, c -> new long[2]);
    }

    // ---- OUTCOMES ---------------------------------------------------------------------------------------------

    private void checkOutcome(RequestEntry entry, List<EventRef> all, List<EventRef> applied, boolean inFlight) {
        OutcomeView outcome = entry.outcome;
        if (entry.outcomeCount > 1) {
            outcomeFinding(
                    "DUPLICATE_OUTCOME",
                    entry,
                    entry.requestId(),
                    "request " + entry.requestId() + " has " + entry.outcomeCount + " first (non-replay) outcomes");
        }
        if (!all.isEmpty()) {
            findings.check(Invariant.OUTCOMES);
            if (outcome == null) {
                long earliest = Long.MAX_VALUE;
                long latest = Long.MIN_VALUE;
                for (EventRef ref : all) {
                    earliest = Math.min(earliest, ref.timestampMs);
                    latest = Math.max(latest, ref.timestampMs);
                }
                if (earliest < context.outcomeCoverageStartMs()) {
                    outcomesExemptRetention++; // its outcome is older than the outcomes topic's retention
                } else if (inFlight && !isStuck(applied)) {
                    outcomesPending++; // a transfer's single outcome follows its last leg
                } else if (latest
                        > context.referenceTimeMs() - context.settings().inFlightGraceMs()) {
                    outcomesPending++; // too recent: the outcome may not be committed yet
                } else {
                    EventRef first = earliest(all);
                    eventFinding(
                            Invariant.OUTCOMES,
                            "MISSING_OUTCOME",
                            first,
                            entry.requestId(),
                            "request " + entry.requestId() + " has events but no outcome: " + describe(all));
                }
                return;
            }
            if (!verifiable(outcome, all)) {
                outcomesNotVerifiable++;
                return;
            }
            List<String> kinds = kinds(applied);
            String problem = mismatch(outcome, kinds, applied);
            if (problem != null && !context.fullRange() && partOf(outcome, kinds)) {
                outcomesNotVerifiable++; // the other events are outside the range
            } else if (problem != null) {
                outcomeFinding("OUTCOME_MISMATCH", entry, entry.requestId(), problem);
            }
            return;
        }
        if (outcome != null && outcome.accepted()) {
            findings.check(Invariant.OUTCOMES);
            if (!context.fullRange() || !filter.isEmpty() && !filter.contains(outcome.accountId())) {
                outcomesNotVerifiable++;
            } else if (outcome.processedAtMs()
                    > context.referenceTimeMs() - context.settings().inFlightGraceMs()) {
                outcomesPending++;
            } else {
                outcomeFinding(
                        "MISSING_EVENTS",
                        entry,
                        entry.requestId(),
                        "accepted " + outcome.commandType() + " " + entry.requestId() + " on " + outcome.accountId()
                                + " has no events");
            }
        }
    }

    private boolean isStuck(List<EventRef> applied) {
        for (EventRef ref : applied) {
            if (ref.kind == EventKind.TRANSFER_DEBITED
                    && ref.timestampMs
                            < context.referenceTimeMs() - context.settings().inFlightGraceMs()) {
                return true;
            }
        }
        return false;
    }

    /** With an account filter, an outcome is only compared with its events when all accounts are in the filter. */
    private boolean verifiable(OutcomeView outcome, List<EventRef> all) {
        if (filter.isEmpty()) {
            return true;
        }
        if (!filter.contains(outcome.accountId())) {
            return false;
        }
        for (EventRef ref : all) {
            if (ref.counterparty != null && !filter.contains(ref.counterparty)) {
                return false;
            }
        }
        return true;
    }

    /** The event types an outcome implies, sorted; null for an unknown command type. */
    private static List<String> expectedKinds(OutcomeView outcome) {
        if (!outcome.accepted()) {
            return OutcomeView.DESTINATION_REJECTED.equals(outcome.reason())
                    ? List.of("TransferDebited", "TransferRefunded") // or nothing, when decided in one step
                    : List.of();
        }
        return switch (outcome.commandType()) {
            case "OpenAccount" -> List.of("AccountOpened");
            case "Deposit" -> List.of("Credited");
            case "Withdraw" -> List.of("Debited");
            case "Transfer" -> List.of("TransferCredited", "TransferDebited");
            case "PlaceHold" -> List.of("HoldPlaced");
            case "CaptureHold" -> List.of("HoldCaptured");
            case "ReleaseHold" -> List.of("HoldReleased");
            default -> null;
        };
    }

    /** What is wrong between an outcome and the applied events of its request, or null. */
    private static String mismatch(OutcomeView outcome, List<String> kinds, List<EventRef> applied) {
        List<String> expected = expectedKinds(outcome);
        if (kinds.equals(expected) || !outcome.accepted() && kinds.isEmpty()) {
            return null;
        }
        if (!outcome.accepted()) {
            return "rejected " + outcome.commandType() + " " + outcome.requestId() + " (" + outcome.reason()
                    + ") has events: " + describe(applied);
        }
        return "accepted " + outcome.commandType() + " " + outcome.requestId() + " expects "
                + (expected == null ? "a known command type" : String.join("+", expected)) + " but has "
                + (applied.isEmpty() ? "no applied events" : describe(applied));
    }

    /** Whether the events are some, not all, of what the outcome implies (the rest may be outside the range). */
    private static boolean partOf(OutcomeView outcome, List<String> kinds) {
        List<String> expected = expectedKinds(outcome);
        if (expected == null || kinds.size() >= expected.size()) {
            return false;
        }
        List<String> rest = new ArrayList<>(expected);
        for (String kind : kinds) {
            if (!rest.remove(kind)) {
                return false;
            }
        }
        return true;
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    /** The sorted '+'-joined type names of the events. */
    private static List<String> kinds(List<EventRef> refs) {
        List<String> names = new ArrayList<>(refs.size());
        for (EventRef ref : refs) {
            names.add(ref.kind.typeName());
        }
        names.sort(null);
        return names;
    }

    static String describe(List<EventRef> refs) {
        List<EventRef> sorted = new ArrayList<>(refs);
        sorted.sort(Comparator.comparingInt((EventRef r) -> r.partition).thenComparingLong(r -> r.offset));
        StringBuilder text = new StringBuilder();
        int shown = 0;
        for (EventRef ref : sorted) {
            if (shown == 5) {
                text.append(", … ").append(sorted.size() - shown).append(" more");
                break;
            }
            if (shown > 0) {
                text.append(", ");
            }
            text.append(ref.describe());
            if (!ref.applied) {
                text.append(" (skipped)");
            }
            shown++;
        }
        return text.toString();
    }

    private static EventRef latest(List<EventRef> refs) {
        EventRef latest = refs.get(0);
        for (EventRef ref : refs) {
            if (ref.partition > latest.partition || ref.partition == latest.partition && ref.offset > latest.offset) {
                latest = ref;
            }
        }
        return latest;
    }

    private static EventRef earliest(List<EventRef> refs) {
        EventRef earliest = refs.get(0);
        for (EventRef ref : refs) {
            if (ref.partition < earliest.partition
                    || ref.partition == earliest.partition && ref.offset < earliest.offset) {
                earliest = ref;
            }
        }
        return earliest;
    }

    private void eventFinding(Invariant invariant, String kind, EventRef ref, String requestId, String message) {
        findings.add(
                invariant,
                kind,
                context.settings().eventsTopic(),
                ref.partition,
                ref.offset,
                ref.accountId,
                requestId,
                message);
    }

    private void outcomeFinding(String kind, RequestEntry entry, String requestId, String message) {
        findings.add(
                Invariant.OUTCOMES,
                kind,
                context.settings().outcomesTopic(),
                entry.outcomePartition,
                entry.outcomeOffset,
                entry.outcome == null ? null : entry.outcome.accountId(),
                requestId,
                message);
    }
}
