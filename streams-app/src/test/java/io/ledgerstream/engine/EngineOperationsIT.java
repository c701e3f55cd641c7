package io.ledgerstream.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ledgerstream.core.ConsistentHash;
import io.ledgerstream.sdk.Command;
import io.ledgerstream.sdk.LedgerClient;
import io.ledgerstream.sdk.LedgerClientConfig;
import io.ledgerstream.sdk.Outcome;
import io.ledgerstream.testkit.Await;
import io.ledgerstream.testkit.EmbeddedKafka;
import io.ledgerstream.testkit.EmbeddedRegistry;
import io.ledgerstream.testkit.LedgerstreamTestEnvironment;
import io.ledgerstream.testkit.TopicNames;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The operations surface on a real broker and registry, with two engine instances sharing one application ID (so each
 * owns some partitions): health endpoints, {@code GET /accounts/{id}} answered by the owner whichever instance is
 * asked (the other forwards), 404 and 400 answers, and the Prometheus metrics after a workload.
 */
@ExtendWith(LedgerstreamTestEnvironment.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EngineOperationsIT {

    static final int PARTITIONS = 4;
    static final Duration WAIT = Duration.ofSeconds(90);
    static final ObjectMapper JSON = new ObjectMapper();

    EngineHarness harness;
    LedgerService first;
    LedgerService second;
    LedgerClient client;
    final Map<String, Long> balances = new LinkedHashMap<>();

    @BeforeAll
    void startTwoEnginesAndRunAWorkload(EmbeddedKafka kafka, EmbeddedRegistry registry, TopicNames names)
            throws Exception {
        harness = new EngineHarness(kafka, registry, names.unique("ops"));
        Map<String, Object> props = harness.engineProps(PARTITIONS);
        props.put(EngineConfig.HTTP_HOST, "127.0.0.1");
        props.put(EngineConfig.HTTP_PORT, 0);
        first = harness.startEngine(props);
        second = harness.startEngine(props);
        first.awaitRunning(WAIT);
        second.awaitRunning(WAIT);
        EngineConfig config = first.config();

        client = new LedgerClient(LedgerClientConfig.builder()
                .bootstrapServers(kafka.bootstrapServers())
                .registryUrl(registry.url())
                .clientId(harness.prefix + "-client")
                .set(LedgerClientConfig.REGISTRY_AUTO_REGISTER, true)
                .set(LedgerClientConfig.TOPIC_COMMANDS, config.commandsTopic())
                .set(LedgerClientConfig.TOPIC_OUTCOMES, config.outcomesTopic())
                .set(LedgerClientConfig.TOPIC_EVENTS, config.eventsTopic())
                .build());

        // one account per partition at least, so both instances own some of them
        List<String> accounts = new ArrayList<>();
        for (int i = 0; accounts.size() < 8; i++) {
            accounts.add("ops-acct-" + i);
        }
        for (int p = 0; p < PARTITIONS; p++) {
            int partition = p;
            boolean covered = accounts.stream().anyMatch(a -> ConsistentHash.partition(a, PARTITIONS) == partition);
            for (int i = 100; !covered; i++) {
                String candidate = "ops-acct-" + i;
                if (ConsistentHash.partition(candidate, PARTITIONS) == partition) {
                    accounts.add(candidate);
                    covered = true;
                }
            }
        }
        long amount = 1_000;
        for (String account : accounts) {
            submit(Command.openAccount(account, "EUR"));
            submit(Command.deposit(account, amount, "EUR"));
            balances.put(account, amount);
            amount += 10;
        }
        // a retry (same request ID, same payload) and a reused request ID (different payload)
        Command deposit = Command.deposit(accounts.get(0), 5, "EUR");
        submit(deposit);
        balances.merge(accounts.get(0), 5L, Long::sum);
        assertThat(submit(Command.withRequestId(deposit.requestId()).deposit(accounts.get(0), 5, "EUR"))
                        .replay())
                .isTrue();
        assertThat(submit(Command.withRequestId(deposit.requestId()).deposit(accounts.get(0), 6, "EUR"))
                        .rejectionReason())
                .isPresent();
        // a rejection and a cross-partition transfer
        assertThat(submit(Command.withdraw(accounts.get(1), 1_000_000, "EUR")).isAccepted())
                .isFalse();
        String from = accounts.get(0);
        String to = accounts.stream()
                .filter(a -> ConsistentHash.partition(a, PARTITIONS) != ConsistentHash.partition(from, PARTITIONS))
                .findFirst()
                .orElseThrow();
        assertThat(submit(Command.transfer(from, to, 100, "EUR")).isAccepted()).isTrue();
        balances.merge(from, -100L, Long::sum);
        balances.merge(to, 100L, Long::sum);
        // a hold, listed among the account's holds
        submit(Command.placeHold(to, "hold-1", 50, "EUR", Instant.now().plus(Duration.ofHours(1))));
        // poison: not the registry wire format
        KafkaProducer<byte[], byte[]> raw = harness.rawProducer();
        raw.send(new ProducerRecord<>(
                        config.commandsTopic(), 0, "x".getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3}))
                .get(30, TimeUnit.SECONDS);
    }

    @AfterAll
    void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (harness != null) {
            harness.close();
        }
    }

    Outcome submit(Command command) throws Exception {
        return client.submit(command).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    InetSocketAddress http(LedgerService service) {
        return service.httpAddress().orElseThrow();
    }

    @Test
    void shouldReportLiveAndReadyWhileRunning() {
        for (LedgerService service : List.of(first, second)) {
            Await.await(WAIT, "the instance is RUNNING and says so on /health/ready", () -> {
                HttpResponse<String> ready = HttpProbe.get(http(service), "/health/ready");
                return service.state() == KafkaStreams.State.RUNNING
                        && ready.statusCode() == 200
                        && ready.body().contains("\"RUNNING\"");
            });
            HttpResponse<String> live = HttpProbe.get(http(service), "/health/live");
            assertThat(live.statusCode()).isEqualTo(200);
            assertThat(live.body()).contains("\"status\":\"UP\"");
        }
    }

    @Test
    void shouldAnswerAccountQueriesFromEitherInstanceForwardingToTheOwner() throws Exception {
        int forwarded = 0;
        for (Map.Entry<String, Long> expected : balances.entrySet()) {
            String account = expected.getKey();
            for (LedgerService asked : List.of(first, second)) {
                HttpResponse<String> response = awaitAnswer(asked, "/accounts/" + account);
                assertThat(response.statusCode())
                        .as("GET /accounts/%s on %s: %s", account, http(asked), response.body())
                        .isEqualTo(200);
                JsonNode body = JSON.readTree(response.body());
                assertThat(body.get("accountId").asText()).isEqualTo(account);
                assertThat(body.get("balance").asLong()).isEqualTo(expected.getValue());
                assertThat(body.get("currency").asText()).isEqualTo("EUR");
                assertThat(body.get("version").asLong()).isGreaterThanOrEqualTo(2);
                assertThat(body.get("partition").asInt()).isEqualTo(ConsistentHash.partition(account, PARTITIONS));
                String servedBy = response.headers()
                        .firstValue(EngineHttpServer.SERVED_BY_HEADER)
                        .orElseThrow();
                Optional<String> forwardedBy = response.headers().firstValue(EngineHttpServer.FORWARDED_HEADER);
                String askedAddress = "127.0.0.1:" + http(asked).getPort();
                if (forwardedBy.isPresent()) {
                    forwarded++;
                    assertThat(forwardedBy.get()).isEqualTo(askedAddress);
                    assertThat(servedBy).isNotEqualTo(askedAddress);
                } else {
                    assertThat(servedBy).isEqualTo(askedAddress);
                }
            }
        }
        assertThat(forwarded)
                .as("each account is owned by one instance, so asking the other one forwards the query")
                .isPositive();
    }

    @Test
    void shouldListActiveHoldsAndTheAvailableBalance() throws Exception {
        String withHold = balances.keySet().stream()
                .map(a -> {
                    try {
                        return JSON.readTree(
                                awaitAnswer(first, "/accounts/" + a).body());
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                })
                .filter(b -> b.get("holds").size() > 0)
                .map(b -> b.get("accountId").asText())
                .findFirst()
                .orElseThrow(() -> new AssertionError("no account shows the placed hold"));
        JsonNode body =
                JSON.readTree(awaitAnswer(second, "/accounts/" + withHold).body());
        assertThat(body.get("holds").get(0).get("holdId").asText()).isEqualTo("hold-1");
        assertThat(body.get("holds").get(0).get("amount").asLong()).isEqualTo(50);
        assertThat(body.get("held").asLong()).isEqualTo(50);
        assertThat(body.get("available").asLong()).isEqualTo(body.get("balance").asLong() - 50);
    }

    @Test
    void shouldAnswer404ForAnUnknownAccountWhicheverInstanceIsAsked() {
        for (LedgerService asked : List.of(first, second)) {
            for (String id : List.of("nobody-here", "nobody-there", "nobody-anywhere")) {
                HttpResponse<String> response = awaitAnswer(asked, "/accounts/" + id);
                assertThat(response.statusCode()).as(response.body()).isEqualTo(404);
                assertThat(response.body()).contains("unknown account").contains(id);
            }
        }
    }

    @Test
    void shouldAnswer400WithAMessageForAMalformedAccountId() {
        Map<String, String> malformed = new LinkedHashMap<>();
        malformed.put("/accounts/", "blank");
        malformed.put("/accounts/%20%20", "blank");
        malformed.put("/accounts/" + "a".repeat(129), "longer than 128");
        malformed.put("/accounts/abc%07def", "control character");
        malformed.put("/accounts/abc%0Adef", "control character");
        malformed.put("/accounts/abc%C3", "UTF-8");
        for (Map.Entry<String, String> e : malformed.entrySet()) {
            HttpResponse<String> response = HttpProbe.get(http(first), e.getKey());
            assertThat(response.statusCode()).as(e.getKey()).isEqualTo(400);
            assertThat(response.body())
                    .as(e.getKey())
                    .contains("malformed account ID")
                    .contains(e.getValue());
        }
        assertThat(HttpProbe.rawGet(http(first), "/accounts/abc%zz"))
                .as("an invalid percent-escape (java.net.URI refuses to send it, so a raw socket does)")
                .startsWith("HTTP/1.1 400");
        assertThat(HttpProbe.get(http(first), "/accounts/" + "a".repeat(128)).statusCode())
                .as("128 characters are allowed")
                .isIn(404, 503);
    }

    @Test
    void shouldAnswer404ForUnknownPathsAnd405ForOtherMethods() throws Exception {
        assertThat(HttpProbe.get(http(first), "/nothing").statusCode()).isEqualTo(404);
        assertThat(HttpProbe.get(http(first), "/health/readyz").statusCode()).isEqualTo(404);
        var request = java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + http(first).getPort() + "/health/ready"))
                .POST(java.net.http.HttpRequest.BodyPublishers.noBody())
                .build();
        var response = java.net.http.HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(405);
    }

    @Test
    void shouldExposeTheLedgerCountersAndKafkaStreamsMetrics() {
        Await.await(WAIT, "the metrics of both instances add up to the workload", () -> {
            String a = HttpProbe.get(http(first), "/metrics").body();
            String b = HttpProbe.get(http(second), "/metrics").body();
            double commands = HttpProbe.sum(a, "ledgerstream_commands_received_total")
                    + HttpProbe.sum(b, "ledgerstream_commands_received_total");
            double accepted = HttpProbe.sum(a, "ledgerstream_outcomes_total", "status=\"ACCEPTED\"")
                    + HttpProbe.sum(b, "ledgerstream_outcomes_total", "status=\"ACCEPTED\"");
            double insufficient = HttpProbe.sum(a, "ledgerstream_outcomes_total", "reason=\"INSUFFICIENT_FUNDS\"")
                    + HttpProbe.sum(b, "ledgerstream_outcomes_total", "reason=\"INSUFFICIENT_FUNDS\"");
            double replays = HttpProbe.sum(a, "ledgerstream_dedup_hits_total", "state=\"complete\"")
                    + HttpProbe.sum(b, "ledgerstream_dedup_hits_total", "state=\"complete\"");
            double reused = HttpProbe.sum(a, "ledgerstream_request_ids_reused_total")
                    + HttpProbe.sum(b, "ledgerstream_request_ids_reused_total");
            double deadLetters = HttpProbe.sum(a, "ledgerstream_dead_letters_total", "reason=\"UNKNOWN_MAGIC_BYTE\"")
                    + HttpProbe.sum(b, "ledgerstream_dead_letters_total", "reason=\"UNKNOWN_MAGIC_BYTE\"");
            double started = HttpProbe.sum(a, "ledgerstream_transfers_total", "stage=\"started\"")
                    + HttpProbe.sum(b, "ledgerstream_transfers_total", "stage=\"started\"");
            double settled = HttpProbe.sum(a, "ledgerstream_transfers_total", "stage=\"settled\"")
                    + HttpProbe.sum(b, "ledgerstream_transfers_total", "stage=\"settled\"");
            double latencyCount = HttpProbe.sum(a, "ledgerstream_outcome_latency_seconds_count")
                    + HttpProbe.sum(b, "ledgerstream_outcome_latency_seconds_count");
            int accounts = balances.size();
            // counts are "at least once" (a re-processed record counts again), so lower bounds
            return commands >= 2 * accounts + 6
                    && accepted >= 2 * accounts + 3
                    && insufficient >= 1
                    && replays >= 1
                    && reused >= 1
                    && deadLetters >= 1
                    && started >= 1
                    && settled >= 1
                    && latencyCount >= 2 * accounts
                    && a.contains("ledgerstream_outcome_latency_seconds_bucket")
                    && a.contains("kafka_stream_thread_process_rate")
                    && a.contains("kafka_stream_thread_commit_latency_avg")
                    && a.contains("kafka_consumer_fetch_manager_records_lag_max")
                    && a.contains("kafka_producer_record_send_rate")
                    && b.contains("kafka_stream_")
                    && a.contains("jvm_memory_used_bytes");
        });
        HttpResponse<String> response = HttpProbe.get(http(first), "/metrics");
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
    }

    /** GET, retrying while partitions move (503), for at most {@link #WAIT}. */
    HttpResponse<String> awaitAnswer(LedgerService asked, String path) {
        return Await.awaitValue(WAIT, "GET " + path + " is answered (not 503)", () -> {
            HttpResponse<String> response = HttpProbe.get(http(asked), path);
            return response.statusCode() == 503 ? Optional.empty() : Optional.of(response);
        });
    }
}
