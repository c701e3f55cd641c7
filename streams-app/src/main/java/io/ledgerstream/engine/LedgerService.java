package io.ledgerstream.engine;

import io.ledgerstream.schemas.CommandEnvelope;
import io.ledgerstream.schemas.DeadLetter;
import io.ledgerstream.schemas.LedgerEvent;
import io.ledgerstream.schemas.Outcome;
import io.ledgerstream.schemas.TransferLeg;
import io.ledgerstream.serde.AvroSerde;
import io.ledgerstream.serde.RegistryClient;
import io.ledgerstream.serde.RegistryClientConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running engine: verifies topics and schemas, builds the topology with {@link LedgerTopology#build} and runs
 * it in Kafka Streams with exactly-once v2. Construct with {@link #start}; {@link #close} stops it gracefully.
 */
public final class LedgerService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LedgerService.class);

    /** Safety settings the engine sets itself; a pass-through {@code kafka.*} key may not override them. */
    static final Set<String> PROTECTED_KEYS = Set.of(
            StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
            ProducerConfig.ACKS_CONFIG,
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            StreamsConfig.producerPrefix(ProducerConfig.ACKS_CONFIG),
            StreamsConfig.producerPrefix(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG),
            StreamsConfig.consumerPrefix(ConsumerConfig.ISOLATION_LEVEL_CONFIG));

    private final EngineConfig config;
    private final RegistryClient registry;
    private final KafkaStreams streams;

    private LedgerService(EngineConfig config, RegistryClient registry, KafkaStreams streams) {
        this.config = config;
        this.registry = registry;
        this.streams = streams;
    }

    /**
     * Verifies (or creates) topics and schemas, then starts the streams application. Returns once started; use
     * {@link #awaitRunning} to wait for partitions to be assigned.
     */
    public static LedgerService start(EngineConfig config) {
        Objects.requireNonNull(config, "config");
        Properties props = streamsProperties(config);
        try (Admin admin = Admin.create(adminProperties(config))) {
            TopicManager.ensure(admin, config);
        }
        RegistryClient registry = new RegistryClient(registryConfig(config));
        try {
            EngineSerdes serdes = serdes(registry, config.registryAutoRegister());
            checkSchemas(registry, config);
            KafkaStreams streams = new KafkaStreams(LedgerTopology.build(config, serdes), props);
            streams.setUncaughtExceptionHandler(e -> {
                LOG.error("stream thread failed; shutting the engine down (no record is skipped)", e);
                return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            });
            streams.setStateListener((now, before) -> LOG.info("engine state {} -> {}", before, now));
            streams.start();
            LOG.info(
                    "engine started: application.id={} partitions={} bootstrap={}",
                    config.applicationId(),
                    config.partitions(),
                    config.bootstrapServers());
            return new LedgerService(config, registry, streams);
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
    }

    /** Registry-backed serdes of the engine's topics. */
    public static EngineSerdes serdes(RegistryClient registry, boolean autoRegister) {
        return new EngineSerdes(
                new AvroSerde<>(registry, CommandEnvelope.class, false, autoRegister),
                new AvroSerde<>(registry, Outcome.class, false, autoRegister),
                new AvroSerde<>(registry, LedgerEvent.class, false, autoRegister),
                new AvroSerde<>(registry, TransferLeg.class, false, autoRegister),
                new AvroSerde<>(registry, DeadLetter.class, false, autoRegister));
    }

    /** Registers (auto-register on) or requires (off) the schemas of every topic the engine writes. */
    static void checkSchemas(RegistryClient registry, EngineConfig config) {
        Map<String, Schema> subjects = Map.of(
                config.outcomesTopic() + "-value", Outcome.getClassSchema(),
                config.eventsTopic() + "-value", LedgerEvent.getClassSchema(),
                config.transferLegsTopic() + "-value", TransferLeg.getClassSchema(),
                config.deadLettersTopic() + "-value", DeadLetter.getClassSchema(),
                config.commandsTopic() + "-value", CommandEnvelope.getClassSchema());
        for (Map.Entry<String, Schema> e : subjects.entrySet()) {
            if (config.registryAutoRegister()) {
                registry.register(e.getKey(), e.getValue());
            } else if (registry.lookup(e.getKey(), e.getValue()).isEmpty()) {
                throw new IllegalStateException("schema for subject " + e.getKey() + " is not registered at "
                        + config.registryUrl() + " and " + EngineConfig.REGISTRY_AUTO_REGISTER + "=false");
            }
        }
    }

    static RegistryClientConfig registryConfig(EngineConfig config) {
        Map<String, Object> registryProps = new HashMap<>();
        registryProps.put("registry.url", config.registryUrl());
        registryProps.put("registry.auto.register", config.registryAutoRegister());
        return RegistryClientConfig.fromMap(registryProps);
    }

    /** The Kafka Streams settings, with every safety setting explicit. */
    static Properties streamsProperties(EngineConfig config) {
        Map<String, Object> passThrough = config.kafkaPassThrough();
        for (String key : passThrough.keySet()) {
            if (PROTECTED_KEYS.contains(key)) {
                throw new IllegalArgumentException(EngineConfig.PASSTHROUGH_PREFIX + key
                        + " may not be overridden: the engine's exactly-once guarantee depends on it");
            }
        }
        Properties p = new Properties();
        p.putAll(passThrough);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.producerPrefix(ProducerConfig.ACKS_CONFIG), "all");
        p.put(StreamsConfig.producerPrefix(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG), true);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.ISOLATION_LEVEL_CONFIG), "read_committed");
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitIntervalMs());
        p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.numStreamThreads());
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) config.replicationFactor());
        p.put(StreamsConfig.topicPrefix("min.insync.replicas"), Math.min(2, config.replicationFactor()));
        return p;
    }

    static Map<String, Object> adminProperties(EngineConfig config) {
        Map<String, Object> p = new HashMap<>(config.kafkaPassThrough());
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        return p;
    }

    /** Waits until every stream thread is running, or fails after the timeout. */
    public void awaitRunning(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (streams.state() == KafkaStreams.State.ERROR || streams.state() == KafkaStreams.State.NOT_RUNNING) {
                throw new IllegalStateException("engine stopped while starting: " + streams.state());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("engine not RUNNING after " + timeout + ": " + streams.state());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    /** The Kafka Streams state, for health checks. */
    public KafkaStreams.State state() {
        return streams.state();
    }

    /** The validated configuration this service runs with. */
    public EngineConfig config() {
        return config;
    }

    /** Topic names, for callers that need them all. */
    public List<String> topics() {
        return TopicManager.specs(config).stream()
                .map(TopicManager.TopicSpec::name)
                .toList();
    }

    /** Stops processing, commits, and closes the stores (waits at most 30 s). */
    @Override
    public void close() {
        streams.close(Duration.ofSeconds(30));
        registry.close();
        LOG.info("engine stopped");
    }
}
