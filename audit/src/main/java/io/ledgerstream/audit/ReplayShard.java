package io.ledgerstream.audit;

import io.ledgerstream.core.AccountOpened;
import io.ledgerstream.core.AccountState;
import io.ledgerstream.core.ConsistentHash;
import io.ledgerstream.core.EventBody;
import io.ledgerstream.core.Hashes;
import io.ledgerstream.core.Hold;
import io.ledgerstream.core.HoldCaptured;
import io.ledgerstream.core.HoldExpired;
import io.ledgerstream.core.HoldPlaced;
import io.ledgerstream.core.HoldReleased;
import io.ledgerstream.core.InvariantViolation;
import io.ledgerstream.core.Ledger;
import io.ledgerstream.core.LedgerEvent;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One shard of the replay: owns the accounts routed to it (all events of an account go to one shard, in log order)
 * and logs what it sees of their requests for the request-level checks. Applies every event with {@link
 * Ledger#evolve}; when evolve refuses an event, diagnoses which invariant it breaks, records a finding at the event's
 * topic/partition/offset and either skips the event (a duplicate or a second event at an applied version) or
 * re-synchronises the account on the event's recorded values, so that every later, independent problem of the same
 * account is still named.
 *
 * <p>Not thread-safe: one thread feeds one shard.
 */
final class ReplayShard {
    /** ID of the placeholder hold that stands for the holds placed before a mid-log range (never a valid hold ID). */
    static final String PRE_RANGE_HOLDS = "";

    /** Bound on the initial capacity of one request log (events), whatever the expected event count. */
    static final long EXPECTED_EVENTS_PER_LOG_MAX = 1 << 22;

    private final LedgerAudit.Settings settings;
    private final int requestBuckets;
    final Map<String, AccountAudit> accounts = new HashMap<>(1024);
    /**
     * The same accounts by their ID's number in {@link #names} (null where the number is not an account of this
     * shard's): the hot path's lookup when the decoder numbered the ID, one array read instead of a hash lookup.
     */
    private AccountAudit[] accountsByName = new AccountAudit[1024];
    /**
     * What this shard saw of the requests, one log per request bucket ({@link LedgerAudit#requestBucket}), so the
     * buckets are indexed and checked separately and in parallel; allocated on first use (see {@link
     * #requestLogs()}).
     */
    private final RequestLog[] requests;

    private final int expectedEventsPerLog;

    /**
     * The account's version when the event being skipped arrived, if it claimed a version the account had passed and
     * only the request's other events can tell whether it is a copy or a fork; -1 otherwise. Set by {@link
     * #diagnoseRepeat}, taken by {@link #skip}.
     */
    private long repeatOfVersion = -1;

    private final StringPool names = new StringPool();
    final Findings findings;

    long eventsRead;
    long eventsApplied;
    long eventsSkipped;
    long holdExpiries;
    long filteredOut;
    long outcomesRead;
    long replayOutcomes;
    long reusedIdOutcomes;
    long undecodable;
    long maxEventTimestampMs = Long.MIN_VALUE;

    /**
     * @param requestBuckets the number of request buckets, {@code >= 1}
     * @param expectedEvents about how many events this shard will be fed, {@code >= 0} (0 if unknown)
     */
    ReplayShard(LedgerAudit.Settings settings, int requestBuckets, long expectedEvents) {
        this.settings = settings;
        this.requestBuckets = requestBuckets;
        this.requests = new RequestLog[requestBuckets];
        // sized for the expected events up front, with some slack for the buckets' spread (a log grows by doubling,
        // copying primitives only)
        long perLog = expectedEvents / requestBuckets;
        this.expectedEventsPerLog = (int) Math.max(16, Math.min(EXPECTED_EVENTS_PER_LOG_MAX, perLog + perLog / 16));
        this.findings = new Findings(settings.maxFindings());
    }

    // ---- inputs -----------------------------------------------------------------------------------------------

    void onUndecodable(String topic, int partition, long offset, String reason) {
        undecodable++;
        findings.check(Invariant.DECODE);
        findings.add(Invariant.DECODE, "UNDECODABLE", topic, partition, offset, null, null, reason);
    }

    void onOutcome(int partition, long offset, OutcomeView outcome) {
        outcomesRead++;
        findings.check(Invariant.DECODE);
        if (outcome.replay()) {
            replayOutcomes++;
            return;
        }
        if (OutcomeView.REQUEST_ID_REUSED.equals(outcome.reason())) {
            reusedIdOutcomes++;
            return;
        }
        byte[] id = RequestLog.bytesOf(outcome.requestId());
        int hash = RequestLog.hash(id, 0, id.length);
        requestLog(hash).addOutcome(outcome, id, hash, partition, offset);
    }

    void onEvent(int partition, long offset, LedgerEvent event) {
        onEvent(partition, offset, event, null);
    }

    /**
     * Replays an event.
     *
     * @param refs what the decoder learned of this event beyond it (its names numbered in this shard's {@link
     *     #names()}, its request ID's bytes), or null to work them out from the event
     */
    void onEvent(int partition, long offset, LedgerEvent event, EventDecoder.Refs refs) {
        String accountId = event.accountId();
        if (!settings.accounts().isEmpty() && !settings.accounts().contains(accountId)) {
            filteredOut++;
            return;
        }
        eventsRead++;
        if (event.timestampMs() > maxEventTimestampMs) {
            maxEventTimestampMs = event.timestampMs();
        }
        findings.check(Invariant.DECODE);
        AccountAudit account = refs != null && refs.account >= 0 && refs.account < accountsByName.length
                ? accountsByName[refs.account]
                : null;
        if (account == null) {
            account = account(accountId);
        }
        if (settings.partitionCount() > 0) {
            findings.check(Invariant.PLACEMENT);
            if (account.ownerPartition != partition) {
                addFinding(
                        Invariant.PLACEMENT,
                        "MISPLACED",
                        partition,
                        offset,
                        event,
                        "account " + accountId + " belongs to partition " + account.ownerPartition + " of "
                                + settings.partitionCount());
            }
        }
        findings.check(Invariant.VERSIONS);
        findings.check(Invariant.HASH_CHAIN);
        findings.check(Invariant.TRANSITIONS);
        if (account.broken) {
            skip(account, event, partition, offset, refs);
            return;
        }
        AccountState next;
        try {
            if (account.anchored) {
                materializePreRangeHold(account, event);
            }
            next = Ledger.evolve(account.state, event);
        } catch (InvariantViolation violation) {
            next = diagnose(account, event, violation, partition, offset);
            if (next == null) {
                skip(account, event, partition, offset, refs);
                return;
            }
        }
        accept(account, event, next, partition, offset, refs);
    }

    /** The account with this ID, created on its first event. */
    private AccountAudit account(String accountId) {
        AccountAudit account = accounts.get(accountId);
        if (account == null) {
            account = new AccountAudit(accountId, names.id(accountId));
            accounts.put(accountId, account);
            if (settings.partitionCount() > 0) {
                account.ownerPartition = ConsistentHash.partition(accountId, settings.partitionCount());
            }
            if (account.nameId >= accountsByName.length) {
                accountsByName = Arrays.copyOf(accountsByName, Math.max(account.nameId + 1, accountsByName.length * 2));
            }
            accountsByName[account.nameId] = account;
        }
        return account;
    }

    // ---- the sequence of an account ---------------------------------------------------------------------------

    /** Records an event that joined the account's sequence (applied by evolve, or re-synchronised on). */
    private void accept(
            AccountAudit account,
            LedgerEvent event,
            AccountState next,
            int partition,
            long offset,
            EventDecoder.Refs refs) {
        eventsApplied++;
        EventBody body = event.body();
        boolean first = !account.hasBalance;
        if (first) {
            account.currency = event.currency();
            if (body instanceof AccountOpened opened && !account.anchored) {
                account.declaredOverdraft = opened.overdraftLimit();
            }
        }
        account.state = next;

        if (account.declaredOverdraft >= 0) {
            findings.check(Invariant.MIN_BALANCE);
            long available = event.balanceAfter() - event.heldAfter();
            boolean overflow = ((event.balanceAfter() ^ event.heldAfter()) & (event.balanceAfter() ^ available)) < 0;
            if (overflow || available < -account.declaredOverdraft) {
                addFinding(
                        Invariant.MIN_BALANCE,
                        "BELOW_MINIMUM",
                        partition,
                        offset,
                        event,
                        "available balance " + (overflow ? "overflows" : available) + " (balance "
                                + event.balanceAfter() + " - held " + event.heldAfter() + ") is below the minimum "
                                + -account.declaredOverdraft + " (overdraft limit " + account.declaredOverdraft + ")");
            }
        }

        findings.check(Invariant.CONSERVATION);
        long flow = EventKind.balanceFlow(body);
        long previous;
        if (first) {
            previous = account.anchored ? event.balanceAfter() - flow : 0;
            account.openingBalance = account.anchored ? previous : 0;
        } else {
            previous = account.lastBalanceAfter;
        }
        long moved = event.balanceAfter() - previous;
        if (moved != flow) {
            addFinding(
                    Invariant.CONSERVATION,
                    "UNBALANCED_EVENT",
                    partition,
                    offset,
                    event,
                    "balance moved by " + moved + " (" + previous + " -> " + event.balanceAfter() + ") but the "
                            + EventKind.of(body).typeName() + " accounts for " + flow);
        }
        account.lastBalanceAfter = event.balanceAfter();
        account.hasBalance = true;
        EventKind kind = EventKind.of(body);
        long amount = EventKind.amount(body);
        if (kind == EventKind.HOLD_PLACED || EventKind.endedHold(body) != null) {
            findings.check(Invariant.HOLDS);
        }
        switch (kind) {
            case CREDITED -> account.deposits += amount;
            case DEBITED -> account.withdrawals += amount;
            case HOLD_CAPTURED -> account.captured += amount;
            default -> {
                // transfer legs are matched per request; holds and openings move no money
            }
        }

        if (settings.asOfMs() != null && !account.asOfFrozen) {
            if (event.timestampMs() <= settings.asOfMs()) {
                account.asOfState = next;
            } else {
                account.asOfFrozen = true;
            }
        }
        account.lastPartition = partition;
        account.lastOffset = offset;
        account.events++;
        recordRequest(account, event, kind, amount, true, partition, offset, -1, refs);
    }

    /** Records an event that did not join the sequence (a duplicate, a fork, or an account beyond repair). */
    private void skip(AccountAudit account, LedgerEvent event, int partition, long offset, EventDecoder.Refs refs) {
        eventsSkipped++;
        long repeatOf = repeatOfVersion;
        repeatOfVersion = -1;
        recordRequest(
                account,
                event,
                EventKind.of(event.body()),
                EventKind.amount(event.body()),
                false,
                partition,
                offset,
                repeatOf,
                refs);
    }

    /**
     * Logs an event for the request-level checks (not the engine's hold expiries, which belong to no request).
     *
     * @param repeatOf the account's version if the event claimed a version the account had passed ({@link
     *     #repeatOfVersion}), else -1
     * @param refs see {@link #onEvent(int, long, LedgerEvent, EventDecoder.Refs)}
     */
    private void recordRequest(
            AccountAudit account,
            LedgerEvent event,
            EventKind kind,
            long amount,
            boolean applied,
            int partition,
            long offset,
            long repeatOf,
            EventDecoder.Refs refs) {
        if (isEngineExpiry(kind, event)) {
            holdExpiries++; // the engine's own hold expiry: no request, no outcome
            return;
        }
        EventBody body = event.body();
        byte[] id;
        int idStart;
        int idLength;
        int counterparty;
        int currency;
        if (refs != null && RequestLog.isAscii(refs.requestIdData, refs.requestIdStart, refs.requestIdLength)) {
            // the record's bytes are the UTF-8 encoding of the decoded ID only if they are ASCII (malformed UTF-8
            // decodes to replacement characters): else the ID is encoded again, as the outcomes' IDs are
            id = refs.requestIdData;
            idStart = refs.requestIdStart;
            idLength = refs.requestIdLength;
        } else {
            id = RequestLog.bytesOf(event.requestId());
            idStart = 0;
            idLength = id.length;
        }
        if (refs != null) {
            counterparty = refs.counterparty;
            currency = kind.isTransferLeg() ? refs.currency : -1;
        } else {
            counterparty = names.id(EventKind.counterparty(body));
            currency = kind.isTransferLeg() ? names.id(event.currency()) : -1;
        }
        int hash = RequestLog.hash(id, idStart, idLength);
        RequestLog log = requestLog(hash);
        int logged = log.addEvent(
                id,
                idStart,
                idLength,
                hash,
                kind,
                applied,
                partition,
                offset,
                event.version(),
                amount,
                event.timestampMs(),
                account.nameId,
                counterparty,
                currency);
        if (repeatOf >= 0) {
            log.markRepeat(logged, repeatOf);
        }
    }

    /** Whether an event is one of the engine's own hold expiries ({@link Ledger#EXPIRY_REQUEST_ID_PREFIX}). */
    private static boolean isEngineExpiry(EventKind kind, LedgerEvent event) {
        return kind == EventKind.HOLD_EXPIRED && event.requestId().startsWith(Ledger.EXPIRY_REQUEST_ID_PREFIX);
    }

    // ---- diagnosis --------------------------------------------------------------------------------------------

    /**
     * Names the invariant an event broke. Returns the state to continue with (re-synchronised on the event), or null
     * if the event must be skipped.
     */
    private AccountState diagnose(
            AccountAudit account, LedgerEvent event, InvariantViolation violation, int partition, long offset) {
        AccountState state = account.state;
        if (state == null) {
            return diagnoseFirst(account, event, violation, partition, offset);
        }
        long version = state.version();
        if (event.version() <= version) {
            diagnoseRepeat(account, event, partition, offset);
            return null;
        }
        if (event.version() > version + 1) {
            addFinding(
                    Invariant.VERSIONS,
                    "VERSION_GAP",
                    partition,
                    offset,
                    event,
                    (event.version() == version + 2
                                    ? "version " + (version + 1) + " is missing"
                                    : "versions " + (version + 1) + ".." + (event.version() - 1) + " are missing")
                            + " before this event (removed events); the previous event is at " + account.lastPartition
                            + "@" + account.lastOffset);
        } else if (!Arrays.equals(event.prevHash(), state.lastHash())) {
            addFinding(
                    Invariant.HASH_CHAIN,
                    "CHAIN_BROKEN",
                    partition,
                    offset,
                    event,
                    "prevHash " + shortHex(event.prevHash()) + " is not the hash " + shortHex(state.lastHash())
                            + " of version " + version + " (an event was inserted, replaced or removed)");
        } else if (!event.hasValidHash()) {
            addFinding(
                    Invariant.HASH_CHAIN,
                    "HASH_MISMATCH",
                    partition,
                    offset,
                    event,
                    "hash " + shortHex(event.hash()) + " does not recompute (expected " + shortHex(event.expectedHash())
                            + "): the event was altered");
        } else {
            String holdProblem = holdProblem(state, event);
            if (holdProblem != null) {
                addFinding(Invariant.HOLDS, holdKind(event.body()), partition, offset, event, holdProblem);
            } else if (!(belowDeclaredMinimum(account, event)
                    && balanceAddsUp(state, event)
                    && event.currency().equals(state.currency()))) {
                addTransition(event, violation, partition, offset);
            }
            // else: only the minimum was broken, which the MIN_BALANCE check in accept() names
        }
        return resync(account, event, partition, offset);
    }

    private AccountState diagnoseFirst(
            AccountAudit account, LedgerEvent event, InvariantViolation violation, int partition, long offset) {
        if (event.body() instanceof AccountOpened && event.version() == 1) {
            if (!Hashes.isGenesis(event.prevHash())) {
                addFinding(
                        Invariant.HASH_CHAIN,
                        "CHAIN_BROKEN",
                        partition,
                        offset,
                        event,
                        "the first event's prevHash " + shortHex(event.prevHash()) + " is not the genesis hash");
            } else if (!event.hasValidHash()) {
                addFinding(
                        Invariant.HASH_CHAIN,
                        "HASH_MISMATCH",
                        partition,
                        offset,
                        event,
                        "hash does not recompute: the AccountOpened event was altered");
            } else {
                addTransition(event, violation, partition, offset);
            }
            return resync(account, event, partition, offset);
        }
        if (event.version() > 1 && settings.partialStartPartitions().contains(partition)) {
            AccountState seed = anchor(account, event, partition, offset);
            if (seed == null) {
                return null;
            }
            try {
                materializePreRangeHold(account, event);
                return Ledger.evolve(account.state, event);
            } catch (InvariantViolation again) {
                return diagnose(account, event, again, partition, offset);
            }
        }
        if (event.version() > 1) {
            addFinding(
                    Invariant.VERSIONS,
                    "MISSING_START",
                    partition,
                    offset,
                    event,
                    "the account's first event is version " + event.version() + ": "
                            + (event.version() == 2 ? "version 1 is" : "versions 1.." + (event.version() - 1) + " are")
                            + " missing (removed events)");
        } else {
            addTransition(event, violation, partition, offset);
        }
        return resync(account, event, partition, offset);
    }

    private void diagnoseRepeat(AccountAudit account, LedgerEvent event, int partition, long offset) {
        AccountState state = account.state;
        if (event.version() == state.version() && Arrays.equals(event.hash(), state.lastHash())) {
            addFinding(
                    Invariant.VERSIONS,
                    "DUPLICATE_EVENT",
                    partition,
                    offset,
                    event,
                    "a copy of version " + event.version() + " already applied at " + account.lastPartition + "@"
                            + account.lastOffset + "; skipped");
            return;
        }
        if (isEngineExpiry(EventKind.of(event.body()), event)) { // never logged: no earlier event to be a copy of
            addFinding(
                    Invariant.HASH_CHAIN,
                    "CONFLICTING_EVENT",
                    partition,
                    offset,
                    event,
                    RequestChecks.conflictingEvent(event.version(), state.version()));
            return;
        }
        // a copy of an earlier event of the same request (DUPLICATE_EVENT) or a fork (CONFLICTING_EVENT): told apart
        // by RequestChecks#checkRepeats once every event of the request is indexed
        repeatOfVersion = state.version();
    }

    private void addTransition(LedgerEvent event, InvariantViolation violation, int partition, long offset) {
        addFinding(Invariant.TRANSITIONS, "INVALID_TRANSITION", partition, offset, event, violation.getMessage());
    }

    private static boolean belowDeclaredMinimum(AccountAudit account, LedgerEvent event) {
        return account.declaredOverdraft >= 0 && event.balanceAfter() - event.heldAfter() < -account.declaredOverdraft;
    }

    private static boolean balanceAddsUp(AccountState state, LedgerEvent event) {
        return state.balance() + EventKind.balanceFlow(event.body()) == event.balanceAfter()
                && state.held() + EventKind.heldFlow(event.body()) == event.heldAfter();
    }

    /** What is wrong with the hold an event places or ends, or null. */
    private static String holdProblem(AccountState state, LedgerEvent event) {
        EventBody body = event.body();
        if (body instanceof HoldPlaced placed) {
            return state.holds().containsKey(placed.holdId())
                    ? "hold " + placed.holdId() + " is placed while already active"
                    : null;
        }
        String holdId = EventKind.endedHold(body);
        if (holdId == null) {
            return null;
        }
        Hold hold = state.holds().get(holdId);
        if (hold == null) {
            return "hold " + holdId + " is not active (never placed, or already captured, released or expired)";
        }
        long ended = -EventKind.heldFlow(body);
        if (ended != hold.amount()) {
            String verb = body instanceof HoldCaptured
                    ? "captured + released"
                    : body instanceof HoldReleased ? "released" : "expired";
            return verb + " " + ended + " but " + hold.amount() + " was placed";
        }
        if (body instanceof HoldCaptured captured && (captured.amount() <= 0 || captured.releasedAmount() < 0)) {
            return "captured " + captured.amount() + ", released " + captured.releasedAmount();
        }
        if (body instanceof HoldExpired && hold.expiresAtMs() > event.timestampMs()) {
            return "hold " + holdId + " expired at " + event.timestampMs() + ", before its expiry "
                    + hold.expiresAtMs();
        }
        return null;
    }

    private static String holdKind(EventBody body) {
        if (body instanceof HoldPlaced) {
            return "HOLD_ALREADY_ACTIVE";
        }
        return "HOLD_MISMATCH";
    }

    // ---- re-synchronisation -----------------------------------------------------------------------------------

    /**
     * Continues an account from an event evolve refused: the state takes the event's recorded version, hash and
     * balances, and the holds the body places or ends. Returns null (and marks the account broken) if even that is
     * impossible.
     */
    private AccountState resync(AccountAudit account, LedgerEvent event, int partition, long offset) {
        AccountState state = account.state;
        TreeMap<String, Hold> holds = new TreeMap<>();
        if (state != null) {
            holds.putAll(state.holds());
        }
        EventBody body = event.body();
        if (body instanceof HoldPlaced placed) {
            holds.put(placed.holdId(), new Hold(placed.holdId(), placed.amount(), placed.expiresAtMs()));
        } else if (EventKind.endedHold(body) != null) {
            holds.remove(EventKind.endedHold(body));
        }
        long sum = 0;
        for (Hold hold : holds.values()) {
            sum += hold.amount();
        }
        if (sum != event.heldAfter()) {
            Hold placeholder = holds.remove(PRE_RANGE_HOLDS);
            long rest = sum - (placeholder == null ? 0 : placeholder.amount());
            long missing = event.heldAfter() - rest;
            if (missing > 0) {
                holds.put(PRE_RANGE_HOLDS, new Hold(PRE_RANGE_HOLDS, missing, Long.MAX_VALUE));
            } else if (missing < 0) {
                holds.clear();
                if (event.heldAfter() > 0) {
                    holds.put(PRE_RANGE_HOLDS, new Hold(PRE_RANGE_HOLDS, event.heldAfter(), Long.MAX_VALUE));
                }
            }
        }
        long overdraft = state != null ? state.overdraftLimit() : Math.max(0, account.declaredOverdraft);
        if (state == null && body instanceof AccountOpened opened && opened.overdraftLimit() >= 0) {
            overdraft = opened.overdraftLimit();
        }
        try {
            long available = Math.subtractExact(event.balanceAfter(), event.heldAfter());
            if (available < -overdraft) {
                overdraft = -available; // keep replaying; MIN_BALANCE checks the declared limit itself
            }
            return new AccountState(
                    event.accountId(),
                    state != null ? state.currency() : event.currency(),
                    overdraft,
                    event.balanceAfter(),
                    event.version(),
                    holds,
                    event.hash());
        } catch (InvariantViolation | ArithmeticException e) {
            account.broken = true;
            addFinding(
                    Invariant.TRANSITIONS,
                    "UNREPLAYABLE",
                    partition,
                    offset,
                    event,
                    "the account cannot be replayed past this event (" + e.getMessage()
                            + "); its later events are only counted");
            return null;
        }
    }

    /**
     * Seeds an account whose first event in a mid-log range is not version 1: the state before the event is derived
     * from its recorded values (balance and held before it, version - 1, prevHash). The overdraft limit is unknown
     * (so MIN_BALANCE is not checked for it) and the holds placed before the range are one placeholder hold, from
     * which {@link #materializePreRangeHold} carves each pre-range hold when an event ends it.
     */
    private AccountState anchor(AccountAudit account, LedgerEvent event, int partition, long offset) {
        long balanceBefore = event.balanceAfter() - EventKind.balanceFlow(event.body());
        long heldBefore = event.heldAfter() - EventKind.heldFlow(event.body());
        SortedMap<String, Hold> holds = new TreeMap<>();
        if (heldBefore > 0) {
            holds.put(PRE_RANGE_HOLDS, new Hold(PRE_RANGE_HOLDS, heldBefore, Long.MAX_VALUE));
        }
        account.anchored = true;
        try {
            account.state = new AccountState(
                    event.accountId(),
                    event.currency(),
                    Long.MAX_VALUE,
                    balanceBefore,
                    event.version() - 1,
                    holds,
                    event.prevHash());
            return account.state;
        } catch (InvariantViolation e) {
            account.broken = true;
            addFinding(
                    Invariant.TRANSITIONS,
                    "UNREPLAYABLE",
                    partition,
                    offset,
                    event,
                    "cannot anchor the account on its first event in the range (" + e.getMessage() + ")");
            return null;
        }
    }

    /** For an anchored account, turns part of the pre-range placeholder into the hold an event ends. */
    private static void materializePreRangeHold(AccountAudit account, LedgerEvent event) {
        AccountState state = account.state;
        String holdId = EventKind.endedHold(event.body());
        if (state == null || holdId == null || state.holds().containsKey(holdId)) {
            return;
        }
        Hold placeholder = state.holds().get(PRE_RANGE_HOLDS);
        long amount = -EventKind.heldFlow(event.body());
        if (placeholder == null || amount <= 0 || placeholder.amount() < amount) {
            return;
        }
        TreeMap<String, Hold> holds = new TreeMap<>(state.holds());
        holds.remove(PRE_RANGE_HOLDS);
        if (placeholder.amount() > amount) {
            holds.put(PRE_RANGE_HOLDS, new Hold(PRE_RANGE_HOLDS, placeholder.amount() - amount, Long.MAX_VALUE));
        }
        holds.put(holdId, new Hold(holdId, amount, event.timestampMs()));
        account.state = new AccountState(
                state.accountId(),
                state.currency(),
                state.overdraftLimit(),
                state.balance(),
                state.version(),
                holds,
                state.lastHash());
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    /** Numbers this shard's account IDs and currencies; its decoder numbers the names it reads with it. */
    StringPool names() {
        return names;
    }

    /** This shard's log for the request bucket of a request ID hash. */
    private RequestLog requestLog(int requestHash) {
        return requestLogs()[LedgerAudit.requestBucket(requestHash, requestBuckets)];
    }

    /**
     * This shard's request logs, allocated on first use: by the replay thread that feeds the shard, so that the
     * shards allocate (and the JVM zeroes) their logs in parallel while they read, not up front on one thread;
     * presized for the expected events unless the shard read nothing. Not thread-safe: the feeding thread calls it,
     * then the finishing thread (after the feeding threads are joined), before any parallel check reads the logs.
     */
    RequestLog[] requestLogs() {
        if (requests[0] == null) {
            boolean empty = eventsRead == 0 && outcomesRead == 0;
            for (int i = 0; i < requests.length; i++) {
                requests[i] = new RequestLog(names, empty ? 16 : expectedEventsPerLog);
            }
        }
        return requests;
    }

    private void addFinding(
            Invariant invariant, String kind, int partition, long offset, LedgerEvent event, String message) {
        findings.add(
                invariant,
                kind,
                settings.eventsTopic(),
                partition,
                offset,
                event.accountId(),
                event.requestId(),
                event.accountId() + " v" + event.version() + " "
                        + EventKind.of(event.body()).typeName() + ": " + message);
    }

    static String shortHex(byte[] hash) {
        String hex = Hashes.toHex(hash);
        return hex.length() > 12 ? hex.substring(0, 12) + "…" : hex;
    }
}
