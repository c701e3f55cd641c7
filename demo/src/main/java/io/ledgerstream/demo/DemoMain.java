package io.ledgerstream.demo;

import io.ledgerstream.audit.AuditOptions;
import io.ledgerstream.audit.AuditReport;
import io.ledgerstream.audit.Auditor;
import io.ledgerstream.core.ConsistentHash;
import io.ledgerstream.engine.EngineConfig;
import io.ledgerstream.engine.LedgerService;
import io.ledgerstream.schemas.CommandEnvelope;
import io.ledgerstream.schemas.Deposit;
import io.ledgerstream.schemas.LedgerEvent;
import io.ledgerstream.sdk.AccountSnapshot;
import io.ledgerstream.sdk.Command;
import io.ledgerstream.sdk.LedgerClient;
import io.ledgerstream.sdk.LedgerClientConfig;
import io.ledgerstream.sdk.Outcome;
import io.ledgerstream.serde.AvroSerde;
import io.ledgerstream.serde.RegistryClient;
import io.ledgerstream.serde.RegistryClientConfig;
import io.ledgerstream.testkit.EmbeddedKafka;
import io.ledgerstream.testkit.EmbeddedRegistry;
import io.ledgerstream.testkit.TopicContents;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The README's first command: starts a real in-process KRaft broker and a real Apicurio registry on loopback,
 * starts the engine on them, submits a sample workload through the producer SDK (including an insufficient-funds
 * rejection, a hold and its capture, a cross-partition transfer, a transfer refused by its destination, a retried
 * duplicate and a request ID reused with a different payload), prints every outcome and the final balances
 * rebuilt from the ledger, and shuts everything down.
 */
public final class DemoMain {

    static final int PARTITIONS = 4;
    static final String CLIENT = "demo-client";
    static final Duration WAIT = Duration.ofSeconds(60);

    private final PrintStream out;

    DemoMain(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        new DemoMain(System.out).run();
        System.exit(0);
    }

    void run() throws Exception {
        long started = System.nanoTime();
        out.println("ledgerstream demo: starting an in-process KRaft broker and an Apicurio registry on 127.0.0.1");
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
                EmbeddedRegistry registry = EmbeddedRegistry.start()) {
            out.printf(
                    "  broker   %s (ready in %d ms)%n",
                    kafka.bootstrapServers(), kafka.startupTime().toMillis());
            out.printf(
                    "  registry %s (ready in %d ms)%n",
                    registry.url(), registry.startupTime().toMillis());
            Map<String, Object> props = new HashMap<>();
            props.put(EngineConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
            props.put(EngineConfig.REGISTRY_URL, registry.url());
            props.put(EngineConfig.REGISTRY_AUTO_REGISTER, true);
            props.put(EngineConfig.REPLICATION_FACTOR, (short) 1);
            props.put(EngineConfig.PARTITIONS, PARTITIONS);
            props.put(EngineConfig.OUTCOME_PARTITIONS, 2);
            props.put(
                    EngineConfig.STATE_DIR,
                    Files.createTempDirectory("ledgerstream-demo-").toString());
            EngineConfig config = new EngineConfig(props);
            try (LedgerService engine = LedgerService.start(config);
                    RegistryClient registryClient = new RegistryClient(
                            RegistryClientConfig.fromMap(Map.of(RegistryClientConfig.URL, registry.url())))) {
                engine.awaitRunning(WAIT);
                out.printf("  engine   running: %d partitions, exactly_once_v2%n%n", PARTITIONS);
                runWorkload(config, kafka, registryClient, registry.url());
                out.println();
                out.println("audit: rebuilding every account from the event log with the engine's own evolve():");
                AuditReport report = Auditor.run(AuditOptions.builder(kafka.bootstrapServers(), registry.url())
                        .eventsTopic(config.eventsTopic())
                        .outcomesTopic(config.outcomesTopic())
                        .compareLive(config.applicationId())
                        .inFlightGraceMs(0)
                        .build());
                out.print(report.toText());
                if (!report.passed()) {
                    throw new IllegalStateException("the audit found violations");
                }
            }
        }
        out.printf("%ndemo finished in %.1f s; everything was shut down.%n", (System.nanoTime() - started) / 1e9);
    }

    private void runWorkload(EngineConfig config, EmbeddedKafka kafka, RegistryClient registry, String registryUrl)
            throws Exception {
        String alice = "alice";
        String bob = farAccount(alice); // an account on another partition, so the transfer is a saga
        out.printf(
                "accounts: %s (partition %d), %s (partition %d), carol (partition %d)%n%n",
                alice,
                ConsistentHash.partition(alice, PARTITIONS),
                bob,
                ConsistentHash.partition(bob, PARTITIONS),
                ConsistentHash.partition("carol", PARTITIONS));

        LedgerClientConfig clientConfig = LedgerClientConfig.builder()
                .bootstrapServers(kafka.bootstrapServers())
                .registryUrl(registryUrl)
                .clientId(CLIENT)
                .set(LedgerClientConfig.REGISTRY_AUTO_REGISTER, true)
                .build();
        Command deposit = Command.deposit(alice, 10_000L, "EUR");
        try (LedgerClient client = new LedgerClient(clientConfig)) {
            Map<Command, String> steps = new LinkedHashMap<>();
            steps.put(Command.openAccount(alice, "EUR"), "open alice (EUR)");
            steps.put(Command.openAccount(bob, "EUR"), "open " + bob + " (EUR)");
            steps.put(Command.openAccount("carol", "USD"), "open carol (USD)");
            steps.put(deposit, "deposit 100.00 EUR to alice");
            steps.put(
                    Command.transfer(alice, bob, 2_500L, "EUR"),
                    "transfer 25.00 EUR alice -> " + bob + " (cross-partition)");
            steps.put(Command.withdraw(bob, 50_000L, "EUR"), "withdraw 500.00 EUR from " + bob);
            steps.put(Command.transfer(alice, "carol", 1_000L, "EUR"), "transfer 10.00 EUR alice -> carol (USD)");
            steps.put(
                    Command.placeHold(
                            alice, "order-42", 3_000L, "EUR", Instant.now().plusSeconds(60)),
                    "hold 30.00 EUR on alice for 1 min");
            steps.put(Command.captureHold(alice, "order-42", 2_000L), "capture 20.00 EUR of the hold");

            out.println("outcomes (each command submitted through the producer SDK):");
            for (Map.Entry<Command, String> step : steps.entrySet()) {
                Outcome outcome = client.submit(step.getKey()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
                out.printf("  %-52s %s%n", step.getValue(), describe(outcome));
            }
            out.println();
            out.println("the same deposit command object submitted again (same request ID):");
            Outcome retried = client.submit(deposit).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            out.printf("  %-52s %s%n", "retried deposit", describe(retried));
        }

        out.println();
        out.println("a plain producer reusing that request ID for another amount:");
        AvroSerde<CommandEnvelope> commandSerde = new AvroSerde<>(registry, CommandEnvelope.class, false, true);
        sendClash(config, kafka, commandSerde, deposit.requestId(), alice);
        io.ledgerstream.schemas.Outcome clash = awaitRejection(config, kafka, registry, deposit.requestId());
        out.printf("  %-52s %s %s%n", "same ID, amount 999.99", clash.getStatus(), clash.getReason());

        out.println();
        out.println("final balances rebuilt from the ledger event log (" + config.eventsTopic() + "):");
        AvroSerde<LedgerEvent> eventSerde = new AvroSerde<>(registry, LedgerEvent.class, false, true);
        Map<String, LedgerEvent> last = new TreeMap<>();
        int events = 0;
        for (ConsumerRecord<String, LedgerEvent> r : readAll(kafka, config.eventsTopic(), eventSerde.deserializer())) {
            last.put(r.value().getAccountId(), r.value());
            events++;
        }
        for (LedgerEvent e : last.values()) {
            out.printf(
                    "  %-10s %12s %s  (version %d, held %s)%n",
                    e.getAccountId(),
                    money(e.getBalanceAfter()),
                    e.getCurrency(),
                    e.getVersion(),
                    money(e.getHeldAfter()));
        }
        out.printf("%d ledger events, every one hash-chained to its account's previous event.%n", events);
    }

    private static void sendClash(
            EngineConfig config,
            EmbeddedKafka kafka,
            AvroSerde<CommandEnvelope> serde,
            String requestId,
            String account) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (KafkaProducer<String, CommandEnvelope> producer =
                new KafkaProducer<>(p, new StringSerializer(), serde.serializer())) {
            CommandEnvelope clash = CommandEnvelope.newBuilder()
                    .setRequestId(requestId)
                    .setAccountId(account)
                    .setReplyTo(CLIENT)
                    .setCommand(new Deposit(99_999L, "EUR"))
                    .build();
            producer.send(new ProducerRecord<>(config.commandsTopic(), account, clash));
            producer.flush();
        }
    }

    private static io.ledgerstream.schemas.Outcome awaitRejection(
            EngineConfig config, EmbeddedKafka kafka, RegistryClient registry, String requestId) {
        AvroSerde<io.ledgerstream.schemas.Outcome> serde =
                new AvroSerde<>(registry, io.ledgerstream.schemas.Outcome.class, false, true);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, io.ledgerstream.schemas.Outcome> r :
                    readAll(kafka, config.outcomesTopic(), serde.deserializer())) {
                if (r.value().getRequestId().equals(requestId) && r.value().getReason() != null) {
                    return r.value();
                }
            }
        }
        throw new IllegalStateException("no rejection for the reused request ID within " + WAIT);
    }

    private static String describe(Outcome o) {
        StringBuilder s = new StringBuilder(o.status().toString());
        if (o.reason() != null) {
            s.append(' ').append(o.reason());
            if (o.detail() != null) {
                s.append(" (").append(o.detail()).append(')');
            }
        }
        if (o.replay()) {
            s.append(" [replay of the original outcome; nothing applied]");
        }
        for (AccountSnapshot a : o.accounts()) {
            if (a.exists()) {
                s.append("  ")
                        .append(a.accountId())
                        .append('=')
                        .append(money(a.balance()))
                        .append(" v")
                        .append(a.version());
            }
        }
        return s.toString();
    }

    private static String money(long minor) {
        return String.format("%s%d.%02d", minor < 0 ? "-" : "", Math.abs(minor / 100), Math.abs(minor % 100));
    }

    private static String farAccount(String from) {
        for (int i = 0; i < 1_000; i++) {
            String candidate = "bob" + (i == 0 ? "" : "-" + i);
            if (ConsistentHash.partition(candidate, PARTITIONS) != ConsistentHash.partition(from, PARTITIONS)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no account found on another partition");
    }

    private static <T> List<ConsumerRecord<String, T>> readAll(EmbeddedKafka kafka, String topic, Deserializer<T> d) {
        return TopicContents.readAll(kafka.bootstrapServers(), topic, new StringDeserializer(), d);
    }
}
