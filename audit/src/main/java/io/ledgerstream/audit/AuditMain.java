package io.ledgerstream.audit;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ledgerstream audit}: rebuilds the ledger from the event log and proves its invariants (see {@code
 * docs/audit.md}). Prints the report on standard output (text or JSON); progress, when standard error is a terminal,
 * and diagnostics go to standard error.
 *
 * <p>Exit codes: {@value #EXIT_PASS} every invariant holds; {@value #EXIT_FAIL} an invariant is violated; {@value
 * #EXIT_ERROR} usage, configuration or connection error; {@value #EXIT_INTERRUPTED} interrupted (Ctrl-C): the
 * report of what was read is printed, marked INTERRUPTED.
 */
@Command(
        name = "ledgerstream audit",
        mixinStandardHelpOptions = true,
        version = "ledgerstream audit, report schema " + AuditReport.SCHEMA_VERSION,
        sortOptions = false,
        description = {
            "Rebuilds every account from the ledger events topic with the engine's own evolve function and proves"
                    + " the ledger's invariants from the log alone.",
            "Reads with isolation.level=read_committed up to the end offsets captured at start."
        },
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {
            "0:every invariant holds",
            "1:at least one invariant is violated (see the report)",
            "2:usage, configuration or connection error",
            "130:interrupted (Ctrl-C); the report covers what was read"
        })
public final class AuditMain implements Callable<Integer> {

    /** Exit code: every invariant holds. */
    public static final int EXIT_PASS = 0;

    /** Exit code: an invariant is violated. */
    public static final int EXIT_FAIL = 1;

    /** Exit code: usage, configuration or connection error. */
    public static final int EXIT_ERROR = 2;

    /** Exit code: interrupted by Ctrl-C (128 + SIGINT). */
    public static final int EXIT_INTERRUPTED = 130;

    /** Report format. */
    enum Format {
        text,
        json
    }

    @Option(
            names = "--bootstrap-servers",
            required = true,
            paramLabel = "HOST:PORT[,...]",
            description = "Kafka bootstrap servers.")
    String bootstrapServers;

    @Option(
            names = "--registry-url",
            required = true,
            paramLabel = "URL",
            description = "Schema registry URL (Confluent-compatible API, for Apicurio .../apis/ccompat/v7).")
    String registryUrl;

    @Option(
            names = "--events-topic",
            paramLabel = "TOPIC",
            defaultValue = AuditOptions.DEFAULT_EVENTS_TOPIC,
            description = "Ledger events topic (default: ${DEFAULT-VALUE}).")
    String eventsTopic;

    @Option(
            names = "--outcomes-topic",
            paramLabel = "TOPIC",
            defaultValue = AuditOptions.DEFAULT_OUTCOMES_TOPIC,
            description = "Outcomes topic, read whole (default: ${DEFAULT-VALUE}).")
    String outcomesTopic;

    @Option(names = "--no-outcomes", description = "Do not read outcomes (the OUTCOMES invariant is skipped).")
    boolean noOutcomes;

    @ArgGroup(exclusive = true)
    From from;

    @ArgGroup(exclusive = true)
    To to;

    @Option(
            names = "--account",
            paramLabel = "ID",
            split = ",",
            description = "Audit only these accounts (repeatable or comma-separated).")
    Set<String> accounts = new LinkedHashSet<>();

    @Option(
            names = "--as-of",
            paramLabel = "TIME",
            converter = TimeConverter.class,
            description = "Also report every account's balance at this time: ISO-8601 (2026-01-31T12:00:00Z) or"
                    + " epoch milliseconds.")
    Long asOfMs;

    @Option(
            names = "--format",
            paramLabel = "text|json",
            defaultValue = "text",
            description = "Report format (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(
            names = "--compare-live",
            description = "Compare the rebuilt accounts with the engine's state store changelog"
                    + " (<application-id>-accounts-changelog).")
    boolean compareLive;

    @Option(
            names = "--application-id",
            paramLabel = "ID",
            defaultValue = AuditOptions.DEFAULT_APPLICATION_ID,
            description = "The engine's application.id, for --compare-live (default: ${DEFAULT-VALUE}).")
    String applicationId;

    @Option(
            names = "--in-flight-grace-ms",
            paramLabel = "MS",
            defaultValue = "60000",
            description = "How long a transfer may stay in flight (and an outcome lag its events) before the end of"
                    + " the range; older ones are violations (default: ${DEFAULT-VALUE}).")
    long inFlightGraceMs;

    @Option(
            names = "--max-findings",
            paramLabel = "N",
            defaultValue = "20",
            description = "Findings listed per invariant; counts are always exact (default: ${DEFAULT-VALUE}).")
    int maxFindings;

    @Option(
            names = "--threads",
            paramLabel = "N",
            defaultValue = "0",
            description = "Replay threads; 0 = one per processor (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(
            names = "--timeout-ms",
            paramLabel = "MS",
            defaultValue = "30000",
            description = "Bound on every wait for Kafka (default: ${DEFAULT-VALUE}).")
    long timeoutMs;

    @Option(
            names = "--consumer-property",
            paramLabel = "KEY=VALUE",
            description = "Extra Kafka consumer property, e.g. security.protocol=SSL (repeatable).")
    Map<String, String> consumerProperties = new LinkedHashMap<>();

    @Option(
            names = "--registry-property",
            paramLabel = "KEY=VALUE",
            description = "Extra registry client property, e.g. registry.basic.auth.user.info=u:p (repeatable).")
    Map<String, String> registryProperties = new LinkedHashMap<>();

    /** Start of the range: offsets or time. */
    static final class From {
        @Option(
                names = "--from-offset",
                paramLabel = "N|P:N,...",
                converter = OffsetsConverter.class,
                description = "First offset (inclusive), for every partition or per partition.")
        AuditOptions.Offsets offsets;

        @Option(
                names = "--from-time",
                paramLabel = "TIME",
                converter = TimeConverter.class,
                description = "Start time (inclusive): ISO-8601 or epoch milliseconds.")
        Long timeMs;
    }

    /** End of the range: offsets or time. */
    static final class To {
        @Option(
                names = "--to-offset",
                paramLabel = "N|P:N,...",
                converter = OffsetsConverter.class,
                description = "End offset (exclusive), for every partition or per partition.")
        AuditOptions.Offsets offsets;

        @Option(
                names = "--to-time",
                paramLabel = "TIME",
                converter = TimeConverter.class,
                description = "End time (inclusive): ISO-8601 or epoch milliseconds.")
        Long timeMs;
    }

    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean console;
    private volatile Auditor running;
    private volatile boolean cancelled;

    /**
     * Creates the command.
     *
     * @param out where the report goes; not null
     * @param err where progress and diagnostics go; not null
     * @param console whether {@code err} is a terminal (then a progress bar is drawn)
     */
    public AuditMain(PrintWriter out, PrintWriter err, boolean console) {
        this.out = Objects.requireNonNull(out, "out");
        this.err = Objects.requireNonNull(err, "err");
        this.console = console;
    }

    /**
     * Runs the command line and exits with its exit code. Ctrl-C cancels the audit, prints the report of what was
     * read and exits with {@value #EXIT_INTERRUPTED}.
     *
     * @param args the arguments
     */
    public static void main(String[] args) {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn"); // Kafka's INFO chatter off
        }
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        AuditMain main = new AuditMain(out, err, System.console() != null);
        CountDownLatch reported = new CountDownLatch(1);
        Thread hook = new Thread(
                () -> {
                    main.cancel();
                    try {
                        reported.await(30, TimeUnit.SECONDS); // let the partial report be printed
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "ledgerstream-audit-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        int code = main.execute(args);
        out.flush();
        err.flush();
        reported.countDown();
        if (!main.cancelled) {
            System.exit(code);
        }
        // cancelled by a signal: the JVM is already exiting (with 128 + the signal number, 130 for SIGINT)
    }

    /**
     * Parses the arguments and runs the audit.
     *
     * @param args the arguments
     * @return the exit code
     */
    public int execute(String... args) {
        CommandLine cli = new CommandLine(this);
        cli.setOut(out);
        cli.setErr(err);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            err.println("ledgerstream audit: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            err.flush();
            return EXIT_ERROR;
        });
        return cli.execute(args);
    }

    /** Cancels a running audit (from a shutdown hook); the report of what was read is still printed. */
    public void cancel() {
        cancelled = true;
        Auditor auditor = running;
        if (auditor != null) {
            auditor.cancel();
        }
    }

    @Override
    public Integer call() {
        AuditOptions options;
        try {
            options = options();
        } catch (IllegalArgumentException e) {
            err.println("ledgerstream audit: " + e.getMessage());
            return EXIT_ERROR;
        }
        Auditor auditor = new Auditor(options, console ? new ConsoleProgress(err) : ProgressListener.NONE);
        running = auditor;
        if (cancelled) {
            auditor.cancel();
        }
        AuditReport report;
        try {
            report = auditor.run();
        } catch (AuditException e) {
            err.println("ledgerstream audit: " + e.getMessage());
            return cancelled ? EXIT_INTERRUPTED : EXIT_ERROR;
        } finally {
            running = null;
        }
        out.print(format == Format.json ? report.toJson() : report.toText());
        out.flush();
        return report.exitCode();
    }

    AuditOptions options() {
        AuditOptions.Builder builder = AuditOptions.builder(bootstrapServers, registryUrl)
                .eventsTopic(eventsTopic)
                .outcomesTopic(noOutcomes ? null : outcomesTopic)
                .accounts(accounts)
                .asOfMs(asOfMs)
                .compareLive(compareLive ? applicationId : null)
                .inFlightGraceMs(inFlightGraceMs)
                .maxFindings(maxFindings)
                .threads(threads)
                .timeoutMs(timeoutMs)
                .consumerProperties(consumerProperties)
                .registryProperties(registryProperties);
        if (from != null) {
            builder.fromOffsets(from.offsets).fromTimeMs(from.timeMs);
        }
        if (to != null) {
            builder.toOffsets(to.offsets).toTimeMs(to.timeMs);
        }
        return builder.build();
    }

    /**
     * Parses a time: epoch milliseconds, an ISO-8601 instant ({@code 2026-01-31T12:00:00Z}) or an ISO-8601 date-time
     * with offset ({@code 2026-01-31T13:00:00+01:00}).
     *
     * @param text the text; not null
     * @return epoch milliseconds
     * @throws IllegalArgumentException if the text is none of these
     */
    public static long parseTime(String text) {
        String trimmed = text.trim();
        if (trimmed.matches("-?\\d+")) {
            return Long.parseLong(trimmed);
        }
        try {
            return Instant.parse(trimmed).toEpochMilli();
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(trimmed).toInstant().toEpochMilli();
            } catch (DateTimeParseException again) {
                throw new IllegalArgumentException(
                        "expected ISO-8601 (2026-01-31T12:00:00Z) or epoch milliseconds," + " got '" + text + "'");
            }
        }
    }

    /** picocli converter of {@link #parseTime}. */
    static final class TimeConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            try {
                return parseTime(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** picocli converter of {@link AuditOptions.Offsets#parse}. */
    static final class OffsetsConverter implements CommandLine.ITypeConverter<AuditOptions.Offsets> {
        @Override
        public AuditOptions.Offsets convert(String value) {
            try {
                return AuditOptions.Offsets.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
