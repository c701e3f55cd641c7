package io.ledgerstream.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Summarizes the {@code jdk.ExecutionSample} events of JFR recordings as Markdown tables: the top methods by self
 * samples, self samples by component (package family), the top ledgerstream methods by inclusive samples, and samples
 * by thread. Equivalent to reading {@code jfr print --events jdk.ExecutionSample} by hand, but counted.
 */
@Command(
        name = "jfr-top",
        mixinStandardHelpOptions = true,
        description = "Prints the top costs of JFR recordings (execution samples) as Markdown tables.")
final class JfrTop implements Callable<Integer> {

    @Parameters(arity = "1..*", description = "JFR files.")
    List<Path> files = new ArrayList<>();

    @Option(names = "--top", defaultValue = "20", description = "Rows per table. Default: ${DEFAULT-VALUE}.")
    int top;

    private final PrintStream out;

    JfrTop() {
        this(System.out);
    }

    JfrTop(PrintStream out) {
        this.out = out;
    }

    /** The counts read from the recordings. */
    static final class Counts {
        long samples;
        final Map<String, Long> self = new HashMap<>();
        final Map<String, Long> component = new HashMap<>();
        final Map<String, Long> inclusiveOwn = new HashMap<>();
        final Map<String, Long> threads = new HashMap<>();
        final Map<String, Long> inclusiveComponent = new HashMap<>();
        final Map<String, Long> attributed = new HashMap<>();
        final Map<String, Long> attributedMethod = new HashMap<>();
    }

    @Override
    public Integer call() {
        Counts c = new Counts();
        for (Path f : files) {
            read(f, c);
        }
        print(c, out, top);
        return 0;
    }

    static void read(Path file, Counts c) {
        try (RecordingFile rf = new RecordingFile(file)) {
            while (rf.hasMoreEvents()) {
                RecordedEvent e = rf.readEvent();
                if (!e.getEventType().getName().equals("jdk.ExecutionSample")) {
                    continue;
                }
                RecordedStackTrace st = e.getStackTrace();
                if (st == null || st.getFrames().isEmpty()) {
                    continue;
                }
                c.samples++;
                List<RecordedFrame> frames = st.getFrames();
                String topMethod = name(frames.get(0));
                c.self.merge(topMethod, 1L, Long::sum);
                c.component.merge(component(frames.get(0).getMethod().getType().getName()), 1L, Long::sum);
                RecordedFrame caller = firstNonJdk(frames);
                c.attributed.merge(
                        caller == null
                                ? "JDK only"
                                : component(caller.getMethod().getType().getName()),
                        1L,
                        Long::sum);
                c.attributedMethod.merge(caller == null ? "JDK only" : name(caller), 1L, Long::sum);
                Set<String> own = new HashSet<>();
                Set<String> comps = new HashSet<>();
                for (RecordedFrame f : frames) {
                    String type = f.getMethod().getType().getName();
                    comps.add(component(type));
                    if (type.startsWith("io.ledgerstream.")) {
                        own.add(name(f));
                    }
                }
                own.forEach(m -> c.inclusiveOwn.merge(m, 1L, Long::sum));
                comps.forEach(m -> c.inclusiveComponent.merge(m, 1L, Long::sum));
                String thread = e.getThread("sampledThread") == null
                        ? "?"
                        : threadFamily(e.getThread("sampledThread").getJavaName());
                c.threads.merge(thread, 1L, Long::sum);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file, e);
        }
    }

    /** The topmost frame outside the JDK: who called the JDK code a sample landed in. */
    static RecordedFrame firstNonJdk(List<RecordedFrame> frames) {
        for (RecordedFrame f : frames) {
            String type = f.getMethod().getType().getName();
            if (!(type.startsWith("java.") || type.startsWith("jdk.") || type.startsWith("sun."))) {
                return f;
            }
        }
        return null;
    }

    static String name(RecordedFrame f) {
        String type = f.getMethod().getType().getName();
        return type.substring(type.lastIndexOf('.') + 1) + "." + f.getMethod().getName() + " ("
                + type.substring(0, Math.max(0, type.lastIndexOf('.'))) + ")";
    }

    /** Package prefixes to component names, most specific first. */
    private static final List<Map.Entry<String, String>> FAMILIES = List.of(
            Map.entry("org.rocksdb.", "RocksDB (JNI)"),
            Map.entry("org.apache.kafka.streams.state.", "Kafka Streams state stores"),
            Map.entry("org.apache.kafka.streams.", "Kafka Streams runtime"),
            Map.entry("org.apache.kafka.clients.producer.", "Kafka producer"),
            Map.entry("org.apache.kafka.clients.consumer.", "Kafka consumer"),
            Map.entry("org.apache.kafka.common.record.", "Kafka record batches / CRC / compression"),
            Map.entry("org.apache.kafka.common.network.", "Kafka network I/O"),
            Map.entry("org.apache.kafka.", "Kafka (other)"),
            Map.entry("org.apache.avro.", "Avro serialization"),
            Map.entry("io.ledgerstream.serde.", "ledgerstream registry serde"),
            Map.entry("io.ledgerstream.core.", "ledgerstream core (decide/evolve/hash)"),
            Map.entry("io.ledgerstream.engine.", "ledgerstream engine processor/codec"),
            Map.entry("io.ledgerstream.", "ledgerstream (other)"),
            Map.entry("sun.security.", "JDK crypto (SHA-256)"),
            Map.entry("java.security.", "JDK crypto (SHA-256)"),
            Map.entry("com.fasterxml.jackson.", "Jackson"),
            Map.entry("sun.nio.", "JDK NIO"),
            Map.entry("java.nio.", "JDK NIO"),
            Map.entry("java.util.zip.", "JDK CRC32C/zip"),
            Map.entry("java.util.concurrent.", "JDK concurrency"),
            Map.entry("java.lang.invoke.", "JDK method handles"),
            Map.entry("java.", "JDK (other)"),
            Map.entry("jdk.", "JDK (other)"),
            Map.entry("sun.", "JDK (other)"),
            Map.entry("kafka.", "Kafka broker"),
            Map.entry("scala.", "Kafka broker (Scala)"));

    /** The component a class belongs to, by package. */
    static String component(String type) {
        for (Map.Entry<String, String> e : FAMILIES) {
            if (type.startsWith(e.getKey())) {
                return e.getValue();
            }
        }
        return "other";
    }

    static String threadFamily(String name) {
        if (name == null) {
            return "?";
        }
        return name.replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<uuid>")
                .replaceAll("-\\d+$", "-N")
                .replaceAll("\\d+", "N");
    }

    static void print(Counts c, PrintStream out, int top) {
        out.printf("%d execution samples%n%n", c.samples);
        table(out, "Self samples by component (top frame)", "component", c.component, c.samples, top);
        table(
                out,
                "Self samples by component, JDK frames charged to their first non-JDK caller",
                "component",
                c.attributed,
                c.samples,
                top);
        table(out, "Self samples by first non-JDK method", "method", c.attributedMethod, c.samples, top);
        table(
                out,
                "Inclusive samples by component (anywhere on the stack)",
                "component",
                c.inclusiveComponent,
                c.samples,
                top);
        table(out, "Top methods by self samples", "method", c.self, c.samples, top);
        table(out, "ledgerstream methods by inclusive samples", "method", c.inclusiveOwn, c.samples, top);
        table(out, "Samples by thread", "thread", c.threads, c.samples, top);
    }

    private static void table(PrintStream out, String title, String what, Map<String, Long> m, long total, int top) {
        out.println("**" + title + "**");
        out.println();
        out.println("| " + what + " | samples | share |");
        out.println("|---|---:|---:|");
        m.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(top)
                .forEach(e -> out.printf(
                        "| `%s` | %d | %.1f%% |%n",
                        e.getKey(), e.getValue(), 100.0 * e.getValue() / Math.max(1, total)));
        out.println();
    }
}
