package io.ledgerstream.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.core.Reason;
import io.ledgerstream.schemas.LedgerEvent;
import io.ledgerstream.sdk.Command;
import io.ledgerstream.sdk.LedgerClient;
import io.ledgerstream.sdk.LedgerClientConfig;
import io.ledgerstream.sdk.LedgerTimeoutException;
import io.ledgerstream.sdk.Outcome;
import io.ledgerstream.sdk.ResultStream;
import io.ledgerstream.sdk.StartPosition;
import io.ledgerstream.testkit.Await;
import io.ledgerstream.testkit.EmbeddedKafka;
import io.ledgerstream.testkit.EmbeddedRegistry;
import io.ledgerstream.testkit.LedgerstreamTestEnvironment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Keeps {@code docs/sdk.md} honest: every {@code ```java} block of the guide must equal (modulo indentation) a region
 * of this file between {@code // tag::name[]} and {@code // end::name[]}, and {@link #shouldRunEverySnippetOfTheGuide}
 * runs those regions, in the guide's order, against a real engine on the embedded broker and registry. The engine
 * uses the default topic names ({@code ledger.commands}, ...), so the snippets need no topic settings.
 */
@ExtendWith(LedgerstreamTestEnvironment.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SdkDocsIT {

    static final Path GUIDE = Path.of("..", "docs", "sdk.md");
    static final Path THIS_SOURCE = Path.of("src", "test", "java", "io", "ledgerstream", "system", "SdkDocsIT.java");

    private SdkEnvironment env;
    private String bootstrapServers;
    private String registryUrl;

    @BeforeAll
    void startEngine(EmbeddedKafka kafka, EmbeddedRegistry registry) {
        env = new SdkEnvironment(kafka, registry, "ledger"); // ledger.commands, ledger.outcomes, ledger.events
        bootstrapServers = kafka.bootstrapServers();
        registryUrl = registry.url();
        env.startEngine();
    }

    @AfterAll
    void stopEngine() throws Exception {
        env.close();
    }

    @Test
    void shouldRunEverySnippetOfTheGuide() throws Exception {
        LedgerClientConfig config = configure();

        try (LedgerClient client = new LedgerClient(config)) {
            Outcome deposited = submit(client);
            assertThat(deposited.isAccepted()).isTrue();
            assertThat(deposited.account("alice").orElseThrow().balance()).isEqualTo(1_000);

            assertThat(handleRejection(client)).startsWith("not paid out: INSUFFICIENT_FUNDS");

            Command payout = Command.withdraw("alice", 250, "EUR");
            Outcome paid = retryOnTimeout(client, payout);
            assertThat(paid.isAccepted()).isTrue();
            Outcome replayed = resubmitAfterRestart(client, payout.requestId());
            assertThat(replayed.replay()).isTrue();
            assertThat(replayed.currentVersion()).isEqualTo(paid.currentVersion());

            List<Outcome> batch = submitAll(client);
            assertThat(batch)
                    .extracting(Outcome::status)
                    .containsExactly(Outcome.Status.ACCEPTED, Outcome.Status.ACCEPTED, Outcome.Status.REJECTED);

            Outcome moved = transfer(client);
            assertThat(moved.isAccepted()).isTrue();

            Outcome guarded = guardWithExpectedVersion(client);
            assertThat(guarded.isAccepted()).isTrue();
            Outcome stale = client.submit(Command.withExpectedVersion(1).withdraw("alice", 1, "EUR"))
                    .get();
            assertThat(stale.rejectionReason()).hasValue(Reason.VERSION_CONFLICT);
        }

        StatementBuilder statements = new StatementBuilder();
        ResultStream<LedgerEvent> events = startStatements(config, statements);
        Await.await(
                Duration.ofSeconds(60),
                "the statement builder saw alice's and bob's latest balances",
                () -> statements.balance("alice") == 1_000 - 250 - 100 - 50 && statements.balance("bob") == 600);
        stopStatements(events);
    }

    // ---- the snippets, in the guide's order ----

    private LedgerClientConfig configure() {
        // tag::config[]
        LedgerClientConfig config = LedgerClientConfig.builder()
                .bootstrapServers(bootstrapServers) // e.g. "broker-1:9092,broker-2:9092"
                .registryUrl(registryUrl) // e.g. "http://registry:8080/apis/ccompat/v7"
                .clientId("payments-api-0") // stable per instance: outcomes come back to this ID
                .requestTimeout(Duration.ofSeconds(30))
                .build();
        // end::config[]
        return config;
    }

    private static Outcome submit(LedgerClient client) throws Exception {
        // tag::submit[]
        client.submit(Command.openAccount("alice", "EUR")).get();
        Outcome outcome = client.submit(Command.deposit("alice", 1_000, "EUR")).get(); // 10.00 EUR in cents
        if (outcome.isAccepted()) {
            long balance = outcome.account("alice").orElseThrow().balance(); // 1000
        }
        // end::submit[]
        return outcome;
    }

    private static String handleRejection(LedgerClient client) throws Exception {
        // tag::rejection[]
        Outcome outcome = client.submit(Command.withdraw("alice", 5_000, "EUR")).get();
        String message =
                switch (outcome.status()) {
                    case ACCEPTED -> "paid out";
                    case REJECTED -> "not paid out: " + outcome.reason() + " (" + outcome.detail() + ")";
                };
        // end::rejection[]
        return message;
    }

    private static Outcome retryOnTimeout(LedgerClient client, Command payout) throws Exception {
        // tag::retry[]
        // the request ID was fixed when `payout` was created: every submission below reuses it
        Outcome outcome = null;
        for (int attempt = 1; outcome == null && attempt <= 5; attempt++) {
            try {
                outcome = client.submit(payout).get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof LedgerTimeoutException)) {
                    throw e;
                }
                // applied or not, we don't know yet: submitting the same object again is safe
            }
        }
        // end::retry[]
        return outcome;
    }

    private static Outcome resubmitAfterRestart(LedgerClient client, String storedRequestId) throws Exception {
        // tag::stored-request-id[]
        // storedRequestId = payout.requestId(), saved with your own record of the payout before submitting
        Command payout = Command.withRequestId(storedRequestId).withdraw("alice", 250, "EUR");
        Outcome outcome = client.submit(payout).get(); // the original outcome, with replay() == true
        // end::stored-request-id[]
        return outcome;
    }

    private static List<Outcome> submitAll(LedgerClient client) throws Exception {
        // tag::submit-all[]
        List<CompletableFuture<Outcome>> futures = client.submitAll(List.of(
                Command.openAccount("bob", "EUR"),
                Command.deposit("bob", 500, "EUR"),
                Command.withdraw("bob", 800, "EUR")));
        // all three were published in one Kafka transaction; each is decided on its own:
        // open ACCEPTED, deposit ACCEPTED, withdraw REJECTED (INSUFFICIENT_FUNDS)
        List<Outcome> outcomes = new ArrayList<>();
        for (CompletableFuture<Outcome> future : futures) {
            outcomes.add(future.get());
        }
        // end::submit-all[]
        return outcomes;
    }

    private static Outcome transfer(LedgerClient client) throws Exception {
        // tag::transfer[]
        // debits alice and credits bob atomically, exactly once, even across partitions
        Outcome outcome =
                client.submit(Command.transfer("alice", "bob", 100, "EUR")).get();
        // end::transfer[]
        return outcome;
    }

    private static Outcome guardWithExpectedVersion(LedgerClient client) throws Exception {
        // tag::expected-version[]
        Outcome before = client.submit(Command.deposit("alice", 1, "EUR")).get();
        Command fee = Command.withExpectedVersion(before.currentVersion()).withdraw("alice", 51, "EUR");
        Outcome outcome = client.submit(fee).get(); // VERSION_CONFLICT if alice changed in between
        // end::expected-version[]
        return outcome;
    }

    private static ResultStream<LedgerEvent> startStatements(LedgerClientConfig config, StatementBuilder statements) {
        // tag::stream-start[]
        ResultStream<LedgerEvent> events =
                ResultStream.events(config, "statement-builder", StartPosition.fromCommitted());
        Thread worker = new Thread(() -> events.run(record -> statements.apply(record.value())), "statements");
        worker.start();
        // end::stream-start[]
        return events;
    }

    private static void stopStatements(ResultStream<LedgerEvent> events) {
        // tag::stream-stop[]
        events.close(); // run() returns after the current record; every handled record's offset is committed
        // end::stream-stop[]
    }

    /** The guide's example projection: the latest balance per account, idempotent by version. */
    static final class StatementBuilder {
        private final Map<String, long[]> latest = new ConcurrentHashMap<>();

        void apply(LedgerEvent event) {
            latest.merge(
                    event.getAccountId(),
                    new long[] {event.getVersion(), event.getBalanceAfter()},
                    (old, now) -> now[0] > old[0] ? now : old);
        }

        long balance(String account) {
            long[] v = latest.get(account);
            return v == null ? Long.MIN_VALUE : v[1];
        }
    }

    // ---- the guide checks ----

    @Test
    void shouldShowExactlyTheTestedSnippetsInTheGuide() throws Exception {
        Map<String, String> regions = taggedRegions(Files.readString(THIS_SOURCE, StandardCharsets.UTF_8));
        List<String> blocks = javaBlocks(Files.readString(GUIDE, StandardCharsets.UTF_8));

        assertThat(regions).isNotEmpty();
        List<String> shown = new ArrayList<>();
        for (String block : blocks) {
            String name = regions.entrySet().stream()
                    .filter(e -> e.getValue().equals(block))
                    .map(Map.Entry::getKey)
                    .findFirst()
                    .orElse(null);
            assertThat(name)
                    .as(
                            "docs/sdk.md has a java block that is not a tagged, tested region of %s:%n%s",
                            THIS_SOURCE, block)
                    .isNotNull();
            shown.add(name);
        }
        assertThat(shown)
                .as("every tested snippet appears in docs/sdk.md, once, in the order they run")
                .containsExactlyElementsOf(regions.keySet());
    }

    private static final Pattern TAG = Pattern.compile("(?m)^\\s*// tag::([a-z-]+)\\[]\\s*$");
    private static final Pattern JAVA_BLOCK = Pattern.compile("(?s)```java\\n(.*?)```");

    static Map<String, String> taggedRegions(String source) {
        Map<String, String> regions = new LinkedHashMap<>();
        Matcher m = TAG.matcher(source);
        while (m.find()) {
            String name = m.group(1);
            int end = source.indexOf("// end::" + name + "[]", m.end());
            assertThat(end).as("region %s has an end tag", name).isPositive();
            String body = source.substring(m.end(), end);
            assertThat(regions.put(name, normalize(body)))
                    .as("region %s is tagged once", name)
                    .isNull();
        }
        return regions;
    }

    static List<String> javaBlocks(String markdown) {
        List<String> blocks = new ArrayList<>();
        Matcher m = JAVA_BLOCK.matcher(markdown);
        while (m.find()) {
            blocks.add(normalize(m.group(1)));
        }
        return blocks;
    }

    /** Drops blank edges, trailing spaces and the common indentation. */
    static String normalize(String text) {
        List<String> lines =
                new ArrayList<>(text.lines().map(String::stripTrailing).toList());
        while (!lines.isEmpty() && lines.get(0).isEmpty()) {
            lines.remove(0);
        }
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1);
        }
        int indent = lines.stream()
                .filter(l -> !l.isEmpty())
                .mapToInt(l -> l.length() - l.stripLeading().length())
                .min()
                .orElse(0);
        return String.join(
                "\n",
                lines.stream().map(l -> l.isEmpty() ? l : l.substring(indent)).toList());
    }
}
