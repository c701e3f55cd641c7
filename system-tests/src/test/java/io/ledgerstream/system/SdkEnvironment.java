package io.ledgerstream.system;

import io.ledgerstream.engine.EngineConfig;
import io.ledgerstream.engine.LedgerService;
import io.ledgerstream.engine.TopicManager;
import io.ledgerstream.schemas.LedgerEvent;
import io.ledgerstream.schemas.Outcome;
import io.ledgerstream.sdk.LedgerClient;
import io.ledgerstream.sdk.LedgerClientConfig;
import io.ledgerstream.serde.AvroSerde;
import io.ledgerstream.serde.RegistryClient;
import io.ledgerstream.serde.RegistryClientConfig;
import io.ledgerstream.testkit.EmbeddedKafka;
import io.ledgerstream.testkit.EmbeddedRegistry;
import io.ledgerstream.testkit.TopicContents;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * One engine's worth of topics on the shared embedded broker and registry, plus what the SDK tests need around it:
 * engine start-up, client configs, and whole-topic readers. Closes everything it started, newest first.
 */
final class SdkEnvironment implements AutoCloseable {

    static final int PARTITIONS = 4;
    static final int OUTCOME_PARTITIONS = 4;
    static final Duration ENGINE_START = Duration.ofSeconds(90);

    final EmbeddedKafka kafka;
    final EmbeddedRegistry registry;
    final String prefix;
    final RegistryClient registryClient;
    final AvroSerde<Outcome> outcomeSerde;
    final AvroSerde<LedgerEvent> eventSerde;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    SdkEnvironment(EmbeddedKafka kafka, EmbeddedRegistry registry, String prefix) {
        this.kafka = kafka;
        this.registry = registry;
        this.prefix = prefix;
        this.registryClient = new RegistryClient(RegistryClientConfig.fromMap(Map.of("registry.url", registry.url())));
        this.outcomeSerde = new AvroSerde<>(registryClient, Outcome.class, false, false);
        this.eventSerde = new AvroSerde<>(registryClient, LedgerEvent.class, false, false);
    }

    String commandsTopic() {
        return prefix + ".commands";
    }

    String outcomesTopic() {
        return prefix + ".outcomes";
    }

    String eventsTopic() {
        return prefix + ".events";
    }

    EngineConfig engineConfig() {
        Map<String, Object> p = new HashMap<>();
        p.put(EngineConfig.APPLICATION_ID, prefix + "-engine");
        p.put(EngineConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        p.put(EngineConfig.REGISTRY_URL, registry.url());
        p.put(EngineConfig.REGISTRY_AUTO_REGISTER, true);
        p.put(EngineConfig.TOPIC_COMMANDS, commandsTopic());
        p.put(EngineConfig.TOPIC_OUTCOMES, outcomesTopic());
        p.put(EngineConfig.TOPIC_EVENTS, eventsTopic());
        p.put(EngineConfig.TOPIC_TRANSFER_LEGS, prefix + ".legs");
        p.put(EngineConfig.TOPIC_DEAD_LETTERS, prefix + ".dead-letters");
        p.put(EngineConfig.PARTITIONS, PARTITIONS);
        p.put(EngineConfig.OUTCOME_PARTITIONS, OUTCOME_PARTITIONS);
        p.put(EngineConfig.REPLICATION_FACTOR, (short) 1);
        p.put(EngineConfig.COMMIT_INTERVAL_MS, 50L);
        try {
            p.put(
                    EngineConfig.STATE_DIR,
                    Files.createTempDirectory("ledgerstream-sdk-it-").toString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        p.put("kafka.consumer.session.timeout.ms", 10_000);
        return new EngineConfig(p);
    }

    /** Creates the engine's topics without starting it, as a deployment would. */
    void createTopics() {
        try (Admin admin = kafka.admin()) {
            TopicManager.ensure(admin, engineConfig());
        }
    }

    /** Starts the engine and waits until it processes. */
    LedgerService startEngine() {
        LedgerService engine = LedgerService.start(engineConfig());
        closeables.add(engine);
        engine.awaitRunning(ENGINE_START);
        return engine;
    }

    /** Client settings for this environment's topics; auto-registration on, as the engine may not run yet. */
    LedgerClientConfig.Builder clientConfig(String clientId) {
        return LedgerClientConfig.builder()
                .bootstrapServers(kafka.bootstrapServers())
                .registryUrl(registry.url())
                .clientId(clientId)
                .set(LedgerClientConfig.REGISTRY_AUTO_REGISTER, true)
                .set(LedgerClientConfig.TOPIC_COMMANDS, commandsTopic())
                .set(LedgerClientConfig.TOPIC_OUTCOMES, outcomesTopic())
                .set(LedgerClientConfig.TOPIC_EVENTS, eventsTopic());
    }

    LedgerClient client(String clientId) {
        return track(new LedgerClient(clientConfig(clientId).build()));
    }

    <T extends AutoCloseable> T track(T closeable) {
        closeables.add(closeable);
        return closeable;
    }

    List<ConsumerRecord<byte[], Outcome>> outcomes() {
        return readAll(outcomesTopic(), outcomeSerde.deserializer(), "read_committed");
    }

    List<ConsumerRecord<byte[], LedgerEvent>> events() {
        return readAll(eventsTopic(), eventSerde.deserializer(), "read_committed");
    }

    /** Reads a whole topic as it is now, at the given isolation level. */
    <T> List<ConsumerRecord<byte[], T>> readAll(String topic, Deserializer<T> deserializer, String isolation) {
        return TopicContents.readAll(
                kafka.bootstrapServers(),
                topic,
                new ByteArrayDeserializer(),
                deserializer,
                Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation));
    }

    @Override
    public void close() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
        registryClient.close();
    }
}
