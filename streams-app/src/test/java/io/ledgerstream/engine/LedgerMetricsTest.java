package io.ledgerstream.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.schemas.CommandEnvelope;
import io.ledgerstream.schemas.Deposit;
import io.ledgerstream.schemas.OpenAccount;
import io.ledgerstream.schemas.Outcome;
import io.ledgerstream.schemas.Withdraw;
import io.ledgerstream.testkit.EmbeddedRegistry;
import io.ledgerstream.testkit.LedgerstreamTestEnvironment;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What {@link LedgerProcessor} reports to {@link LedgerMetrics}, driven through the real topology with {@link
 * TopologyTestDriver} (one partition; the cross-partition transfer counters are covered by {@code EngineOperationsIT}),
 * and how {@link MicrometerLedgerMetrics} names it for Prometheus.
 */
@ExtendWith(LedgerstreamTestEnvironment.class)
class LedgerMetricsTest {

    static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    private final EmbeddedRegistry registry;
    private final List<String> recorded = Collections.synchronizedList(new ArrayList<>());
    private TopologyFixture fixture;
    private TopologyTestDriver driver;
    private PrometheusMeterRegistry meters;
    private TestInputTopic<String, CommandEnvelope> commands;
    private TestInputTopic<byte[], byte[]> rawCommands;
    private TestOutputTopic<String, Outcome> outcomes;

    LedgerMetricsTest(EmbeddedRegistry registry) {
        this.registry = registry;
    }

    @BeforeEach
    void start() {
        meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        LedgerMetrics both = new Tee(new MicrometerLedgerMetrics(meters), recorder());
        fixture = TopologyFixture.start(registry, Map.of(EngineConfig.PARTITIONS, "1"), both, T0);
        driver = fixture.driver;
        commands = fixture.commands();
        rawCommands = fixture.rawCommands();
        outcomes = fixture.outcomes();
    }

    @AfterEach
    void stop() {
        fixture.close();
        meters.close();
    }

    @Test
    void shouldCountCommandsOutcomesRetriesReusedIdsAndDeadLetters() {
        submit(envelope("alice", new OpenAccount("EUR", 0L), 0));
        CommandEnvelope deposit = envelope("alice", new Deposit(500L, "EUR"), 0);
        submit(deposit);
        submit(deposit); // a retry
        submit(CommandEnvelope.newBuilder(deposit)
                .setCommand(new Deposit(501L, "EUR"))
                .build()); // the request ID reused
        submit(envelope("alice", new Withdraw(10_000L, "EUR"), 0));
        rawCommands.pipeInput("x".getBytes(), new byte[] {7, 7, 7});

        assertThat(recorded)
                .containsExactly(
                        "command",
                        "outcome ACCEPTED null false",
                        "command",
                        "outcome ACCEPTED null false",
                        "command",
                        "dedup complete",
                        "outcome ACCEPTED null true",
                        "command",
                        "reused",
                        "outcome REJECTED REQUEST_ID_REUSED false",
                        "command",
                        "outcome REJECTED INSUFFICIENT_FUNDS false",
                        "command",
                        "dead-letter UNKNOWN_MAGIC_BYTE");

        String text = meters.scrape();
        assertThat(HttpProbe.sum(text, "ledgerstream_commands_received_total")).isEqualTo(6.0);
        assertThat(HttpProbe.sum(text, "ledgerstream_outcomes_total", "status=\"ACCEPTED\"", "replay=\"false\""))
                .isEqualTo(2.0);
        assertThat(HttpProbe.sum(text, "ledgerstream_outcomes_total", "reason=\"NONE\"", "replay=\"true\""))
                .isEqualTo(1.0);
        assertThat(HttpProbe.sum(text, "ledgerstream_outcomes_total", "reason=\"INSUFFICIENT_FUNDS\""))
                .isEqualTo(1.0);
        assertThat(HttpProbe.sum(text, "ledgerstream_dedup_hits_total", "state=\"complete\""))
                .isEqualTo(1.0);
        assertThat(HttpProbe.sum(text, "ledgerstream_request_ids_reused_total")).isEqualTo(1.0);
        assertThat(HttpProbe.sum(text, "ledgerstream_dead_letters_total", "reason=\"UNKNOWN_MAGIC_BYTE\""))
                .isEqualTo(1.0);
    }

    @Test
    void shouldRecordEndToEndLatencyFromTheClientsSubmissionTimeForFirstOutcomesOnly() {
        CommandEnvelope open = envelope("bob", new OpenAccount("EUR", 0L), T0.toEpochMilli() - 250);
        submit(open);
        submit(open); // a replay: not a latency sample
        submit(envelope("bob", new Deposit(1L, "EUR"), 0)); // no submission time: not a sample

        assertThat(recorded).filteredOn(r -> r.startsWith("latency")).containsExactly("latency 250");
        String text = meters.scrape();
        assertThat(HttpProbe.sum(text, "ledgerstream_outcome_latency_seconds_count"))
                .isEqualTo(1.0);
        assertThat(HttpProbe.sum(text, "ledgerstream_outcome_latency_seconds_sum"))
                .isEqualTo(0.25);
    }

    private void submit(CommandEnvelope envelope) {
        commands.pipeInput(envelope.getAccountId(), envelope);
        assertThat(outcomes.readValuesToList()).hasSize(1);
    }

    private static CommandEnvelope envelope(String account, Object command, long submittedAtMs) {
        return CommandEnvelope.newBuilder()
                .setRequestId(UUID.randomUUID().toString())
                .setAccountId(account)
                .setReplyTo("client-1")
                .setSubmittedAtMs(submittedAtMs)
                .setCommand(command)
                .build();
    }

    private LedgerMetrics recorder() {
        return new LedgerMetrics() {
            @Override
            public void commandReceived() {
                recorded.add("command");
            }

            @Override
            public void commandRerouted() {
                recorded.add("rerouted");
            }

            @Override
            public void outcome(String status, String reason, boolean replay) {
                recorded.add("outcome " + status + " " + reason + " " + replay);
            }

            @Override
            public void endToEndLatency(long millis) {
                recorded.add("latency " + millis);
            }

            @Override
            public void dedupHit(boolean pending) {
                recorded.add("dedup " + (pending ? "pending" : "complete"));
            }

            @Override
            public void requestIdReused() {
                recorded.add("reused");
            }

            @Override
            public void deadLetter(String reason) {
                recorded.add("dead-letter " + reason);
            }

            @Override
            public void transferStarted() {
                recorded.add("transfer started");
            }

            @Override
            public void transferCompleted(boolean refunded, long sagaMillis) {
                recorded.add("transfer " + (refunded ? "refunded" : "settled"));
            }
        };
    }

    /** Reports to two recorders. */
    private record Tee(LedgerMetrics a, LedgerMetrics b) implements LedgerMetrics {
        @Override
        public void commandReceived() {
            a.commandReceived();
            b.commandReceived();
        }

        @Override
        public void commandRerouted() {
            a.commandRerouted();
            b.commandRerouted();
        }

        @Override
        public void outcome(String status, String reason, boolean replay) {
            a.outcome(status, reason, replay);
            b.outcome(status, reason, replay);
        }

        @Override
        public void endToEndLatency(long millis) {
            a.endToEndLatency(millis);
            b.endToEndLatency(millis);
        }

        @Override
        public void dedupHit(boolean pending) {
            a.dedupHit(pending);
            b.dedupHit(pending);
        }

        @Override
        public void requestIdReused() {
            a.requestIdReused();
            b.requestIdReused();
        }

        @Override
        public void deadLetter(String reason) {
            a.deadLetter(reason);
            b.deadLetter(reason);
        }

        @Override
        public void transferStarted() {
            a.transferStarted();
            b.transferStarted();
        }

        @Override
        public void transferCompleted(boolean refunded, long sagaMillis) {
            a.transferCompleted(refunded, sagaMillis);
            b.transferCompleted(refunded, sagaMillis);
        }
    }
}
