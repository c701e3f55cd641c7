package io.ledgerstream.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.core.ConsistentHash;
import io.ledgerstream.schemas.AccountSnapshot;
import io.ledgerstream.schemas.CommandEnvelope;
import io.ledgerstream.schemas.DeadLetter;
import io.ledgerstream.schemas.Deposit;
import io.ledgerstream.schemas.LedgerEvent;
import io.ledgerstream.schemas.LegKind;
import io.ledgerstream.schemas.OpenAccount;
import io.ledgerstream.schemas.Outcome;
import io.ledgerstream.schemas.OutcomeStatus;
import io.ledgerstream.schemas.Transfer;
import io.ledgerstream.schemas.TransferDebited;
import io.ledgerstream.schemas.TransferLeg;
import io.ledgerstream.testkit.EmbeddedRegistry;
import io.ledgerstream.testkit.LedgerstreamTestEnvironment;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Routing in the topology: the engine is configured for 2 partitions while {@link TopologyTestDriver} runs the one
 * task of partition 0. Commands for accounts owned by partition 1 must be re-routed (and never touch state here);
 * a transfer to an account on partition 1 must debit locally and emit a CREDIT leg keyed by the destination. The
 * driver feeds sink records of source topics back in, which also exercises the loop guard: a re-routed command
 * that lands on the wrong partition again is dead-lettered as MISROUTED instead of looping.
 */
@ExtendWith(LedgerstreamTestEnvironment.class)
class LedgerTopologyRoutingTest {

    static final int PARTITIONS = 2;

    private final EmbeddedRegistry registry;
    private TopologyFixture fixture;
    private TopologyTestDriver driver;
    private EngineConfig config;
    private TestInputTopic<String, CommandEnvelope> commands;
    private TestOutputTopic<byte[], byte[]> commandsOut;
    private TestOutputTopic<String, Outcome> outcomes;
    private TestOutputTopic<String, LedgerEvent> events;
    private TestOutputTopic<String, TransferLeg> legs;
    private TestInputTopic<String, TransferLeg> legsIn;
    private TestOutputTopic<byte[], DeadLetter> deadLetters;

    LedgerTopologyRoutingTest(EmbeddedRegistry registry) {
        this.registry = registry;
    }

    @BeforeEach
    void start() {
        fixture = TopologyFixture.start(
                registry,
                Map.of(
                        EngineConfig.PARTITIONS, Integer.toString(PARTITIONS),
                        EngineConfig.DEDUP_RETENTION_MS,
                                Long.toString(Duration.ofHours(1).toMillis()),
                        EngineConfig.DEDUP_PURGE_INTERVAL_MS, "1000"),
                null,
                Instant.parse("2026-11-25T10:00:00Z"));
        driver = fixture.driver;
        config = fixture.config;
        commands = fixture.commands();
        commandsOut = fixture.commandsOut();
        outcomes = fixture.outcomes();
        events = fixture.events();
        legsIn = fixture.legsIn();
        legs = fixture.legs();
        deadLetters = fixture.deadLetters();
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    @Test
    void shouldRerouteACommandForAnAccountOwnedByAnotherPartitionBeforeTouchingState() {
        String remote = accountOn(1, "remote");
        commands.pipeInput(remote, envelope(remote, new OpenAccount("EUR", 0L)));

        List<TestRecord<byte[], byte[]>> rerouted = commandsOut.readRecordsToList();
        assertThat(rerouted).isNotEmpty();
        assertThat(new String(rerouted.get(0).key(), StandardCharsets.UTF_8)).isEqualTo(remote);
        assertThat(rerouted.get(0).headers().lastHeader(LedgerProcessor.REROUTED_HEADER))
                .isNotNull();
        assertThat(outcomes.isEmpty())
                .as("no decision on a partition that does not own the account")
                .isTrue();
        assertThat(events.isEmpty()).isTrue();
        // the driver hands the re-routed record back to this same (wrong) task: the loop guard stops it
        assertThat(deadLetters.readValuesToList())
                .extracting(DeadLetter::getReason)
                .containsExactly("MISROUTED");
    }

    @Test
    void shouldDebitLocallyAndSendACreditLegKeyedByTheRemoteDestination() {
        String local = accountOn(0, "local");
        String remote = accountOn(1, "remote");
        commands.pipeInput(local, envelope(local, new OpenAccount("EUR", 0L)));
        commands.pipeInput(local, envelope(local, new Deposit(100L, "EUR")));
        events.readValuesToList();
        outcomes.readValuesToList();

        CommandEnvelope transfer = envelope(local, new Transfer(remote, 40L, "EUR"));
        commands.pipeInput(local, transfer);

        List<LedgerEvent> debit = events.readValuesToList();
        assertThat(debit).hasSize(1);
        assertThat(debit.get(0).getBody()).isInstanceOf(TransferDebited.class);
        assertThat(debit.get(0).getBalanceAfter()).isEqualTo(60);
        List<TestRecord<String, TransferLeg>> sent = legs.readRecordsToList();
        assertThat(sent).isNotEmpty();
        assertThat(sent.get(0).key()).isEqualTo(remote);
        assertThat(sent.get(0).value().getKind()).isEqualTo(LegKind.CREDIT);
        assertThat(sent.get(0).value().getRequestId()).isEqualTo(transfer.getRequestId());
        assertThat(outcomes.isEmpty()).as("the outcome waits for the last leg").isTrue();
        // handed back to partition 0, which does not own the destination: refused, never credited here
        assertThat(deadLetters.readValuesToList())
                .extracting(DeadLetter::getReason)
                .containsExactly("MISROUTED");
    }

    @Test
    void shouldEmitNothingForARetryWhileTheTransferIsInFlight() {
        String local = accountOn(0, "local");
        String remote = accountOn(1, "remote");
        commands.pipeInput(local, envelope(local, new OpenAccount("EUR", 0L)));
        commands.pipeInput(local, envelope(local, new Deposit(100L, "EUR")));
        CommandEnvelope transfer = envelope(local, new Transfer(remote, 40L, "EUR"));
        commands.pipeInput(local, transfer);
        outcomes.readValuesToList();
        events.readValuesToList();

        commands.pipeInput(local, transfer);
        assertThat(outcomes.isEmpty())
                .as("its single final outcome is still to come")
                .isTrue();
        assertThat(events.isEmpty()).as("a retry never debits twice").isTrue();
    }

    @Test
    void shouldKeepAPendingTransferPastTheDedupRetentionAndCompleteItWhenItsLegArrives() {
        String local = accountOn(0, "local");
        String remote = accountOn(1, "remote");
        commands.pipeInput(local, envelope(local, new OpenAccount("EUR", 0L)));
        commands.pipeInput(local, envelope(local, new Deposit(100L, "EUR")));
        CommandEnvelope transfer = envelope(local, new Transfer(remote, 40L, "EUR"));
        commands.pipeInput(local, transfer);
        outcomes.readValuesToList();
        TransferLeg credit = legs.readValuesToList().get(0);

        driver.advanceWallClockTime(Duration.ofHours(2)); // two retentions: purges run, the transfer is in flight

        TransferLeg settled = TransferLeg.newBuilder(credit)
                .setKind(LegKind.SETTLED)
                .setDestination(new AccountSnapshot(remote, 2L, 40L, 40L, "EUR"))
                .build();
        legsIn.pipeInput(local, settled);
        List<Outcome> done = outcomes.readValuesToList();
        assertThat(done).hasSize(1);
        assertThat(done.get(0).getRequestId()).isEqualTo(transfer.getRequestId());
        assertThat(done.get(0).getStatus()).isEqualTo(OutcomeStatus.ACCEPTED);
        assertThat(done.get(0).getAccounts())
                .extracting(a -> a.getAccountId() + "=" + a.getBalance())
                .containsExactly(local + "=60", remote + "=40");
    }

    private static String accountOn(int partition, String prefix) {
        for (int i = 0; i < 1_000; i++) {
            String candidate = prefix + "-" + i;
            if (ConsistentHash.partition(candidate, PARTITIONS) == partition) {
                return candidate;
            }
        }
        throw new IllegalStateException("no account found on partition " + partition);
    }

    private static CommandEnvelope envelope(String account, Object command) {
        return CommandEnvelope.newBuilder()
                .setRequestId(UUID.randomUUID().toString())
                .setAccountId(account)
                .setReplyTo("client-1")
                .setCommand(command)
                .build();
    }
}
