package io.ledgerstream.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every headline figure as a ratio to the ceiling measured in the same run, and the targets. Pure.
 *
 * <ul>
 *   <li>{@code e2eAcceptedPerRawProducer}: accepted commands/s at saturation over the raw transactional producer's
 *       records/s (target >= 0.25).
 *   <li>{@code e2eOutcomesPerRawProducer}: every outcome (accepted, rejected, replayed) over the same.
 *   <li>{@code fixedRateP50/P99/P999/MaxPerRaw}: e2e submit-to-outcome latency at the fixed rate over the raw
 *       send-to-visible latency (read_committed) at the same offered rate.
 *   <li>{@code saturationP99PerRaw}: the same at saturation (queueing dominated: in-flight bound / throughput).
 *   <li>{@code cpuPerRecordPerRaw}: CPU seconds of every measured process per accepted command over CPU seconds per
 *       raw record (how many times more CPU a command costs than a raw transactional record).
 *   <li>{@code brokerCpuPerRecordPerRaw}: the broker's share of that.
 *   <li>{@code engineRssPerBrokerRss}: the engines' largest RSS over the broker's during the raw phase.
 *   <li>{@code eventsReadPerRawConsumer}: a read_committed consumer's rate over the events topic (what the audit
 *       replayer reads) over its rate over the raw topic.
 * </ul>
 */
final class Ratios {

    private Ratios() {}

    static Map<String, Double> of(
            Results.Phase saturation,
            Results.Phase fixed,
            Results.RawProducer rawSat,
            Results.RawProducer rawFixed,
            Results.RawConsumer rawConsumer,
            Results.RawConsumer eventsConsumer) {
        Map<String, Double> r = new LinkedHashMap<>(); // modifiable: the run adds the audit ratio
        r.put(
                "e2eAcceptedPerRawProducer",
                round(ResultMath.ratio(saturation.acceptedPerSec(), rawSat.recordsPerSec())));
        r.put(
                "e2eOutcomesPerRawProducer",
                round(ResultMath.ratio(saturation.completedPerSec(), rawSat.recordsPerSec())));
        r.put(
                "e2eAcceptedPerRawConsumer",
                round(ResultMath.ratio(saturation.acceptedPerSec(), rawConsumer.recordsPerSec())));
        if (fixed != null && rawFixed != null) {
            r.put(
                    "fixedRateP50PerRaw",
                    round(ResultMath.ratio(
                            fixed.latency().p50Ms(), rawFixed.visibleLatency().p50Ms())));
            r.put(
                    "fixedRateP99PerRaw",
                    round(ResultMath.ratio(
                            fixed.latency().p99Ms(), rawFixed.visibleLatency().p99Ms())));
            r.put(
                    "fixedRateP999PerRaw",
                    round(ResultMath.ratio(
                            fixed.latency().p999Ms(), rawFixed.visibleLatency().p999Ms())));
            r.put(
                    "fixedRateMaxPerRaw",
                    round(ResultMath.ratio(
                            fixed.latency().maxMs(), rawFixed.visibleLatency().maxMs())));
        }
        r.put(
                "saturationP99PerRaw",
                round(ResultMath.ratio(
                        saturation.latency().p99Ms(), rawSat.visibleLatency().p99Ms())));
        Double e2eCpu = cpuPer(saturation.resources(), saturation.accepted(), null);
        Double rawCpu = cpuPer(rawSat.resources(), rawSat.records(), null);
        r.put("cpuPerRecordPerRaw", round(ResultMath.ratio(e2eCpu, rawCpu)));
        r.put(
                "brokerCpuPerRecordPerRaw",
                round(ResultMath.ratio(
                        cpuPer(saturation.resources(), saturation.accepted(), "broker"),
                        cpuPer(rawSat.resources(), rawSat.records(), "broker"))));
        Long engineRss = rss(saturation.resources(), "engine");
        Long brokerRss = rss(rawSat.resources(), "broker");
        r.put(
                "engineRssPerBrokerRss",
                round(ResultMath.ratio(
                        engineRss == null ? null : engineRss.doubleValue(),
                        brokerRss == null ? null : brokerRss.doubleValue())));
        if (eventsConsumer != null) {
            r.put(
                    "eventsReadPerRawConsumer",
                    round(ResultMath.ratio(eventsConsumer.recordsPerSec(), rawConsumer.recordsPerSec())));
        }
        return r;
    }

    static List<Results.Target> targets(
            long commitIntervalMs,
            Results.Phase saturation,
            Results.Phase fixed,
            Results.RawProducer rawSat,
            Results.AuditReplay audit,
            Map<String, Double> ratios) {
        List<Results.Target> t = new ArrayList<>();
        Double throughput = ratios.get("e2eAcceptedPerRawProducer");
        t.add(new Results.Target(
                "throughput",
                "e2e accepted commands/s >= 25% of the raw transactional producer in the same run",
                throughput,
                0.25,
                status(throughput != null && throughput >= 0.25, throughput),
                saturation.acceptedPerSec() + " accepted/s vs " + rawSat.recordsPerSec() + " raw records/s"));
        if (fixed != null) {
            Double p99 = fixed.latency().p99Ms();
            double limit = commitIntervalMs + 50.0;
            boolean sustained = fixed.offeredPerSec() != null
                    && fixed.completedPerSec() != null
                    && fixed.completedPerSec() >= 0.95 * fixed.offeredPerSec();
            t.add(new Results.Target(
                    "latency",
                    "p99 submit-to-outcome <= commit interval + 50 ms at half the saturation rate",
                    p99,
                    limit,
                    status(p99 != null && p99 <= limit, p99),
                    "offered " + fixed.offeredPerSec() + "/s, completed " + fixed.completedPerSec() + "/s"
                            + (sustained ? "" : " (offered rate not sustained)")));
        }
        t.add(auditTarget(audit));
        return t;
    }

    static Results.Target auditTarget(Results.AuditReplay audit) {
        String requirement = "audit replay >= 50% of the raw read_committed consumer rate on the same topic";
        if (audit == null) {
            return new Results.Target(
                    "audit",
                    requirement,
                    null,
                    0.5,
                    "NOT MEASURED",
                    "not run in this scenario (see the audit command)");
        }
        Double ratio = audit.auditPerRaw();
        return new Results.Target(
                "audit",
                requirement,
                ratio,
                0.5,
                status(ratio != null && ratio >= 0.5, ratio),
                "median of " + audit.rounds() + " rounds: " + audit.auditEventsPerSec() + " events/s audited vs "
                        + audit.rawRecordsPerSec() + " records/s raw over " + audit.rawRecords() + " records; verdicts "
                        + audit.verdicts());
    }

    private static String status(boolean met, Double measured) {
        if (measured == null) {
            return "NOT MEASURED";
        }
        return met ? "MET" : "NOT MET";
    }

    /** CPU seconds per record of one role, or of every role when {@code role} is null. */
    static Double cpuPer(Map<String, Results.Usage> resources, long records, String role) {
        if (resources == null || records <= 0) {
            return null;
        }
        double sum = 0;
        boolean any = false;
        for (Map.Entry<String, Results.Usage> e : resources.entrySet()) {
            if ((role == null || role.equals(e.getKey())) && e.getValue().cpuSeconds() != null) {
                sum += e.getValue().cpuSeconds();
                any = true;
            }
        }
        return any ? sum / records : null;
    }

    private static Long rss(Map<String, Results.Usage> resources, String role) {
        Results.Usage u = resources == null ? null : resources.get(role);
        return u == null ? null : u.rssMaxBytes();
    }

    private static Double round(Double v) {
        return ResultMath.round(v, 4);
    }
}
