package io.ledgerstream.bench;

import io.ledgerstream.audit.AuditOptions;
import io.ledgerstream.audit.AuditReport;
import io.ledgerstream.audit.Auditor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The audit target: the audit replayer ({@link Auditor}: read_committed read of the events topic, decode, replay
 * through {@code evolve}, check every invariant) against a raw read_committed consumer reading the same topic to the
 * same end, alternating {@code rounds} times; the medians are compared. Both sides are timed as whole jobs, from
 * creating their consumer to having read everything (the audit: to its report), so connecting and fetching metadata
 * cost both the same; the raw consumer's read loop alone is recorded too, and the CPU of every process of the run
 * (driver, broker, registry, engines) per record over each whole job. One warm-up round of each side comes first
 * and is not counted (its audit verdict is), and each timed side starts after a full garbage collection, so neither
 * pays for the other's garbage. The audit's verdict is recorded: the
 * benchmark's ledger must pass it.
 *
 * <p>Not thread-safe: one controlling thread.
 */
final class AuditBench {

    /** Most rounds of each side. */
    static final int ROUNDS_MAX = 9;

    /** Rounds of each side run first and not counted: they warm up the JIT and the broker's page cache. */
    static final int WARMUP_ROUNDS = 1;

    private AuditBench() {}

    /**
     * Runs the rounds.
     *
     * @param threads the audit's replay threads, 0 for its default
     */
    static Results.AuditReplay measure(
            Environment env,
            String eventsTopic,
            RawCeiling ceiling,
            ResourceMonitor monitor,
            int rounds,
            Duration timeout,
            int threads) {
        Objects.requireNonNull(env, "env");
        if (rounds < 1 || rounds > ROUNDS_MAX) {
            throw new IllegalArgumentException("rounds must be in [1, " + ROUNDS_MAX + "], was " + rounds);
        }
        List<Double> raw = new ArrayList<>();
        List<Double> rawLoop = new ArrayList<>();
        List<Double> audit = new ArrayList<>();
        List<Double> rawCpu = new ArrayList<>();
        List<Double> auditCpu = new ArrayList<>();
        List<String> verdicts = new ArrayList<>();
        long events = 0;
        long findings = 0;
        long rawRecords = 0;
        for (int i = -WARMUP_ROUNDS; i < rounds; i++) {
            boolean counted = i >= 0;
            System.gc(); // each side starts on a heap without the other side's garbage
            ResourceMonitor.Window rawWindow = monitor.begin();
            long rawStart = System.nanoTime();
            Results.RawConsumer r = ceiling.consumeAll(eventsTopic, timeout, Long.MAX_VALUE, monitor);
            long rawNanos = System.nanoTime() - rawStart;
            Double rawCpuPerRecord = Ratios.cpuPer(rawWindow.end(), r.records(), null);
            if (!r.reachedEnd()) {
                throw new IllegalStateException("the raw consumer did not reach the end of " + eventsTopic);
            }
            if (counted) {
                raw.add(ResultMath.perSecond(r.records(), rawNanos));
                rawLoop.add(r.recordsPerSec());
                rawCpu.add(micros(rawCpuPerRecord));
            }
            rawRecords = r.records();
            AuditOptions options = AuditOptions.builder(env.bootstrapServers(), env.registryUrl())
                    .eventsTopic(eventsTopic)
                    .outcomesTopic(null)
                    .timeoutMs(timeout.toMillis())
                    .threads(threads)
                    .build();
            System.gc();
            ResourceMonitor.Window auditWindow = monitor.begin();
            long start = System.nanoTime();
            AuditReport report = new Auditor(options).run();
            long nanos = System.nanoTime() - start;
            Map<String, Results.Usage> auditUsage = auditWindow.end();
            events = report.counts().events();
            findings = report.findings().size();
            verdicts.add(report.status().name());
            if (counted) {
                audit.add(ResultMath.perSecond(events, nanos));
                auditCpu.add(micros(Ratios.cpuPer(auditUsage, events, null)));
            }
        }
        Double rawMedian = median(raw);
        Double auditMedian = median(audit);
        return new Results.AuditReplay(
                eventsTopic,
                rounds,
                rawRecords,
                events,
                ResultMath.round(rawMedian, 1),
                ResultMath.round(auditMedian, 1),
                ResultMath.round(ResultMath.ratio(auditMedian, rawMedian), 4),
                ResultMath.roundAll(raw, 1),
                ResultMath.roundAll(rawLoop, 1),
                ResultMath.roundAll(audit, 1),
                ResultMath.round(median(rawCpu), 3),
                ResultMath.round(median(auditCpu), 3),
                verdicts,
                findings);
    }

    private static Double micros(Double seconds) {
        return seconds == null ? null : seconds * 1e6;
    }

    static Double median(List<Double> values) {
        List<Double> v = values.stream().filter(Objects::nonNull).sorted().toList();
        if (v.isEmpty()) {
            return null;
        }
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }
}
