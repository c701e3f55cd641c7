package io.ledgerstream.engine;

import io.ledgerstream.core.AccountState;
import io.ledgerstream.core.Ledger;
import io.ledgerstream.schemas.CommandEnvelope;
import io.ledgerstream.schemas.LedgerEvent;
import io.ledgerstream.schemas.Outcome;
import io.ledgerstream.sdk.ConsistentHashPartitioner;
import io.ledgerstream.serde.AvroSerde;
import io.ledgerstream.serde.RegistryClient;
import io.ledgerstream.serde.RegistryClientConfig;
import io.ledgerstream.testkit.EmbeddedKafka;
import io.ledgerstream.testkit.EmbeddedRegistry;
import io.ledgerstream.testkit.TopicContents;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Test plumbing around a real broker and registry: engine config, command producers and log readers. */
final class EngineHarness implements AutoCloseable {

    final EmbeddedKafka kafka;
    final EmbeddedRegistry registry;
    final RegistryClient registryClient;
    final AvroSerde<CommandEnvelope> commandSerde;
    final AvroSerde<Outcome> outcomeSerde;
    final AvroSerde<LedgerEvent> eventSerde;
    final String prefix;
    final List<AutoCloseable> closeables = new ArrayList<>();

    EngineHarness(EmbeddedKafka kafka, EmbeddedRegistry registry, String prefix) {
        this.kafka = kafka;
        this.registry = registry;
        this.prefix = prefix;
        this.registryClient = new RegistryClient(RegistryClientConfig.fromMap(Map.of("registry.url", registry.url())));
        this.commandSerde = new AvroSerde<>(registryClient, CommandEnvelope.class, false, true);
        this.outcomeSerde = new AvroSerde<>(registryClient, Outcome.class, false, true);
        this.eventSerde = new AvroSerde<>(registryClient, LedgerEvent.class, false, true);
    }

    Map<String, Object> engineProps(int partitions) throws Exception {
        Map<String, Object> p = new HashMap<>();
        p.put(EngineConfig.APPLICATION_ID, prefix + "-engine");
        p.put(EngineConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        p.put(EngineConfig.REGISTRY_URL, registry.url());
        p.put(EngineConfig.REGISTRY_AUTO_REGISTER, true);
        p.put(EngineConfig.TOPIC_COMMANDS, prefix + ".commands");
        p.put(EngineConfig.TOPIC_OUTCOMES, prefix + ".outcomes");
        p.put(EngineConfig.TOPIC_EVENTS, prefix + ".events");
        p.put(EngineConfig.TOPIC_TRANSFER_LEGS, prefix + ".legs");
        p.put(EngineConfig.TOPIC_DEAD_LETTERS, prefix + ".dead-letters");
        p.put(EngineConfig.PARTITIONS, partitions);
        p.put(EngineConfig.OUTCOME_PARTITIONS, 4);
        p.put(EngineConfig.REPLICATION_FACTOR, (short) 1);
        p.put(EngineConfig.COMMIT_INTERVAL_MS, 50L);
        p.put(
                EngineConfig.STATE_DIR,
                Files.createTempDirectory("ledgerstream-state-").toString());
        p.put("kafka.consumer.session.timeout.ms", 10_000);
        return p;
    }

    LedgerService startEngine(Map<String, Object> props) throws Exception {
        Map<String, Object> own = new HashMap<>(props);
        own.put(
                EngineConfig.STATE_DIR,
                Files.createTempDirectory("ledgerstream-state-").toString());
        LedgerService service = LedgerService.start(new EngineConfig(own));
        closeables.add(service);
        return service;
    }

    /** A transactional producer of commands, partitioned by the shared consistent hash like the SDK. */
    KafkaProducer<String, CommandEnvelope> commandProducer(boolean consistentHash) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, prefix + "-producer-" + UUID.randomUUID());
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        if (consistentHash) {
            p.put(ProducerConfig.PARTITIONER_CLASS_CONFIG, ConsistentHashPartitioner.class.getName());
        }
        KafkaProducer<String, CommandEnvelope> producer =
                new KafkaProducer<>(p, new StringSerializer(), commandSerde.serializer());
        producer.initTransactions();
        closeables.add(producer);
        return producer;
    }

    KafkaProducer<byte[], byte[]> rawProducer() {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        closeables.add(producer);
        return producer;
    }

    void sendInTransaction(KafkaProducer<String, CommandEnvelope> producer, String topic, List<CommandEnvelope> batch) {
        producer.beginTransaction();
        for (CommandEnvelope c : batch) {
            producer.send(new ProducerRecord<>(topic, c.getAccountId(), c));
        }
        producer.commitTransaction();
    }

    /** Reads a whole topic (read_committed) as it is now. */
    <T> List<ConsumerRecord<String, T>> readAll(String topic, org.apache.kafka.common.serialization.Deserializer<T> d) {
        return TopicContents.readAll(kafka.bootstrapServers(), topic, new StringDeserializer(), d);
    }

    List<ConsumerRecord<String, byte[]>> readAllRaw(String topic) {
        return readAll(topic, new ByteArrayDeserializer());
    }

    /** Replays an event log through the core's evolve (which checks versions and the hash chain). */
    static Map<String, AccountState> replay(List<ConsumerRecord<String, LedgerEvent>> events) {
        Map<String, AccountState> states = new HashMap<>();
        for (ConsumerRecord<String, LedgerEvent> r : events) {
            io.ledgerstream.core.LedgerEvent e = Codec.toCore(r.value());
            states.put(e.accountId(), Ledger.evolve(states.get(e.accountId()), e));
        }
        return states;
    }

    static Path tempDir() throws Exception {
        return Files.createTempDirectory("ledgerstream-");
    }

    @Override
    public void close() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        registryClient.close();
    }
}
