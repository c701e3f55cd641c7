package io.ledgerstream.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The options every scenario shares. Defaults are sized for a small shared machine: each measured phase lasts
 * {@code --duration} (30 s) after {@code --warmup} (10 s); every loop is bounded by these durations and by {@code
 * --max-commands}.
 */
final class BenchOptions {

    // ---- where ------------------------------------------------------------------------------------------------
    @Option(
            names = "--bootstrap",
            description = "Bootstrap servers of an existing cluster; default: start an embedded broker in a child JVM.")
    String bootstrap;

    @Option(
            names = "--registry",
            description = "Confluent-compatible registry URL of an existing registry; default: start an embedded one.")
    String registry;

    @Option(
            names = "--replication-factor",
            defaultValue = "1",
            description = "Replication factor of the topics (1 on the embedded broker). Default: ${DEFAULT-VALUE}.")
    short replicationFactor;

    // ---- shape ------------------------------------------------------------------------------------------------
    @Option(
            names = "--partitions",
            defaultValue = "8",
            description = "Partitions of the commands/events/legs topics. Default: ${DEFAULT-VALUE}.")
    int partitions;

    @Option(
            names = "--outcome-partitions",
            defaultValue = "8",
            description = "Partitions of the outcomes topic. Default: ${DEFAULT-VALUE}.")
    int outcomePartitions;

    @Option(
            names = "--instances",
            defaultValue = "1",
            description = "Engine instances (child JVMs, one application ID). Default: ${DEFAULT-VALUE}.")
    int instances;

    @Option(
            names = "--clients",
            defaultValue = "1",
            description = "SDK clients (LedgerClient instances, one driver thread each). Default: ${DEFAULT-VALUE}.")
    int clients;

    @Option(
            names = "--accounts",
            defaultValue = "10000",
            description = "Accounts opened before the run. Default: ${DEFAULT-VALUE}.")
    int accounts;

    @Option(
            names = "--in-flight",
            defaultValue = "10000",
            description = "SDK max.in.flight.requests per client (the saturation loop's bound; the SDK's own default)."
                    + " Default: ${DEFAULT-VALUE}.")
    int inFlight;

    @Option(
            names = "--commit-interval-ms",
            defaultValue = "100",
            description = "Engine commit.interval.ms (its transaction duration). Default: ${DEFAULT-VALUE}.")
    long commitIntervalMs;

    // ---- time -------------------------------------------------------------------------------------------------
    @Option(
            names = "--duration",
            defaultValue = "30s",
            converter = Durations.class,
            description = "Length of each measured SDK phase. Default: ${DEFAULT-VALUE}.")
    Duration duration;

    @Option(
            names = "--warmup",
            defaultValue = "10s",
            converter = Durations.class,
            description = "Saturation warm-up before measuring (discarded). Default: ${DEFAULT-VALUE}.")
    Duration warmup;

    @Option(
            names = "--raw-duration",
            defaultValue = "15s",
            converter = Durations.class,
            description = "Length of each raw producer phase. Default: ${DEFAULT-VALUE}.")
    Duration rawDuration;

    @Option(
            names = "--setup-timeout",
            defaultValue = "300s",
            converter = Durations.class,
            description = "Most time for opening the accounts. Default: ${DEFAULT-VALUE}.")
    Duration setupTimeout;

    @Option(
            names = "--max-commands",
            defaultValue = "50000000",
            description = "Most commands (or raw records) per phase. Default: ${DEFAULT-VALUE}.")
    long maxCommands;

    @Option(
            names = "--rate",
            description = "Offered rate of the fixed-rate phase, commands/s. Default: half the measured saturation.")
    Double rate;

    @Option(
            names = "--no-latency-phase",
            description = "Skip the fixed-rate phase (and its raw counterpart); saturation only.")
    boolean noLatencyPhase;

    @Option(
            names = "--audit-rounds",
            defaultValue = "3",
            description = "Rounds of audit replay vs raw consumer on the events topic at the end (0: skip; sweeps skip"
                    + " it). Default: ${DEFAULT-VALUE}.")
    int auditRounds;

    // ---- workload ---------------------------------------------------------------------------------------------
    @Option(
            names = "--amount-max",
            defaultValue = "100",
            description = "Largest amount per command, minor units. Default: ${DEFAULT-VALUE}.")
    long amountMax;

    @Option(
            names = "--overdraft",
            defaultValue = "1000000000000",
            description = "Overdraft limit of every opened account, minor units. Default: ${DEFAULT-VALUE}.")
    long overdraft;

    @Option(
            names = "--duplicates",
            defaultValue = "0.01",
            description = "Share of submissions that resend a completed command. Default: ${DEFAULT-VALUE}.")
    double duplicates;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    // ---- tuning pass-through ----------------------------------------------------------------------------------
    @Option(
            names = "--engine-set",
            description = "Extra engine setting key=value (e.g. kafka.cache.max.bytes.buffering=0); repeatable.")
    Map<String, String> engineSettings = new LinkedHashMap<>();

    @Option(
            names = "--client-set",
            description = "Extra SDK client setting key=value (e.g. publish.batch.max=500, kafka.linger.ms=1).")
    Map<String, String> clientSettings = new LinkedHashMap<>();

    @Option(
            names = "--raw-producer-set",
            description = "Raw ceiling producer setting key=value (e.g. linger.ms=5, batch.size=65536).")
    Map<String, String> rawProducerSettings = new LinkedHashMap<>();

    @Option(
            names = "--raw-consumer-set",
            description = "Raw ceiling consumer setting key=value (e.g. max.poll.records=5000).")
    Map<String, String> rawConsumerSettings = new LinkedHashMap<>();

    @Option(names = "--broker-set", description = "Embedded broker property key=value; repeatable.")
    Map<String, String> brokerSettings = new LinkedHashMap<>();

    @Option(
            names = "--raw-txn-ms",
            description = "Raw producer transaction duration, ms. Default: the engine's commit interval.")
    Long rawTransactionMs;

    @Option(
            names = "--engine-heap",
            defaultValue = "1g",
            description = "-Xmx of each engine JVM. Default: ${DEFAULT-VALUE}.")
    String engineHeap;

    @Option(
            names = "--broker-heap",
            defaultValue = "1g",
            description = "-Xmx of the broker JVM. Default: ${DEFAULT-VALUE}.")
    String brokerHeap;

    @Option(names = "--engine-jvm-opt", description = "Extra JVM option of the engine JVMs; repeatable.")
    List<String> engineJvmOptions = new ArrayList<>();

    @Option(
            names = "--jfr",
            description = "Record JFR (settings=profile) in the engine JVMs and print the top costs at the end.")
    boolean jfr;

    // ---- output -----------------------------------------------------------------------------------------------
    @Option(names = "--label", description = "Name of the run, used in file names. Default: <scenario>-<timestamp>.")
    String label;

    @Option(
            names = "--out-dir",
            defaultValue = "bench/results",
            description = "Directory for the JSON result (and chart) files. Default: ${DEFAULT-VALUE}.")
    Path outDir;

    @Option(
            names = "--work-dir",
            description = "Directory for logs, engine state and JFR files. Default: a new temporary directory.")
    Path workDir;

    @Option(names = "--keep-work-dir", description = "Keep engine state after the run (logs and JFR are kept).")
    boolean keepWorkDir;

    /** Checks ranges; throws IllegalArgumentException naming the option. */
    void validate() {
        check(partitions >= 1 && partitions <= 1000, "--partitions", partitions, "[1, 1000]");
        check(
                outcomePartitions >= 1 && outcomePartitions <= 1000,
                "--outcome-partitions",
                outcomePartitions,
                "[1, 1000]");
        check(instances >= 1 && instances <= 16, "--instances", instances, "[1, 16]");
        check(clients >= 1 && clients <= 64, "--clients", clients, "[1, 64]");
        check(
                accounts >= 2 && accounts <= Workload.ACCOUNTS_MAX,
                "--accounts",
                accounts,
                "[2, " + Workload.ACCOUNTS_MAX + "]");
        check(inFlight >= 1 && inFlight <= 100_000, "--in-flight", inFlight, "[1, 100000]");
        check(
                commitIntervalMs >= 1 && commitIntervalMs <= 60_000,
                "--commit-interval-ms",
                commitIntervalMs,
                "[1, 60000]");
        check(duplicates >= 0 && duplicates < 1, "--duplicates", duplicates, "[0, 1)");
        check(rate == null || rate > 0, "--rate", rate, "> 0");
        check(maxCommands >= 1, "--max-commands", maxCommands, ">= 1");
        check(
                auditRounds >= 0 && auditRounds <= AuditBench.ROUNDS_MAX,
                "--audit-rounds",
                auditRounds,
                "[0, " + AuditBench.ROUNDS_MAX + "]");
        check(rawTransactionMs == null || rawTransactionMs >= 1, "--raw-txn-ms", rawTransactionMs, ">= 1");
    }

    long rawTransactionMs() {
        return rawTransactionMs != null ? rawTransactionMs : commitIntervalMs;
    }

    private static void check(boolean ok, String option, Object value, String range) {
        if (!ok) {
            throw new IllegalArgumentException(option + "=" + value + " is outside " + range);
        }
    }
}
