package io.ledgerstream.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.schemas.CaptureHold;
import io.ledgerstream.schemas.CommandEnvelope;
import io.ledgerstream.schemas.DeadLetter;
import io.ledgerstream.schemas.Deposit;
import io.ledgerstream.schemas.HoldExpired;
import io.ledgerstream.schemas.LedgerEvent;
import io.ledgerstream.schemas.OpenAccount;
import io.ledgerstream.schemas.Outcome;
import io.ledgerstream.schemas.OutcomeStatus;
import io.ledgerstream.schemas.PlaceHold;
import io.ledgerstream.schemas.Reason;
import io.ledgerstream.schemas.Transfer;
import io.ledgerstream.schemas.Withdraw;
import io.ledgerstream.testkit.EmbeddedRegistry;
import io.ledgerstream.testkit.LedgerstreamTestEnvironment;
import java.time.Duration;
import java.time.Instant;
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
 * The topology built by {@link LedgerTopology#build}, driven by {@link TopologyTestDriver} with one partition (so
 * every account is local: cross-partition legs and re-routing are covered by the integration tests on a broker).
 * Values go through the real registry serde against a real registry.
 */
@ExtendWith(LedgerstreamTestEnvironment.class)
class LedgerTopologyTest {

    static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    private final EmbeddedRegistry registry;
    private TopologyFixture fixture;
    private TopologyTestDriver driver;
    private EngineSerdes serdes;
    private TestInputTopic<String, CommandEnvelope> commands;
    private TestInputTopic<byte[], byte[]> rawCommands;
    private TestOutputTopic<String, Outcome> outcomes;
    private TestOutputTopic<String, LedgerEvent> events;
    private TestOutputTopic<byte[], DeadLetter> deadLetters;

    LedgerTopologyTest(EmbeddedRegistry registry) {
        this.registry = registry;
    }

    @BeforeEach
    void start() {
        fixture = TopologyFixture.start(
                registry,
                Map.of(
                        EngineConfig.PARTITIONS, "1",
                        EngineConfig.DEDUP_RETENTION_MS, Duration.ofHours(1).toMillis(),
                        EngineConfig.DEDUP_PURGE_INTERVAL_MS, "1000"),
                null,
                T0);
        driver = fixture.driver;
        serdes = fixture.serdes;
        commands = fixture.commands();
        rawCommands = fixture.rawCommands();
        outcomes = fixture.outcomes();
        events = fixture.events();
        deadLetters = fixture.deadLetters();
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    @Test
    void shouldAcceptACommandAndEmitItsOutcomeAndEvent() {
        Outcome opened = submit(envelope("alice", new OpenAccount("EUR", 0L)));
        assertThat(opened.getStatus()).isEqualTo(OutcomeStatus.ACCEPTED);
        assertThat(opened.getCurrentVersion()).isEqualTo(1);
        Outcome deposited = submit(envelope("alice", new Deposit(500L, "EUR")));
        assertThat(deposited.getAccounts().get(0).getBalance()).isEqualTo(500);
        List<LedgerEvent> log = events.readValuesToList();
        assertThat(log).extracting(LedgerEvent::getVersion).containsExactly(1L, 2L);
        assertThat(log.get(1).getPrevHash()).isEqualTo(log.get(0).getHash());
    }

    @Test
    void shouldReturnOriginalOutcomeWhenRequestIsRetried() {
        submit(envelope("alice", new OpenAccount("EUR", 0L)));
        CommandEnvelope deposit = envelope("alice", new Deposit(500L, "EUR"));
        Outcome first = submit(deposit);
        events.readValuesToList();
        Outcome retried = submit(deposit);
        assertThat(retried.getReplay()).isTrue();
        assertThat(Outcome.newBuilder(retried).setReplay(false).build()).isEqualTo(first);
        assertThat(events.isEmpty()).as("a retry applies nothing").isTrue();
    }

    @Test
    void shouldSendTheReplayToTheClientThatRetried() {
        submit(envelope("alice", new OpenAccount("EUR", 0L)));
        CommandEnvelope deposit = envelope("alice", new Deposit(500L, "EUR"));
        submit(deposit);
        commands.pipeInput(
                "alice",
                CommandEnvelope.newBuilder(deposit).setReplyTo("client-2").build());
        List<org.apache.kafka.streams.test.TestRecord<String, Outcome>> replays = outcomes.readRecordsToList();
        assertThat(replays).hasSize(1);
        assertThat(replays.get(0).key())
                .as("keyed, so partitioned, by the retrier")
                .isEqualTo("client-2");
        assertThat(replays.get(0).value().getReplay()).isTrue();
        assertThat(replays.get(0).value().getReplyTo()).isEqualTo("client-2");
    }

    @Test
    void shouldRejectARequestIdReusedWithADifferentPayload() {
        submit(envelope("alice", new OpenAccount("EUR", 0L)));
        CommandEnvelope deposit = envelope("alice", new Deposit(500L, "EUR"));
        submit(deposit);
        events.readValuesToList();
        Outcome clash = submit(CommandEnvelope.newBuilder(deposit)
                .setCommand(new Deposit(501L, "EUR"))
                .build());
        assertThat(clash.getStatus()).isEqualTo(OutcomeStatus.REJECTED);
        assertThat(clash.getReason()).isEqualTo(Reason.REQUEST_ID_REUSED);
        assertThat(clash.getAccounts().get(0).getBalance()).isEqualTo(500);
        assertThat(events.isEmpty()).isTrue();
    }

    @Test
    void shouldRejectInsufficientFundsAsAnOutcomeAndRememberIt() {
        submit(envelope("alice", new OpenAccount("EUR", 0L)));
        CommandEnvelope withdraw = envelope("alice", new Withdraw(1L, "EUR"));
        Outcome rejected = submit(withdraw);
        assertThat(rejected.getReason()).isEqualTo(Reason.INSUFFICIENT_FUNDS);
        submit(envelope("alice", new Deposit(10L, "EUR")));
        Outcome retried = submit(withdraw);
        assertThat(retried.getReplay()).isTrue();
        assertThat(retried.getReason()).as("a retry gets the original decision").isEqualTo(Reason.INSUFFICIENT_FUNDS);
    }

    @Test
    void shouldRejectAStaleExpectedVersionWithTheCurrentVersion() {
        submit(envelope("alice", new OpenAccount("EUR", 0L)));
        submit(envelope("alice", new Deposit(10L, "EUR")));
        Outcome conflict = submit(CommandEnvelope.newBuilder(envelope("alice", new Withdraw(5L, "EUR")))
                .setExpectedVersion(1L)
                .build());
        assertThat(conflict.getReason()).isEqualTo(Reason.VERSION_CONFLICT);
        assertThat(conflict.getCurrentVersion()).isEqualTo(2);
    }

    @Test
    void shouldTransferAtomicallyBetweenLocalAccounts() {
        submit(envelope("alice", new OpenAccount("EUR", 0L)));
        submit(envelope("bob", new OpenAccount("EUR", 0L)));
        submit(envelope("alice", new Deposit(100L, "EUR")));
        events.readValuesToList();
        Outcome moved = submit(envelope("alice", new Transfer("bob", 60L, "EUR")));
        assertThat(moved.getStatus()).isEqualTo(OutcomeStatus.ACCEPTED);
        assertThat(moved.getAccounts())
                .extracting(a -> a.getAccountId() + "=" + a.getBalance())
                .containsExactly("alice=40", "bob=60");
        assertThat(events.readValuesToList()).hasSize(2);
        Outcome refused = submit(envelope("alice", new Transfer("nobody", 10L, "EUR")));
        assertThat(refused.getReason()).isEqualTo(Reason.DESTINATION_REJECTED);
        assertThat(refused.getDetail()).isEqualTo("UNKNOWN_ACCOUNT");
        assertThat(events.isEmpty()).isTrue();
    }

    @Test
    void shouldExpireAHoldOnTheWallClockAndFreeTheAmount() {
        submit(envelope("alice", new OpenAccount("EUR", 0L)));
        submit(envelope("alice", new Deposit(100L, "EUR")));
        long expiresAt = T0.plusSeconds(30).toEpochMilli();
        Outcome held = submit(envelope("alice", new PlaceHold("h1", 70L, "EUR", expiresAt)));
        assertThat(held.getAccounts().get(0).getAvailable()).isEqualTo(30);
        assertThat(submit(envelope("alice", new Withdraw(31L, "EUR"))).getReason())
                .isEqualTo(Reason.INSUFFICIENT_FUNDS);
        events.readValuesToList();
        driver.advanceWallClockTime(Duration.ofSeconds(31));
        List<LedgerEvent> expired = events.readValuesToList();
        assertThat(expired).hasSize(1);
        assertThat(expired.get(0).getBody()).isInstanceOf(HoldExpired.class);
        assertThat(expired.get(0).getHeldAfter()).isZero();
        assertThat(submit(envelope("alice", new CaptureHold("h1", null))).getReason())
                .isEqualTo(Reason.HOLD_NOT_FOUND);
        assertThat(submit(envelope("alice", new Withdraw(31L, "EUR"))).getStatus())
                .isEqualTo(OutcomeStatus.ACCEPTED);
    }

    @Test
    void shouldForgetRequestIdsAfterTheRetention() {
        submit(envelope("alice", new OpenAccount("EUR", 0L)));
        CommandEnvelope deposit = envelope("alice", new Deposit(5L, "EUR"));
        submit(deposit);
        driver.advanceWallClockTime(Duration.ofMinutes(30));
        assertThat(submit(deposit).getReplay())
                .as("remembered within retention")
                .isTrue();
        driver.advanceWallClockTime(Duration.ofMinutes(31));
        Outcome afterRetention = submit(deposit);
        assertThat(afterRetention.getReplay())
                .as("a retry after retention is a new request")
                .isFalse();
        assertThat(afterRetention.getAccounts().get(0).getBalance()).isEqualTo(10);
    }

    @Test
    void shouldDeadLetterUndecodableBytesWithTheirOriginAndKeepGoing() {
        rawCommands.pipeInput("alice".getBytes(), new byte[] {1, 2, 3, 4, 5});
        rawCommands.pipeInput("alice".getBytes(), new byte[] {0, 0x7f, 0x7f, 0x7f, 0x7f, 1});
        byte[] good = serdes.commands()
                .serializer()
                .serialize("ledger.commands", envelope("alice", new OpenAccount("EUR", 0L)));
        byte[] corrupt = good.clone();
        for (int i = 5; i < corrupt.length; i++) {
            corrupt[i] = (byte) 0xff;
        }
        rawCommands.pipeInput("alice".getBytes(), corrupt);
        List<DeadLetter> letters = deadLetters.readValuesToList();
        assertThat(letters)
                .extracting(DeadLetter::getReason)
                .containsExactly("UNKNOWN_MAGIC_BYTE", "UNKNOWN_SCHEMA_ID", "CORRUPT_RECORD");
        assertThat(letters).extracting(DeadLetter::getSourceOffset).containsExactly(0L, 1L, 2L);
        assertThat(letters.get(0).getSourceTopic()).isEqualTo("ledger.commands");
        assertThat(Codec.bytes(letters.get(2).getValue())).isEqualTo(corrupt);
        assertThat(submit(envelope("alice", new OpenAccount("EUR", 0L))).getStatus())
                .as("the engine keeps going")
                .isEqualTo(OutcomeStatus.ACCEPTED);
    }

    @Test
    void shouldDeadLetterACommandWithoutRequestIdAndRejectAnInvalidOne() {
        commands.pipeInput(
                "alice",
                CommandEnvelope.newBuilder(envelope("alice", new OpenAccount("EUR", 0L)))
                        .setRequestId("")
                        .build());
        assertThat(deadLetters.readValuesToList())
                .extracting(DeadLetter::getReason)
                .containsExactly("MISSING_REQUEST_ID");
        submit(envelope("alice", new OpenAccount("EUR", 0L)));
        Outcome negative = submit(envelope("alice", new Deposit(-5L, "EUR")));
        assertThat(negative.getReason()).isEqualTo(Reason.INVALID_AMOUNT);
    }

    private Outcome submit(CommandEnvelope envelope) {
        commands.pipeInput(envelope.getAccountId(), envelope);
        List<Outcome> out = outcomes.readValuesToList();
        assertThat(out)
                .as("exactly one outcome for %s", envelope.getRequestId())
                .hasSize(1);
        return out.get(0);
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
