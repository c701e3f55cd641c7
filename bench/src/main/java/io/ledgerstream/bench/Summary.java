package io.ledgerstream.bench;

import java.io.PrintStream;
import java.util.Map;

/** Prints a run's headline figures, each next to its ceiling and ratio, and the targets. */
final class Summary {

    private Summary() {}

    static void print(Results.Run r, PrintStream out) {
        Results.Phase sat = r.saturation();
        Results.RawProducer raw = r.rawSaturation();
        out.println();
        out.println("== " + r.label() + " (" + r.scenario() + ") ==");
        out.printf("%-44s %14s %14s %10s%n", "figure", "ledgerstream", "raw ceiling", "ratio");
        row(
                out,
                "saturation: accepted/s vs raw txn records/s",
                sat.acceptedPerSec(),
                raw.recordsPerSec(),
                r.ratios().get("e2eAcceptedPerRawProducer"));
        row(
                out,
                "saturation: outcomes/s vs raw txn records/s",
                sat.completedPerSec(),
                raw.recordsPerSec(),
                r.ratios().get("e2eOutcomesPerRawProducer"));
        row(
                out,
                "saturation: accepted/s vs raw consumer rec/s",
                sat.acceptedPerSec(),
                r.rawConsumer().recordsPerSec(),
                r.ratios().get("e2eAcceptedPerRawConsumer"));
        row(
                out,
                "saturation: p99 ms vs raw visible p99 ms",
                sat.latency().p99Ms(),
                raw.visibleLatency().p99Ms(),
                r.ratios().get("saturationP99PerRaw"));
        Results.Phase fixed = r.fixedRate();
        Results.RawProducer rawFixed = r.rawFixedRate();
        if (fixed != null && rawFixed != null) {
            out.printf(
                    "fixed rate: offered %.0f/s, completed %.0f/s%n", fixed.offeredPerSec(), fixed.completedPerSec());
            row(
                    out,
                    "fixed rate: p50 ms",
                    fixed.latency().p50Ms(),
                    rawFixed.visibleLatency().p50Ms(),
                    r.ratios().get("fixedRateP50PerRaw"));
            row(
                    out,
                    "fixed rate: p99 ms",
                    fixed.latency().p99Ms(),
                    rawFixed.visibleLatency().p99Ms(),
                    r.ratios().get("fixedRateP99PerRaw"));
            row(
                    out,
                    "fixed rate: p99.9 ms",
                    fixed.latency().p999Ms(),
                    rawFixed.visibleLatency().p999Ms(),
                    r.ratios().get("fixedRateP999PerRaw"));
            row(
                    out,
                    "fixed rate: max ms",
                    fixed.latency().maxMs(),
                    rawFixed.visibleLatency().maxMs(),
                    r.ratios().get("fixedRateMaxPerRaw"));
        }
        row(
                out,
                "CPU s per record (all processes)",
                Ratios.cpuPer(sat.resources(), sat.accepted(), null),
                Ratios.cpuPer(raw.resources(), raw.records(), null),
                r.ratios().get("cpuPerRecordPerRaw"));
        row(
                out,
                "broker CPU s per record",
                Ratios.cpuPer(sat.resources(), sat.accepted(), "broker"),
                Ratios.cpuPer(raw.resources(), raw.records(), "broker"),
                r.ratios().get("brokerCpuPerRecordPerRaw"));
        if (r.eventsConsumer() != null) {
            row(
                    out,
                    "read_committed rec/s: events vs raw topic",
                    r.eventsConsumer().recordsPerSec(),
                    r.rawConsumer().recordsPerSec(),
                    r.ratios().get("eventsReadPerRawConsumer"));
        }
        if (r.audit() != null) {
            row(
                    out,
                    "audit replay events/s vs raw consumer rec/s",
                    r.audit().auditEventsPerSec(),
                    r.audit().rawRecordsPerSec(),
                    r.audit().auditPerRaw());
        }
        out.println("resources at saturation (cores, RSS MB):");
        for (Map.Entry<String, Results.Usage> e : sat.resources().entrySet()) {
            Results.Usage u = e.getValue();
            out.printf(
                    "  %-9s %5s cores  %7s MB  (%d process(es))%n",
                    e.getKey(),
                    u.cpuCores(),
                    u.rssMaxBytes() == null ? "?" : Long.toString(u.rssMaxBytes() / (1024 * 1024)),
                    u.processes());
        }
        out.printf(
                "rejects by reason: %s; failures: %s; duplicates sent %d, replayed %d, mismatched %d%n",
                sat.rejectsByReason(),
                sat.failuresByType(),
                sat.duplicatesSent(),
                sat.duplicatesReplayed(),
                sat.duplicateMismatches());
        out.printf(
                "load average (1 min) at saturation: %s -> %s%n",
                first(sat.load().start()), first(sat.load().end()));
        out.println("targets:");
        for (Results.Target t : r.targets()) {
            out.printf(
                    "  %-10s %-12s measured %s (threshold %s) - %s%n",
                    t.name(), t.status(), t.measured(), t.threshold(), t.note());
        }
        for (String n : r.notes()) {
            out.println("note: " + n);
        }
        out.flush();
    }

    private static String first(double[] load) {
        return load == null || load.length == 0 ? "?" : String.format("%.2f", load[0]);
    }

    private static void row(PrintStream out, String name, Double mine, Double ceiling, Double ratio) {
        out.printf(
                "%-44s %14s %14s %10s%n",
                name, fmt(mine), fmt(ceiling), ratio == null ? "-" : String.format("%.3f", ratio));
    }

    private static String fmt(Double v) {
        if (v == null) {
            return "-";
        }
        if (Math.abs(v) >= 100) {
            return String.format("%.0f", v);
        }
        if (Math.abs(v) >= 0.01) {
            return String.format("%.3f", v);
        }
        return String.format("%.3g", v);
    }
}
