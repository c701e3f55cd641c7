package io.ledgerstream.bench;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code audit-compare} scenario: two or more builds of the audit replayer (each its own jars, loaded child-first
 * in a class loader of its own) over one generated ledger on one broker, alternating round by round, so that a
 * change's effect is measured against its baseline under the same conditions: the host's speed drifts by ±15% within
 * minutes, which separate runs cannot tell from a change of a few percent. Each round runs every variant once (in
 * reverse order every other round); the result is each variant's median and, per round, its rate and CPU per event
 * against the first variant's, whose median is the paired ratio.
 *
 * <p>Not the same as separate runs: the variants share one heap and the classes outside the project (Kafka's client,
 * the JDK), which the JIT compiles once with the type profiles of all of them (e.g. each build's value deserializer at
 * the consumer's one call site). A difference this shows is a hint to confirm with the {@code audit} scenario.
 */
@Command(
        name = "audit-compare",
        mixinStandardHelpOptions = true,
        description = {
            "Starts a broker and a registry, writes the audit scenario's generated ledger (--events events, 10,000"
                    + " accounts, 8 partitions), then runs the audit of each --variant in turn, --rounds times after a"
                    + " warm-up round, each in its own class loader. Writes <out-dir>/<label>.json."
        })
final class AuditCompare implements Callable<Integer> {
    private static final int ACCOUNTS = 10_000;
    private static final int PARTITIONS = 8;
    private static final int RECORDS_PER_TRANSACTION = 2_000;
    private static final long SEED = 42;

    @Option(names = "--events", defaultValue = "4000000", description = "Events to write. Default: ${DEFAULT-VALUE}.")
    long events;

    @Option(names = "--rounds", defaultValue = "8", description = "Counted rounds (1..50). Default: ${DEFAULT-VALUE}.")
    int rounds;

    @Option(
            names = "--variant",
            required = true,
            description = "NAME=JAR[,JAR...]: the jars of one build (e.g. its audit and ledger-core jars), put before"
                    + " this build's classpath; NAME= alone is this build. The first variant is the baseline.")
    List<String> variants;

    @Option(names = "--label", description = "Name of the run, used in file names. Default: audit-compare-<timestamp>.")
    String label;

    @Option(
            names = "--out-dir",
            defaultValue = "bench/results",
            description = "Where results go. Default: ${DEFAULT-VALUE}.")
    Path outDir;

    /** Loads the project's classes (all of {@code io.ledgerstream} but the harness) from its own jars first. */
    static final class ChildFirst extends URLClassLoader {
        ChildFirst(URL[] urls, ClassLoader parent) {
            super(urls, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith("io.ledgerstream.") || name.startsWith("io.ledgerstream.bench.")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                if (loaded == null) {
                    loaded = findClass(name);
                }
                if (resolve) {
                    resolveClass(loaded);
                }
                return loaded;
            }
        }
    }

    /** One build under test. */
    record Variant(String name, List<String> jars, ClassLoader loader) {}

    /** One variant's figures. */
    record Figures(
            String name,
            List<String> jars,
            Double eventsPerSec,
            Double cpuMicrosPerEvent,
            List<Double> roundsPerSec,
            List<Double> roundsCpuMicros,
            Double pairedRate,
            Double pairedCpu,
            List<String> verdicts) {}

    @Override
    public Integer call() throws Exception {
        if (rounds < 1 || rounds > 50) {
            throw new IllegalArgumentException("--rounds must be in [1, 50], was " + rounds);
        }
        if (variants.size() < 2) {
            throw new IllegalArgumentException("give at least two --variant, the first being the baseline");
        }
        List<Variant> builds = new ArrayList<>();
        for (String spec : variants) {
            builds.add(variant(spec));
        }
        String name = label != null ? label : "audit-compare-" + Commands.timestamp();
        String startedAt = java.time.Instant.now().toString();
        int n = builds.size();
        List<List<Double>> rates = new ArrayList<>();
        List<List<Double>> cpus = new ArrayList<>();
        List<List<Double>> pairedRates = new ArrayList<>();
        List<List<Double>> pairedCpus = new ArrayList<>();
        List<List<String>> verdicts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rates.add(new ArrayList<>());
            cpus.add(new ArrayList<>());
            pairedRates.add(new ArrayList<>());
            pairedCpus.add(new ArrayList<>());
            verdicts.add(new ArrayList<>());
        }
        Path work = Commands.workDir(null);
        System.out.println("work directory (logs): " + work);
        try (Environment env = Environment.start(null, null, List.of("-Xmx1g"), Map.of(), work);
                ResourceMonitor monitor = new ResourceMonitor(env::rolePids)) {
            String topic = "bench-audit-compare-" + Commands.timestamp() + ".ledger.events";
            env.createTopic(topic, PARTITIONS, (short) 1);
            AuditLedger.write(env, topic, PARTITIONS, ACCOUNTS, events, RECORDS_PER_TRANSACTION, SEED);
            for (int round = -1; round < rounds; round++) { // round -1: warm-up, not counted
                List<Integer> order = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    order.add(i);
                }
                if ((round & 1) == 1) {
                    Collections.reverse(order);
                }
                double[] rate = new double[n];
                Double[] cpu = new Double[n];
                for (int i : order) {
                    System.gc();
                    ResourceMonitor.Window window = monitor.begin();
                    long start = System.nanoTime();
                    Outcome outcome = audit(builds.get(i).loader(), env, topic);
                    long nanos = System.nanoTime() - start;
                    Double cpuPer = Ratios.cpuPer(window.end(), outcome.events(), null);
                    rate[i] = ResultMath.perSecond(outcome.events(), nanos);
                    cpu[i] = cpuPer == null ? null : cpuPer * 1e6;
                    System.out.printf(
                            "round %d %s: %.0f events/s, %s µs/event, %s%n",
                            round, builds.get(i).name(), rate[i], cpu[i], outcome.verdict());
                    if (round >= 0) {
                        rates.get(i).add(rate[i]);
                        cpus.get(i).add(cpu[i]);
                        verdicts.get(i).add(outcome.verdict());
                    }
                }
                if (round >= 0) {
                    for (int i = 0; i < n; i++) {
                        pairedRates.get(i).add(rate[i] / rate[0]);
                        pairedCpus.get(i).add(cpu[i] == null || cpu[0] == null ? null : cpu[i] / cpu[0]);
                    }
                }
            }
        }
        List<Figures> figures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Figures f = new Figures(
                    builds.get(i).name(),
                    builds.get(i).jars(),
                    ResultMath.round(AuditBench.median(rates.get(i)), 1),
                    ResultMath.round(AuditBench.median(cpus.get(i)), 3),
                    ResultMath.roundAll(rates.get(i), 1),
                    ResultMath.roundAll(cpus.get(i), 3),
                    ResultMath.round(AuditBench.median(pairedRates.get(i)), 4),
                    ResultMath.round(AuditBench.median(pairedCpus.get(i)), 4),
                    verdicts.get(i));
            figures.add(f);
            System.out.printf(
                    "%s: median %s events/s, %s µs/event; against %s, paired by round: rate ×%s, CPU ×%s%n",
                    f.name(),
                    f.eventsPerSec(),
                    f.cpuMicrosPerEvent(),
                    builds.get(0).name(),
                    f.pairedRate(),
                    f.pairedCpu());
        }
        Map<String, Object> doc = JsonResults.header("audit-compare", name, startedAt);
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("events", events);
        settings.put("accounts", ACCOUNTS);
        settings.put("partitions", PARTITIONS);
        settings.put("recordsPerTransaction", RECORDS_PER_TRANSACTION);
        settings.put("rounds", rounds);
        settings.put("seed", SEED);
        settings.put("driverMaxHeapBytes", Runtime.getRuntime().maxMemory());
        doc.put("settings", settings);
        doc.put("variants", figures);
        Path file = outDir.resolve(name + ".json");
        new JsonResults().write(file, doc);
        System.out.println("result: " + file);
        return 0;
    }

    /** A variant from {@code NAME=JAR[,JAR...]}: its jars, then this build's classpath, loaded child-first. */
    static Variant variant(String spec) {
        int eq = spec.indexOf('=');
        if (eq < 1) {
            throw new IllegalArgumentException("--variant must be NAME=JAR[,JAR...], was " + spec);
        }
        List<String> jars = new ArrayList<>();
        for (String jar : spec.substring(eq + 1).split(",")) {
            if (!jar.isBlank()) {
                if (!new File(jar).isFile()) {
                    throw new IllegalArgumentException("no such jar: " + jar);
                }
                jars.add(jar);
            }
        }
        List<URL> urls = new ArrayList<>();
        try {
            for (String jar : jars) {
                urls.add(new File(jar).toURI().toURL());
            }
            for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
                urls.add(new File(entry).toURI().toURL());
            }
        } catch (MalformedURLException e) {
            throw new UncheckedIOException(new IOException(e));
        }
        return new Variant(
                spec.substring(0, eq),
                List.copyOf(jars),
                new ChildFirst(urls.toArray(new URL[0]), AuditCompare.class.getClassLoader()));
    }

    /** What one audit run gave. */
    record Outcome(long events, String verdict) {}

    /**
     * Runs the audit of the build behind {@code loader} over the topic, through reflection (its classes are not this
     * harness's): the same options as the {@code audit} scenario's ({@link AuditBench}).
     */
    static Outcome audit(ClassLoader loader, Environment env, String topic) throws ReflectiveOperationException {
        Class<?> optionsClass = loader.loadClass("io.ledgerstream.audit.AuditOptions");
        Object builder = optionsClass
                .getMethod("builder", String.class, String.class)
                .invoke(null, env.bootstrapServers(), env.registryUrl());
        Class<?> builderClass = builder.getClass();
        builderClass.getMethod("eventsTopic", String.class).invoke(builder, topic);
        builderClass.getMethod("outcomesTopic", String.class).invoke(builder, (Object) null);
        builderClass.getMethod("timeoutMs", long.class).invoke(builder, 120_000L);
        Object options = builderClass.getMethod("build").invoke(builder);
        Class<?> auditorClass = loader.loadClass("io.ledgerstream.audit.Auditor");
        Object report = auditorClass
                .getMethod("run")
                .invoke(auditorClass.getConstructor(optionsClass).newInstance(options));
        Object counts = report.getClass().getMethod("counts").invoke(report);
        long events = (long) counts.getClass().getMethod("events").invoke(counts);
        String verdict = String.valueOf(report.getClass().getMethod("status").invoke(report));
        return new Outcome(events, verdict);
    }
}
