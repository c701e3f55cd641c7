package io.ledgerstream.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportJsonTest {

    @Test
    void shouldRenderTheDocumentedSchemaInItsOrder() throws Exception {
        // given
        TestLedger ledger = LedgerAuditTest.cleanLedger();
        ledger.append(ledger.events.get(1).event());

        // when
        JsonNode json = new ObjectMapper().readTree(ledger.audit().toJson());

        // then
        assertThat(fields(json))
                .containsExactly(
                        "schemaVersion",
                        "tool",
                        "status",
                        "exitCode",
                        "startedAtMs",
                        "startedAt",
                        "durationMs",
                        "eventsPerSecond",
                        "referenceTimeMs",
                        "source",
                        "counts",
                        "invariants",
                        "money",
                        "inFlight",
                        "asOf",
                        "live");
        assertThat(json.get("schemaVersion").asInt()).isEqualTo(AuditReport.SCHEMA_VERSION);
        assertThat(json.get("status").asText()).isEqualTo("FAIL");
        assertThat(json.get("exitCode").asInt()).isEqualTo(1);
        assertThat(json.get("invariants")).hasSize(Invariant.values().length);
        JsonNode versions = json.get("invariants").get(Invariant.VERSIONS.ordinal());
        assertThat(fields(versions))
                .containsExactly("id", "description", "status", "checked", "violations", "note", "findings");
        assertThat(versions.get("id").asText()).isEqualTo("VERSIONS");
        JsonNode finding = versions.get("findings").get(0);
        assertThat(fields(finding))
                .containsExactly("kind", "topic", "partition", "offset", "accountId", "requestId", "message");
        assertThat(finding.get("kind").asText()).isEqualTo("DUPLICATE_EVENT");
        assertThat(fields(json.get("counts"))).startsWith("records", "events", "eventsApplied", "eventsSkipped");
        assertThat(fields(json.get("money").get(0)))
                .containsExactly(
                        "currency",
                        "accounts",
                        "deposits",
                        "withdrawals",
                        "capturedHolds",
                        "balances",
                        "openingBalances",
                        "inFlight",
                        "inFlightAtStart",
                        "conserved");
        assertThat(json.get("asOf").isNull()).isTrue();
        assertThat(json.get("live").isNull()).isTrue();
    }

    @Test
    void shouldRenderEachInvariantInTheTextSummary() {
        // given
        TestLedger ledger = LedgerAuditTest.cleanLedger();

        // when
        String text = ledger.audit().toText();

        // then
        assertThat(text).startsWith("ledgerstream audit: PASS");
        for (Invariant invariant : Invariant.values()) {
            assertThat(text).contains(invariant.name());
        }
        assertThat(text).contains("(conserved)");
    }

    private static List<String> fields(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
