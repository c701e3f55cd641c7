package io.ledgerstream.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code audit} scenario: writes a generated ledger of millions of events ({@link AuditLedger}) to a fresh events
 * topic, then measures the audit replayer against a raw read_committed consumer on it ({@link AuditBench}), in one
 * run, on one broker. The {@code e2e} scenario measures the same pair on the engine's own (smaller) ledger.
 */
@Command(
        name = "audit",
        mixinStandardHelpOptions = true,
        description = {
            "Starts a broker and a registry (or uses --bootstrap/--registry), writes a generated ledger of --events"
                    + " events (the e2e mix, decided and evolved by the core, transactional like the engine's), then"
                    + " alternates the raw read_committed consumer and the audit replayer over it --rounds times."
                    + " Writes <out-dir>/<label>.json."
        })
final class AuditScenario implements Callable<Integer> {

    @Option(names = "--bootstrap", description = "Use this Kafka cluster instead of starting a broker.")
    String bootstrap;

    @Option(names = "--registry", description = "Use this registry (ccompat URL) instead of starting one.")
    String registry;

    @Option(names = "--events", defaultValue = "4000000", description = "Events to write. Default: ${DEFAULT-VALUE}.")
    long events;

    @Option(names = "--accounts", defaultValue = "10000", description = "Accounts. Default: ${DEFAULT-VALUE}.")
    int accounts;

    @Option(
            names = "--partitions",
            defaultValue = "8",
            description = "Partitions of the events topic. Default: ${DEFAULT-VALUE}.")
    int partitions;

    @Option(
            names = "--records-per-transaction",
            defaultValue = "2000",
            description = "Records per producer transaction. Default: ${DEFAULT-VALUE}.")
    int recordsPerTransaction;

    @Option(
            names = "--rounds",
            defaultValue = "5",
            description = "Rounds of each side (1.." + AuditBench.ROUNDS_MAX + "). Default: ${DEFAULT-VALUE}.")
    int rounds;

    @Option(
            names = "--threads",
            defaultValue = "0",
            description = "Audit replay threads (0: the audit's default). Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(
            names = "--broker-heap",
            defaultValue = "1g",
            description = "Heap of the embedded broker JVM. Default: ${DEFAULT-VALUE}.")
    String brokerHeap;

    @Option(names = "--label", description = "Name of the run, used in file names. Default: audit-<timestamp>.")
    String label;

    @Option(
            names = "--out-dir",
            defaultValue = "bench/results",
            description = "Where results go. Default: ${DEFAULT-VALUE}.")
    Path outDir;

    @Override
    public Integer call() {
        if (partitions < 1 || partitions > 256) {
            throw new IllegalArgumentException("--partitions must be in [1, 256], was " + partitions);
        }
        if (accounts < 2 || accounts > Workload.ACCOUNTS_MAX) {
            throw new IllegalArgumentException("--accounts must be in [2, " + Workload.ACCOUNTS_MAX + "]");
        }
        String name = label != null ? label : "audit-" + Commands.timestamp();
        Path work = Commands.workDir(null); // a fresh temporary directory
        System.out.println("work directory (logs): " + work);
        try (Environment env = Environment.start(bootstrap, registry, List.of("-Xmx" + brokerHeap), Map.of(), work);
                ResourceMonitor monitor = new ResourceMonitor(env::rolePids)) {
            String topic = "bench-audit-" + Commands.timestamp() + ".ledger.events";
            env.createTopic(topic, partitions, (short) 1);
            System.out.printf("writing %,d events over %,d accounts to %s%n", events, accounts, topic);
            AuditLedger.Written written =
                    AuditLedger.write(env, topic, partitions, accounts, events, recordsPerTransaction, seed);
            System.out.printf(
                    "wrote %,d events (%,d requests, %,d rejected, %,d transactions) in %.1f s%n",
                    written.events(),
                    written.requests(),
                    written.rejected(),
                    written.transactions(),
                    written.seconds());
            RawCeiling ceiling = new RawCeiling(env.bootstrapServers(), Map.of(), Map.of());
            Results.AuditReplay audit =
                    AuditBench.measure(env, topic, ceiling, monitor, rounds, Duration.ofSeconds(120), threads);
            Results.Target target = Ratios.auditTarget(audit);
            System.out.printf(
                    "audit replay: %.0f events/s vs raw %.0f records/s: ratio %s (%s); CPU per record, all processes:"
                            + " audit %s µs, raw %s µs; rounds raw %s, raw read loop %s, audit %s; verdicts %s%n",
                    audit.auditEventsPerSec(),
                    audit.rawRecordsPerSec(),
                    audit.auditPerRaw(),
                    target.status(),
                    audit.auditCpuMicrosPerEvent(),
                    audit.rawCpuMicrosPerRecord(),
                    audit.rawRoundsPerSec(),
                    audit.rawReadLoopRoundsPerSec(),
                    audit.auditRoundsPerSec(),
                    audit.verdicts());
            Map<String, Object> doc =
                    JsonResults.header("audit", name, java.time.Instant.now().toString());
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("events", events);
            settings.put("accounts", accounts);
            settings.put("partitions", partitions);
            settings.put("recordsPerTransaction", recordsPerTransaction);
            settings.put("rounds", rounds);
            settings.put("threads", threads);
            settings.put("seed", seed);
            settings.put("brokerHeap", brokerHeap);
            settings.put("driverMaxHeapBytes", Runtime.getRuntime().maxMemory());
            doc.put("settings", settings);
            doc.put("ledger", written);
            doc.put("audit", audit);
            doc.put("target", target);
            Path file = outDir.resolve(name + ".json");
            new JsonResults().write(file, doc);
            System.out.println("result: " + file);
        }
        return 0;
    }
}
