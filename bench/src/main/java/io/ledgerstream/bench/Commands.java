package io.ledgerstream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The scenario subcommands of {@link BenchMain}. */
final class Commands {

    private Commands() {}

    static String timestamp() {
        return LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT));
    }

    /** The requested work directory (created if missing), or a fresh temporary one if none was requested. */
    static Path workDir(Path requested) {
        try {
            if (requested != null) {
                Files.createDirectories(requested);
                return requested;
            }
            return Files.createTempDirectory("ledgerstream-bench-");
        } catch (IOException e) {
            throw new UncheckedIOException("could not create the work directory", e);
        }
    }

    static Environment environment(BenchOptions o, Path workDir) {
        List<String> brokerJvm = List.of("-Xmx" + o.brokerHeap);
        return Environment.start(o.bootstrap, o.registry, brokerJvm, o.brokerSettings, workDir);
    }

    /** Prints the JFR top costs of a run's engine recordings and writes them next to the result. */
    static void jfrReport(Results.Run r, Path outDir, String label, PrintStream out) {
        Object files = r.state().get("jfrFiles");
        if (!(files instanceof List<?> list) || list.isEmpty()) {
            return;
        }
        JfrTop.Counts counts = new JfrTop.Counts();
        for (Object f : list) {
            JfrTop.read(Path.of(f.toString()), counts);
        }
        Path md = outDir.resolve(label + "-jfr.md");
        try (PrintStream file = new PrintStream(Files.newOutputStream(md), true, "UTF-8")) {
            file.println("# JFR execution samples of the engine JVM(s): " + label);
            file.println();
            file.println("Recordings: " + list + ". Regenerate with `BenchMain jfr-top <files>`.");
            file.println();
            JfrTop.print(counts, file, 25);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + md, e);
        }
        out.println();
        out.println("JFR top costs (engine JVMs), also in " + md + ":");
        JfrTop.print(counts, out, 12);
    }

    /** One end-to-end run: ceiling and SDK path on the same broker, every figure as a ratio. */
    @Command(
            name = "e2e",
            mixinStandardHelpOptions = true,
            description = {
                "Starts a broker, a registry and the engine (or uses --bootstrap/--registry), opens the accounts, and"
                        + " measures in one run: the raw transactional producer and read_committed consumer ceiling,"
                        + " the SDK path at saturation, and at a fixed rate (half the saturation) against the raw"
                        + " producer at the same rate, then the audit replayer against a raw read_committed consumer on"
                        + " the events topic. Writes <out-dir>/<label>.json."
            })
    static final class E2e implements Callable<Integer> {
        @Mixin
        BenchOptions o;

        @Override
        public Integer call() {
            o.validate();
            String label = o.label != null ? o.label : "e2e-" + timestamp();
            Path work = workDir(o.workDir);
            System.out.println("work directory (logs, state, JFR): " + work);
            JsonResults json = new JsonResults();
            try (Environment env = environment(o, work);
                    ResourceMonitor monitor = new ResourceMonitor(env::rolePids)) {
                Results.Run r = new BenchRun(o, env, monitor, System.out)
                        .run("e2e", label, "p0", !o.noLatencyPhase, o.auditRounds, null);
                Path file = o.outDir.resolve(label + ".json");
                json.write(file, r);
                Summary.print(r, System.out);
                System.out.println("result: " + file);
                jfrReport(r, o.outDir, label, System.out);
            }
            return 0;
        }
    }

    /**
     * A parameter a sweep can vary: a shape option ({@code partitions}, {@code instances}, {@code accounts}, {@code
     * in-flight}, {@code commit-interval-ms}, {@code clients}), or any engine or SDK client setting as {@code
     * engine.<key>} / {@code client.<key>} (e.g. {@code engine.num.stream.threads}, {@code client.publish.batch.max}).
     */
    record Param(String option) {
        static final List<String> SHAPES =
                List.of("partitions", "instances", "accounts", "in-flight", "commit-interval-ms", "clients");

        static Param of(String s) {
            if (SHAPES.contains(s) || s.startsWith("engine.") || s.startsWith("client.")) {
                return new Param(s);
            }
            throw new IllegalArgumentException(
                    "--param must be one of " + SHAPES + ", engine.<setting> or client.<setting>; got " + s);
        }

        void apply(BenchOptions o, long v) {
            switch (option) {
                case "partitions" -> o.partitions = Math.toIntExact(v);
                case "instances" -> o.instances = Math.toIntExact(v);
                case "accounts" -> o.accounts = Math.toIntExact(v);
                case "in-flight" -> o.inFlight = Math.toIntExact(v);
                case "commit-interval-ms" -> o.commitIntervalMs = v;
                case "clients" -> o.clients = Math.toIntExact(v);
                default -> {
                    if (option.startsWith("engine.")) {
                        o.engineSettings.put(option.substring("engine.".length()), Long.toString(v));
                    } else {
                        o.clientSettings.put(option.substring("client.".length()), Long.toString(v));
                    }
                }
            }
        }
    }

    /** A scaling curve: one saturation point per value, each with its own raw ceiling, on one broker. */
    @Command(
            name = "sweep",
            mixinStandardHelpOptions = true,
            description = {
                "Runs one point per value of --param on the same broker and registry, each on fresh topics with its"
                        + " own engine instance(s) and its own raw ceiling, saturation only unless --with-latency."
                        + " Writes <out-dir>/<label>.json and <label>.md (table + Mermaid charts)."
            })
    static final class Sweep implements Callable<Integer> {
        @Mixin
        BenchOptions o;

        @Option(
                names = "--param",
                required = true,
                description = "partitions | instances | accounts | in-flight | commit-interval-ms | clients |"
                        + " engine.<setting> | client.<setting>")
        String param;

        @Option(names = "--values", required = true, split = ",", description = "Comma-separated values.")
        List<Long> values = new ArrayList<>();

        @Option(names = "--with-latency", description = "Also run the fixed-rate phases at every point.")
        boolean withLatency;

        @Override
        public Integer call() {
            Param p = Param.of(param);
            if (values.isEmpty() || values.size() > 12) {
                throw new IllegalArgumentException("--values needs 1 to 12 values, got " + values.size());
            }
            for (long v : values) {
                p.apply(o, v);
                o.validate();
            }
            String label = o.label != null ? o.label : "sweep-" + p.option + "-" + timestamp();
            Path work = workDir(o.workDir);
            System.out.println("work directory (logs, state, JFR): " + work);
            JsonResults json = new JsonResults();
            List<Results.Run> points = new ArrayList<>();
            try (Environment env = environment(o, work);
                    ResourceMonitor monitor = new ResourceMonitor(env::rolePids)) {
                for (int i = 0; i < values.size(); i++) {
                    long v = values.get(i);
                    p.apply(o, v);
                    Map<String, Object> sweepValue = new LinkedHashMap<>();
                    sweepValue.put("param", p.option);
                    sweepValue.put("value", v);
                    Results.Run r = new BenchRun(o, env, monitor, System.out)
                            .run(
                                    "sweep:" + p.option,
                                    label + "/" + p.option + "=" + v,
                                    "s" + i,
                                    withLatency,
                                    0,
                                    sweepValue);
                    points.add(r);
                    Summary.print(r, System.out);
                    jfrReport(r, o.outDir, label + "-" + p.option + "-" + v, System.out);
                    Map<String, Object> doc = new LinkedHashMap<>();
                    doc.put("scenario", "sweep");
                    doc.put("label", label);
                    doc.put("param", p.option);
                    doc.put("values", values);
                    doc.put("points", points);
                    json.write(o.outDir.resolve(label + ".json"), doc); // rewritten after every point
                }
            }
            String md = SweepReport.markdown(label, p.option, json.tree(points));
            try {
                Files.writeString(o.outDir.resolve(label + ".md"), md);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            System.out.println();
            System.out.println(md);
            System.out.println(
                    "results: " + o.outDir.resolve(label + ".json") + ", " + o.outDir.resolve(label + ".md"));
            return 0;
        }
    }

    /** Re-renders the Markdown table and charts of sweep result files. */
    @Command(
            name = "chart",
            mixinStandardHelpOptions = true,
            description = "Prints the Markdown table and Mermaid charts of sweep result JSON files.")
    static final class Chart implements Callable<Integer> {
        @picocli.CommandLine.Parameters(arity = "1..*", description = "Sweep JSON files.")
        List<Path> files = new ArrayList<>();

        @Override
        public Integer call() {
            JsonResults json = new JsonResults();
            for (Path f : files) {
                JsonNode doc = json.read(f);
                System.out.println(SweepReport.markdown(
                        doc.path("label").asText(), doc.path("param").asText(), doc.path("points")));
            }
            return 0;
        }
    }
}
