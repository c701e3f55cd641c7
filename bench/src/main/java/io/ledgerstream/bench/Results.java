package io.ledgerstream.bench;

import java.util.List;
import java.util.Map;

/**
 * The values a run writes to its JSON result file. Plain records: {@link JsonResults} serializes them with Jackson,
 * so a field's name here is its name in the file. Rates are per second, latencies in milliseconds, memory in bytes,
 * CPU in cores (CPU seconds per wall second, summed over the role's processes). A ratio or figure that could not be
 * measured is {@code null}, never 0 or NaN.
 */
final class Results {

    private Results() {}

    /** A latency distribution from an HdrHistogram, in milliseconds. */
    record Latency(long count, Double p50Ms, Double p90Ms, Double p99Ms, Double p999Ms, Double maxMs, Double meanMs) {}

    /** CPU and memory of one role (broker, engine, driver, registry) over one phase. */
    record Usage(int processes, Double cpuCores, Double cpuSeconds, Long rssMaxBytes) {}

    /** Load averages of the machine (1, 5, 15 min) at the start and end of a phase. */
    record Load(double[] start, double[] end) {}

    /** One phase driven through the SDK. */
    record Phase(
            String name,
            String mode,
            Double offeredPerSec,
            double seconds,
            long submitted,
            long completed,
            long accepted,
            long rejected,
            Map<String, Long> rejectsByReason,
            long failed,
            Map<String, Long> failuresByType,
            long duplicatesSent,
            long duplicatesReplayed,
            long duplicateMismatches,
            long backpressureRefusals,
            Double acceptedPerSec,
            Double completedPerSec,
            Latency latency,
            Map<String, Latency> latencyByKind,
            Map<String, Usage> resources,
            Load load) {}

    /** The raw transactional producer ceiling (and the read_committed tail latency it sees). */
    record RawProducer(
            String topic,
            int producers,
            int keyBytes,
            int valueBytes,
            long transactionMs,
            Double offeredPerSec,
            double seconds,
            long records,
            long transactions,
            Double recordsPerSec,
            Double megabytesPerSec,
            Latency commitLatency,
            Latency visibleLatency,
            Map<String, Object> producerSettings,
            Map<String, Usage> resources,
            Load load) {}

    /** A read_committed consumer reading a topic from the beginning to its end offsets. */
    record RawConsumer(
            String topic,
            double seconds,
            long records,
            long bytes,
            boolean reachedEnd,
            Double recordsPerSec,
            Double megabytesPerSec,
            Map<String, Usage> resources,
            Load load) {}

    /**
     * The audit replayer against a raw read_committed consumer on the same events topic (medians over the rounds).
     *
     * @param verdicts the audit's status per round (PASS expected: the benchmark's ledger must be consistent)
     */
    record AuditReplay(
            String topic,
            int rounds,
            long rawRecords,
            long auditEvents,
            Double rawRecordsPerSec,
            Double auditEventsPerSec,
            Double auditPerRaw,
            List<Double> rawRoundsPerSec,
            List<Double> rawReadLoopRoundsPerSec,
            List<Double> auditRoundsPerSec,
            Double rawCpuMicrosPerRecord,
            Double auditCpuMicrosPerEvent,
            List<String> verdicts,
            long findings) {}

    /** A target of issue 7 and where the run stands against it. */
    record Target(String name, String requirement, Double measured, Double threshold, String status, String note) {}

    /** The whole result of one run (one e2e run or one sweep point). */
    record Run(
            String scenario,
            String label,
            String startedAt,
            Map<String, Object> machine,
            Map<String, Object> settings,
            Map<String, Object> recordSizes,
            Phase setup,
            Phase saturation,
            Phase fixedRate,
            RawProducer rawSaturation,
            RawProducer rawFixedRate,
            RawConsumer rawConsumer,
            RawConsumer eventsConsumer,
            AuditReplay audit,
            Map<String, Object> state,
            Map<String, Double> offsetsPerOutcome,
            Map<String, Double> ratios,
            List<Target> targets,
            List<String> notes) {}
}
