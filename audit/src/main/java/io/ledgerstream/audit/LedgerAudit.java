package io.ledgerstream.audit;

import io.ledgerstream.core.AccountState;
import io.ledgerstream.core.ConsistentHash;
import io.ledgerstream.core.Hashes;
import io.ledgerstream.core.LedgerEvent;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.apache.kafka.common.utils.Utils;

/**
 * The in-memory audit: fed with core ledger events and outcomes in log order, it rebuilds every account with {@link
 * io.ledgerstream.core.Ledger#evolve} and, at {@link #finish}, checks the request-level invariants and builds the
 * {@link AuditReport}. {@link Auditor} feeds it from Kafka; tests and benchmarks feed it directly.
 *
 * <p>The work is split into {@code shards}: every event of an account must go to the same shard, in log order
 * ({@link #shardOf} decides, by the account ID's bytes, as Kafka record keys are); each shard may be fed by its own
 * thread. {@link #onEvent}, {@link #onOutcome} and {@link #onUndecodable} route for a single feeding thread. Memory:
 * one entry per account (its state) and, in primitive arrays, per request its ID's UTF-8 bytes and about 40 bytes
 * (75 with outcomes), per event about 55 bytes (no hashes, no object per request or event).
 *
 * <p>Not thread-safe, except that distinct shards may be fed by distinct threads; {@link #finish} once, after all
 * feeding threads are done (with a happens-before edge, e.g. {@link Thread#join}).
 */
public final class LedgerAudit {

    /**
     * What the audit checks and how it reports. Immutable.
     *
     * @param eventsTopic the events topic, named in findings; not null
     * @param outcomesTopic the outcomes topic, or null when outcomes are not audited (OUTCOMES is then skipped)
     * @param accounts account IDs to audit; empty for all. With a filter, CONSERVATION's end-of-range sums are not
     *     checked (transfers leave the filtered set) and transfers or outcomes involving other accounts are not
     *     verifiable
     * @param asOfMs report each account's state after its last event at or before this time, epoch milliseconds; or
     *     null
     * @param partitionCount the events topic's partition count, for the PLACEMENT check; 0 skips it
     * @param partialStartPartitions partitions whose range starts after the log start: an account whose first event
     *     there is not version 1 is anchored on that event instead of reported; not null
     * @param partialEnd whether the range ends before the log end on some partition
     * @param inFlightGraceMs how long a transfer may stay in flight, and an outcome may lag its events, before the end
     *     of the range, in milliseconds, {@code >= 0}
     * @param maxFindings how many findings (and in-flight transfers, live differences) to list per invariant, {@code
     *     >= 1}; counts are always exact
     */
    public record Settings(
            String eventsTopic,
            String outcomesTopic,
            Set<String> accounts,
            Long asOfMs,
            int partitionCount,
            Set<Integer> partialStartPartitions,
            boolean partialEnd,
            long inFlightGraceMs,
            int maxFindings) {

        /** Default of {@link #inFlightGraceMs}: one minute. */
        public static final long DEFAULT_IN_FLIGHT_GRACE_MS = 60_000L;

        /** Default of {@link #maxFindings}. */
        public static final int DEFAULT_MAX_FINDINGS = 20;

        /**
         * Validates and copies.
         *
         * @param eventsTopic see the record component
         * @param outcomesTopic see the record component
         * @param accounts see the record component
         * @param asOfMs see the record component
         * @param partitionCount see the record component
         * @param partialStartPartitions see the record component
         * @param partialEnd see the record component
         * @param inFlightGraceMs see the record component
         * @param maxFindings see the record component
         */
        public Settings {
            Objects.requireNonNull(eventsTopic, "eventsTopic");
            accounts = Set.copyOf(Objects.requireNonNull(accounts, "accounts"));
            partialStartPartitions =
                    Set.copyOf(Objects.requireNonNull(partialStartPartitions, "partialStartPartitions"));
            if (partitionCount < 0) {
                throw new IllegalArgumentException("partitionCount must be >= 0, was " + partitionCount);
            }
            if (inFlightGraceMs < 0) {
                throw new IllegalArgumentException("inFlightGraceMs must be >= 0, was " + inFlightGraceMs);
            }
            if (maxFindings < 1) {
                throw new IllegalArgumentException("maxFindings must be >= 1, was " + maxFindings);
            }
        }

        /**
         * Whole-log settings: all accounts, no as-of, no placement check, the default grace and finding limit.
         *
         * @param eventsTopic the events topic; not null
         * @param outcomesTopic the outcomes topic, or null to skip OUTCOMES
         * @return the settings
         */
        public static Settings of(String eventsTopic, String outcomesTopic) {
            return new Settings(
                    eventsTopic,
                    outcomesTopic,
                    Set.of(),
                    null,
                    0,
                    Set.of(),
                    false,
                    DEFAULT_IN_FLIGHT_GRACE_MS,
                    DEFAULT_MAX_FINDINGS);
        }

        /**
         * A copy with another account filter.
         *
         * @param accounts the accounts; empty for all
         * @return the copy
         */
        public Settings withAccounts(Set<String> accounts) {
            return new Settings(
                    eventsTopic,
                    outcomesTopic,
                    accounts,
                    asOfMs,
                    partitionCount,
                    partialStartPartitions,
                    partialEnd,
                    inFlightGraceMs,
                    maxFindings);
        }

        /**
         * A copy with another as-of time.
         *
         * @param asOfMs epoch milliseconds, or null
         * @return the copy
         */
        public Settings withAsOfMs(Long asOfMs) {
            return new Settings(
                    eventsTopic,
                    outcomesTopic,
                    accounts,
                    asOfMs,
                    partitionCount,
                    partialStartPartitions,
                    partialEnd,
                    inFlightGraceMs,
                    maxFindings);
        }

        /**
         * A copy with another partition count.
         *
         * @param partitionCount the events topic's partition count; 0 skips PLACEMENT
         * @return the copy
         */
        public Settings withPartitionCount(int partitionCount) {
            return new Settings(
                    eventsTopic,
                    outcomesTopic,
                    accounts,
                    asOfMs,
                    partitionCount,
                    partialStartPartitions,
                    partialEnd,
                    inFlightGraceMs,
                    maxFindings);
        }

        /**
         * A copy with another range shape.
         *
         * @param partialStartPartitions partitions whose range starts mid-log
         * @param partialEnd whether the range ends before the log end
         * @return the copy
         */
        public Settings withRange(Set<Integer> partialStartPartitions, boolean partialEnd) {
            return new Settings(
                    eventsTopic,
                    outcomesTopic,
                    accounts,
                    asOfMs,
                    partitionCount,
                    partialStartPartitions,
                    partialEnd,
                    inFlightGraceMs,
                    maxFindings);
        }

        /**
         * A copy with another in-flight grace.
         *
         * @param inFlightGraceMs milliseconds, {@code >= 0}
         * @return the copy
         */
        public Settings withInFlightGraceMs(long inFlightGraceMs) {
            return new Settings(
                    eventsTopic,
                    outcomesTopic,
                    accounts,
                    asOfMs,
                    partitionCount,
                    partialStartPartitions,
                    partialEnd,
                    inFlightGraceMs,
                    maxFindings);
        }

        /**
         * A copy with another finding limit.
         *
         * @param maxFindings {@code >= 1}
         * @return the copy
         */
        public Settings withMaxFindings(int maxFindings) {
            return new Settings(
                    eventsTopic,
                    outcomesTopic,
                    accounts,
                    asOfMs,
                    partitionCount,
                    partialStartPartitions,
                    partialEnd,
                    inFlightGraceMs,
                    maxFindings);
        }
    }

    /**
     * An account as the engine's state store holds it (the latest record of its changelog), for LIVE_STATE.
     *
     * @param accountId the account; not null
     * @param currency the currency; not null
     * @param balance booked balance, minor units
     * @param held sum of active holds, minor units
     * @param version number of events applied
     * @param lastHash hash of the last applied event; not null
     * @param partition the changelog record's partition
     * @param offset the changelog record's offset
     */
    public record LiveAccount(
            String accountId,
            String currency,
            long balance,
            long held,
            long version,
            byte[] lastHash,
            int partition,
            long offset) {
        /**
         * Checks the non-null components.
         *
         * @param accountId see the record component
         * @param currency see the record component
         * @param balance see the record component
         * @param held see the record component
         * @param version see the record component
         * @param lastHash see the record component
         * @param partition see the record component
         * @param offset see the record component
         */
        public LiveAccount {
            Objects.requireNonNull(accountId, "accountId");
            Objects.requireNonNull(currency, "currency");
            Objects.requireNonNull(lastHash, "lastHash");
        }
    }

    /**
     * Facts about the run that only the reader knows. Immutable.
     *
     * @param source what was read; not null
     * @param startedAtMs when the audit started, epoch milliseconds
     * @param durationMs how long reading and checking took, milliseconds
     * @param recordsRead records read from Kafka (events and outcomes, before the account filter)
     * @param referenceTimeMs the end of the range in time, epoch milliseconds: transfers debited more than the grace
     *     before it and not settled are stuck
     * @param outcomeCoverageStartMs events before this time may have lost their outcome to the outcomes topic's
     *     retention; {@link Long#MIN_VALUE} if the outcomes topic is complete
     * @param interrupted whether the run was cancelled before the end of the range
     */
    public record RunInfo(
            AuditReport.Source source,
            long startedAtMs,
            long durationMs,
            long recordsRead,
            long referenceTimeMs,
            long outcomeCoverageStartMs,
            boolean interrupted) {
        /**
         * Checks the source.
         *
         * @param source see the record component
         * @param startedAtMs see the record component
         * @param durationMs see the record component
         * @param recordsRead see the record component
         * @param referenceTimeMs see the record component
         * @param outcomeCoverageStartMs see the record component
         * @param interrupted see the record component
         */
        public RunInfo {
            Objects.requireNonNull(source, "source");
        }
    }

    /**
     * Target events in one shard's log of one request bucket (see {@link #requestBuckets}): small enough that a log's
     * arrays (64 bytes of longs and ~40 bytes of ID per event, see {@link RequestLog}) stay under G1's humongous-object
     * threshold, half a region, even at its smallest region size (1 MB).
     */
    static final long EVENTS_PER_LOG = 1 << 12;

    /** Most request buckets. */
    static final int REQUEST_BUCKETS_MAX = 1 << 14;

    private final Settings settings;
    private final ReplayShard[] shards;
    private final int requestBuckets;
    private String liveTopic;
    private Map<String, LiveAccount> live;
    private boolean finished;

    /**
     * Creates an audit with one shard.
     *
     * @param settings what to check; not null
     */
    public LedgerAudit(Settings settings) {
        this(settings, 1);
    }

    /**
     * Creates an audit.
     *
     * @param settings what to check; not null
     * @param shards number of shards, 1 to 256: one feeding thread each
     */
    public LedgerAudit(Settings settings, int shards) {
        this(settings, shards, 0);
    }

    /**
     * Creates an audit sized for a known number of events (its request logs are allocated at that size, not grown).
     *
     * @param settings what to check; not null
     * @param shards number of shards, 1 to 256: one feeding thread each
     * @param expectedEvents about how many events will be fed, {@code >= 0} (0 if unknown)
     */
    public LedgerAudit(Settings settings, int shards, long expectedEvents) {
        this.settings = Objects.requireNonNull(settings, "settings");
        if (shards < 1 || shards > 256) {
            throw new IllegalArgumentException("shards must be in [1, 256], was " + shards);
        }
        this.shards = new ReplayShard[shards];
        long expected = Math.max(0, expectedEvents);
        this.requestBuckets = requestBuckets(shards, expected);
        for (int i = 0; i < shards; i++) {
            this.shards[i] = new ReplayShard(settings, requestBuckets, expected / shards);
        }
    }

    /**
     * The settings.
     *
     * @return the settings; never null
     */
    public Settings settings() {
        return settings;
    }

    /**
     * Number of shards.
     *
     * @return the shard count
     */
    public int shardCount() {
        return shards.length;
    }

    /**
     * The shard an account's events go to, decided by the account ID alone (so a misplaced event still meets its
     * account's other events). When the events topic's partitions spread evenly over the shards, the shard of the
     * partition that owns the account ({@link ConsistentHash#partition(byte[], int)} of the ID, whatever partition
     * the record is on): the two legs of a same-partition transfer are then replayed by one shard, so its request is
     * indexed once. Otherwise murmur2 of the ID's bytes, modulo the shard count.
     *
     * @param keyBytes the record key (the account ID's UTF-8 bytes), or null
     * @param shardCount the shard count, {@code >= 1}
     * @param partitionCount the events topic's partition count, or 0 if unknown
     * @return the shard, in {@code [0, shardCount)}
     */
    public static int shardOf(byte[] keyBytes, int shardCount, int partitionCount) {
        if (keyBytes == null || shardCount == 1) {
            return 0;
        }
        if (partitionCount > 0 && (partitionCount % shardCount == 0 || partitionCount >= 4 * shardCount)) {
            return ConsistentHash.partition(keyBytes, partitionCount) % shardCount;
        }
        return Utils.toPositive(Utils.murmur2(keyBytes)) % shardCount;
    }

    /**
     * The request bucket of a request ID, from its {@link RequestLog#hash}'s high bits (a bucket's {@link
     * RequestIndex} places it by the low bits, so every bucket's table uses all its slots).
     */
    static int requestBucket(int requestHash, int bucketCount) {
        return (int) (((requestHash & 0xFFFF_FFFFL) * bucketCount) >>> 32);
    }

    /**
     * How many request buckets an audit of about {@code expectedEvents} events over {@code shards} shards uses: at
     * least two per shard (so the checking threads share the work), and enough that each shard's log of a bucket
     * holds about {@value #EVENTS_PER_LOG} events. Logs that size are ordinary young objects for G1: a humongous
     * array, allocated while the audit's live set is large, starts a concurrent marking of that whole live set. A
     * bucket's {@link RequestIndex} ({@code shards} logs) stays in the CPU's cache while it is built and checked.
     */
    static int requestBuckets(int shards, long expectedEvents) {
        long perBucket = EVENTS_PER_LOG * shards;
        long needed = expectedEvents / perBucket + (expectedEvents % perBucket == 0 ? 0 : 1);
        long wanted = Math.max(2L * shards, needed);
        return (int) Math.min(REQUEST_BUCKETS_MAX, wanted);
    }

    ReplayShard shard(int index) {
        return shards[index];
    }

    /**
     * Feeds one event, routed to its account's shard (for a single feeding thread).
     *
     * @param partition the record's partition
     * @param offset the record's offset
     * @param event the decoded event; not null
     */
    public void onEvent(int partition, long offset, LedgerEvent event) {
        Objects.requireNonNull(event, "event");
        int shard = shards.length == 1
                ? 0
                : shardOf(event.accountId().getBytes(StandardCharsets.UTF_8), shards.length, settings.partitionCount());
        shards[shard].onEvent(partition, offset, event);
    }

    /**
     * Feeds one outcome (for a single feeding thread).
     *
     * @param partition the record's partition in the outcomes topic
     * @param offset the record's offset
     * @param outcome the outcome; not null
     */
    public void onOutcome(int partition, long offset, OutcomeView outcome) {
        Objects.requireNonNull(outcome, "outcome");
        shards[Math.floorMod(partition, shards.length)].onOutcome(partition, offset, outcome);
    }

    /**
     * Records a record that could not be decoded (for a single feeding thread).
     *
     * @param topic its topic; not null
     * @param partition its partition
     * @param offset its offset
     * @param reason why; not null
     */
    public void onUndecodable(String topic, int partition, long offset, String reason) {
        shards[0].onUndecodable(topic, partition, offset, reason);
    }

    /**
     * Records that a partition of the events topic no longer starts at offset 0: events were deleted (retention or
     * delete-records), so the accounts on it cannot be verified from their first event (a VERSIONS violation).
     *
     * @param partition the partition
     * @param logStartOffset its first offset
     */
    public void onTruncatedLog(int partition, long logStartOffset) {
        shards[0].findings.add(
                Invariant.VERSIONS,
                "LOG_TRUNCATED",
                settings.eventsTopic(),
                partition,
                logStartOffset,
                null,
                null,
                "partition " + partition + " starts at offset " + logStartOffset + ": events 0.." + (logStartOffset - 1)
                        + " were deleted (the events topic must keep everything: retention.ms=-1)");
    }

    /**
     * The rebuilt state of every audited account, after everything was fed.
     *
     * @return account ID to state, sorted by account ID; unmodifiable
     */
    public Map<String, AccountState> states() {
        TreeMap<String, AccountState> states = new TreeMap<>();
        for (ReplayShard shard : shards) {
            for (AccountAudit account : shard.accounts.values()) {
                if (account.state != null) {
                    states.put(account.accountId, account.state);
                }
            }
        }
        return Collections.unmodifiableSortedMap(states);
    }

    /**
     * Largest event timestamp fed, epoch milliseconds, or {@link Long#MIN_VALUE} if none.
     *
     * @return the timestamp
     */
    public long maxEventTimestampMs() {
        long max = Long.MIN_VALUE;
        for (ReplayShard shard : shards) {
            max = Math.max(max, shard.maxEventTimestampMs);
        }
        return max;
    }

    /**
     * Events fed so far that passed the account filter (for progress; read from the feeding threads' shards
     * without synchronisation, so approximate while feeding).
     *
     * @return the count
     */
    public long eventsRead() {
        long sum = 0;
        for (ReplayShard shard : shards) {
            sum += shard.eventsRead;
        }
        return sum;
    }

    /**
     * Supplies the engine's live account states for the LIVE_STATE comparison at {@link #finish}.
     *
     * @param changelogTopic where they were read, named in findings; not null
     * @param liveAccounts account ID to live state; not null
     */
    public void compareLive(String changelogTopic, Map<String, LiveAccount> liveAccounts) {
        this.liveTopic = Objects.requireNonNull(changelogTopic, "changelogTopic");
        this.live = Map.copyOf(liveAccounts);
    }

    /**
     * Finishes a run fed directly (tests, benchmarks): the whole log, reference time as given.
     *
     * @param referenceTimeMs the end of the range in time, epoch milliseconds
     * @return the report
     */
    public AuditReport finish(long referenceTimeMs) {
        AuditReport.Source source = new AuditReport.Source(
                settings.eventsTopic(),
                settings.outcomesTopic(),
                List.copyOf(new TreeSet<>(settings.accounts())),
                settings.asOfMs(),
                null,
                null,
                List.of(),
                !settings.partialStartPartitions().isEmpty(),
                settings.partialEnd());
        return finish(new RunInfo(source, referenceTimeMs, 0, 0, referenceTimeMs, Long.MIN_VALUE, false), null);
    }

    /**
     * Runs the request-level checks and the end-of-range sums and builds the report. Once.
     *
     * @param run facts about the run; not null
     * @param executor runs the per-shard merges in parallel, or null to run them on this thread
     * @return the report; never null
     */
    public AuditReport finish(RunInfo run, ExecutorService executor) {
        Objects.requireNonNull(run, "run");
        if (finished) {
            throw new IllegalStateException("finish() was already called");
        }
        finished = true;
        boolean anyPartialStart = !settings.partialStartPartitions().isEmpty();
        RequestChecks.Context context = new RequestChecks.Context(
                settings,
                run.referenceTimeMs(),
                run.outcomeCoverageStartMs(),
                !anyPartialStart && !settings.partialEnd(),
                anyPartialStart);
        List<RequestChecks> checks = checkRequests(context, executor);

        Findings findings = new Findings(settings.maxFindings());
        long eventsRead = 0;
        long eventsApplied = 0;
        long eventsSkipped = 0;
        long holdExpiries = 0;
        long outcomes = 0;
        long replayOutcomes = 0;
        long reusedIdOutcomes = 0;
        long undecodable = 0;
        long accountsOpened = 0;
        long accountsAnchored = 0;
        long accountCount = 0;
        Map<String, long[]> money = new TreeMap<>(); // accounts, deposits, withdrawals, captured, balances, opening
        List<AuditReport.AccountBalance> asOf = new ArrayList<>();
        for (ReplayShard shard : shards) {
            findings.mergeFrom(shard.findings);
            eventsRead += shard.eventsRead;
            eventsApplied += shard.eventsApplied;
            eventsSkipped += shard.eventsSkipped;
            holdExpiries += shard.holdExpiries;
            outcomes += shard.outcomesRead;
            replayOutcomes += shard.replayOutcomes;
            reusedIdOutcomes += shard.reusedIdOutcomes;
            undecodable += shard.undecodable;
            for (AccountAudit account : shard.accounts.values()) {
                accountCount++;
                if (account.declaredOverdraft >= 0) {
                    accountsOpened++;
                }
                if (account.anchored) {
                    accountsAnchored++;
                }
                if (account.currency != null) {
                    long[] totals = money.computeIfAbsent(account.currency, c -> new long[6]);
                    totals[0]++;
                    totals[1] += account.deposits;
                    totals[2] += account.withdrawals;
                    totals[3] += account.captured;
                    totals[4] += account.lastBalanceAfter;
                    totals[5] += account.openingBalance;
                }
                if (account.asOfState != null) {
                    AccountState s = account.asOfState;
                    asOf.add(new AuditReport.AccountBalance(
                            account.accountId, s.currency(), s.balance(), s.held(), s.available(), s.version()));
                }
            }
        }
        long requests = 0;
        long transfers = 0;
        long inFlightCount = 0;
        long stuck = 0;
        long exemptRetention = 0;
        long pending = 0;
        long notVerifiable = 0;
        TreeSet<AuditReport.InFlightTransfer> inFlightListed = null;
        Map<String, long[]> inFlight = new HashMap<>();
        for (RequestChecks check : checks) {
            findings.mergeFrom(check.findings);
            requests += check.requests;
            transfers += check.transfers;
            inFlightCount += check.inFlightCount;
            stuck += check.stuckCount;
            exemptRetention += check.outcomesExemptRetention;
            pending += check.outcomesPending;
            notVerifiable += check.outcomesNotVerifiable;
            if (inFlightListed == null) {
                inFlightListed = check.inFlightListed;
            } else {
                inFlightListed.addAll(check.inFlightListed);
                while (inFlightListed.size() > settings.maxFindings()) {
                    inFlightListed.pollLast();
                }
            }
            check.inFlightByCurrency.forEach((currency, sums) -> {
                long[] total = inFlight.computeIfAbsent(currency, c -> new long[2]);
                total[0] += sums[0];
                total[1] += sums[1];
            });
        }

        List<AuditReport.CurrencyTotals> currencies = new ArrayList<>();
        for (String currency : inFlight.keySet()) {
            money.computeIfAbsent(currency, c -> new long[6]);
        }
        for (Map.Entry<String, long[]> e : money.entrySet()) {
            long[] t = e.getValue();
            long[] f = inFlight.getOrDefault(e.getKey(), new long[2]);
            Boolean conserved = null;
            if (settings.accounts().isEmpty()) {
                findings.check(Invariant.CONSERVATION);
                long held = t[4] + f[0] - t[5] - f[1];
                long flows = t[1] - t[2] - t[3];
                conserved = held == flows;
                if (!conserved) {
                    findings.add(
                            Invariant.CONSERVATION,
                            "NOT_CONSERVED",
                            null,
                            -1,
                            -1,
                            null,
                            null,
                            e.getKey() + ": balances " + t[4] + " + in flight " + f[0] + " - opening balances "
                                    + t[5] + " - in flight at start " + f[1] + " = " + held + ", but deposits "
                                    + t[1] + " - withdrawals " + t[2] + " - captured holds " + t[3] + " = " + flows
                                    + " (difference " + (held - flows) + ")");
                }
            }
            currencies.add(new AuditReport.CurrencyTotals(
                    e.getKey(), t[0], t[1], t[2], t[3], t[4], t[5], f[0], f[1], conserved));
        }

        AuditReport.LiveComparison liveComparison = null;
        if (live != null && !settings.partialEnd()) {
            liveComparison = compareLive(findings);
        }

        List<InvariantResult> results = new ArrayList<>();
        for (Invariant invariant : Invariant.values()) {
            results.add(result(
                    invariant,
                    findings,
                    accountsAnchored,
                    exemptRetention,
                    pending,
                    notVerifiable,
                    inFlightCount,
                    stuck));
        }
        asOf.sort((a, b) -> a.accountId().compareTo(b.accountId()));
        AuditReport.Counts counts = new AuditReport.Counts(
                run.recordsRead(),
                eventsRead,
                eventsApplied,
                eventsSkipped,
                holdExpiries,
                outcomes,
                replayOutcomes,
                reusedIdOutcomes,
                undecodable,
                accountCount,
                accountsOpened,
                accountsAnchored,
                requests,
                transfers);
        return new AuditReport(
                run,
                counts,
                results,
                currencies,
                new AuditReport.InFlight(
                        inFlightCount, stuck, inFlightListed == null ? List.of() : List.copyOf(inFlightListed)),
                settings.asOfMs() == null ? null : new AuditReport.AsOf(settings.asOfMs(), asOf),
                liveComparison);
    }

    private List<RequestChecks> checkRequests(RequestChecks.Context context, ExecutorService executor) {
        for (ReplayShard shard : shards) {
            // a shard that logged nothing (no records, or only filtered or skipped ones) has not allocated its logs
            // yet: allocate them here, before the buckets are checked in parallel, each reading every shard's log
            shard.requestLogs();
        }
        // one task per replay shard's thread, each checking every n-th bucket
        int n = Math.min(shards.length, requestBuckets);
        List<RequestChecks> checks = new ArrayList<>(n);
        if (executor == null || n == 1) {
            checks.add(checkRequestBuckets(0, 1, context));
            return checks;
        }
        List<Future<RequestChecks>> futures = new ArrayList<>(n);
        for (int t = 0; t < n; t++) {
            int first = t;
            futures.add(executor.submit(() -> checkRequestBuckets(first, n, context)));
        }
        try {
            for (Future<RequestChecks> future : futures) {
                checks.add(future.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking requests", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("request checks failed: " + e.getCause(), e.getCause());
        }
        return checks;
    }

    /**
     * Checks request buckets {@code first}, {@code first + step}, ...: for each, indexes every replay shard's log of
     * the bucket together (a transfer's legs may have been replayed by two shards), tells the repeats apart, and
     * checks each request with its events and outcomes from every shard.
     */
    private RequestChecks checkRequestBuckets(int first, int step, RequestChecks.Context context) {
        RequestChecks checks = new RequestChecks(context);
        RequestEntry entry = new RequestEntry();
        RequestLog[] logs = new RequestLog[shards.length];
        for (int b = first; b < requestBuckets; b += step) {
            for (int w = 0; w < shards.length; w++) {
                logs[w] = shards[w].requestLogs()[b];
            }
            RequestIndex index = new RequestIndex(logs);
            checks.checkRepeats(index);
            for (int request = 0, n = index.size(); request < n; request++) {
                entry.clear();
                entry.key(index, request);
                index.copyInto(request, entry);
                checks.check(entry);
            }
        }
        return checks;
    }

    private AuditReport.LiveComparison compareLive(Findings findings) {
        Map<String, AccountState> rebuilt = states();
        List<AuditReport.LiveDifference> listed = new ArrayList<>();
        long compared = 0;
        long differing = 0;
        TreeSet<String> ids = new TreeSet<>(rebuilt.keySet());
        for (String id : live.keySet()) {
            if (settings.accounts().isEmpty() || settings.accounts().contains(id)) {
                ids.add(id);
            }
        }
        for (String id : ids) {
            compared++;
            findings.check(Invariant.LIVE_STATE);
            AccountState mine = rebuilt.get(id);
            LiveAccount theirs = live.get(id);
            List<AuditReport.LiveDifference> differences = new ArrayList<>();
            if (theirs == null) {
                differences.add(new AuditReport.LiveDifference(id, "account", "v" + mine.version(), "missing"));
            } else if (mine == null) {
                differences.add(new AuditReport.LiveDifference(id, "account", "missing", "v" + theirs.version()));
            } else {
                differ(differences, id, "version", mine.version(), theirs.version());
                differ(differences, id, "balance", mine.balance(), theirs.balance());
                differ(differences, id, "held", mine.held(), theirs.held());
                if (!mine.currency().equals(theirs.currency())) {
                    differences.add(new AuditReport.LiveDifference(id, "currency", mine.currency(), theirs.currency()));
                }
                if (!Arrays.equals(mine.lastHash(), theirs.lastHash())) {
                    differences.add(new AuditReport.LiveDifference(
                            id, "lastHash", Hashes.toHex(mine.lastHash()), Hashes.toHex(theirs.lastHash())));
                }
            }
            if (differences.isEmpty()) {
                continue;
            }
            differing++;
            if (listed.size() < settings.maxFindings()) {
                listed.addAll(differences);
            }
            StringBuilder message = new StringBuilder(id).append(": ");
            for (int i = 0; i < differences.size(); i++) {
                AuditReport.LiveDifference d = differences.get(i);
                message.append(i == 0 ? "" : ", ")
                        .append(d.field())
                        .append(" rebuilt ")
                        .append(d.rebuilt())
                        .append(" live ")
                        .append(d.live());
            }
            findings.add(
                    Invariant.LIVE_STATE,
                    "LIVE_DIFFERS",
                    theirs == null ? null : liveTopic,
                    theirs == null ? -1 : theirs.partition(),
                    theirs == null ? -1 : theirs.offset(),
                    id,
                    null,
                    message.toString());
        }
        return new AuditReport.LiveComparison(liveTopic, compared, differing, listed);
    }

    private static void differ(List<AuditReport.LiveDifference> out, String id, String field, long mine, long live) {
        if (mine != live) {
            out.add(new AuditReport.LiveDifference(id, field, Long.toString(mine), Long.toString(live)));
        }
    }

    private InvariantResult result(
            Invariant invariant,
            Findings findings,
            long anchored,
            long exemptRetention,
            long pending,
            long notVerifiable,
            long inFlight,
            long stuck) {
        long checked = findings.checked(invariant);
        long violations = findings.violations(invariant);
        List<Finding> kept = findings.kept(invariant);
        String note = null;
        boolean skipped = false;
        switch (invariant) {
            case PLACEMENT -> {
                skipped = settings.partitionCount() == 0;
                note = skipped ? "partition count unknown" : null;
            }
            case MIN_BALANCE -> note = anchored == 0
                    ? null
                    : anchored + " accounts start mid-log: their overdraft limit is unknown, so not checked";
            case OUTCOMES -> {
                skipped = settings.outcomesTopic() == null;
                if (skipped) {
                    note = "no outcomes topic";
                } else if (exemptRetention + pending + notVerifiable > 0) {
                    note = exemptRetention + " requests older than the outcomes' retention, " + pending
                            + " pending (in flight or within the grace), " + notVerifiable
                            + " not verifiable (range or account filter)";
                }
            }
            case TRANSFERS -> note = inFlight == 0 ? null : inFlight + " in flight at the end, " + stuck + " stuck";
            case CONSERVATION -> note = settings.accounts().isEmpty()
                    ? null
                    : "end-of-range sums not checked: account filter (per-event checks only)";
            case LIVE_STATE -> {
                skipped = live == null || settings.partialEnd();
                note = live == null
                        ? "not requested (--compare-live)"
                        : settings.partialEnd() ? "the range ends before the end of the log" : null;
            }
            default -> {
                // no note
            }
        }
        InvariantResult.Status status = violations > 0
                ? InvariantResult.Status.FAIL
                : skipped ? InvariantResult.Status.SKIPPED : InvariantResult.Status.PASS;
        return new InvariantResult(invariant, status, checked, violations, kept, note);
    }
}
