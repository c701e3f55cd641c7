package io.ledgerstream.faults;

import io.ledgerstream.sdk.Command;
import io.ledgerstream.sdk.LedgerClient;
import io.ledgerstream.sdk.LedgerClientConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * An SDK client meant to be killed: run as a child JVM by the client-crash scenario, it sends batches of commands
 * with {@link LedgerClient#submitAll} and writes every command to a {@link History.Journal} <i>before</i> sending it
 * (and every outcome after receiving it), as an application that must retry across its own crashes does. Its
 * successor reads the journal and resubmits the same request IDs.
 *
 * <p>Arguments, each {@code key=value}: {@code bootstrap}, {@code registry}, {@code commands}, {@code outcomes} and
 * {@code events} (topics), {@code client} (client ID), {@code journal} (file), {@code accounts} (comma-separated,
 * already open), {@code seed}, {@code batch} (commands per submitAll, default 20), {@code intervalMs} (pause between
 * batches, default 50), {@code batches} (most batches, default 10000), {@code inFlightMax} (default 400), {@code
 * runSecondsMax} (it stops by itself after this many seconds, default 600).
 */
public final class ClientProcessMain {

    private ClientProcessMain() {}

    /**
     * Runs the client until it has sent {@code batches} batches (or is killed, which is the point).
     *
     * @param args {@code key=value} arguments, see the class comment
     */
    public static void main(String[] args) {
        Map<String, String> a = parse(args);
        String clientId = a.get("client");
        LedgerClientConfig config = LedgerClientConfig.builder()
                .bootstrapServers(a.get("bootstrap"))
                .registryUrl(a.get("registry"))
                .clientId(clientId)
                .set(LedgerClientConfig.REGISTRY_AUTO_REGISTER, true)
                .set(LedgerClientConfig.TOPIC_COMMANDS, a.get("commands"))
                .set(LedgerClientConfig.TOPIC_OUTCOMES, a.get("outcomes"))
                .set(LedgerClientConfig.TOPIC_EVENTS, a.get("events"))
                .set(LedgerClientConfig.REQUEST_TIMEOUT_MS, 120_000L)
                .build();
        List<String> accounts = Arrays.asList(a.get("accounts").split(","));
        Random random = new Random(Long.parseLong(a.get("seed")));
        int batch = Integer.parseInt(a.getOrDefault("batch", "20"));
        long intervalMs = Long.parseLong(a.getOrDefault("intervalMs", "50"));
        int batches = Integer.parseInt(a.getOrDefault("batches", "10000"));
        int inFlightMax = Integer.parseInt(a.getOrDefault("inFlightMax", "400"));
        long runSecondsMax = Long.parseLong(a.getOrDefault("runSecondsMax", "600"));
        try (LedgerClient client = new LedgerClient(config);
                History.Journal journal = new History.Journal(Path.of(a.get("journal")))) {
            System.out.println("client " + clientId + " started");
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(runSecondsMax);
            for (int b = 0; b < batches && System.nanoTime() < end; b++) {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (client.inFlightRequests() > inFlightMax && System.nanoTime() < deadline) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
                }
                List<Command> commands = new ArrayList<>();
                for (int i = 0; i < batch; i++) {
                    commands.add(command(accounts, random));
                }
                journal.submitting(commands.stream().map(Op::of).toList());
                client.submitAll(commands)
                        .forEach(f -> f.thenAccept(outcome -> journal.received(ObservedOutcome.fromSdk(outcome))));
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(intervalMs));
            }
            client.close(Duration.ofSeconds(60));
            System.out.println("client " + clientId + " done");
        }
    }

    private static Command command(List<String> accounts, Random random) {
        String account = accounts.get(random.nextInt(accounts.size()));
        int roll = random.nextInt(100);
        if (roll < 35) {
            return Command.deposit(account, 1 + random.nextInt(5_000), Workload.CURRENCY);
        } else if (roll < 60) {
            return Command.withdraw(account, 1 + random.nextInt(8_000), Workload.CURRENCY);
        }
        String to = accounts.get(random.nextInt(accounts.size()));
        if (to.equals(account)) {
            return Command.deposit(account, 1 + random.nextInt(5_000), Workload.CURRENCY);
        }
        return Command.transfer(account, to, 1 + random.nextInt(6_000), Workload.CURRENCY);
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("arguments are key=value, got " + arg);
            }
            m.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        for (String required : List.of(
                "bootstrap", "registry", "commands", "outcomes", "events", "client", "journal", "accounts", "seed")) {
            if (!m.containsKey(required)) {
                throw new IllegalArgumentException("missing argument " + required + "=...");
            }
        }
        return m;
    }
}
