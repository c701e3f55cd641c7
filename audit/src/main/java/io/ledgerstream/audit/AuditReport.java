package io.ledgerstream.audit;

import java.util.List;
import java.util.Objects;

/**
 * The result of one audit: what was read, each invariant's verdict with counts and the first findings, the money
 * totals, the transfers in flight, the as-of balances and the live comparison. Immutable and thread-safe.
 *
 * <p>{@link #toText()} renders the human summary, {@link #toJson()} the JSON report whose schema ({@value
 * #SCHEMA_VERSION}) is documented in {@code docs/audit.md}.
 */
public final class AuditReport {

    /** Version of the JSON report's schema; bumped on any incompatible change. */
    public static final int SCHEMA_VERSION = 1;

    /** The overall verdict. */
    public enum Status {
        /** Every checked invariant holds. */
        PASS,
        /** At least one invariant is violated. */
        FAIL,
        /** The run was cancelled (Ctrl-C) before the end of the range: the report covers what was read. */
        INTERRUPTED
    }

    /**
     * One partition's audited range.
     *
     * @param partition the partition
     * @param logStartOffset the first offset still in the log
     * @param fromOffset first offset of the range (inclusive)
     * @param toOffset end of the range (exclusive)
     */
    public record PartitionRange(int partition, long logStartOffset, long fromOffset, long toOffset) {}

    /**
     * What was read.
     *
     * @param eventsTopic the events topic; not null
     * @param outcomesTopic the outcomes topic, or null if outcomes were not audited
     * @param accountFilter the audited accounts, sorted; empty for all
     * @param asOfMs the as-of time, epoch milliseconds, or null
     * @param fromTimeMs the range's start time, epoch milliseconds, or null
     * @param toTimeMs the range's end time (inclusive), epoch milliseconds, or null
     * @param partitions the range per partition of the events topic; empty when fed directly
     * @param partialStart whether the range starts after the log start on some partition
     * @param partialEnd whether the range ends before the log end on some partition
     */
    public record Source(
            String eventsTopic,
            String outcomesTopic,
            List<String> accountFilter,
            Long asOfMs,
            Long fromTimeMs,
            Long toTimeMs,
            List<PartitionRange> partitions,
            boolean partialStart,
            boolean partialEnd) {
        /**
         * Copies the lists.
         *
         * @param eventsTopic see the record component
         * @param outcomesTopic see the record component
         * @param accountFilter see the record component
         * @param asOfMs see the record component
         * @param fromTimeMs see the record component
         * @param toTimeMs see the record component
         * @param partitions see the record component
         * @param partialStart see the record component
         * @param partialEnd see the record component
         */
        public Source {
            Objects.requireNonNull(eventsTopic, "eventsTopic");
            accountFilter = List.copyOf(accountFilter);
            partitions = List.copyOf(partitions);
        }
    }

    /**
     * Counts of what was read and rebuilt.
     *
     * @param records records read from Kafka (events and outcomes, before the account filter)
     * @param events events audited (after the account filter)
     * @param eventsApplied events that joined their account's sequence
     * @param eventsSkipped events left out of their account's sequence (duplicates, conflicting versions)
     * @param holdExpiries HoldExpired events written by the engine's expiry (no request, no outcome)
     * @param outcomes outcome records read
     * @param replayOutcomes outcomes re-emitted for retried requests
     * @param reusedIdOutcomes REQUEST_ID_REUSED rejections (never stored, never applied)
     * @param undecodable records that did not decode
     * @param accounts accounts audited
     * @param accountsOpened accounts whose AccountOpened is in the range
     * @param accountsAnchored accounts whose first event in a mid-log range is a later one
     * @param requests request IDs with events
     * @param transfers transfers (request IDs with transfer legs) checked
     */
    public record Counts(
            long records,
            long events,
            long eventsApplied,
            long eventsSkipped,
            long holdExpiries,
            long outcomes,
            long replayOutcomes,
            long reusedIdOutcomes,
            long undecodable,
            long accounts,
            long accountsOpened,
            long accountsAnchored,
            long requests,
            long transfers) {}

    /**
     * Money totals of one currency, minor units, over the range.
     *
     * @param currency the currency; not null
     * @param accounts accounts in this currency
     * @param deposits sum of Credited
     * @param withdrawals sum of Debited
     * @param capturedHolds sum of HoldCaptured amounts
     * @param balances sum of the accounts' balances at the end of the range
     * @param openingBalances sum of balances before the range (accounts anchored mid-log; 0 for the whole log)
     * @param inFlight sum of transfer debits not credited or refunded at the end of the range
     * @param inFlightAtStart sum of credits and refunds whose debit precedes a mid-log range
     * @param conserved whether balances + inFlight - openingBalances - inFlightAtStart = deposits - withdrawals -
     *     capturedHolds; null when not checked (account filter)
     */
    public record CurrencyTotals(
            String currency,
            long accounts,
            long deposits,
            long withdrawals,
            long capturedHolds,
            long balances,
            long openingBalances,
            long inFlight,
            long inFlightAtStart,
            Boolean conserved) {}

    /**
     * A transfer debited but neither credited nor refunded at the end of the range.
     *
     * @param requestId the transfer's request ID
     * @param fromAccountId the debited account
     * @param toAccountId the destination
     * @param amount minor units
     * @param currency the currency
     * @param debitedAtMs the debit's timestamp, epoch milliseconds
     * @param partition the debit's partition
     * @param offset the debit's offset
     * @param stuck whether it is older than the in-flight grace (a TRANSFERS violation)
     */
    public record InFlightTransfer(
            String requestId,
            String fromAccountId,
            String toAccountId,
            long amount,
            String currency,
            long debitedAtMs,
            int partition,
            long offset,
            boolean stuck) {}

    /**
     * The transfers in flight at the end of the range.
     *
     * @param count how many (exact)
     * @param stuck how many are older than the grace
     * @param listed the first ones in log order, at most {@code maxFindings}
     */
    public record InFlight(long count, long stuck, List<InFlightTransfer> listed) {
        /**
         * Copies the list.
         *
         * @param count see the record component
         * @param stuck see the record component
         * @param listed see the record component
         */
        public InFlight {
            listed = List.copyOf(listed);
        }
    }

    /**
     * An account's state at the as-of time.
     *
     * @param accountId the account
     * @param currency its currency
     * @param balance booked balance, minor units
     * @param held sum of active holds, minor units
     * @param available balance minus held, minor units
     * @param version number of events applied
     */
    public record AccountBalance(
            String accountId, String currency, long balance, long held, long available, long version) {}

    /**
     * Balances at a point in time: each account after its events up to the first one later than the time.
     *
     * @param timeMs the as-of time, epoch milliseconds
     * @param accounts every audited account that existed then, sorted by account ID
     */
    public record AsOf(long timeMs, List<AccountBalance> accounts) {
        /**
         * Copies the list.
         *
         * @param timeMs see the record component
         * @param accounts see the record component
         */
        public AsOf {
            accounts = List.copyOf(accounts);
        }
    }

    /**
     * One field that differs between the rebuilt account and the engine's live state.
     *
     * @param accountId the account
     * @param field {@code account}, {@code version}, {@code balance}, {@code held}, {@code currency} or {@code
     *     lastHash}
     * @param rebuilt the rebuilt value ({@code missing} if the account was not rebuilt)
     * @param live the live value ({@code missing} if the engine does not have the account)
     */
    public record LiveDifference(String accountId, String field, String rebuilt, String live) {}

    /**
     * The --compare-live result.
     *
     * @param changelogTopic the engine's accounts changelog that was read
     * @param accountsCompared accounts compared
     * @param accountsDiffering accounts with at least one difference
     * @param differences the first differences, at most {@code maxFindings} accounts' worth
     */
    public record LiveComparison(
            String changelogTopic, long accountsCompared, long accountsDiffering, List<LiveDifference> differences) {
        /**
         * Copies the list.
         *
         * @param changelogTopic see the record component
         * @param accountsCompared see the record component
         * @param accountsDiffering see the record component
         * @param differences see the record component
         */
        public LiveComparison {
            differences = List.copyOf(differences);
        }
    }

    private final LedgerAudit.RunInfo run;
    private final Counts counts;
    private final List<InvariantResult> invariants;
    private final List<CurrencyTotals> money;
    private final InFlight inFlight;
    private final AsOf asOf;
    private final LiveComparison live;
    private final Status status;

    AuditReport(
            LedgerAudit.RunInfo run,
            Counts counts,
            List<InvariantResult> invariants,
            List<CurrencyTotals> money,
            InFlight inFlight,
            AsOf asOf,
            LiveComparison live) {
        this.run = run;
        this.counts = counts;
        this.invariants = List.copyOf(invariants);
        this.money = List.copyOf(money);
        this.inFlight = inFlight;
        this.asOf = asOf;
        this.live = live;
        boolean failed = invariants.stream().anyMatch(r -> r.status() == InvariantResult.Status.FAIL);
        this.status = run.interrupted() ? Status.INTERRUPTED : failed ? Status.FAIL : Status.PASS;
    }

    /**
     * The overall verdict.
     *
     * @return PASS, FAIL or INTERRUPTED; never null
     */
    public Status status() {
        return status;
    }

    /**
     * Whether every checked invariant holds over the whole range.
     *
     * @return true for {@link Status#PASS}
     */
    public boolean passed() {
        return status == Status.PASS;
    }

    /**
     * The command line's exit code for this report: 0 PASS, 1 FAIL, 130 INTERRUPTED.
     *
     * @return the exit code
     */
    public int exitCode() {
        return switch (status) {
            case PASS -> 0;
            case FAIL -> 1;
            case INTERRUPTED -> 130;
        };
    }

    /**
     * What was read.
     *
     * @return the source; never null
     */
    public Source source() {
        return run.source();
    }

    /**
     * When the audit started, epoch milliseconds.
     *
     * @return the start time
     */
    public long startedAtMs() {
        return run.startedAtMs();
    }

    /**
     * How long the audit took, milliseconds.
     *
     * @return the duration
     */
    public long durationMs() {
        return run.durationMs();
    }

    /**
     * The end of the range in time (transfers debited more than the grace before it are stuck), epoch milliseconds.
     *
     * @return the reference time
     */
    public long referenceTimeMs() {
        return run.referenceTimeMs();
    }

    /**
     * Events audited per second of the run (0 when fed directly).
     *
     * @return the rate
     */
    public long eventsPerSecond() {
        return run.durationMs() <= 0 ? 0 : counts.events() * 1000 / run.durationMs();
    }

    /**
     * The counts.
     *
     * @return the counts; never null
     */
    public Counts counts() {
        return counts;
    }

    /**
     * Every invariant's result, in {@link Invariant} order.
     *
     * @return the results; unmodifiable
     */
    public List<InvariantResult> invariants() {
        return invariants;
    }

    /**
     * One invariant's result.
     *
     * @param invariant the invariant; not null
     * @return its result; never null
     */
    public InvariantResult result(Invariant invariant) {
        return invariants.get(invariant.ordinal());
    }

    /**
     * All listed findings, in invariant order then log order.
     *
     * @return the findings; unmodifiable
     */
    public List<Finding> findings() {
        return invariants.stream().flatMap(r -> r.findings().stream()).toList();
    }

    /**
     * Money totals per currency, sorted by currency.
     *
     * @return the totals; unmodifiable
     */
    public List<CurrencyTotals> money() {
        return money;
    }

    /**
     * Transfers in flight at the end of the range.
     *
     * @return the in-flight transfers; never null
     */
    public InFlight inFlight() {
        return inFlight;
    }

    /**
     * Balances at the as-of time.
     *
     * @return the balances, or null if no as-of time was given
     */
    public AsOf asOf() {
        return asOf;
    }

    /**
     * The live comparison.
     *
     * @return the comparison, or null if not requested or not applicable
     */
    public LiveComparison live() {
        return live;
    }

    /**
     * The human summary: accounts, events, range, each invariant with PASS/FAIL and counts, the first findings.
     *
     * @return multi-line text ending with a newline
     */
    public String toText() {
        return ReportText.render(this);
    }

    /**
     * The JSON report (schema {@value #SCHEMA_VERSION}, see {@code docs/audit.md}), pretty-printed.
     *
     * @return the JSON document
     */
    public String toJson() {
        return ReportJson.render(this);
    }

    @Override
    public String toString() {
        return "AuditReport[" + status + ", events=" + counts.events() + ", accounts=" + counts.accounts() + "]";
    }
}
