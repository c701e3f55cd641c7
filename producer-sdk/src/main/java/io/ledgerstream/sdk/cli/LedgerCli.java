package io.ledgerstream.sdk.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ledgerstream.schemas.LedgerEvent;
import io.ledgerstream.sdk.Command;
import io.ledgerstream.sdk.LedgerClient;
import io.ledgerstream.sdk.LedgerClientConfig;
import io.ledgerstream.sdk.LedgerClientException;
import io.ledgerstream.sdk.Outcome;
import io.ledgerstream.sdk.ResultStream;
import io.ledgerstream.sdk.StartPosition;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * The operators' command-line tool on the SDK: submit one command and print its outcome, or tail outcomes or ledger
 * events, as one JSON object per line on standard output (diagnostics go to standard error).
 *
 * <pre>
 * ledgerstream --bootstrap-servers localhost:9092 --registry-url http://localhost:8080/apis/ccompat/v7 \
 *     submit deposit --account alice --amount 500 --currency EUR
 * ledgerstream ... submit transfer --json '{"account":"alice","to":"bob","amount":100,"currency":"EUR"}'
 * ledgerstream ... tail events --from-start
 * </pre>
 *
 * <p>Settings come from {@code --config <properties file>}, then {@code --set key=value} (any {@link
 * LedgerClientConfig} key), then the dedicated flags. Exit codes: {@value #EXIT_OK} the command was accepted (or the
 * tail ended normally); {@value #EXIT_REJECTED} the command was rejected (its outcome is printed);
 * {@value #EXIT_ERROR} a usage, configuration or infrastructure error (e.g. a timeout: retry with the printed {@code
 * --request-id} to get the outcome without applying the command twice).
 *
 * <p>Each invocation creates its own objects; instances are not thread-safe.
 */
@CommandLine.Command(
        name = "ledgerstream",
        mixinStandardHelpOptions = true,
        versionProvider = LedgerCli.Version.class,
        description = "Submit ledger commands and tail outcomes or events as JSON lines.",
        subcommands = {LedgerCli.Submit.class, LedgerCli.Tail.class},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {
            "0:accepted, or tail ended",
            "1:rejected (the outcome is printed)",
            "2:usage, configuration or infrastructure error"
        })
public final class LedgerCli implements java.util.concurrent.Callable<Integer> {

    /** Exit code: the command was accepted, or the tail ended normally. */
    public static final int EXIT_OK = 0;

    /** Exit code: the command was rejected; its outcome was printed. */
    public static final int EXIT_REJECTED = 1;

    /** Exit code: usage, configuration or infrastructure error. */
    public static final int EXIT_ERROR = 2;

    private final PrintWriter out;
    private final PrintWriter err;
    private final JsonLines json;
    private final ObjectMapper mapper = new ObjectMapper();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "Properties file of LedgerClientConfig keys.")
    Path configFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "A LedgerClientConfig key (repeatable).")
    Map<String, String> settings = new LinkedHashMap<>();

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT", description = "Kafka bootstrap servers.")
    String bootstrapServers;

    @Option(names = "--registry-url", paramLabel = "URL", description = "Schema registry URL.")
    String registryUrl;

    @Option(
            names = "--client-id",
            paramLabel = "ID",
            description = "Client ID (reply target); default: ledgerstream-cli-<random>.")
    String clientId;

    /**
     * Creates the tool writing to the given streams.
     *
     * @param out where JSON lines go; not null
     * @param err where diagnostics go; not null
     */
    public LedgerCli(PrintWriter out, PrintWriter err) {
        this.out = Objects.requireNonNull(out, "out");
        this.err = Objects.requireNonNull(err, "err");
        this.json = new JsonLines(mapper);
    }

    /**
     * Runs the tool and exits the JVM with its exit code.
     *
     * @param args the command line; not null
     */
    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        System.exit(execute(out, err, args));
    }

    /**
     * Runs the tool without exiting the JVM.
     *
     * @param out where JSON lines go; not null
     * @param err where diagnostics go; not null
     * @param args the command line; not null
     * @return the exit code: {@value #EXIT_OK}, {@value #EXIT_REJECTED} or {@value #EXIT_ERROR}
     */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new LedgerCli(out, err));
        cli.setOut(out);
        cli.setErr(err);
        cli.setExitCodeExceptionMapper(e -> EXIT_ERROR);
        cli.setParameterExceptionHandler((e, a) -> {
            err.println("error: " + e.getMessage());
            e.getCommandLine().usage(err);
            return EXIT_ERROR;
        });
        cli.setExecutionExceptionHandler((e, command, parsed) -> {
            err.println("error: " + e.getMessage());
            return EXIT_ERROR;
        });
        int code = cli.execute(args);
        out.flush();
        err.flush();
        return code == CommandLine.ExitCode.USAGE ? EXIT_ERROR : code;
    }

    /**
     * Without a subcommand: prints the usage.
     *
     * @return {@value #EXIT_ERROR}
     */
    @Override
    public Integer call() {
        err.println("error: missing command (submit or tail)");
        spec.commandLine().usage(err);
        return EXIT_ERROR;
    }

    LedgerClientConfig config(Map<String, Object> extra) {
        Map<String, Object> values = new HashMap<>();
        if (configFile != null) {
            Properties props = new Properties();
            try (InputStream in = Files.newInputStream(configFile)) {
                props.load(in);
            } catch (IOException e) {
                throw new CommandLine.ParameterException(
                        new CommandLine(this), "cannot read --config " + configFile + ": " + e.getMessage());
            }
            props.stringPropertyNames().forEach(k -> values.put(k, props.getProperty(k)));
        }
        values.putAll(settings);
        if (bootstrapServers != null) {
            values.put(LedgerClientConfig.BOOTSTRAP_SERVERS, bootstrapServers);
        }
        if (registryUrl != null) {
            values.put(LedgerClientConfig.REGISTRY_URL, registryUrl);
        }
        if (clientId != null) {
            values.put(LedgerClientConfig.CLIENT_ID, clientId);
        }
        values.putIfAbsent(
                LedgerClientConfig.CLIENT_ID,
                "ledgerstream-cli-" + UUID.randomUUID().toString().substring(0, 8));
        values.putAll(extra);
        return LedgerClientConfig.fromMap(values);
    }

    /** The version from the jar manifest, when there is one. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = LedgerCli.class.getPackage().getImplementationVersion();
            return new String[] {"ledgerstream CLI " + (version == null ? "(development build)" : version)};
        }
    }

    /** {@code submit <type> ...}: submits one command and prints its outcome. */
    @CommandLine.Command(
            name = "submit",
            description = "Submit one command and print its outcome as a JSON line.",
            mixinStandardHelpOptions = true)
    static final class Submit implements java.util.concurrent.Callable<Integer> {

        private static final Set<String> JSON_FIELDS = Set.of(
                "account",
                "amount",
                "currency",
                "to",
                "holdId",
                "expiresAt",
                "overdraftLimit",
                "expectedVersion",
                "requestId");

        @ParentCommand
        LedgerCli parent;

        @Parameters(
                index = "0",
                paramLabel = "TYPE",
                description = "open-account, deposit, withdraw, transfer, place-hold, capture-hold or release-hold.")
        String type;

        @Option(names = "--account", description = "Account ID (the source of a transfer).")
        String account;

        @Option(names = "--amount", description = "Amount in minor units, > 0.")
        Long amount;

        @Option(names = "--currency", description = "Three upper-case letters, e.g. EUR.")
        String currency;

        @Option(names = "--to", description = "Destination account of a transfer.")
        String to;

        @Option(names = "--hold-id", description = "Hold ID.")
        String holdId;

        @Option(names = "--expires-at", description = "Hold expiry: ISO-8601 instant or epoch milliseconds.")
        String expiresAt;

        @Option(names = "--overdraft-limit", description = "Overdraft limit of a new account, minor units.")
        Long overdraftLimit;

        @Option(names = "--expected-version", description = "Apply only at this account version.")
        Long expectedVersion;

        @Option(names = "--request-id", description = "Reuse a request ID (to retry an earlier submission).")
        String requestId;

        @Option(names = "--json", paramLabel = "JSON", description = "Fields as a JSON object; flags win.")
        String jsonFields;

        @Option(names = "--timeout-ms", description = "How long to wait for the outcome (request.timeout.ms).")
        Long timeoutMs;

        @Override
        public Integer call() throws Exception {
            Command command;
            try {
                mergeJson();
                command = build();
            } catch (IllegalArgumentException e) {
                parent.err.println("error: " + e.getMessage());
                return EXIT_ERROR;
            }
            Map<String, Object> extra = new HashMap<>();
            if (timeoutMs != null) {
                extra.put(LedgerClientConfig.REQUEST_TIMEOUT_MS, timeoutMs);
            }
            LedgerClientConfig config;
            try {
                config = parent.config(extra);
            } catch (ConfigException e) {
                parent.err.println("error: " + e.getMessage());
                return EXIT_ERROR;
            }
            parent.err.println("submitting " + command);
            try (LedgerClient client = new LedgerClient(config)) {
                Outcome outcome = client.submit(command).get();
                parent.out.println(parent.json.outcome(outcome));
                return outcome.isAccepted() ? EXIT_OK : EXIT_REJECTED;
            } catch (ExecutionException e) {
                parent.err.println("error: " + e.getCause().getMessage());
                parent.err.println("retry with --request-id " + command.requestId()
                        + " (and the same arguments) to get the outcome; it is never applied twice");
                return EXIT_ERROR;
            } catch (LedgerClientException e) {
                parent.err.println("error: " + e.getMessage());
                return EXIT_ERROR;
            }
        }

        private void mergeJson() {
            if (jsonFields == null) {
                return;
            }
            JsonNode node;
            try {
                node = parent.mapper.readTree(jsonFields);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("--json is not valid JSON: " + e.getOriginalMessage());
            }
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException("--json must be a JSON object");
            }
            for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
                String name = names.next();
                if (!JSON_FIELDS.contains(name)) {
                    throw new IllegalArgumentException("--json field '" + name + "' is unknown; known fields: "
                            + new java.util.TreeSet<>(JSON_FIELDS));
                }
            }
            account = account != null ? account : text(node, "account");
            amount = amount != null ? amount : number(node, "amount");
            currency = currency != null ? currency : text(node, "currency");
            to = to != null ? to : text(node, "to");
            holdId = holdId != null ? holdId : text(node, "holdId");
            expiresAt = expiresAt != null ? expiresAt : text(node, "expiresAt");
            overdraftLimit = overdraftLimit != null ? overdraftLimit : number(node, "overdraftLimit");
            expectedVersion = expectedVersion != null ? expectedVersion : number(node, "expectedVersion");
            requestId = requestId != null ? requestId : text(node, "requestId");
        }

        private static String text(JsonNode node, String field) {
            JsonNode v = node.get(field);
            return v == null || v.isNull() ? null : v.asText();
        }

        private static Long number(JsonNode node, String field) {
            JsonNode v = node.get(field);
            if (v == null || v.isNull()) {
                return null;
            }
            if (!v.canConvertToLong() || !v.isIntegralNumber()) {
                throw new IllegalArgumentException("--json field '" + field + "' must be an integer, was " + v);
            }
            return v.asLong();
        }

        private Command build() {
            Command.Factory factory = Command.factory();
            if (expectedVersion != null) {
                factory = factory.withExpectedVersion(expectedVersion);
            }
            if (requestId != null) {
                factory = factory.withRequestId(requestId);
            }
            return switch (type) {
                case "open-account" -> factory.openAccount(
                        account, currency, overdraftLimit == null ? 0 : overdraftLimit);
                case "deposit" -> factory.deposit(account, required("amount", amount), currency);
                case "withdraw" -> factory.withdraw(account, required("amount", amount), currency);
                case "transfer" -> factory.transfer(account, to, required("amount", amount), currency);
                case "place-hold" -> factory.placeHold(
                        account, holdId, required("amount", amount), currency, instant());
                case "capture-hold" -> factory.captureHold(account, holdId, amount);
                case "release-hold" -> factory.releaseHold(account, holdId);
                default -> throw new IllegalArgumentException("unknown command type '" + type + "'; use"
                        + " open-account, deposit, withdraw, transfer, place-hold, capture-hold or release-hold");
            };
        }

        private static long required(String field, Long value) {
            if (value == null) {
                throw new IllegalArgumentException(field + " is required (--" + field + ")");
            }
            return value;
        }

        private Instant instant() {
            if (expiresAt == null) {
                throw new IllegalArgumentException("expiresAt is required (--expires-at)");
            }
            try {
                return expiresAt.chars().allMatch(Character::isDigit)
                        ? Instant.ofEpochMilli(Long.parseLong(expiresAt))
                        : Instant.parse(expiresAt);
            } catch (DateTimeParseException | NumberFormatException e) {
                throw new IllegalArgumentException(
                        "expiresAt must be an ISO-8601 instant or epoch milliseconds, was '" + expiresAt + "'");
            }
        }
    }

    /** {@code tail outcomes|events}: prints records as JSON lines until interrupted or a count is reached. */
    @CommandLine.Command(
            name = "tail",
            description = "Print outcomes or ledger events as JSON lines (read_committed).",
            mixinStandardHelpOptions = true)
    static final class Tail implements java.util.concurrent.Callable<Integer> {

        @ParentCommand
        LedgerCli parent;

        @Parameters(index = "0", paramLabel = "STREAM", description = "outcomes or events.")
        String stream;

        @ArgGroup(exclusive = true)
        Start start;

        static final class Start {
            @Option(names = "--from-start", description = "Start at the beginning of the topic.")
            boolean fromStart;

            @Option(names = "--from-committed", description = "Resume from the group's committed offsets.")
            boolean fromCommitted;

            @Option(names = "--from-timestamp", paramLabel = "INSTANT", description = "Start at an ISO-8601 time.")
            String fromTimestamp;
        }

        @Option(
                names = "--group",
                description = "Consumer group (commits offsets); default: ledgerstream-cli-tail-<random>.")
        String group;

        @Option(names = "--max-records", description = "Stop after this many records.")
        Long maxRecords;

        @Override
        public Integer call() {
            if (!"outcomes".equals(stream) && !"events".equals(stream)) {
                parent.err.println("error: STREAM must be outcomes or events, was '" + stream + "'");
                return EXIT_ERROR;
            }
            if (maxRecords != null && maxRecords < 1) {
                parent.err.println("error: --max-records must be >= 1");
                return EXIT_ERROR;
            }
            StartPosition position;
            try {
                position = position();
            } catch (DateTimeParseException e) {
                parent.err.println("error: --from-timestamp must be an ISO-8601 instant: " + e.getMessage());
                return EXIT_ERROR;
            }
            LedgerClientConfig config;
            try {
                config = parent.config(Map.of());
            } catch (ConfigException e) {
                parent.err.println("error: " + e.getMessage());
                return EXIT_ERROR;
            }
            String groupId = group != null
                    ? group
                    : "ledgerstream-cli-tail-" + UUID.randomUUID().toString().substring(0, 8);
            AtomicLong printed = new AtomicLong();
            try {
                if ("outcomes".equals(stream)) {
                    ResultStream<Outcome> s = ResultStream.outcomes(config, groupId, position);
                    runUntilDone(s, printed, o -> parent.json.outcome(o));
                } else {
                    ResultStream<LedgerEvent> s = ResultStream.events(config, groupId, position);
                    runUntilDone(s, printed, e -> parent.json.event(e));
                }
            } catch (LedgerClientException e) {
                parent.err.println("error: " + e.getMessage());
                return EXIT_ERROR;
            }
            return EXIT_OK;
        }

        private <T> void runUntilDone(
                ResultStream<T> s, AtomicLong printed, java.util.function.Function<T, String> render) {
            Thread hook = new Thread(s::close, "ledgerstream-cli-tail-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            try (s) {
                s.run(record -> {
                    parent.out.println(render.apply(record.value()));
                    parent.out.flush();
                    if (maxRecords != null && printed.incrementAndGet() >= maxRecords) {
                        s.close();
                    }
                });
            } finally {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException shuttingDown) {
                    // the JVM is exiting: the hook is closing the stream
                }
            }
        }

        private StartPosition position() {
            if (start == null) {
                return StartPosition.fromEnd();
            }
            if (start.fromStart) {
                return StartPosition.fromStart();
            }
            if (start.fromCommitted) {
                return StartPosition.fromCommitted();
            }
            return StartPosition.fromTimestamp(Instant.parse(start.fromTimestamp));
        }
    }
}
