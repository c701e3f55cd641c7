package io.ledgerstream.faults;

import io.ledgerstream.core.ConsistentHash;
import io.ledgerstream.faults.FaultLog.Fault;
import io.ledgerstream.sdk.LedgerClient;
import io.ledgerstream.sdk.LedgerClientConfig;
import io.ledgerstream.testkit.Await;
import io.ledgerstream.testkit.EmbeddedKafka;
import io.ledgerstream.testkit.EmbeddedRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything a fault scenario needs around one engine deployment: topics with a unique prefix, the engine settings, a
 * fleet of engine processes, SDK clients and workloads, the shared {@link History} and {@link FaultLog}, waits with
 * deadlines, and the final settle, check and report.
 */
final class FaultScenario implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FaultScenario.class);

    static final int PARTITIONS = 4;
    static final int OUTCOME_PARTITIONS = 2;
    static final Duration ENGINE_START = Duration.ofSeconds(120);
    static final Duration RECOVERY_MAX = Duration.ofSeconds(120);
    static final Duration SETTLE_MAX = Duration.ofSeconds(180);
    static final Duration READ_MAX = Duration.ofSeconds(120);
    static final Path REPORT_DIRECTORY = Path.of("target", "fault-reports");

    /** Broker settings for fault runs: short minimum session timeout, quick cleanup of timed-out transactions. */
    static EmbeddedKafka.Builder kafkaForFaults(int brokers) {
        EmbeddedKafka.Builder builder = EmbeddedKafka.builder()
                .brokers(brokers)
                .brokerProperty("group.min.session.timeout.ms", "1000")
                .brokerProperty("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");
        if (brokers >= 3) {
            builder.brokerProperty("min.insync.replicas", "2");
        }
        return builder;
    }

    final String name;
    final EmbeddedKafka kafka;
    final EmbeddedRegistry registry;
    final String prefix;
    final Map<String, String> engineSettings;
    final EngineFleet fleet;
    final History history = new History();
    final FaultLog faults = new FaultLog();
    final Admin admin;
    final GroupProbe group;
    final Path logDirectory;
    private final List<Workload> workloads = new ArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final long startedAtNanos = System.nanoTime();

    FaultScenario(String name, EmbeddedKafka kafka, EmbeddedRegistry registry, short replicationFactor) {
        this(name, kafka, registry, replicationFactor, Map.of());
    }

    FaultScenario(
            String name,
            EmbeddedKafka kafka,
            EmbeddedRegistry registry,
            short replicationFactor,
            Map<String, String> extraEngineSettings) {
        this.name = name;
        this.kafka = kafka;
        this.registry = registry;
        this.prefix = name + "-" + Long.toString(System.currentTimeMillis() % 1_000_000, 36);
        this.logDirectory = Path.of("target", "fault-logs", prefix);
        Map<String, String> s = new LinkedHashMap<>();
        s.put("application.id", prefix + "-engine");
        s.put("bootstrap.servers", kafka.bootstrapServers());
        s.put("registry.url", registry.url());
        s.put("registry.auto.register", "true");
        s.put("topic.commands", commandsTopic());
        s.put("topic.outcomes", outcomesTopic());
        s.put("topic.events", eventsTopic());
        s.put("topic.transfer.legs", legsTopic());
        s.put("topic.dead.letters", prefix + ".dead-letters");
        s.put("partitions", Integer.toString(PARTITIONS));
        s.put("outcome.partitions", Integer.toString(OUTCOME_PARTITIONS));
        s.put("replication.factor", Short.toString(replicationFactor));
        s.put("commit.interval.ms", "100");
        s.put("kafka.consumer.session.timeout.ms", "5000");
        s.put("kafka.consumer.heartbeat.interval.ms", "1000");
        s.putAll(extraEngineSettings);
        this.engineSettings = Map.copyOf(s);
        this.fleet = new EngineFleet(engineSettings, logDirectory);
        this.admin = kafka.admin();
        this.group = new GroupProbe(admin, prefix + "-engine", Set.of(commandsTopic(), legsTopic()));
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

    String legsTopic() {
        return prefix + ".legs";
    }

    static int partitionOf(String account) {
        return ConsistentHash.partition(account, PARTITIONS);
    }

    static Set<Integer> allPartitions() {
        return IntStream.range(0, PARTITIONS).boxed().collect(Collectors.toCollection(TreeSet::new));
    }

    LedgerClientConfig.Builder clientConfig(String clientId) {
        return LedgerClientConfig.builder()
                .bootstrapServers(kafka.bootstrapServers())
                .registryUrl(registry.url())
                .clientId(clientId)
                .set(LedgerClientConfig.REGISTRY_AUTO_REGISTER, true)
                .set(LedgerClientConfig.TOPIC_COMMANDS, commandsTopic())
                .set(LedgerClientConfig.TOPIC_OUTCOMES, outcomesTopic())
                .set(LedgerClientConfig.TOPIC_EVENTS, eventsTopic())
                .set(LedgerClientConfig.REQUEST_TIMEOUT_MS, 120_000L);
    }

    LedgerClient client(String clientId) {
        LedgerClient client = new LedgerClient(clientConfig(clientId).build());
        closeables.add(client);
        return client;
    }

    Workload workload(String clientId, Workload.Settings settings, long seed) {
        Workload w = new Workload(() -> client(clientId), clientId, history, settings, seed, prefix + "-" + clientId);
        workloads.add(w);
        return w;
    }

    /** Starts the first engine instance and waits until it owns every partition. */
    void startFirstEngine(String instance) {
        fleet.start(instance);
        awaitGroup(Set.of(instance), ENGINE_START);
    }

    void awaitGroup(Set<String> instances, Duration timeout) {
        Await.await(
                timeout,
                "the engine group is stable with instances " + instances + " owning all partitions (now "
                        + fleet.running() + ")",
                () -> {
                    checkNoEngineDied();
                    return group.isStableWith(instances, PARTITIONS);
                });
    }

    Optional<Map<String, Set<org.apache.kafka.common.TopicPartition>>> assignment() {
        return group.stableAssignment();
    }

    /**
     * Parks for a random 0 to {@code maxMs} milliseconds before a kill. This is not a wait for a condition (those use
     * {@link Await}): it places the fault at a uniformly random point of the engine's 100 ms commit cycle, so that
     * kills land before, during and after commits rather than always right after an outcome became visible.
     */
    static void jitter(Random random, int maxMs) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(random.nextInt(maxMs + 1)));
    }

    Fault inject(String kind, String target, Set<Integer> partitions) {
        Fault f = faults.injected(kind, target, partitions);
        LOG.info("{}: fault #{} {} on {} (partitions {})", name, faults.faults().size(), kind, target, partitions);
        return f;
    }

    /** Waits until every partition the fault affected served a fresh outcome; returns the recovery time in ms. */
    long awaitRecovery(Fault fault) {
        long at = Await.awaitValue(
                RECOVERY_MAX,
                "recovery from " + fault.kind() + " on " + fault.target() + ": outcomes decided after the fault on"
                        + " partitions " + fault.partitions(),
                () -> {
                    checkNoEngineDied();
                    long t = FaultLog.recoveredAt(fault, history, FaultScenario::partitionOf);
                    return t < 0 ? Optional.empty() : Optional.of(t);
                });
        long ms = at - fault.injectedAtMs();
        LOG.info("{}: recovered from {} on {} in {} ms", name, fault.kind(), fault.target(), ms);
        return ms;
    }

    /** Waits until clients received {@code n} more outcomes than now (load keeps flowing). */
    void awaitMoreOutcomes(int n, Duration timeout) {
        int target = history.observations().size() + n;
        Await.await(timeout, n + " more outcomes reached the clients", () -> {
            checkNoEngineDied();
            return history.observations().size() >= target;
        });
    }

    /**
     * Fails if an engine process exited on its own or stopped on an invariant violation. An engine whose Kafka
     * Streams client went to {@code ERROR} for another reason (its process stays up, {@code /health/live} answers
     * 503) is restarted, as an orchestrator's liveness probe would, and recorded in {@link #livenessRestarts}: see
     * docs/reliability.md (KAFKA-20785) and {@link ZombieResumeIT}.
     */
    private void checkNoEngineDied() {
        Set<String> dead = fleet.exitedOnTheirOwn();
        if (!dead.isEmpty()) {
            throw new AssertionError("engine instance(s) " + dead + " exited on their own (a bug, e.g. an invariant"
                    + " violation); logs: " + fleet.logFiles());
        }
        for (String instance : fleet.running()) {
            ChildJvm engine = fleet.require(instance);
            if (!engine.logContains(ENGINE_FAILED)) {
                continue;
            }
            if (engine.logContains("InvariantViolation")) {
                throw new AssertionError("engine " + instance + " stopped on an invariant violation: "
                        + engine.firstLogLine("InvariantViolation") + "; see " + engine.logFile());
            }
            String cause = engine.firstLogLineAfter(ENGINE_STOPPING, "Caused by: ");
            if (!restartFailedEngines) {
                throw new AssertionError("engine " + instance + " stopped for good (Kafka Streams state ERROR): "
                        + cause + "; see " + engine.logFile());
            }
            livenessRestarts.add(instance + " (" + cause + ")");
            LOG.warn(
                    "{}: engine {} went to ERROR ({}); restarting it like a liveness probe would",
                    name,
                    instance,
                    cause);
            fleet.kill(instance);
            fleet.start(instance);
        }
    }

    /** The engine's log line when a stream thread fails and the engine shuts down. */
    static final String ENGINE_STOPPING = "stream thread failed";

    /** The engine's log line when its Kafka Streams client stops for good. */
    static final String ENGINE_FAILED = "engine state \\S+ -> ERROR";

    /** Engines restarted because they went to ERROR (see {@link #checkNoEngineDied()}). */
    final List<String> livenessRestarts = new ArrayList<>();

    /** Whether an engine that went to ERROR is restarted (true) or fails the test (false). */
    boolean restartFailedEngines = true;

    /** Settles every workload, reads the committed logs and checks the history. */
    CheckReport settleAndCheck() {
        for (Workload w : workloads) {
            Set<String> unanswered = w.settle(SETTLE_MAX);
            if (!unanswered.isEmpty()) {
                LOG.warn(
                        "{}: {} requests still unanswered after {}: {}",
                        name,
                        unanswered.size(),
                        SETTLE_MAX,
                        unanswered.stream().limit(20).toList());
            }
        }
        checkNoEngineDied();
        CommittedLog log =
                CommittedLog.read(kafka.bootstrapServers(), registry.url(), outcomesTopic(), eventsTopic(), READ_MAX);
        CheckReport report = HistoryChecker.check(history, log, FaultScenario::partitionOf);
        LOG.info("{}: {}", name, report.describe());
        return report;
    }

    /** The audit module's command line, run on the final log when the audit module is on the class path. */
    static final String AUDIT_MAIN = "io.ledgerstream.audit.AuditMain";

    /**
     * Runs the audit command ({@code ledgerstream audit}) on the final log in a child JVM, if the audit module is
     * built; returns a one-line result for the report.
     *
     * @return e.g. {@code exit 0 (every invariant holds)}; or why it did not run
     * @throws AssertionError if the audit ran and did not pass
     */
    String audit() {
        try {
            Class.forName(AUDIT_MAIN, false, getClass().getClassLoader());
        } catch (ClassNotFoundException e) {
            return "not run: " + AUDIT_MAIN + " is not on the class path (audit module not built yet)";
        }
        ChildJvm audit = ChildJvm.start(
                "audit",
                AUDIT_MAIN,
                List.of(
                        "--bootstrap-servers",
                        kafka.bootstrapServers(),
                        "--registry-url",
                        registry.url(),
                        "--events-topic",
                        eventsTopic(),
                        "--outcomes-topic",
                        outcomesTopic(),
                        "--compare-live",
                        "--application-id",
                        engineSettings.get("application.id")),
                logDirectory.resolve("audit.log"));
        try {
            int exit = audit.awaitExitCode(READ_MAX);
            if (exit != 0) {
                throw new AssertionError("the audit command failed with exit code " + exit + " on the final log; see "
                        + audit.logFile().toAbsolutePath());
            }
            return "exit 0 (every invariant holds); report in " + audit.logFile();
        } finally {
            audit.close();
        }
    }

    /** Records read_uncommitted minus read_committed counts: records of aborted (crashed or fenced) transactions. */
    Map<String, Long> abortedRecords() {
        Map<String, Long> aborted = new LinkedHashMap<>();
        for (String topic : List.of(outcomesTopic(), eventsTopic())) {
            long all = CommittedLog.countRecords(kafka.bootstrapServers(), topic, false, READ_MAX);
            long committed = CommittedLog.countRecords(kafka.bootstrapServers(), topic, true, READ_MAX);
            aborted.put(topic.substring(prefix.length() + 1), all - committed);
        }
        return aborted;
    }

    /** Writes the scenario's figures to {@code target/fault-reports/<name>.md} and the log. */
    String writeReport(CheckReport report, Map<String, ?> extra) {
        List<FaultLog.Recovery> recoveries = faults.recoveries(history, FaultScenario::partitionOf);
        FaultLog.Stats stats = FaultLog.stats(recoveries);
        Map<String, Long> workload = new java.util.TreeMap<>();
        workloads.forEach(w -> w.stats().forEach((k, v) -> workload.merge(k, v, Long::sum)));
        StringBuilder s = new StringBuilder();
        s.append("## ")
                .append(name)
                .append(" (")
                .append(LocalDateTime.now().withNano(0))
                .append(")\n\n");
        s.append("- duration: ")
                .append(Duration.ofNanos(System.nanoTime() - startedAtNanos).toSeconds())
                .append(" s; load average at end: ")
                .append(loadAverage())
                .append('\n');
        s.append("- requests: ")
                .append(report.count("requests"))
                .append("; submissions: ")
                .append(report.count("submissions"))
                .append(" (resends and retries: ")
                .append(report.count("resends"))
                .append(", reused IDs: ")
                .append(report.count("clashes"))
                .append(")\n");
        s.append("- outcomes: accepted ")
                .append(report.count("accepted"))
                .append(", rejected ")
                .append(report.count("rejected"))
                .append(" (destination refused and refunded: ")
                .append(report.count("destinationRejected"))
                .append("); replays ")
                .append(report.count("replayOutcomes"))
                .append("; events ")
                .append(report.count("events"))
                .append("; transfers ")
                .append(report.count("transfers"))
                .append(" (same-partition ")
                .append(workload.getOrDefault("sameTransfers", 0L))
                .append(", cross-partition ")
                .append(workload.getOrDefault("crossTransfers", 0L))
                .append(", to unknown accounts ")
                .append(workload.getOrDefault("unknownDestinationTransfers", 0L))
                .append(")\n");
        s.append("- faults: ").append(faults.countsByKind()).append('\n');
        s.append("- lost: ")
                .append(report.count("lost"))
                .append("; duplicated: ")
                .append(report.count("duplicatedOutcomes") + report.count("duplicatedEvents"))
                .append("; half-applied transfers: ")
                .append(report.count("halfApplied"))
                .append("; in flight at end: ")
                .append(report.count("inFlight"))
                .append("; money: balances ")
                .append(report.count("totalBalance"))
                .append(" = deposits ")
                .append(report.count("deposits"))
                .append(" - withdrawals ")
                .append(report.count("withdrawals"))
                .append('\n');
        s.append("- violations: ").append(report.violationCounts()).append('\n');
        s.append("- time to recover: ").append(stats).append('\n');
        s.append("- recovery per fault (ms): ")
                .append(recoveries.stream()
                        .map(r -> r.recoveryMs() + (r.superseded() ? "*" : ""))
                        .collect(Collectors.joining(" ")))
                .append('\n');
        s.append("- client: ").append(workload).append('\n');
        extra.forEach((k, v) -> s.append("- ").append(k).append(": ").append(v).append('\n'));
        s.append("- engines restarted after going to ERROR (liveness probe): ")
                .append(livenessRestarts.size())
                .append(livenessRestarts.isEmpty() ? "" : " " + livenessRestarts)
                .append('\n');
        String text = s.toString();
        try {
            Files.createDirectories(REPORT_DIRECTORY);
            Files.writeString(REPORT_DIRECTORY.resolve(name + ".md"), text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        LOG.info("{} report:\n{}", name, text);
        return text;
    }

    FaultLog.Stats recoveryStats() {
        return FaultLog.stats(faults.recoveries(history, FaultScenario::partitionOf));
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    @Override
    public void close() {
        for (Workload w : workloads) {
            try {
                w.close();
            } catch (RuntimeException e) {
                LOG.warn("closing workload failed", e);
            }
        }
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception e) {
                LOG.warn("closing {} failed", closeables.get(i), e);
            }
        }
        fleet.close();
        admin.close();
    }
}
