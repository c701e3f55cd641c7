package io.ledgerstream.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * Renders the JSON report. The tree is built field by field, so the field order and names are exactly those
 * documented in {@code docs/audit.md} (schema {@value AuditReport#SCHEMA_VERSION}); absent values are JSON null,
 * times are both epoch milliseconds ({@code ...Ms}) and ISO-8601 where a person reads them.
 */
final class ReportJson {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReportJson() {}

    static String render(AuditReport report) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("schemaVersion", AuditReport.SCHEMA_VERSION);
        root.put("tool", "ledgerstream-audit");
        root.put("status", report.status().name());
        root.put("exitCode", report.exitCode());
        root.put("startedAtMs", report.startedAtMs());
        root.put("startedAt", Instant.ofEpochMilli(report.startedAtMs()).toString());
        root.put("durationMs", report.durationMs());
        root.put("eventsPerSecond", report.eventsPerSecond());
        root.put("referenceTimeMs", report.referenceTimeMs());

        AuditReport.Source s = report.source();
        ObjectNode source = root.putObject("source");
        source.put("eventsTopic", s.eventsTopic());
        source.put("outcomesTopic", s.outcomesTopic());
        ArrayNode filter = source.putArray("accountFilter");
        s.accountFilter().forEach(filter::add);
        putNullable(source, "asOfMs", s.asOfMs());
        putNullable(source, "fromTimeMs", s.fromTimeMs());
        putNullable(source, "toTimeMs", s.toTimeMs());
        source.put("partialStart", s.partialStart());
        source.put("partialEnd", s.partialEnd());
        ArrayNode partitions = source.putArray("partitions");
        for (AuditReport.PartitionRange p : s.partitions()) {
            ObjectNode node = partitions.addObject();
            node.put("partition", p.partition());
            node.put("logStartOffset", p.logStartOffset());
            node.put("fromOffset", p.fromOffset());
            node.put("toOffset", p.toOffset());
        }

        AuditReport.Counts c = report.counts();
        ObjectNode counts = root.putObject("counts");
        counts.put("records", c.records());
        counts.put("events", c.events());
        counts.put("eventsApplied", c.eventsApplied());
        counts.put("eventsSkipped", c.eventsSkipped());
        counts.put("holdExpiries", c.holdExpiries());
        counts.put("outcomes", c.outcomes());
        counts.put("replayOutcomes", c.replayOutcomes());
        counts.put("reusedIdOutcomes", c.reusedIdOutcomes());
        counts.put("undecodable", c.undecodable());
        counts.put("accounts", c.accounts());
        counts.put("accountsOpened", c.accountsOpened());
        counts.put("accountsAnchored", c.accountsAnchored());
        counts.put("requests", c.requests());
        counts.put("transfers", c.transfers());

        ArrayNode invariants = root.putArray("invariants");
        for (InvariantResult r : report.invariants()) {
            ObjectNode node = invariants.addObject();
            node.put("id", r.invariant().name());
            node.put("description", r.invariant().description());
            node.put("status", r.status().name());
            node.put("checked", r.checked());
            node.put("violations", r.violations());
            node.put("note", r.note());
            ArrayNode findings = node.putArray("findings");
            for (Finding f : r.findings()) {
                ObjectNode finding = findings.addObject();
                finding.put("kind", f.kind());
                finding.put("topic", f.topic());
                if (f.topic() == null) {
                    finding.putNull("partition");
                    finding.putNull("offset");
                } else {
                    finding.put("partition", f.partition());
                    finding.put("offset", f.offset());
                }
                finding.put("accountId", f.accountId());
                finding.put("requestId", f.requestId());
                finding.put("message", f.message());
            }
        }

        ArrayNode money = root.putArray("money");
        for (AuditReport.CurrencyTotals m : report.money()) {
            ObjectNode node = money.addObject();
            node.put("currency", m.currency());
            node.put("accounts", m.accounts());
            node.put("deposits", m.deposits());
            node.put("withdrawals", m.withdrawals());
            node.put("capturedHolds", m.capturedHolds());
            node.put("balances", m.balances());
            node.put("openingBalances", m.openingBalances());
            node.put("inFlight", m.inFlight());
            node.put("inFlightAtStart", m.inFlightAtStart());
            if (m.conserved() == null) {
                node.putNull("conserved");
            } else {
                node.put("conserved", m.conserved());
            }
        }

        AuditReport.InFlight f = report.inFlight();
        ObjectNode inFlight = root.putObject("inFlight");
        inFlight.put("count", f.count());
        inFlight.put("stuck", f.stuck());
        ArrayNode listed = inFlight.putArray("transfers");
        for (AuditReport.InFlightTransfer t : f.listed()) {
            ObjectNode node = listed.addObject();
            node.put("requestId", t.requestId());
            node.put("fromAccountId", t.fromAccountId());
            node.put("toAccountId", t.toAccountId());
            node.put("amount", t.amount());
            node.put("currency", t.currency());
            node.put("debitedAtMs", t.debitedAtMs());
            node.put("partition", t.partition());
            node.put("offset", t.offset());
            node.put("stuck", t.stuck());
        }

        AuditReport.AsOf a = report.asOf();
        if (a == null) {
            root.putNull("asOf");
        } else {
            ObjectNode asOf = root.putObject("asOf");
            asOf.put("timeMs", a.timeMs());
            asOf.put("time", Instant.ofEpochMilli(a.timeMs()).toString());
            ArrayNode accounts = asOf.putArray("accounts");
            for (AuditReport.AccountBalance b : a.accounts()) {
                ObjectNode node = accounts.addObject();
                node.put("accountId", b.accountId());
                node.put("currency", b.currency());
                node.put("balance", b.balance());
                node.put("held", b.held());
                node.put("available", b.available());
                node.put("version", b.version());
            }
        }

        AuditReport.LiveComparison l = report.live();
        if (l == null) {
            root.putNull("live");
        } else {
            ObjectNode live = root.putObject("live");
            live.put("changelogTopic", l.changelogTopic());
            live.put("accountsCompared", l.accountsCompared());
            live.put("accountsDiffering", l.accountsDiffering());
            ArrayNode differences = live.putArray("differences");
            for (AuditReport.LiveDifference d : l.differences()) {
                ObjectNode node = differences.addObject();
                node.put("accountId", d.accountId());
                node.put("field", d.field());
                node.put("rebuilt", d.rebuilt());
                node.put("live", d.live());
            }
        }
        try {
            return MAPPER.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render the JSON report", e);
        }
    }

    private static void putNullable(ObjectNode node, String field, Long value) {
        if (value == null) {
            node.putNull(field);
        } else {
            node.put(field, value.longValue());
        }
    }
}
