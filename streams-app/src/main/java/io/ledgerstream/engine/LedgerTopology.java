package io.ledgerstream.engine;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds the engine's whole topology. The service, the integration tests and the {@code TopologyTestDriver} tests
 * all call {@link #build}, so they run the same code. Every node and store has a stable, explicit name: names are
 * part of the on-disk contract (store changelogs are named after them), so renaming one loses state.
 *
 * <pre>
 * commands-source ──┐                      ┌─► outcomes-sink          (topic.outcomes, by reply target)
 *                   ├─► ledger-processor ──┼─► events-sink            (topic.events, by account)
 * legs-source ──────┘    [accounts,        ├─► legs-sink              (topic.transfer.legs, by account)
 *                         dedup,           ├─► commands-reroute-sink  (topic.commands, by account)
 *                         dedup-expiry,    └─► dead-letters-sink      (topic.dead.letters)
 *                         hold-expiry]
 * </pre>
 */
public final class LedgerTopology {

    public static final String COMMANDS_SOURCE = "commands-source";
    public static final String LEGS_SOURCE = "legs-source";
    public static final String PROCESSOR = "ledger-processor";
    public static final String OUTCOMES_SINK = "outcomes-sink";
    public static final String EVENTS_SINK = "events-sink";
    public static final String LEGS_SINK = "legs-sink";
    public static final String REROUTE_SINK = "commands-reroute-sink";
    public static final String DEAD_LETTERS_SINK = "dead-letters-sink";

    /** Account ID to account state (AccountRecord, plain Avro). */
    public static final String ACCOUNTS_STORE = "accounts";
    /** Request ID to what was decided for it (DedupEntry, plain Avro). */
    public static final String DEDUP_STORE = "dedup";
    /** Time index over the dedup store: (first decided at, request ID), for retention. */
    public static final String DEDUP_EXPIRY_STORE = "dedup-expiry";
    /** Time index over active holds: (expires at, account ID, hold ID). */
    public static final String HOLD_EXPIRY_STORE = "hold-expiry";

    private LedgerTopology() {}

    /**
     * Builds the topology.
     *
     * @param config validated engine configuration
     * @param serdes registry-backed serdes of the topics' values
     * @return a new topology; not shared
     */
    public static Topology build(EngineConfig config, EngineSerdes serdes) {
        return build(config, serdes, LedgerMetrics.NONE);
    }

    /**
     * Builds the topology with a metrics recorder (the running service passes its Micrometer registry's).
     *
     * @param config validated engine configuration
     * @param serdes registry-backed serdes of the topics' values
     * @param metrics what the processor counts; thread-safe, shared by every task
     * @return a new topology; not shared
     */
    static Topology build(EngineConfig config, EngineSerdes serdes, LedgerMetrics metrics) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(serdes, "serdes");
        Objects.requireNonNull(metrics, "metrics");
        ConsistentHashPartitioner<String, Object> byAccount = new ConsistentHashPartitioner<>(k -> k);
        Topology topology = new Topology();
        topology.addSource(
                COMMANDS_SOURCE,
                Serdes.ByteArray().deserializer(),
                Serdes.ByteArray().deserializer(),
                config.commandsTopic());
        topology.addSource(
                LEGS_SOURCE,
                Serdes.ByteArray().deserializer(),
                Serdes.ByteArray().deserializer(),
                config.transferLegsTopic());
        topology.addProcessor(
                PROCESSOR, () -> new LedgerProcessor(config, serdes, metrics), COMMANDS_SOURCE, LEGS_SOURCE);

        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(ACCOUNTS_STORE), Serdes.String(), Serdes.ByteArray()),
                PROCESSOR);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(DEDUP_STORE), Serdes.String(), Serdes.ByteArray()),
                PROCESSOR);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(DEDUP_EXPIRY_STORE), Serdes.Bytes(), Serdes.ByteArray()),
                PROCESSOR);
        topology.addStateStore(
                Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(HOLD_EXPIRY_STORE), Serdes.Bytes(), Serdes.ByteArray()),
                PROCESSOR);

        topology.addSink(
                OUTCOMES_SINK,
                config.outcomesTopic(),
                Serdes.String().serializer(),
                serdes.outcomes().serializer(),
                new ConsistentHashPartitioner<String, Object>(k -> k),
                PROCESSOR);
        topology.addSink(
                EVENTS_SINK,
                config.eventsTopic(),
                Serdes.String().serializer(),
                serdes.events().serializer(),
                byAccount,
                PROCESSOR);
        topology.addSink(
                LEGS_SINK,
                config.transferLegsTopic(),
                Serdes.String().serializer(),
                serdes.legs().serializer(),
                byAccount,
                PROCESSOR);
        topology.addSink(
                REROUTE_SINK,
                config.commandsTopic(),
                Serdes.ByteArray().serializer(),
                Serdes.ByteArray().serializer(),
                new ConsistentHashPartitioner<byte[], byte[]>(k -> new String(k, StandardCharsets.UTF_8)),
                PROCESSOR);
        topology.addSink(
                DEAD_LETTERS_SINK,
                config.deadLettersTopic(),
                Serdes.ByteArray().serializer(),
                serdes.deadLetters().serializer(),
                PROCESSOR);
        return topology;
    }
}
