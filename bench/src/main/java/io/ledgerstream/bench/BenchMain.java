package io.ledgerstream.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The benchmark harness: {@code java -cp 'bench/target/bench.jar:bench/target/lib/*' io.ledgerstream.bench.BenchMain
 * <command>}. Scenarios: {@code e2e} (one run, ceiling and SDK path, every figure as a ratio), {@code sweep} (a scaling
 * curve over partitions, instances, accounts, in-flight bound, commit interval or clients), {@code audit} (the audit
 * replayer against a raw consumer over a generated ledger of millions of events); tools: {@code jfr-top}
 * (top costs of JFR recordings), {@code chart} (Markdown and Mermaid of sweep results). See docs/benchmarks.md.
 */
@Command(
        name = "ledgerstream-bench",
        mixinStandardHelpOptions = true,
        subcommands = {
            Commands.E2e.class,
            Commands.Sweep.class,
            AuditScenario.class,
            AuditCompare.class,
            JfrTop.class,
            Commands.Chart.class,
            ChildCommands.Broker.class,
            ChildCommands.Engine.class
        },
        description = "Benchmarks ledgerstream end to end against Kafka's own ceiling, measured in the same run.")
public final class BenchMain implements Runnable {

    public static void main(String[] args) {
        int code = new CommandLine(new BenchMain()).execute(args);
        System.exit(code);
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
