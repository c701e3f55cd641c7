package io.ledgerstream.audit;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** Renders the human summary of an {@link AuditReport}. Stateless. */
final class ReportText {

    private ReportText() {}

    static String render(AuditReport report) {
        StringBuilder out = new StringBuilder(4096);
        AuditReport.Source source = report.source();
        AuditReport.Counts c = report.counts();
        out.append("ledgerstream audit: ").append(report.status()).append('\n');
        line(out, "events topic", source.eventsTopic());
        line(out, "outcomes topic", source.outcomesTopic() == null ? "(not audited)" : source.outcomesTopic());
        line(out, "range", range(source));
        if (!source.accountFilter().isEmpty()) {
            line(out, "accounts", String.join(", ", source.accountFilter()));
        }
        line(
                out,
                "read",
                n(c.records()) + " records: " + n(c.events()) + " events (" + n(c.eventsApplied()) + " applied, "
                        + n(c.eventsSkipped()) + " skipped, " + n(c.holdExpiries()) + " hold expiries), "
                        + n(c.outcomes()) + " outcomes (" + n(c.replayOutcomes()) + " replays, "
                        + n(c.reusedIdOutcomes()) + " reused-ID rejections), " + n(c.undecodable()) + " undecodable");
        if (report.durationMs() > 0) {
            line(
                    out,
                    "time",
                    String.format(Locale.ROOT, "%.1f s", report.durationMs() / 1000.0) + ", "
                            + n(report.eventsPerSecond()) + " events/s");
        }
        line(
                out,
                "ledger",
                n(c.accounts()) + " accounts (" + n(c.accountsOpened()) + " opened in range, "
                        + n(c.accountsAnchored()) + " anchored mid-log), " + n(c.requests()) + " requests, "
                        + n(c.transfers()) + " transfers");
        for (AuditReport.CurrencyTotals m : report.money()) {
            line(
                    out,
                    "money " + m.currency(),
                    "balances " + n(m.balances()) + " + in flight " + n(m.inFlight())
                            + (m.openingBalances() != 0 || m.inFlightAtStart() != 0
                                    ? " - opening " + n(m.openingBalances()) + " - in flight at start "
                                            + n(m.inFlightAtStart())
                                    : "")
                            + " vs deposits " + n(m.deposits()) + " - withdrawals " + n(m.withdrawals())
                            + " - captured holds " + n(m.capturedHolds())
                            + (m.conserved() == null
                                    ? " (not checked)"
                                    : m.conserved() ? " (conserved)" : " (NOT conserved)"));
        }
        out.append('\n');
        for (InvariantResult r : report.invariants()) {
            out.append(String.format(
                    Locale.ROOT,
                    "  %-7s %-13s %s violations in %s checked",
                    r.status(),
                    r.invariant().name(),
                    n(r.violations()),
                    n(r.checked())));
            if (r.note() != null) {
                out.append(" (").append(r.note()).append(')');
            }
            out.append('\n');
            for (Finding f : r.findings()) {
                out.append("            ")
                        .append(f.kind())
                        .append(" at ")
                        .append(f.location())
                        .append(": ")
                        .append(f.message())
                        .append('\n');
            }
            if (r.violations() > r.findings().size()) {
                out.append("            … ")
                        .append(n(r.violations() - r.findings().size()))
                        .append(" more (see --format json, --max-findings)\n");
            }
        }
        AuditReport.InFlight inFlight = report.inFlight();
        if (inFlight.count() > 0) {
            out.append("\nin flight at the end: ")
                    .append(n(inFlight.count()))
                    .append(" transfers (")
                    .append(n(inFlight.stuck()))
                    .append(" stuck)\n");
            for (AuditReport.InFlightTransfer t : inFlight.listed()) {
                out.append("  ")
                        .append(t.requestId())
                        .append(": ")
                        .append(n(t.amount()))
                        .append(' ')
                        .append(t.currency())
                        .append(' ')
                        .append(t.fromAccountId())
                        .append(" -> ")
                        .append(t.toAccountId())
                        .append(" debited ")
                        .append(Instant.ofEpochMilli(t.debitedAtMs()))
                        .append(" at ")
                        .append(t.partition())
                        .append('@')
                        .append(t.offset())
                        .append(t.stuck() ? " STUCK" : "")
                        .append('\n');
            }
            if (inFlight.count() > inFlight.listed().size()) {
                out.append("  … ")
                        .append(n(inFlight.count() - inFlight.listed().size()))
                        .append(" more\n");
            }
        }
        AuditReport.LiveComparison live = report.live();
        if (live != null) {
            out.append("\nlive state (")
                    .append(live.changelogTopic())
                    .append("): ")
                    .append(n(live.accountsCompared()))
                    .append(" accounts compared, ")
                    .append(n(live.accountsDiffering()))
                    .append(" differ\n");
            for (AuditReport.LiveDifference d : live.differences()) {
                out.append("  ")
                        .append(d.accountId())
                        .append(' ')
                        .append(d.field())
                        .append(": rebuilt ")
                        .append(d.rebuilt())
                        .append(", live ")
                        .append(d.live())
                        .append('\n');
            }
        }
        AuditReport.AsOf asOf = report.asOf();
        if (asOf != null) {
            out.append("\nbalances as of ")
                    .append(Instant.ofEpochMilli(asOf.timeMs()))
                    .append(" (")
                    .append(n(asOf.accounts().size()))
                    .append(" accounts)\n");
            List<AuditReport.AccountBalance> accounts = asOf.accounts();
            for (AuditReport.AccountBalance b : accounts) {
                out.append(String.format(
                        Locale.ROOT,
                        "  %-24s %s balance %s held %s available %s version %d%n",
                        b.accountId(),
                        b.currency(),
                        n(b.balance()),
                        n(b.held()),
                        n(b.available()),
                        b.version()));
            }
        }
        return out.toString();
    }

    private static String range(AuditReport.Source source) {
        StringBuilder text = new StringBuilder();
        if (!source.partialStart() && !source.partialEnd()) {
            text.append("the whole log");
        } else {
            text.append(source.partialStart() ? "from mid-log" : "from the log start")
                    .append(source.partialEnd() ? " to before the log end" : " to the log end");
        }
        if (source.fromTimeMs() != null || source.toTimeMs() != null) {
            text.append(", time ")
                    .append(source.fromTimeMs() == null ? "-" : Instant.ofEpochMilli(source.fromTimeMs()))
                    .append(" .. ")
                    .append(source.toTimeMs() == null ? "-" : Instant.ofEpochMilli(source.toTimeMs()));
        }
        if (!source.partitions().isEmpty()) {
            text.append("; offsets");
            for (AuditReport.PartitionRange p : source.partitions()) {
                text.append(' ')
                        .append(p.partition())
                        .append(':')
                        .append(p.fromOffset())
                        .append("..")
                        .append(p.toOffset());
            }
        }
        if (source.asOfMs() != null) {
            text.append("; as of ").append(Instant.ofEpochMilli(source.asOfMs()));
        }
        return text.toString();
    }

    private static void line(StringBuilder out, String label, String value) {
        out.append(String.format(Locale.ROOT, "  %-15s %s%n", label, value));
    }

    private static String n(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }
}
