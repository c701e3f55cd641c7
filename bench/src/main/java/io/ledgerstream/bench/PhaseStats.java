package io.ledgerstream.bench;

import io.ledgerstream.core.Reason;
import io.ledgerstream.sdk.Outcome;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What one phase saw: submissions, outcomes by status and reason, duplicates and their replays, failures, and the
 * submit-to-outcome latency of new (non-duplicate) commands in microseconds.
 *
 * <p>Counters and the latency recorder are written by the SDK's outcome threads and the driver threads; {@link
 * #latencySoFar()} and {@link #toPhase} are called by one controlling thread. Thread-safe in that sense.
 */
final class PhaseStats {

    final String name;
    final String mode;
    final Double offeredPerSec;
    final LongAdder submitted = new LongAdder();
    final LongAdder completed = new LongAdder();
    final LongAdder accepted = new LongAdder();
    final LongAdder rejected = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder duplicatesSent = new LongAdder();
    final LongAdder duplicatesReplayed = new LongAdder();
    final LongAdder duplicateMismatches = new LongAdder();
    final LongAdder backpressure = new LongAdder();
    private final Map<String, LongAdder> rejects = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    private final Recorder latency = new Recorder(3);
    private final Histogram latencyTotal = new Histogram(3);
    private final Map<String, Recorder> latencyByKind = new ConcurrentHashMap<>();
    private final Map<String, Histogram> latencyByKindTotal = new java.util.TreeMap<>();
    private volatile long startNanos;
    private volatile long endNanos;

    PhaseStats(String name, String mode, Double offeredPerSec) {
        this.name = name;
        this.mode = mode;
        this.offeredPerSec = offeredPerSec;
    }

    void start(long nanos) {
        this.startNanos = nanos;
    }

    void end(long nanos) {
        this.endNanos = nanos;
    }

    long startNanos() {
        return startNanos;
    }

    /**
     * Records the outcome of a new command: status, reason and latency from {@code t0Nanos}, overall and for its kind
     * ({@code open}, {@code deposit}, {@code withdraw}, {@code transfer-local}, {@code transfer-cross}).
     */
    void outcome(Outcome o, String kind, long t0Nanos, long nowNanos) {
        completed.increment();
        if (o.isAccepted()) {
            accepted.increment();
        } else {
            rejected.increment();
            rejects.computeIfAbsent(String.valueOf(o.reason()), k -> new LongAdder())
                    .increment();
        }
        long micros = ResultMath.micros(nowNanos - t0Nanos);
        latency.recordValue(micros);
        latencyByKind.computeIfAbsent(kind, k -> new Recorder(3)).recordValue(micros);
    }

    /** Records the outcome of a resent duplicate: it must be a replay with the original's status and reason. */
    void duplicateOutcome(Outcome o, Outcome.Status originalStatus, Reason originalReason) {
        completed.increment();
        if (o.replay() && o.status() == originalStatus && o.reason() == originalReason) {
            duplicatesReplayed.increment();
        } else {
            duplicateMismatches.increment();
        }
    }

    void failure(Throwable e) {
        failed.increment();
        Throwable cause =
                e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        failures.computeIfAbsent(cause.getClass().getSimpleName(), k -> new LongAdder())
                .increment();
    }

    /** Folds the latencies recorded since the last call into the phase total and returns the total so far. */
    synchronized Histogram latencySoFar() {
        latencyTotal.add(latency.getIntervalHistogram());
        latencyByKind.forEach((k, r) ->
                latencyByKindTotal.computeIfAbsent(k, x -> new Histogram(3)).add(r.getIntervalHistogram()));
        return latencyTotal;
    }

    Results.Phase toPhase(Map<String, Results.Usage> resources, Results.Load load) {
        long nanos = (endNanos > 0 ? endNanos : System.nanoTime()) - startNanos;
        Histogram h = latencySoFar();
        return new Results.Phase(
                name,
                mode,
                ResultMath.round(offeredPerSec, 1),
                ResultMath.round(nanos / 1e9, 3),
                submitted.sum(),
                completed.sum(),
                accepted.sum(),
                rejected.sum(),
                snapshot(rejects),
                failed.sum(),
                snapshot(failures),
                duplicatesSent.sum(),
                duplicatesReplayed.sum(),
                duplicateMismatches.sum(),
                backpressure.sum(),
                ResultMath.round(ResultMath.perSecond(accepted.sum(), nanos), 1),
                ResultMath.round(ResultMath.perSecond(completed.sum(), nanos), 1),
                ResultMath.latencyOfMicros(h),
                byKind(),
                resources,
                load);
    }

    private synchronized Map<String, Results.Latency> byKind() {
        Map<String, Results.Latency> out = new TreeMap<>();
        latencyByKindTotal.forEach((k, h) -> out.put(k, ResultMath.latencyOfMicros(h)));
        return out;
    }

    private static Map<String, Long> snapshot(Map<String, LongAdder> m) {
        Map<String, Long> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
