package io.ledgerstream.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerstream.schemas.CommandEnvelope;
import io.ledgerstream.schemas.LedgerEvent;
import io.ledgerstream.sdk.Command;
import io.ledgerstream.sdk.LedgerClient;
import io.ledgerstream.sdk.LedgerClientConfig;
import io.ledgerstream.sdk.LedgerClientException;
import io.ledgerstream.sdk.LedgerClientFencedException;
import io.ledgerstream.sdk.Outcome;
import io.ledgerstream.sdk.SdkTestAccess;
import io.ledgerstream.serde.AvroSerde;
import io.ledgerstream.testkit.EmbeddedKafka;
import io.ledgerstream.testkit.EmbeddedRegistry;
import io.ledgerstream.testkit.LedgerstreamTestEnvironment;
import io.ledgerstream.testkit.TopicNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client against a real engine on the embedded broker and registry: concurrent submits complete exactly once, a
 * {@code submitAll} whose transaction dies midway leaves no trace, and a second instance with the same transactional
 * ID fences the first. One engine serves every test; each test uses its own client IDs and accounts.
 */
@ExtendWith(LedgerstreamTestEnvironment.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LedgerClientIT {

    private static final Logger LOG = LoggerFactory.getLogger(LedgerClientIT.class);
    private static final Duration OUTCOME_WAIT = Duration.ofSeconds(60);

    private SdkEnvironment env;

    @BeforeAll
    void startEngine(EmbeddedKafka kafka, EmbeddedRegistry registry, TopicNames names) {
        env = new SdkEnvironment(kafka, registry, names.unique("client"));
        env.startEngine();
    }

    @AfterAll
    void stopEngine() throws Exception {
        env.close();
    }

    private static Outcome await(CompletableFuture<Outcome> future) throws Exception {
        return future.get(OUTCOME_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static void awaitAccepted(List<CompletableFuture<Outcome>> futures) throws Exception {
        for (CompletableFuture<Outcome> f : futures) {
            assertThat(await(f).isAccepted()).isTrue();
        }
    }

    @Test
    void shouldCompleteEachOfAThousandConcurrentSubmitsExactlyOnce() throws Exception {
        int threads = 4;
        int perThread = 250;
        int accounts = 20;
        LedgerClient client = env.client("concurrent-client");
        List<Command> opens = new ArrayList<>();
        for (int a = 0; a < accounts; a++) {
            opens.add(Command.openAccount("conc-" + a, "EUR"));
        }
        awaitAccepted(client.submitAll(opens));

        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Map<Command, CompletableFuture<Outcome>>>> perThreadFutures = new ArrayList<>();
        long start;
        try {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                perThreadFutures.add(pool.submit(() -> {
                    go.await();
                    Map<Command, CompletableFuture<Outcome>> mine = new HashMap<>();
                    for (int i = 0; i < perThread; i++) {
                        int n = thread * perThread + i;
                        Command c = Command.deposit("conc-" + (n % accounts), 1 + n % 7, "EUR");
                        mine.put(c, client.submit(c));
                    }
                    return mine;
                }));
            }
            start = System.nanoTime();
            go.countDown();
        } finally {
            pool.shutdown();
        }
        Map<Command, CompletableFuture<Outcome>> all = new HashMap<>();
        for (Future<Map<Command, CompletableFuture<Outcome>>> f : perThreadFutures) {
            all.putAll(f.get(OUTCOME_WAIT.toMillis(), TimeUnit.MILLISECONDS));
        }
        Map<String, Long> expectedBalance = new HashMap<>();
        int completed = 0;
        for (Map.Entry<Command, CompletableFuture<Outcome>> e : all.entrySet()) {
            Outcome o = await(e.getValue());
            assertThat(o.requestId()).isEqualTo(e.getKey().requestId());
            assertThat(o.isAccepted()).isTrue();
            assertThat(o.replay()).isFalse();
            expectedBalance.merge(e.getKey().accountId(), e.getKey().amount().getAsLong(), Long::sum);
            completed++;
        }
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        Set<String> ids = all.keySet().stream().map(Command::requestId).collect(Collectors.toSet());
        Map<String, Long> outcomesPerId = env.outcomes().stream()
                .map(ConsumerRecord::value)
                .filter(o -> ids.contains(o.getRequestId()))
                .collect(Collectors.groupingBy(io.ledgerstream.schemas.Outcome::getRequestId, Collectors.counting()));
        List<LedgerEvent> events = env.events().stream()
                .map(ConsumerRecord::value)
                .filter(ev -> ids.contains(ev.getRequestId()))
                .toList();
        Map<String, Long> eventsPerId =
                events.stream().collect(Collectors.groupingBy(LedgerEvent::getRequestId, Collectors.counting()));
        Map<String, Long> finalBalance = new HashMap<>();
        Map<String, Long> lastVersion = new HashMap<>();
        for (LedgerEvent ev : events) {
            if (ev.getVersion() > lastVersion.getOrDefault(ev.getAccountId(), 0L)) {
                lastVersion.put(ev.getAccountId(), ev.getVersion());
                finalBalance.put(ev.getAccountId(), ev.getBalanceAfter());
            }
        }
        long duplicateOutcomes =
                outcomesPerId.values().stream().mapToLong(n -> n - 1).sum();
        long duplicateEvents =
                eventsPerId.values().stream().mapToLong(n -> n - 1).sum();
        LOG.info(
                "concurrent submits: {} threads x {} = {} submits, {} futures completed in {} ms, {} distinct request"
                        + " IDs with outcomes, {} duplicate outcomes, {} events, {} duplicate events",
                threads,
                perThread,
                all.size(),
                completed,
                elapsedMs,
                outcomesPerId.size(),
                duplicateOutcomes,
                events.size(),
                duplicateEvents);

        assertThat(all).hasSize(threads * perThread);
        assertThat(ids).hasSize(threads * perThread);
        assertThat(outcomesPerId).hasSize(ids.size());
        assertThat(duplicateOutcomes).isZero();
        assertThat(events).hasSize(ids.size());
        assertThat(duplicateEvents).isZero();
        assertThat(finalBalance).isEqualTo(expectedBalance);
        assertThat(client.inFlightRequests()).isZero();
    }

    @Test
    void shouldMakeNoneOfASubmitAllVisibleWhenItsTransactionDiesMidway() throws Exception {
        String clientId = "crash-client";
        List<String> accounts = List.of("crash-a", "crash-b");
        LedgerClient setup = env.client("crash-setup");
        awaitAccepted(setup.submitAll(
                accounts.stream().map(a -> Command.openAccount(a, "EUR")).toList()));

        AtomicBoolean armed = new AtomicBoolean();
        LedgerClient crashing = env.track(
                SdkTestAccess.clientWithHook(env.clientConfig(clientId).build(), (producer, sent, total) -> {
                    if (sent == 5 && armed.compareAndSet(true, false)) {
                        producer.flush(); // the first five records are in the log, inside the open transaction
                        producer.close(Duration.ZERO); // the process "dies": no commit, no abort
                    }
                }));
        List<Command> batch = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            batch.add(Command.deposit(accounts.get(i % 2), 100 + i, "EUR"));
        }
        Set<String> batchIds = batch.stream().map(Command::requestId).collect(Collectors.toSet());

        armed.set(true);
        List<CompletableFuture<Outcome>> futures = crashing.submitAll(batch);

        for (CompletableFuture<Outcome> f : futures) {
            assertThatThrownBy(() -> await(f))
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOf(LedgerClientException.class);
        }
        AvroSerde<CommandEnvelope> commandSerde =
                new AvroSerde<>(env.registryClient, CommandEnvelope.class, false, false);
        long writtenButUncommitted =
                env.readAll(env.commandsTopic(), commandSerde.deserializer(), "read_uncommitted").stream()
                        .filter(r -> batchIds.contains(r.value().getRequestId()))
                        .count();

        // the instance restarts with the same client ID: initTransactions aborts the dangling transaction
        LedgerClient restarted = env.client(clientId);
        List<CompletableFuture<Outcome>> markers = new ArrayList<>();
        for (String a : accounts) {
            markers.add(restarted.submit(Command.deposit(a, 1, "EUR")));
        }
        awaitAccepted(markers); // the engine has read past the aborted records on both accounts' partitions

        long committedCommands =
                env.readAll(env.commandsTopic(), commandSerde.deserializer(), "read_committed").stream()
                        .filter(r -> batchIds.contains(r.value().getRequestId()))
                        .count();
        long outcomes = env.outcomes().stream()
                .filter(r -> batchIds.contains(r.value().getRequestId()))
                .count();
        long events = env.events().stream()
                .filter(r -> batchIds.contains(r.value().getRequestId()))
                .count();
        LOG.info(
                "aborted submitAll: 10 commands, {} written before the crash, {} visible read_committed, {}"
                        + " outcomes, {} events",
                writtenButUncommitted,
                committedCommands,
                outcomes,
                events);
        assertThat(writtenButUncommitted).isEqualTo(5);
        assertThat(committedCommands).isZero();
        assertThat(outcomes).isZero();
        assertThat(events).isZero();
        assertThat(await(markers.get(0)).account("crash-a").orElseThrow().balance())
                .isEqualTo(1);

        // the same commands, resubmitted, are new to the engine: it never saw the aborted copies
        List<CompletableFuture<Outcome>> again = restarted.submitAll(batch);
        for (CompletableFuture<Outcome> f : again) {
            Outcome o = await(f);
            assertThat(o.isAccepted()).isTrue();
            assertThat(o.replay()).isFalse();
        }
    }

    @Test
    void shouldFenceTheFirstClientWhenASecondStartsWithTheSameTransactionalId() throws Exception {
        String clientId = "fenced-client";
        LedgerClient first = env.client(clientId);
        assertThat(await(first.submit(Command.openAccount("fence-acct", "EUR"))).isAccepted())
                .isTrue();

        LedgerClient second = env.client(clientId); // same client ID, so same transactional ID
        Command deposit = Command.deposit("fence-acct", 700, "EUR");
        CompletableFuture<Outcome> fromFirst = first.submit(deposit);

        assertThatThrownBy(() -> await(fromFirst))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOf(LedgerClientFencedException.class)
                .hasMessageContaining("ledgerstream-sdk-" + clientId)
                .hasMessageContaining("Close this client");
        assertThatThrownBy(() -> first.submit(Command.deposit("fence-acct", 1, "EUR")))
                .isInstanceOf(LedgerClientFencedException.class);

        Outcome fromSecond = await(second.submit(deposit));
        long events = env.events().stream()
                .filter(r -> r.value().getRequestId().equals(deposit.requestId()))
                .count();
        LOG.info(
                "fencing: first client failed with {}, second applied the same command (replay={}), {} event(s)",
                LedgerClientFencedException.class.getSimpleName(),
                fromSecond.replay(),
                events);
        assertThat(fromSecond.isAccepted()).isTrue();
        assertThat(fromSecond.replay()).isFalse(); // the fenced attempt left nothing for the engine
        assertThat(events).isEqualTo(1);
        assertThat(fromSecond.account("fence-acct").orElseThrow().balance()).isEqualTo(700);
    }

    @Test
    void shouldApplyAcceptedAndRejectedCommandsOfOneSubmitAllIndependently() throws Exception {
        LedgerClient client = env.client("mixed-client");
        awaitAccepted(client.submitAll(
                List.of(Command.openAccount("mixed-a", "EUR"), Command.openAccount("mixed-b", "EUR"))));

        List<CompletableFuture<Outcome>> futures = client.submitAll(List.of(
                Command.deposit("mixed-a", 500, "EUR"),
                Command.withdraw("mixed-b", 1, "EUR"),
                Command.transfer("mixed-a", "mixed-b", 200, "EUR")));

        assertThat(await(futures.get(0)).isAccepted()).isTrue();
        Outcome rejected = await(futures.get(1));
        assertThat(rejected.isAccepted()).isFalse();
        assertThat(rejected.rejectionReason()).hasValue(io.ledgerstream.core.Reason.INSUFFICIENT_FUNDS);
        Outcome transfer = await(futures.get(2));
        assertThat(transfer.isAccepted()).isTrue();
        Set<String> touched = new HashSet<>();
        transfer.accounts().forEach(a -> touched.add(a.accountId()));
        assertThat(touched).contains("mixed-a");
    }

    @Test
    void shouldRefuseToStartWhenTheEnginesTopicsAreMissing() {
        assertThatThrownBy(() -> new LedgerClient(env.clientConfig("lost-client")
                        .set(LedgerClientConfig.TOPIC_COMMANDS, "no-such-commands")
                        .build()))
                .isInstanceOf(LedgerClientException.class)
                .hasMessageContaining("no-such-commands")
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> new LedgerClient(env.clientConfig("lost-client")
                        .set(LedgerClientConfig.TOPIC_OUTCOMES, "no-such-outcomes")
                        .build()))
                .isInstanceOf(LedgerClientException.class)
                .hasMessageContaining("no-such-outcomes");
    }
}
