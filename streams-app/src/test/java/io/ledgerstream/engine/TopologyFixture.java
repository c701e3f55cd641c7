package io.ledgerstream.engine;

import io.ledgerstream.schemas.CommandEnvelope;
import io.ledgerstream.schemas.DeadLetter;
import io.ledgerstream.schemas.LedgerEvent;
import io.ledgerstream.schemas.Outcome;
import io.ledgerstream.schemas.TransferLeg;
import io.ledgerstream.serde.RegistryClient;
import io.ledgerstream.serde.RegistryClientConfig;
import io.ledgerstream.testkit.EmbeddedRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * The engine's topology ({@link LedgerTopology#build}, the production builder) in a {@link TopologyTestDriver}, with
 * the real registry serdes and the engine's own Streams properties, and typed handles on its topics. Shared by the
 * topology tests so they set it up one way. Not thread-safe.
 */
final class TopologyFixture implements AutoCloseable {

    final RegistryClient client;
    final EngineSerdes serdes;
    final EngineConfig config;
    final TopologyTestDriver driver;
    private final RocksDbMemory rocksDb;

    private TopologyFixture(EmbeddedRegistry registry, Map<String, ?> settings, LedgerMetrics metrics, Instant start) {
        Map<String, Object> all = new HashMap<>();
        all.put(EngineConfig.BOOTSTRAP_SERVERS, "unused:9092");
        all.put(EngineConfig.REGISTRY_URL, registry.url());
        all.put(EngineConfig.OUTCOME_PARTITIONS, "1");
        all.putAll(settings);
        this.client = new RegistryClient(RegistryClientConfig.fromMap(Map.of("registry.url", registry.url())));
        this.serdes = LedgerService.serdes(client, true);
        this.config = new EngineConfig(all);
        Properties props = LedgerService.streamsProperties(config);
        try {
            props.put(
                    StreamsConfig.STATE_DIR_CONFIG,
                    Files.createTempDirectory("ttd-").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.rocksDb = RocksDbMemory.attach(props, config); // the stores run on the engine's memory budget
        this.driver = new TopologyTestDriver(
                metrics == null ? LedgerTopology.build(config, serdes) : LedgerTopology.build(config, serdes, metrics),
                props,
                start);
    }

    /**
     * Starts the topology.
     *
     * @param registry the test registry
     * @param settings engine settings on top of the fixture's (bootstrap, registry URL, one outcome partition)
     * @param metrics the metrics to record into, or null for the production builder's default
     * @param start the driver's initial wall-clock time
     */
    static TopologyFixture start(
            EmbeddedRegistry registry, Map<String, ?> settings, LedgerMetrics metrics, Instant start) {
        return new TopologyFixture(registry, settings, metrics, start);
    }

    TestInputTopic<String, CommandEnvelope> commands() {
        return driver.createInputTopic(
                config.commandsTopic(),
                new StringSerializer(),
                serdes.commands().serializer());
    }

    /** The commands topic written as raw bytes (bad payloads for the dead-letter path). */
    TestInputTopic<byte[], byte[]> rawCommands() {
        return driver.createInputTopic(config.commandsTopic(), new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** What the topology writes back to the commands topic (re-routed commands), as raw bytes. */
    TestOutputTopic<byte[], byte[]> commandsOut() {
        return driver.createOutputTopic(
                config.commandsTopic(),
                Serdes.ByteArray().deserializer(),
                Serdes.ByteArray().deserializer());
    }

    TestOutputTopic<String, Outcome> outcomes() {
        return driver.createOutputTopic(
                config.outcomesTopic(),
                Serdes.String().deserializer(),
                serdes.outcomes().deserializer());
    }

    TestOutputTopic<String, LedgerEvent> events() {
        return driver.createOutputTopic(
                config.eventsTopic(),
                Serdes.String().deserializer(),
                serdes.events().deserializer());
    }

    TestInputTopic<String, TransferLeg> legsIn() {
        return driver.createInputTopic(
                config.transferLegsTopic(),
                new StringSerializer(),
                serdes.legs().serializer());
    }

    TestOutputTopic<String, TransferLeg> legs() {
        return driver.createOutputTopic(
                config.transferLegsTopic(),
                Serdes.String().deserializer(),
                serdes.legs().deserializer());
    }

    TestOutputTopic<byte[], DeadLetter> deadLetters() {
        return driver.createOutputTopic(
                config.deadLettersTopic(),
                Serdes.ByteArray().deserializer(),
                serdes.deadLetters().deserializer());
    }

    @Override
    public void close() {
        try {
            driver.close();
        } finally {
            client.close();
            if (rocksDb != null) {
                rocksDb.close();
            }
        }
    }
}
