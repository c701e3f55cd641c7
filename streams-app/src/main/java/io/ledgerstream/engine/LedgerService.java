package io.ledgerstream.engine;

import io.ledgerstream.schemas.CommandEnvelope;
import io.ledgerstream.schemas.DeadLetter;
import io.ledgerstream.schemas.LedgerEvent;
import io.ledgerstream.schemas.Outcome;
import io.ledgerstream.schemas.TransferLeg;
import io.ledgerstream.serde.AvroSerde;
import io.ledgerstream.serde.RegistryClient;
import io.ledgerstream.serde.RegistryClientConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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

    /** Kafka client prefixes Kafka Streams understands; such keys are not given to the engine's own admin client. */
    private static final List<String> STREAMS_CLIENT_PREFIXES = List.of(
            StreamsConfig.PRODUCER_PREFIX,
            StreamsConfig.CONSUMER_PREFIX,
            StreamsConfig.MAIN_CONSUMER_PREFIX,
            StreamsConfig.RESTORE_CONSUMER_PREFIX,
            StreamsConfig.GLOBAL_CONSUMER_PREFIX,
            StreamsConfig.ADMIN_CLIENT_PREFIX,
            StreamsConfig.TOPIC_PREFIX);

    /** Settings with a typed engine key; the {@code kafka.*} form is refused so there is one place to set them. */
    private static final Map<String, String> TYPED_KEYS = Map.of(
            StreamsConfig.APPLICATION_ID_CONFIG, EngineConfig.APPLICATION_ID,
            StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, EngineConfig.BOOTSTRAP_SERVERS,
            StreamsConfig.APPLICATION_SERVER_CONFIG, EngineConfig.APPLICATION_SERVER,
            StreamsConfig.STATE_DIR_CONFIG, EngineConfig.STATE_DIR,
            StreamsConfig.NUM_STREAM_THREADS_CONFIG, EngineConfig.NUM_STREAM_THREADS,
            StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, EngineConfig.COMMIT_INTERVAL_MS,
            StreamsConfig.REPLICATION_FACTOR_CONFIG, EngineConfig.REPLICATION_FACTOR);

    private final EngineConfig config;
    private final RegistryClient registry;
    private final KafkaStreams streams;
    private final PrometheusMeterRegistry meters;
    private final List<AutoCloseable> binders;
    private final EngineHttpServer http;
    private final RocksDbMemory rocksDb;

    private LedgerService(
            EngineConfig config,
            RegistryClient registry,
            KafkaStreams streams,
            PrometheusMeterRegistry meters,
            List<AutoCloseable> binders,
            EngineHttpServer http,
            RocksDbMemory rocksDb) {
        this.config = config;
        this.registry = registry;
        this.streams = streams;
        this.meters = meters;
        this.binders = binders;
        this.http = http;
        this.rocksDb = rocksDb;
    }

    /**
     * Verifies (or creates) topics and schemas, binds the HTTP endpoints (unless {@code http.port=-1}), then starts the
     * streams application. Returns once started; use {@link #awaitRunning} to wait for partitions to be assigned.
     */
    public static LedgerService start(EngineConfig config) {
        Objects.requireNonNull(config, "config");
        Properties props = streamsProperties(config);
        LOG.info("engine starting: {}", config); // passwords and kafka.* values hidden
        try (Admin admin = Admin.create(adminProperties(config))) {
            TopicManager.ensure(admin, config);
        }
        RegistryClient registry = new RegistryClient(registryConfig(config));
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        List<AutoCloseable> binders = new ArrayList<>();
        EngineHttpServer http = null;
        RocksDbMemory rocksDb = null;
        try {
            EngineSerdes serdes = serdes(registry, config.registryAutoRegister());
            checkSchemas(registry, config);
            if (config.httpEnabled()) {
                http = EngineHttpServer.bind(config);
                props.put(
                        StreamsConfig.APPLICATION_SERVER_CONFIG,
                        http.advertised().host() + ":" + http.advertised().port());
            }
            rocksDb = RocksDbMemory.attach(props, config);
            KafkaStreams streams =
                    new KafkaStreams(LedgerTopology.build(config, serdes, new MicrometerLedgerMetrics(meters)), props);
            ThreadFailurePolicy failures = new ThreadFailurePolicy(System::currentTimeMillis);
            streams.setUncaughtExceptionHandler(e -> {
                StreamThreadExceptionResponse response = failures.onFailure(e);
                if (response == StreamThreadExceptionResponse.SHUTDOWN_CLIENT) {
                    LOG.error("stream thread failed; shutting the engine down (no record is skipped)", e);
                } else {
                    LOG.warn("stream thread failed; replacing it: its tasks resume from the last commit", e);
                }
                return response;
            });
            streams.setStateListener((now, before) -> LOG.info("engine state {} -> {}", before, now));
            bindMeters(meters, streams, binders);
            if (http != null) {
                http.start(streams, meters);
                LOG.info(
                        "HTTP endpoints listening on {} (application.server={}:{})",
                        http.address(),
                        http.advertised().host(),
                        http.advertised().port());
            }
            streams.start();
            LOG.info(
                    "engine started: application.id={} partitions={} bootstrap={}",
                    config.applicationId(),
                    config.partitions(),
                    config.bootstrapServers());
            return new LedgerService(config, registry, streams, meters, binders, http, rocksDb);
        } catch (RuntimeException e) {
            if (http != null) {
                http.close();
            }
            if (rocksDb != null) {
                rocksDb.close(); // no store was opened: streams did not start
            }
            closeAll(binders);
            meters.close();
            registry.close();
            throw e;
        }
    }

    /** Kafka Streams' own metrics (and its clients'), plus the JVM's, next to the engine's. */
    private static void bindMeters(MeterRegistry meters, KafkaStreams streams, List<AutoCloseable> binders) {
        KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(meters);
        binders.add(streamsMetrics);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(meters);
        binders.add(gc);
        new JvmMemoryMetrics().bindTo(meters);
        new JvmThreadMetrics().bindTo(meters);
        new ProcessorMetrics().bindTo(meters);
        new UptimeMetrics().bindTo(meters);
    }

    private static void closeAll(List<AutoCloseable> closeables) {
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("failed to close {}", c, e);
            }
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
        registryProps.put(RegistryClientConfig.URL, config.registryUrl());
        registryProps.put(RegistryClientConfig.AUTO_REGISTER, config.registryAutoRegister());
        if (config.registryBasicAuthUserInfo() != null) {
            registryProps.put(RegistryClientConfig.BASIC_AUTH_USER_INFO, config.registryBasicAuthUserInfo());
        }
        for (String key : List.of(
                RegistryClientConfig.SSL_TRUSTSTORE_LOCATION,
                RegistryClientConfig.SSL_TRUSTSTORE_PASSWORD,
                RegistryClientConfig.SSL_TRUSTSTORE_TYPE)) {
            Object value = config.values().get(key);
            if (value != null) {
                registryProps.put(key, value);
            }
        }
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
            if (TYPED_KEYS.containsKey(key)) {
                throw new IllegalArgumentException(
                        EngineConfig.PASSTHROUGH_PREFIX + key + " is not allowed: set " + TYPED_KEYS.get(key));
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

    /**
     * The settings of the engine's own admin client (topic creation and verification): the {@code kafka.*} settings
     * that are admin client settings (security, timeouts), then the {@code kafka.admin.*} ones, unprefixed. Settings
     * for Kafka Streams' producer, consumers or topics are left out.
     */
    static Map<String, Object> adminProperties(EngineConfig config) {
        Map<String, Object> p = new HashMap<>();
        Map<String, Object> passThrough = config.kafkaPassThrough();
        passThrough.forEach((key, value) -> {
            if (STREAMS_CLIENT_PREFIXES.stream().noneMatch(key::startsWith)
                    && AdminClientConfig.configNames().contains(key)) {
                p.put(key, value);
            }
        });
        passThrough.forEach((key, value) -> {
            if (key.startsWith(StreamsConfig.ADMIN_CLIENT_PREFIX)) {
                p.put(key.substring(StreamsConfig.ADMIN_CLIENT_PREFIX.length()), value);
            }
        });
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

    /**
     * The address the HTTP endpoints are bound to (with the actual port when {@code http.port=0}), or empty when they
     * are disabled.
     */
    public Optional<InetSocketAddress> httpAddress() {
        return Optional.ofNullable(http).map(EngineHttpServer::address);
    }

    /** The metrics registry behind {@code /metrics}. */
    PrometheusMeterRegistry meters() {
        return meters;
    }

    /** Stops processing, commits, and closes the stores (waits at most 30 s), then the HTTP endpoints. */
    @Override
    public void close() {
        boolean stopped = streams.close(Duration.ofSeconds(30));
        if (rocksDb != null) {
            if (stopped) {
                rocksDb.close();
            } else {
                LOG.warn("Kafka Streams did not stop within 30 s: the RocksDB cache stays allocated for its stores");
            }
        }
        if (http != null) {
            http.close();
        }
        closeAll(binders);
        meters.close();
        registry.close();
        LOG.info("engine stopped");
    }
}
