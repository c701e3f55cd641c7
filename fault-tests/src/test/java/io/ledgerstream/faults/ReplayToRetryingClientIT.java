package io.ledgerstream.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.engine.EngineConfig;
import io.ledgerstream.engine.LedgerService;
import io.ledgerstream.sdk.Command;
import io.ledgerstream.sdk.LedgerClient;
import io.ledgerstream.sdk.LedgerClientConfig;
import io.ledgerstream.sdk.Outcome;
import io.ledgerstream.testkit.EmbeddedKafka;
import io.ledgerstream.testkit.EmbeddedRegistry;
import io.ledgerstream.testkit.LedgerstreamTestEnvironment;
import io.ledgerstream.testkit.TopicNames;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Regression test for an engine bug found while designing the client-crash scenario: a retry of a decided request
 * sent by <i>another</i> client (another client ID, so another reply target) was answered with a replay addressed to
 * the <i>first</i> client's reply target, so the retrying client never heard back and timed out, although the SDK
 * tells callers to do exactly this ("Resubmit the same Command with another client to learn its outcome"). Safety
 * held (the command was applied once); the retry's liveness did not.
 *
 * <p>Fixed in {@code LedgerProcessor.decide}: a replay now carries the retried envelope's reply target, and a retry of
 * a cross-partition transfer still {@code PENDING} redirects its final outcome to the latest retrier. See
 * docs/reliability.md, "Findings".
 */
@ExtendWith(LedgerstreamTestEnvironment.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ReplayToRetryingClientIT {

    @Test
    void shouldAnswerARetryFromAnotherClientWithAReplay(
            EmbeddedKafka kafka, EmbeddedRegistry registry, TopicNames names) throws Exception {
        String prefix = names.unique("replay");
        Map<String, Object> settings = new HashMap<>();
        settings.put(EngineConfig.APPLICATION_ID, prefix + "-engine");
        settings.put(EngineConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        settings.put(EngineConfig.REGISTRY_URL, registry.url());
        settings.put(EngineConfig.REGISTRY_AUTO_REGISTER, true);
        settings.put(EngineConfig.TOPIC_COMMANDS, prefix + ".commands");
        settings.put(EngineConfig.TOPIC_OUTCOMES, prefix + ".outcomes");
        settings.put(EngineConfig.TOPIC_EVENTS, prefix + ".events");
        settings.put(EngineConfig.TOPIC_TRANSFER_LEGS, prefix + ".legs");
        settings.put(EngineConfig.TOPIC_DEAD_LETTERS, prefix + ".dead-letters");
        settings.put(EngineConfig.PARTITIONS, 2);
        settings.put(EngineConfig.OUTCOME_PARTITIONS, 8);
        settings.put(EngineConfig.REPLICATION_FACTOR, (short) 1);
        settings.put(
                EngineConfig.STATE_DIR,
                Files.createTempDirectory("ledgerstream-replay-").toString());
        try (LedgerService engine = LedgerService.start(new EngineConfig(settings));
                LedgerClient first = client(kafka, registry, prefix, "first-instance");
                LedgerClient second = client(kafka, registry, prefix, "restarted-instance")) {
            engine.awaitRunning(Duration.ofSeconds(90));
            first.submit(Command.openAccount("alice", "EUR")).get(60, TimeUnit.SECONDS);
            Command deposit = Command.deposit("alice", 100, "EUR");
            Outcome original = first.submit(deposit).get(60, TimeUnit.SECONDS);

            // the first instance "crashed"; a new instance with its own client ID retries the same request
            Outcome retried = second.submit(deposit).get(60, TimeUnit.SECONDS);

            assertThat(retried.replay()).isTrue();
            assertThat(retried.isAccepted()).isEqualTo(original.isAccepted());
            assertThat(retried.currentVersion()).isEqualTo(original.currentVersion());
        }
    }

    private static LedgerClient client(EmbeddedKafka kafka, EmbeddedRegistry registry, String prefix, String id) {
        return new LedgerClient(LedgerClientConfig.builder()
                .bootstrapServers(kafka.bootstrapServers())
                .registryUrl(registry.url())
                .clientId(id)
                .set(LedgerClientConfig.REGISTRY_AUTO_REGISTER, true)
                .set(LedgerClientConfig.TOPIC_COMMANDS, prefix + ".commands")
                .set(LedgerClientConfig.TOPIC_OUTCOMES, prefix + ".outcomes")
                .set(LedgerClientConfig.TOPIC_EVENTS, prefix + ".events")
                .set(LedgerClientConfig.REQUEST_TIMEOUT_MS, 30_000L)
                .build());
    }
}
