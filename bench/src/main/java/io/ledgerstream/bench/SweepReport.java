package io.ledgerstream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Renders a sweep's points (as JSON trees of {@link Results.Run}) as a Markdown table and Mermaid charts. Pure. */
final class SweepReport {

    private SweepReport() {}

    static String markdown(String label, String param, JsonNode points) {
        List<String> xs = new ArrayList<>();
        List<Double> accepted = new ArrayList<>();
        List<Double> raw = new ArrayList<>();
        List<Double> ratio = new ArrayList<>();
        List<Double> rssMb = new ArrayList<>();
        List<Double> stateMb = new ArrayList<>();
        StringBuilder t = new StringBuilder();
        t.append("| ")
                .append(param)
                .append(" | accepted/s | raw txn records/s | ratio | outcomes/s | p99 ms (saturation) | engine cores"
                        + " | engine CPU µs/command | CPU per command ÷ per raw record | engine RSS MB | broker cores"
                        + " | state dir MB | request IDs decided | load 1m |\n");
        t.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (JsonNode p : points) {
            String x = p.path("settings").path("sweep").path("value").asText("?");
            JsonNode sat = p.path("saturation");
            JsonNode rawSat = p.path("rawSaturation");
            JsonNode engine = sat.path("resources").path("engine");
            JsonNode broker = sat.path("resources").path("broker");
            xs.add(x);
            Double a = num(sat.path("acceptedPerSec"));
            Double r = num(rawSat.path("recordsPerSec"));
            Double q = num(p.path("ratios").path("e2eAcceptedPerRawProducer"));
            Double rss = num(engine.path("rssMaxBytes"));
            Double state = num(p.path("state").path("stateDirBytes"));
            accepted.add(a);
            raw.add(r);
            ratio.add(q);
            rssMb.add(rss == null ? null : rss / (1024 * 1024));
            stateMb.add(state == null ? null : state / (1024 * 1024));
            t.append("| ")
                    .append(x)
                    .append(" | ")
                    .append(fmt(a, 0))
                    .append(" | ")
                    .append(fmt(r, 0))
                    .append(" | ")
                    .append(fmt(q, 3))
                    .append(" | ")
                    .append(fmt(num(sat.path("completedPerSec")), 0))
                    .append(" | ")
                    .append(fmt(num(sat.path("latency").path("p99Ms")), 1))
                    .append(" | ")
                    .append(fmt(num(engine.path("cpuCores")), 2))
                    .append(" | ")
                    .append(fmt(perCommandMicros(num(engine.path("cpuSeconds")), num(sat.path("accepted"))), 0))
                    .append(" | ")
                    .append(fmt(num(p.path("ratios").path("cpuPerRecordPerRaw")), 1))
                    .append(" | ")
                    .append(fmt(rss == null ? null : rss / (1024 * 1024), 0))
                    .append(" | ")
                    .append(fmt(num(broker.path("cpuCores")), 2))
                    .append(" | ")
                    .append(fmt(state == null ? null : state / (1024 * 1024), 1))
                    .append(" | ")
                    .append(p.path("state").path("requestIdsDecidedAtMost").asText("-"))
                    .append(" | ")
                    .append(load(sat.path("load")))
                    .append(" |\n");
        }
        StringBuilder b = new StringBuilder();
        b.append("### ").append(label).append("\n\n").append(t).append('\n');
        b.append("End-to-end accepted commands/s at saturation.\n\n");
        b.append(Charts.xy("e2e accepted commands/s vs " + param, param, xs, "commands/s", accepted, null));
        b.append('\n');
        b.append("e2e accepted/s as a share of the raw ceiling measured at the same point (target 0.25).\n\n");
        b.append(Charts.xy("Share of the raw ceiling vs " + param, param, xs, "ratio", ratio, null));
        b.append('\n');
        b.append("The raw transactional producer ceiling measured at each point (records/s).\n\n");
        b.append(Charts.xy("Raw transactional producer vs " + param, param, xs, "records/s", raw, null));
        b.append('\n');
        b.append("Bars: engine RSS (MB, largest sample, all instances); line: engine state directory size (MB).\n\n");
        b.append(Charts.xy("Engine memory vs " + param, param, xs, "MB", rssMb, stateMb));
        return b.toString();
    }

    private static Double perCommandMicros(Double cpuSeconds, Double commands) {
        return cpuSeconds == null || commands == null || commands <= 0 ? null : cpuSeconds * 1e6 / commands;
    }

    private static String load(JsonNode load) {
        JsonNode s = load.path("start");
        JsonNode e = load.path("end");
        if (!s.isArray() || s.isEmpty() || !e.isArray() || e.isEmpty()) {
            return "-";
        }
        return String.format(
                Locale.ROOT, "%.2f→%.2f", s.get(0).asDouble(), e.get(0).asDouble());
    }

    private static Double num(JsonNode n) {
        return n == null || n.isMissingNode() || n.isNull() ? null : n.asDouble();
    }

    private static String fmt(Double v, int digits) {
        return v == null ? "-" : String.format(Locale.ROOT, "%." + digits + "f", v);
    }
}
