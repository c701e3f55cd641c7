package io.ledgerstream.audit;

import io.ledgerstream.core.ConsistentHash;
import io.ledgerstream.engine.EngineConfig;
import io.ledgerstream.engine.LedgerService;
import io.ledgerstream.schemas.CaptureHold;
import io.ledgerstream.schemas.CommandEnvelope;
import io.ledgerstream.schemas.Deposit;
import io.ledgerstream.schemas.LedgerEvent;
import io.ledgerstream.schemas.OpenAccount;
import io.ledgerstream.schemas.Outcome;
import io.ledgerstream.schemas.OutcomeStatus;
import io.ledgerstream.schemas.PlaceHold;
import io.ledgerstream.schemas.ReleaseHold;
import io.ledgerstream.schemas.Transfer;
import io.ledgerstream.schemas.Withdraw;
import io.ledgerstream.serde.AvroSerde;
import io.ledgerstream.serde.RegistryClient;
import io.ledgerstream.serde.RegistryClientConfig;
import io.ledgerstream.testkit.Await;
import io.ledgerstream.testkit.EmbeddedKafka;
import io.ledgerstream.testkit.EmbeddedRegistry;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A ledger written by a real engine on the embedded broker (a few hundred commands: deposits, withdrawals, local and
 * cross-partition transfers, some refused by the destination, holds captured, released and expired, resent
 * duplicates), in two phases with a point in time between them, and the plumbing to copy and corrupt its events
 * topic. Test plumbing; not thread-safe.
 */
final class EngineLedger implements AutoCloseable {
    static final int PARTITIONS = 4;
    static final int ACCOUNTS = 30;
    static final Duration WAIT = Duration.ofSeconds(60);

    final EmbeddedKafka kafka;
    final EmbeddedRegistry registry;
    final RegistryClient registryClient;
    final AvroSerde<CommandEnvelope> commandSerde;
    final AvroSerde<LedgerEvent> eventSerde;
    final AvroSerde<Outcome> outcomeSerde;
    final String prefix;
    final String commandsTopic;
    final String eventsTopic;
    final String outcomesTopic;
    final String applicationId;

    /** Every first command sent, by request ID, in order. */
    final Map<String, CommandEnvelope> sent = new LinkedHashMap<>();
    /** The first (non-replay) outcome of each request. */
    final Map<String, Outcome> outcomes = new HashMap<>();
    /** Balances of a sequential model driven by the accepted outcomes, after phase 1. */
    Map<String, Long> modelAtAsOf;
    /** The point in time between the phases, epoch milliseconds. */
    long asOfMs;

    int shortHolds;
    int refused;

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final Random random = new Random(20261125L);
    private KafkaConsumer<byte[], byte[]> outcomeReader;

    EngineLedger(EmbeddedKafka kafka, EmbeddedRegistry registry, String prefix) {
        this.kafka = kafka;
        this.registry = registry;
        this.prefix = prefix;
        this.registryClient = new RegistryClient(RegistryClientConfig.fromMap(Map.of("registry.url", registry.url())));
        this.commandSerde = new AvroSerde<>(registryClient, CommandEnvelope.class, false, true);
        this.eventSerde = new AvroSerde<>(registryClient, LedgerEvent.class, false, true);
        this.outcomeSerde = new AvroSerde<>(registryClient, Outcome.class, false, true);
        this.commandsTopic = prefix + ".commands";
        this.eventsTopic = prefix + ".events";
        this.outcomesTopic = prefix + ".outcomes";
        this.applicationId = prefix + "-engine";
    }

    static String account(int i) {
        return "acct-" + i;
    }

    /** Runs the engine over the workload, then stops it so the ledger is quiescent. */
    void generate() throws Exception {
        Map<String, Object> props = new HashMap<>();
        props.put(EngineConfig.APPLICATION_ID, applicationId);
        props.put(EngineConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        props.put(EngineConfig.REGISTRY_URL, registry.url());
        props.put(EngineConfig.REGISTRY_AUTO_REGISTER, true);
        props.put(EngineConfig.TOPIC_COMMANDS, commandsTopic);
        props.put(EngineConfig.TOPIC_OUTCOMES, outcomesTopic);
        props.put(EngineConfig.TOPIC_EVENTS, eventsTopic);
        props.put(EngineConfig.TOPIC_TRANSFER_LEGS, prefix + ".legs");
        props.put(EngineConfig.TOPIC_DEAD_LETTERS, prefix + ".dead-letters");
        props.put(EngineConfig.PARTITIONS, PARTITIONS);
        props.put(EngineConfig.OUTCOME_PARTITIONS, 2);
        props.put(EngineConfig.REPLICATION_FACTOR, (short) 1);
        props.put(EngineConfig.COMMIT_INTERVAL_MS, 50L);
        props.put(EngineConfig.HOLD_EXPIRY_INTERVAL_MS, 100L);
        props.put(
                EngineConfig.STATE_DIR,
                Files.createTempDirectory("ledgerstream-audit-state-").toString());
        if (EngineConfig.DEFINITION.names().contains("http.port")) {
            props.put("http.port", -1); // no HTTP endpoint: other engines may run on this machine
        }
        try (LedgerService engine = LedgerService.start(new EngineConfig(props))) {
            engine.awaitRunning(WAIT);
            KafkaProducer<String, CommandEnvelope> producer = commandProducer();
            outcomeReader = rawConsumer();
            List<TopicPartition> outcomeParts =
                    List.of(new TopicPartition(outcomesTopic, 0), new TopicPartition(outcomesTopic, 1));
            outcomeReader.assign(outcomeParts);
            outcomeReader.seekToBeginning(outcomeParts);

            // phase 1: accounts, a random workload with holds, then captures/releases and expiries
            List<CommandEnvelope> setup = new ArrayList<>();
            for (int i = 0; i < ACCOUNTS; i++) {
                setup.add(envelope(account(i), new OpenAccount("EUR", i % 5 == 0 ? 2_000L : 0L)));
                setup.add(envelope(account(i), new Deposit(10_000L, "EUR")));
            }
            send(producer, setup);
            List<CommandEnvelope> holds = new ArrayList<>();
            List<CommandEnvelope> workload = randomWorkload(120, holds);
            for (int i = 0; i < 5; i++) {
                workload.add(workload.get(random.nextInt(workload.size()))); // a client retry: same ID and payload
            }
            send(producer, workload);
            awaitOutcomes();
            List<CommandEnvelope> settle = new ArrayList<>();
            int n = 0;
            for (CommandEnvelope hold : holds) {
                if (outcomes.get(hold.getRequestId()).getStatus() != OutcomeStatus.ACCEPTED) {
                    continue;
                }
                PlaceHold placed = (PlaceHold) hold.getCommand();
                settle.add(envelope(
                        hold.getAccountId(),
                        n++ % 2 == 0
                                ? new CaptureHold(placed.getHoldId(), placed.getAmount() / 2 + 1)
                                : new ReleaseHold(placed.getHoldId())));
            }
            List<CommandEnvelope> shortLived = new ArrayList<>();
            long shortExpiry = System.currentTimeMillis() + 2_000; // the engine's expiry punctuator ends them
            for (int i = 0; i < 5; i++) {
                shortLived.add(envelope(account(i * 3), new PlaceHold("short-" + i, 100L, "EUR", shortExpiry)));
            }
            settle.addAll(shortLived);
            send(producer, settle);
            awaitOutcomes();
            for (CommandEnvelope hold : shortLived) {
                if (outcomes.get(hold.getRequestId()).getStatus() == OutcomeStatus.ACCEPTED) {
                    shortHolds++;
                }
            }
            Await.await(WAIT, shortHolds + " hold expiry events", () -> countExpiries() == shortHolds);

            asOfMs = System.currentTimeMillis();
            modelAtAsOf = model();
            Await.await(WAIT, "the clock passing the as-of time", () -> System.currentTimeMillis() > asOfMs);

            // phase 2
            send(producer, randomWorkload(80, new ArrayList<>()));
            awaitOutcomes();
        }
    }

    /** Deposits, withdrawals (some refused), transfers (local, cross-partition, to missing accounts) and holds. */
    private List<CommandEnvelope> randomWorkload(int count, List<CommandEnvelope> holds) {
        List<CommandEnvelope> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String account = account(random.nextInt(ACCOUNTS));
            int roll = random.nextInt(100);
            CommandEnvelope c;
            if (roll < 25) {
                c = envelope(account, new Deposit(1L + random.nextInt(3_000), "EUR"));
            } else if (roll < 45) {
                c = envelope(account, new Withdraw(1L + random.nextInt(9_000), "EUR"));
            } else if (roll < 85) {
                String to = roll < 50 ? "missing-" + i : account(random.nextInt(ACCOUNTS));
                if (to.equals(account)) {
                    to = account(0).equals(account) ? account(1) : account(0);
                }
                c = envelope(account, new Transfer(to, 1L + random.nextInt(4_000), "EUR"));
            } else {
                c = envelope(
                        account,
                        new PlaceHold(
                                "hold-" + sent.size(),
                                1L + random.nextInt(2_000),
                                "EUR",
                                System.currentTimeMillis() + 3_600_000L));
                holds.add(c);
            }
            out.add(c);
        }
        return out;
    }

    /** Balances from the accepted first outcomes of every command sent so far, applied in sending order. */
    Map<String, Long> model() {
        Map<String, Long> model = new HashMap<>();
        for (CommandEnvelope c : sent.values()) {
            Outcome o = outcomes.get(c.getRequestId());
            if (o.getStatus() != OutcomeStatus.ACCEPTED) {
                continue;
            }
            Object body = c.getCommand();
            if (body instanceof OpenAccount) {
                model.put(c.getAccountId(), 0L);
            } else if (body instanceof Deposit d) {
                model.merge(c.getAccountId(), d.getAmount(), Long::sum);
            } else if (body instanceof Withdraw w) {
                model.merge(c.getAccountId(), -w.getAmount(), Long::sum);
            } else if (body instanceof Transfer t) {
                model.merge(c.getAccountId(), -t.getAmount(), Long::sum);
                model.merge(t.getToAccountId(), t.getAmount(), Long::sum);
            } else if (body instanceof CaptureHold h) {
                model.merge(c.getAccountId(), -h.getAmount(), Long::sum);
            }
        }
        return model;
    }

    private CommandEnvelope envelope(String account, Object command) {
        CommandEnvelope c = CommandEnvelope.newBuilder()
                .setRequestId(UUID.randomUUID().toString())
                .setAccountId(account)
                .setReplyTo("client-" + Math.floorMod(account.hashCode(), 3))
                .setSubmittedAtMs(System.currentTimeMillis())
                .setCommand(command)
                .build();
        sent.put(c.getRequestId(), c);
        return c;
    }

    private void send(KafkaProducer<String, CommandEnvelope> producer, List<CommandEnvelope> commands) {
        producer.beginTransaction();
        for (CommandEnvelope c : commands) {
            producer.send(new ProducerRecord<>(
                    commandsTopic, ConsistentHash.partition(c.getAccountId(), PARTITIONS), c.getAccountId(), c));
        }
        producer.commitTransaction();
    }

    private void awaitOutcomes() {
        Await.await(WAIT, "an outcome for each of " + sent.size() + " requests", () -> {
            for (ConsumerRecord<byte[], byte[]> r : outcomeReader.poll(Duration.ofMillis(100))) {
                Outcome o = outcomeSerde.deserializer().deserialize(r.topic(), r.value());
                if (!o.getReplay()) {
                    outcomes.putIfAbsent(o.getRequestId(), o);
                    if (o.getReason() != null && o.getReason().name().equals("DESTINATION_REJECTED")) {
                        refused++;
                    }
                }
            }
            return outcomes.keySet().containsAll(sent.keySet());
        });
    }

    private long countExpiries() {
        return readAll(eventsTopic).stream()
                .map(r -> eventSerde.deserializer().deserialize(r.topic(), r.value()))
                .filter(e -> e.getRequestId().startsWith("expiry:"))
                .count();
    }

    // ---- topic plumbing ---------------------------------------------------------------------------------------

    /** A raw record of a copy: where it landed and what it holds. */
    record Raw(int partition, long offset, long timestamp, byte[] key, byte[] value) {}

    /** Every committed record of a topic, as it is now. */
    List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = rawConsumer()) {
            List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition()))
                    .toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
            Await.await(WAIT, "reading " + topic + " to its end", () -> {
                consumer.poll(Duration.ofMillis(100)).forEach(out::add);
                return parts.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
            });
            return out;
        }
    }

    /** Copies the events topic, record by record into the same partition, leaving out what {@code drop} matches. */
    List<Raw> copyEvents(String target, Predicate<ConsumerRecord<byte[], byte[]>> drop) throws Exception {
        kafka.createTopic(target, PARTITIONS, Map.of());
        List<Raw> copied = new ArrayList<>();
        KafkaProducer<byte[], byte[]> producer = plainProducer();
        for (ConsumerRecord<byte[], byte[]> r : readAll(eventsTopic)) {
            if (drop.test(r)) {
                continue;
            }
            copied.add(write(producer, target, r.partition(), r.timestamp(), r.key(), r.value()));
        }
        producer.flush();
        return copied;
    }

    Raw write(
            KafkaProducer<byte[], byte[]> producer,
            String topic,
            int partition,
            long timestamp,
            byte[] key,
            byte[] value)
            throws Exception {
        RecordMetadata meta = producer.send(new ProducerRecord<>(topic, partition, timestamp, key, value))
                .get();
        return new Raw(partition, meta.offset(), timestamp, key, value);
    }

    /** Appends a core event to a topic, serialized through the registry as the engine does. */
    Raw append(KafkaProducer<byte[], byte[]> producer, String topic, io.ledgerstream.core.LedgerEvent event)
            throws Exception {
        byte[] value = eventSerde.serializer().serialize(topic, io.ledgerstream.engine.Codec.toAvro(event));
        return write(
                producer,
                topic,
                ConsistentHash.partition(event.accountId(), PARTITIONS),
                event.timestampMs(),
                event.accountId().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                value);
    }

    /** A plain, idempotent, non-transactional producer of raw records. */
    KafkaProducer<byte[], byte[]> plainProducer() {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        closeables.add(producer);
        return producer;
    }

    /** A plain transactional producer of raw records, initialised. */
    KafkaProducer<byte[], byte[]> transactionalProducer() {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, prefix + "-raw-" + UUID.randomUUID());
        KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        producer.initTransactions();
        closeables.add(producer);
        return producer;
    }

    private KafkaProducer<String, CommandEnvelope> commandProducer() {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, prefix + "-commands-" + UUID.randomUUID());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        KafkaProducer<String, CommandEnvelope> producer =
                new KafkaProducer<>(p, new StringSerializer(), commandSerde.serializer());
        producer.initTransactions();
        closeables.add(producer);
        return producer;
    }

    private KafkaConsumer<byte[], byte[]> rawConsumer() {
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Options auditing an events topic of this ledger with its outcomes; a quiescent ledger, so no grace. */
    AuditOptions.Builder options(String events) {
        return AuditOptions.builder(kafka.bootstrapServers(), registry.url())
                .eventsTopic(events)
                .outcomesTopic(outcomesTopic)
                .inFlightGraceMs(0)
                .timeoutMs(30_000);
    }

    Set<String> accountIds() {
        return modelAtAsOf.keySet();
    }

    @Override
    public void close() throws Exception {
        if (outcomeReader != null) {
            outcomeReader.close();
        }
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        registryClient.close();
    }
}
