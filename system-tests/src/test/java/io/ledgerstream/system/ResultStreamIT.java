package io.ledgerstream.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ledgerstream.schemas.LedgerEvent;
import io.ledgerstream.sdk.Command;
import io.ledgerstream.sdk.LedgerClient;
import io.ledgerstream.sdk.LedgerClientConfig;
import io.ledgerstream.sdk.LedgerClientException;
import io.ledgerstream.sdk.Outcome;
import io.ledgerstream.sdk.ResultStream;
import io.ledgerstream.sdk.StartPosition;
import io.ledgerstream.sdk.StreamRecord;
import io.ledgerstream.sdk.cli.LedgerCli;
import io.ledgerstream.testkit.Await;
import io.ledgerstream.testkit.EmbeddedKafka;
import io.ledgerstream.testkit.EmbeddedRegistry;
import io.ledgerstream.testkit.LedgerstreamTestEnvironment;
import io.ledgerstream.testkit.TopicNames;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Result streams and the CLI against a real engine: a stream that crashes in its handler and one that is closed
 * resume from committed offsets without gaps or duplicates; the CLI submits commands and tails streams as JSON.
 */
@ExtendWith(LedgerstreamTestEnvironment.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResultStreamIT {

    private static final Logger LOG = LoggerFactory.getLogger(ResultStreamIT.class);
    private static final Duration WAIT = Duration.ofSeconds(60);

    private SdkEnvironment env;
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @BeforeAll
    void startEngine(EmbeddedKafka kafka, EmbeddedRegistry registry, TopicNames names) {
        env = new SdkEnvironment(kafka, registry, names.unique("streams"));
        env.startEngine();
    }

    @AfterAll
    void stopEngine() throws Exception {
        pool.shutdownNow();
        env.close();
    }

    /** Runs a stream on the pool; the future completes when {@code run} returns or throws. */
    private Future<?> runInBackground(ResultStream<LedgerEvent> stream, ResultStream.Handler<LedgerEvent> handler) {
        return pool.submit(() -> stream.run(handler));
    }

    @Test
    void shouldResumeAfterACrashAndARestartWithoutGapsOrDuplicates() throws Exception {
        int accounts = 4;
        int deposits = 200;
        LedgerClient client = env.client("stream-writer");
        List<Command> commands = new ArrayList<>();
        for (int a = 0; a < accounts; a++) {
            commands.add(Command.openAccount("stream-" + a, "EUR"));
        }
        for (int i = 0; i < deposits; i++) {
            commands.add(Command.deposit("stream-" + (i % accounts), 1 + i, "EUR"));
        }
        for (int from = 0; from < commands.size(); from += 50) {
            for (CompletableFuture<Outcome> f :
                    client.submitAll(commands.subList(from, Math.min(commands.size(), from + 50)))) {
                assertThat(f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS).isAccepted())
                        .isTrue();
            }
        }
        int expected = accounts + deposits;
        LedgerClientConfig config = env.clientConfig("stream-reader")
                .set(LedgerClientConfig.STREAM_POLL_RECORDS_MAX, 25)
                .build();
        String group = "projector-" + System.nanoTime();
        List<StreamRecord<LedgerEvent>> handled = new CopyOnWriteArrayList<>();

        // 1. the handler fails on its 60th record of ours: the stream stops, committing the 59 before it
        ResultStream<LedgerEvent> first = ResultStream.events(config, group, StartPosition.fromCommitted());
        List<StreamRecord<LedgerEvent>> crashedOn = new CopyOnWriteArrayList<>();
        Future<?> firstRun = runInBackground(first, r -> {
            if (!ours(r)) {
                return;
            }
            if (handled.size() == 59) {
                crashedOn.add(r);
                throw new IllegalStateException("simulated crash of the projection");
            }
            handled.add(r);
        });
        Throwable crash = Await.awaitValue(WAIT, "the first stream stopped on the handler failure", () -> {
            try {
                firstRun.get(10, TimeUnit.MILLISECONDS);
                return java.util.Optional.of(new AssertionError("run() returned normally"));
            } catch (ExecutionException e) {
                return java.util.Optional.of(e.getCause());
            } catch (java.util.concurrent.TimeoutException e) {
                return java.util.Optional.empty();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        assertThat(crash).isInstanceOf(LedgerClientException.class).hasMessageContaining("resumes at this record");
        int afterCrash = handled.size();

        // 2. a restarted stream resumes at the failed record; it is closed (from its handler) after 70 more
        ResultStream<LedgerEvent> second = ResultStream.events(config, group, StartPosition.fromCommitted());
        Future<?> secondRun = runInBackground(second, r -> {
            if (ours(r)) {
                handled.add(r);
                if (handled.size() == afterCrash + 70) {
                    second.close(); // run() returns after this record, committing it
                }
            }
        });
        secondRun.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        int afterClose = handled.size();

        // 3. a third stream reads the rest
        ResultStream<LedgerEvent> third = ResultStream.events(config, group, StartPosition.fromCommitted());
        Future<?> thirdRun = runInBackground(third, r -> {
            if (ours(r)) {
                handled.add(r);
            }
        });
        Await.await(WAIT, "all " + expected + " events were handled", () -> handled.size() >= expected);
        third.close();
        thirdRun.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

        Set<String> coordinates = new HashSet<>();
        Map<String, List<Long>> versions = new HashMap<>();
        for (StreamRecord<LedgerEvent> r : handled) {
            coordinates.add(r.partition() + "@" + r.offset());
            versions.computeIfAbsent(r.value().getAccountId(), k -> new ArrayList<>())
                    .add(r.value().getVersion());
        }
        StreamRecord<LedgerEvent> failed = crashedOn.get(0);
        StreamRecord<LedgerEvent> resumedWith = handled.get(afterCrash);
        LOG.info(
                "result stream: {} events expected, {} handled in 3 runs ({} before the crash, {} by the restarted"
                        + " run until close, {} after), {} duplicates, crashed on {}@{}, resumed with {}@{}",
                expected,
                handled.size(),
                afterCrash,
                afterClose - afterCrash,
                handled.size() - afterClose,
                handled.size() - coordinates.size(),
                failed.partition(),
                failed.offset(),
                resumedWith.partition(),
                resumedWith.offset());
        assertThat(handled).hasSize(expected);
        assertThat(coordinates).hasSize(expected); // no duplicates
        for (List<Long> v : versions.values()) {
            List<Long> gapless = new ArrayList<>();
            for (long n = 1; n <= v.size(); n++) {
                gapless.add(n);
            }
            assertThat(v).isEqualTo(gapless); // no gaps, in order, per account
        }
        assertThat(resumedWith.partition()).isEqualTo(failed.partition());
        assertThat(resumedWith.offset()).isEqualTo(failed.offset());
    }

    private static boolean ours(StreamRecord<LedgerEvent> r) {
        return r.value().getAccountId().startsWith("stream-");
    }

    @Test
    void shouldStreamOutcomesFromTheStart() throws Exception {
        LedgerClient client = env.client("outcome-writer");
        Command open = Command.openAccount("outcomes-acct", "EUR");
        client.submit(open).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        List<Outcome> seen = new CopyOnWriteArrayList<>();
        ResultStream<Outcome> stream = env.track(ResultStream.outcomes(
                env.clientConfig("outcome-reader").build(),
                "notifier-" + System.nanoTime(),
                StartPosition.fromStart()));
        Future<?> run = pool.submit(() -> stream.run(r -> seen.add(r.value())));

        Await.await(WAIT, "the outcome of " + open.requestId() + " was streamed", () -> seen.stream()
                .anyMatch(o -> o.requestId().equals(open.requestId())));
        stream.close();
        run.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Test
    void shouldSubmitAndTailFromTheCommandLine() throws Exception {
        ObjectMapper json = new ObjectMapper();
        String[] connection = {
            "--bootstrap-servers", env.kafka.bootstrapServers(),
            "--registry-url", env.registry.url(),
            "--set", "topic.commands=" + env.commandsTopic(),
            "--set", "topic.outcomes=" + env.outcomesTopic(),
            "--set", "topic.events=" + env.eventsTopic()
        };

        Result opened = cli(connection, "submit", "open-account", "--account", "cli-acct", "--currency", "EUR");
        Result deposited = cli(
                connection,
                "submit",
                "deposit",
                "--json",
                "{\"account\":\"cli-acct\",\"amount\":300,\"currency\":\"EUR\"}");
        Result overdrawn =
                cli(connection, "submit", "withdraw", "--account", "cli-acct", "--amount", "301", "--currency", "EUR");
        Result tail = cli(connection, "tail", "events", "--from-start", "--max-records", "2");

        assertThat(opened.code).as(opened.err).isEqualTo(LedgerCli.EXIT_OK);
        assertThat(json.readTree(opened.out).get("status").asText()).isEqualTo("ACCEPTED");
        JsonNode deposit = json.readTree(deposited.out);
        assertThat(deposited.code).as(deposited.err).isZero();
        assertThat(deposit.get("accounts").get(0).get("balance").asLong()).isEqualTo(300);
        assertThat(overdrawn.code).as(overdrawn.err).isEqualTo(LedgerCli.EXIT_REJECTED);
        assertThat(json.readTree(overdrawn.out).get("reason").asText()).isEqualTo("INSUFFICIENT_FUNDS");
        assertThat(tail.code).as(tail.err).isZero();
        List<String> lines = tail.out.lines().toList();
        assertThat(lines).hasSize(2);
        for (String line : lines) {
            JsonNode event = json.readTree(line);
            assertThat(event.get("hash").asText()).hasSize(64);
            assertThat(event.get("version").asLong()).isPositive();
        }
    }

    private record Result(int code, String out, String err) {}

    private static Result cli(String[] connection, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[connection.length + args.length];
        System.arraycopy(connection, 0, all, 0, connection.length);
        System.arraycopy(args, 0, all, connection.length, args.length);
        int code = LedgerCli.execute(new PrintWriter(out), new PrintWriter(err), all);
        return new Result(code, out.toString().trim(), err.toString());
    }
}
