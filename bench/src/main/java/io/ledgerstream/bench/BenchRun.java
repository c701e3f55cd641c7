package io.ledgerstream.bench;

import io.ledgerstream.sdk.LedgerClientConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs one measurement point on an {@link Environment}: starts the engine instances on fresh topics, opens the
 * accounts, warms up, measures the raw ceiling and the end-to-end path in the same run, and returns every figure with
 * its ratio to the ceiling.
 *
 * <p>Phases, in order: setup (open accounts) · warm-up (saturation, discarded) · raw warm-up (5 s, discarded) · raw
 * transactional producer at saturation with a read_committed tail · raw read_committed consumer over that topic ·
 * short re-warm · e2e saturation · e2e fixed rate (half the saturation unless {@code --rate}) · raw producer at that
 * same fixed rate · read_committed consumer over the events topic · the audit replayer against a raw read_committed
 * consumer on the events topic, alternating.
 *
 * <p>Not thread-safe: one instance per controlling thread.
 */
final class BenchRun {

    /** Records sampled to learn the commands' real size. */
    static final int SIZE_SAMPLE_RECORDS = 2000;

    static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(60);
    static final Duration CONSUME_TIMEOUT = Duration.ofSeconds(60);
    static final Duration REWARM_MAX = Duration.ofSeconds(5);
    static final Duration RAW_WARMUP = Duration.ofSeconds(5);
    static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);

    private final BenchOptions o;
    private final Environment env;
    private final ResourceMonitor monitor;
    private final PrintStream out;

    BenchRun(BenchOptions options, Environment env, ResourceMonitor monitor, PrintStream out) {
        this.o = Objects.requireNonNull(options, "options");
        this.env = Objects.requireNonNull(env, "env");
        this.monitor = Objects.requireNonNull(monitor, "monitor");
        this.out = Objects.requireNonNull(out, "out");
    }

    /** Topic names and application ID of one point: fresh per point, so sweep points never share state. */
    record Names(String pointId) {
        String prefix() {
            return "bench-" + pointId + ".";
        }

        String commands() {
            return prefix() + "ledger.commands";
        }

        String outcomes() {
            return prefix() + "ledger.outcomes";
        }

        String events() {
            return prefix() + "ledger.events";
        }

        String legs() {
            return prefix() + "ledger.transfer-legs";
        }

        String deadLetters() {
            return prefix() + "ledger.dead-letters";
        }

        String raw() {
            return prefix() + "raw";
        }

        String applicationId() {
            return "bench-" + pointId;
        }
    }

    Map<String, String> engineSettings(Names n) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("bootstrap.servers", env.bootstrapServers());
        s.put("registry.url", env.registryUrl());
        s.put("registry.auto.register", "true");
        s.put("application.id", n.applicationId());
        s.put("partitions", Integer.toString(o.partitions));
        s.put("outcome.partitions", Integer.toString(o.outcomePartitions));
        s.put("replication.factor", Short.toString(o.replicationFactor));
        s.put("commit.interval.ms", Long.toString(o.commitIntervalMs));
        s.put("topic.commands", n.commands());
        s.put("topic.outcomes", n.outcomes());
        s.put("topic.events", n.events());
        s.put("topic.transfer.legs", n.legs());
        s.put("topic.dead.letters", n.deadLetters());
        s.putAll(o.engineSettings);
        return s;
    }

    Map<String, Object> clientSettings(Names n) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put(LedgerClientConfig.BOOTSTRAP_SERVERS, env.bootstrapServers());
        s.put(LedgerClientConfig.REGISTRY_URL, env.registryUrl());
        s.put(LedgerClientConfig.TOPIC_COMMANDS, n.commands());
        s.put(LedgerClientConfig.TOPIC_OUTCOMES, n.outcomes());
        s.put(LedgerClientConfig.TOPIC_EVENTS, n.events());
        s.put(LedgerClientConfig.MAX_IN_FLIGHT_REQUESTS, o.inFlight);
        s.putAll(o.clientSettings);
        return s;
    }

    /**
     * Runs one point.
     *
     * @param scenario the command that ran it (e2e, sweep:partitions, ...)
     * @param label the run's label
     * @param pointId unique among the points on this environment; names topics and the application ID
     * @param latencyPhase whether to run the fixed-rate phases
     * @param auditRounds rounds of audit replay against the raw consumer on the events topic; 0 to skip
     * @param sweepValue the swept parameter and its value, or null
     */
    Results.Run run(
            String scenario,
            String label,
            String pointId,
            boolean latencyPhase,
            int auditRounds,
            Map<String, Object> sweepValue) {
        Names names = new Names(pointId);
        List<String> notes = new ArrayList<>();
        String startedAt = Instant.now().toString();
        Workload workload = new Workload(
                o.accounts, o.partitions, new Workload.Mix(0.70, 0.5, 0.20, 0.10, o.duplicates), o.amountMax);
        if (!workload.crossPartitionPossible()) {
            notes.add("one partition: every transfer is local (no cross-partition saga)");
        }
        Map<String, String> engineSettings = engineSettings(names);
        List<String> engineJvm = new ArrayList<>(List.of("-Xmx" + o.engineHeap, "-Xms" + o.engineHeap));
        engineJvm.addAll(o.engineJvmOptions);
        say("point %s: starting %d engine instance(s) on %d partitions", pointId, o.instances, o.partitions);
        List<ChildJvm> engines = env.startEngines("engine-" + pointId, o.instances, engineSettings, engineJvm, o.jfr);
        env.createTopic(names.raw(), o.partitions, o.replicationFactor);
        RawCeiling ceiling = new RawCeiling(
                env.bootstrapServers(),
                new LinkedHashMap<>(o.rawProducerSettings),
                new LinkedHashMap<>(o.rawConsumerSettings));
        Results.Phase setup;
        Results.Phase saturation;
        Results.Phase fixed = null;
        Results.RawProducer rawSat;
        Results.RawProducer rawFixed = null;
        Results.RawConsumer rawConsumer;
        Results.RawConsumer eventsConsumer;
        Map<String, Object> sizes = new LinkedHashMap<>();
        Map<String, Object> state = new LinkedHashMap<>();
        long newCommands;
        Map<String, Double> offsetsPerOutcome;
        ScheduledExecutorService progress = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bench-progress");
            t.setDaemon(true);
            return t;
        });
        try (LoadDriver driver =
                LoadDriver.connect(clientSettings(names), "bench-" + pointId, o.clients, workload, o.seed)) {
            progress.scheduleAtFixedRate(
                    new Progress(driver), PROGRESS_EVERY.toMillis(), PROGRESS_EVERY.toMillis(), TimeUnit.MILLISECONDS);

            say("setup: opening %d accounts", o.accounts);
            ResourceMonitor.Window w = monitor.begin();
            PhaseStats s = driver.openAccounts(o.overdraft, o.setupTimeout);
            boolean drained = driver.finish(s, true, DRAIN_TIMEOUT);
            setup = s.toPhase(w.end(), w.load());
            if (setup.accepted() < o.accounts || !drained) {
                throw new IllegalStateException("setup opened only " + setup.accepted() + " of " + o.accounts
                        + " accounts within " + o.setupTimeout + " (rejects " + setup.rejectsByReason()
                        + ", failures " + setup.failuresByType() + "); raise --setup-timeout or lower --accounts");
            }
            say(
                    "setup: %d accounts in %.1f s (%.0f opens/s)",
                    setup.accepted(), setup.seconds(), setup.acceptedPerSec());

            say("warm-up: %s at saturation", Durations.format(o.warmup));
            PhaseStats warm = driver.runMix("warmup", null, o.warmup, o.maxCommands);
            driver.finish(warm, true, DRAIN_TIMEOUT);

            RecordSizes.Sample commandSizes =
                    RecordSizes.sample(env.bootstrapServers(), names.commands(), SIZE_SAMPLE_RECORDS);
            sizes.put("commands", commandSizes.toMap());
            sizes.put(
                    "outcomes",
                    RecordSizes.sample(env.bootstrapServers(), names.outcomes(), SIZE_SAMPLE_RECORDS)
                            .toMap());
            sizes.put(
                    "events",
                    RecordSizes.sample(env.bootstrapServers(), names.events(), SIZE_SAMPLE_RECORDS)
                            .toMap());
            int valueBytes = Math.max(8, commandSizes.valueBytesRounded());
            Duration txn = Duration.ofMillis(o.rawTransactionMs());

            say(
                    "raw ceiling: %d transactional producer(s), %d-byte values, a transaction every %d ms, %s",
                    o.clients, valueBytes, txn.toMillis(), Durations.format(o.rawDuration));
            // the raw path gets its own warm-up (JIT, producer buffers, broker log segments), discarded
            ceiling.produce(
                    names.raw(),
                    "bench-" + pointId + "-raw-warm",
                    o.clients,
                    workload,
                    valueBytes,
                    txn,
                    null,
                    RAW_WARMUP,
                    o.maxCommands,
                    monitor);
            rawSat = ceiling.produce(
                    names.raw(),
                    "bench-" + pointId + "-raw-sat",
                    o.clients,
                    workload,
                    valueBytes,
                    txn,
                    null,
                    o.rawDuration,
                    o.maxCommands,
                    monitor);
            say(
                    "raw ceiling: %.0f records/s, visible p99 %s ms",
                    rawSat.recordsPerSec(), rawSat.visibleLatency().p99Ms());
            rawConsumer = ceiling.consumeAll(names.raw(), CONSUME_TIMEOUT, o.maxCommands, monitor);
            say(
                    "raw read_committed consumer: %.0f records/s over %d records",
                    rawConsumer.recordsPerSec(), rawConsumer.records());

            Duration rewarm = o.warmup.compareTo(REWARM_MAX) < 0 ? o.warmup : REWARM_MAX;
            PhaseStats rw = driver.runMix("rewarm", null, rewarm, o.maxCommands);
            driver.finish(rw, false, DRAIN_TIMEOUT);
            say("e2e saturation: %s, in-flight bound %d per client", Durations.format(o.duration), o.inFlight);
            java.util.function.Predicate<String> ours = t -> !t.equals(names.raw())
                    && (t.startsWith(names.prefix()) || t.startsWith(names.applicationId() + "-"));
            Map<String, Long> offsetsBefore = OffsetProbe.snapshot(env.admin(), ours);
            w = monitor.begin();
            s = driver.runMix("saturation", null, o.duration, o.maxCommands);
            driver.finish(s, false, DRAIN_TIMEOUT);
            saturation = s.toPhase(w.end(), w.load());
            Map<String, Long> offsetsAfter = OffsetProbe.snapshot(env.admin(), ours);
            offsetsPerOutcome = OffsetProbe.perUnit(offsetsBefore, offsetsAfter, saturation.completed(), null);
            say(
                    "e2e saturation: %.0f accepted/s (%.0f outcomes/s), p99 %s ms",
                    saturation.acceptedPerSec(),
                    saturation.completedPerSec(),
                    saturation.latency().p99Ms());
            if (!driver.drain(DRAIN_TIMEOUT)) {
                notes.add("requests still in flight " + DRAIN_TIMEOUT.toSeconds() + " s after saturation");
            }

            if (latencyPhase) {
                double rate = o.rate != null
                        ? o.rate
                        : Math.max(1, 0.5 * Objects.requireNonNullElse(saturation.completedPerSec(), 2.0));
                say("e2e fixed rate: %.0f commands/s for %s", rate, Durations.format(o.duration));
                w = monitor.begin();
                s = driver.runMix("fixed-rate", rate, o.duration, o.maxCommands);
                driver.finish(s, false, DRAIN_TIMEOUT);
                fixed = s.toPhase(w.end(), w.load());
                say(
                        "e2e fixed rate: %.0f outcomes/s, p50 %s ms, p99 %s ms, p99.9 %s ms",
                        fixed.completedPerSec(),
                        fixed.latency().p50Ms(),
                        fixed.latency().p99Ms(),
                        fixed.latency().p999Ms());
                driver.drain(DRAIN_TIMEOUT);
                say("raw producer at the same rate: %s", Durations.format(o.rawDuration));
                rawFixed = ceiling.produce(
                        names.raw(),
                        "bench-" + pointId + "-raw-fixed",
                        o.clients,
                        workload,
                        valueBytes,
                        txn,
                        rate,
                        o.rawDuration,
                        o.maxCommands,
                        monitor);
                say(
                        "raw fixed rate: visible p50 %s ms, p99 %s ms",
                        rawFixed.visibleLatency().p50Ms(),
                        rawFixed.visibleLatency().p99Ms());
            }
            newCommands = driver.newCommandsSubmitted();
        } finally {
            progress.shutdownNow();
        }
        eventsConsumer = ceiling.consumeAll(names.events(), CONSUME_TIMEOUT, o.maxCommands, monitor);
        say(
                "events topic read_committed: %.0f records/s over %d records",
                eventsConsumer.recordsPerSec(), eventsConsumer.records());

        Results.AuditReplay audit = null;
        if (auditRounds > 0) {
            say("audit replay vs raw read_committed consumer on %s: %d rounds", names.events(), auditRounds);
            audit = AuditBench.measure(env, names.events(), ceiling, monitor, auditRounds, CONSUME_TIMEOUT, 0);
            say(
                    "audit replay: %.0f events/s vs raw %.0f records/s (ratio %s), verdicts %s",
                    audit.auditEventsPerSec(), audit.rawRecordsPerSec(), audit.auditPerRaw(), audit.verdicts());
        }

        state.put("accounts", o.accounts);
        state.put("requestIdsDecidedAtMost", newCommands);
        state.put(
                "dedupStoreNote",
                "the dedup store holds one entry per request ID decided: at most the new "
                        + "commands submitted over the whole point (setup, warm-up and every phase)");
        say("stopping the engine instance(s)");
        env.stopEngines(engines);
        long stateBytes = 0;
        List<String> jfrFiles = new ArrayList<>();
        for (ChildJvm e : engines) {
            Path dir = env.workDir().resolve(e.name());
            stateBytes += sizeOf(dir.resolve("state"));
            Path jfr = env.workDir().resolve(e.name() + ".jfr");
            if (Files.exists(jfr)) {
                jfrFiles.add(jfr.toString());
            }
            if (!o.keepWorkDir) {
                deleteTree(dir.resolve("state"));
            }
        }
        state.put("stateDirBytes", stateBytes);
        if (!jfrFiles.isEmpty()) {
            state.put("jfrFiles", jfrFiles);
        }

        Map<String, Object> settings = settingsOf(engineSettings, names, sweepValue, auditRounds);
        Map<String, Double> ratios = Ratios.of(saturation, fixed, rawSat, rawFixed, rawConsumer, eventsConsumer);
        if (audit != null) {
            ratios.put("auditReplayPerRawConsumer", audit.auditPerRaw());
        }
        List<Results.Target> targets = Ratios.targets(o.commitIntervalMs, saturation, fixed, rawSat, audit, ratios);
        return new Results.Run(
                scenario,
                label,
                startedAt,
                Machine.describe(),
                settings,
                sizes,
                setup,
                saturation,
                fixed,
                rawSat,
                rawFixed,
                rawConsumer,
                eventsConsumer,
                audit,
                state,
                offsetsPerOutcome,
                ratios,
                targets,
                notes);
    }

    private Map<String, Object> settingsOf(
            Map<String, String> engine, Names names, Map<String, Object> sweepValue, int auditRounds) {
        Map<String, Object> s = new LinkedHashMap<>();
        if (sweepValue != null) {
            s.put("sweep", sweepValue);
        }
        s.put("embeddedBroker", env.embeddedBroker());
        s.put("partitions", o.partitions);
        s.put("outcomePartitions", o.outcomePartitions);
        s.put("instances", o.instances);
        s.put("clients", o.clients);
        s.put("accounts", o.accounts);
        s.put("inFlightPerClient", o.inFlight);
        s.put("commitIntervalMs", o.commitIntervalMs);
        s.put("rawTransactionMs", o.rawTransactionMs());
        s.put("durationS", o.duration.toMillis() / 1000.0);
        s.put("warmupS", o.warmup.toMillis() / 1000.0);
        s.put("rawDurationS", o.rawDuration.toMillis() / 1000.0);
        s.put("auditRounds", auditRounds);
        s.put(
                "mix",
                "70% transfers (half cross-partition), 20% deposits, 10% withdrawals; " + o.duplicates * 100
                        + "% resent duplicates");
        s.put("amountMax", o.amountMax);
        s.put("overdraft", o.overdraft);
        s.put("seed", o.seed);
        s.put("engineHeap", o.engineHeap);
        s.put("brokerHeap", o.brokerHeap);
        Map<String, String> shownEngine = new LinkedHashMap<>(engine);
        shownEngine.remove("bootstrap.servers");
        shownEngine.remove("registry.url");
        s.put("engine", shownEngine);
        s.put("clientOverrides", o.clientSettings);
        s.put("rawProducerOverrides", o.rawProducerSettings);
        s.put("rawConsumerOverrides", o.rawConsumerSettings);
        s.put("brokerOverrides", o.brokerSettings);
        s.put("topicPrefix", names.prefix());
        return s;
    }

    private void say(String format, Object... args) {
        out.printf("[%s] %s%n", java.time.LocalTime.now().withNano(0), String.format(format, args));
        out.flush();
    }

    static long sizeOf(Path dir) {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .mapToLong(p -> {
                        try {
                            return Files.size(p);
                        } catch (IOException e) {
                            return 0;
                        }
                    })
                    .sum();
        } catch (IOException e) {
            return 0;
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // best effort: a temporary directory
        }
    }

    /** Prints the running phase's outcome rate, in-flight requests, p99 so far and the load average. */
    private final class Progress implements Runnable {
        private final LoadDriver driver;
        private PhaseStats last;
        private long lastCompleted;
        private long lastNanos;

        Progress(LoadDriver driver) {
            this.driver = driver;
        }

        @Override
        public void run() {
            PhaseStats s = driver.current();
            long now = System.nanoTime();
            if (s == null) {
                last = null;
                return;
            }
            long completed = s.completed.sum();
            if (s != last) {
                last = s;
                lastCompleted = 0;
                lastNanos = s.startNanos();
            }
            double rate = (completed - lastCompleted) * 1e9 / Math.max(1, now - lastNanos);
            lastCompleted = completed;
            lastNanos = now;
            double[] load = ProcStats.loadAverages();
            say(
                    "  %-10s %6.0f outcomes/s  in flight %5d  load %s",
                    s.name, rate, driver.inFlight(), load.length > 0 ? String.format("%.2f", load[0]) : "?");
        }
    }
}
