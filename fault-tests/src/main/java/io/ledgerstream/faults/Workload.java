package io.ledgerstream.faults;

import io.ledgerstream.core.ConsistentHash;
import io.ledgerstream.sdk.Command;
import io.ledgerstream.sdk.LedgerBackpressureException;
import io.ledgerstream.sdk.LedgerClient;
import io.ledgerstream.sdk.LedgerClientException;
import io.ledgerstream.sdk.Outcome;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A steady SDK workload for fault scenarios: deposits, withdrawals (some refused for insufficient funds), same- and
 * cross-partition transfers (some to accounts that do not exist, so the destination refuses and the source is
 * refunded), resent duplicates (the same {@link Command} object submitted again after its outcome) and, rarely, a
 * request ID reused with another payload. Every send and every outcome goes into the {@link History}.
 *
 * <p>Retries follow the SDK contract: a request whose future fails (timeout, failed publication, closed client) is
 * submitted again as the same {@code Command} object, so with the same request ID. If the client itself becomes
 * unusable (fenced or failed), it is replaced by a new one with the same client ID, at most {@link
 * Settings#clientRestartsMax()} times.
 *
 * <p>One generator thread paces the load at {@link Settings#ratePerSecond()} with at most {@link
 * Settings#inFlightMax()} requests waiting for outcomes. Public methods are meant for one controlling thread;
 * futures complete on SDK threads, which this class handles.
 */
public final class Workload implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Workload.class);

    /** The currency of every account. */
    public static final String CURRENCY = "EUR";

    /** Most completed commands kept as candidates for resends and clashes. */
    static final int RESEND_CANDIDATES_MAX = 2_000;

    /** Amount of every clash (a request ID reused with another payload). */
    static final long CLASH_AMOUNT = 999_983;

    /** Most sends of one workload's generator; it stops by itself after this many. */
    public static final int SENDS_MAX = 1_000_000;

    /** Longest a generator runs; it stops by itself after this. */
    public static final Duration RUN_TIME_MAX = Duration.ofHours(2);

    /**
     * The workload's shape.
     *
     * @param accounts how many accounts, at least 2
     * @param initialBalance each account's first deposit, minor units, positive
     * @param ratePerSecond commands submitted per second, positive
     * @param inFlightMax most requests waiting for outcomes at once, positive
     * @param transferPercent share of transfers among new commands, 0-100 (the rest: deposits and withdrawals)
     * @param crossPartitionPercent share of transfers whose destination lives on another partition, 0-100
     * @param unknownDestinationPercent share of transfers to an account that does not exist, 0-100
     * @param resendPercent share of sends that resend an answered command, 0-100
     * @param clashPerMille sends per thousand that reuse an answered request ID with another payload, 0-1000
     * @param partitions the engine's partition count (for same- and cross-partition transfers), positive
     * @param clientRestartsMax most times an unusable client is replaced, at least 0
     */
    public record Settings(
            int accounts,
            long initialBalance,
            double ratePerSecond,
            int inFlightMax,
            int transferPercent,
            int crossPartitionPercent,
            int unknownDestinationPercent,
            int resendPercent,
            int clashPerMille,
            int partitions,
            int clientRestartsMax) {

        /**
         * Checks the ranges.
         *
         * @param accounts see the record component
         * @param initialBalance see the record component
         * @param ratePerSecond see the record component
         * @param inFlightMax see the record component
         * @param transferPercent see the record component
         * @param crossPartitionPercent see the record component
         * @param unknownDestinationPercent see the record component
         * @param resendPercent see the record component
         * @param clashPerMille see the record component
         * @param partitions see the record component
         * @param clientRestartsMax see the record component
         */
        public Settings {
            if (accounts < 2 || initialBalance <= 0 || ratePerSecond <= 0 || inFlightMax <= 0 || partitions <= 0) {
                throw new IllegalArgumentException("invalid workload settings");
            }
            for (int percent :
                    new int[] {transferPercent, crossPartitionPercent, unknownDestinationPercent, resendPercent}) {
                if (percent < 0 || percent > 100) {
                    throw new IllegalArgumentException("percentages are 0-100, got " + percent);
                }
            }
            if (clashPerMille < 0 || clashPerMille > 1000 || clientRestartsMax < 0) {
                throw new IllegalArgumentException("invalid workload settings");
            }
        }

        /**
         * The default mix at a given rate: 100 accounts of 10,000, half transfers (half of them cross-partition, 5%
         * to unknown accounts), 5% resends, 3 clashes per thousand, 200 in flight.
         *
         * @param ratePerSecond commands per second
         * @param partitions the engine's partition count
         * @return the settings, never null
         */
        public static Settings standard(double ratePerSecond, int partitions) {
            return new Settings(100, 10_000, ratePerSecond, 200, 50, 50, 5, 5, 3, partitions, 20);
        }
    }

    private final Supplier<LedgerClient> clients;
    private final String clientId;
    private final History history;
    private final Settings settings;
    private final Random random;
    private final String accountPrefix;
    private final List<String> accounts = new ArrayList<>();
    private final Map<Integer, List<String>> accountsByPartition = new LinkedHashMap<>();
    private final Semaphore inFlight;
    private final Map<String, Command> sent = new ConcurrentHashMap<>();
    private final Set<String> answered = ConcurrentHashMap.newKeySet();
    private final Set<String> waiting = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<Command> retries = new ConcurrentLinkedQueue<>();
    private final Deque<Command> resendCandidates = new ArrayDeque<>();
    private final Map<String, AtomicLong> stats = new ConcurrentHashMap<>();
    private volatile LedgerClient client;
    private volatile boolean running;
    private volatile RuntimeException fatal;
    private Thread generator;
    private int unknownDestinations;

    /**
     * Creates a workload; sends nothing yet.
     *
     * @param clients creates a connected client with the workload's client ID; called once now and again to replace
     *     an unusable client; not null
     * @param clientId that client ID, for the history; not null
     * @param history where sends and outcomes are recorded; not null
     * @param settings the shape; not null
     * @param seed the random seed (the same seed gives the same command sequence, not the same interleaving)
     * @param accountPrefix prefix of account IDs, to keep workloads apart; not null
     */
    public Workload(
            Supplier<LedgerClient> clients,
            String clientId,
            History history,
            Settings settings,
            long seed,
            String accountPrefix) {
        this.clients = Objects.requireNonNull(clients, "clients");
        this.clientId = Objects.requireNonNull(clientId, "clientId");
        this.history = Objects.requireNonNull(history, "history");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.random = new Random(seed);
        this.accountPrefix = Objects.requireNonNull(accountPrefix, "accountPrefix");
        this.inFlight = new Semaphore(settings.inFlightMax());
        for (int i = 0; i < settings.accounts(); i++) {
            String account = accountPrefix + "-" + i;
            accounts.add(account);
            accountsByPartition
                    .computeIfAbsent(ConsistentHash.partition(account, settings.partitions()), p -> new ArrayList<>())
                    .add(account);
        }
        this.client = clients.get();
    }

    /**
     * Opens every account and deposits its initial balance, and waits for all of their outcomes.
     *
     * @param timeout upper bound; positive
     * @throws IllegalStateException if some outcome did not arrive in time
     */
    public void openAccounts(Duration timeout) {
        List<Command> setup = new ArrayList<>();
        for (String account : accounts) {
            setup.add(Command.openAccount(account, CURRENCY));
        }
        for (String account : accounts) {
            setup.add(Command.deposit(account, settings.initialBalance(), CURRENCY));
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Command c : setup) {
            send(c, false, true);
        }
        awaitAnswered(deadline, "opening " + accounts.size() + " accounts");
    }

    /** Starts the generator thread. */
    public void start() {
        if (generator != null) {
            throw new IllegalStateException("already started");
        }
        running = true;
        generator = new Thread(this::generate, "workload-" + clientId);
        generator.setDaemon(true);
        generator.start();
    }

    /** Stops generating new commands (retries continue through {@link #settle(Duration)}). */
    public void stop() {
        running = false;
        if (generator != null) {
            try {
                generator.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Stops generating and waits until every submitted request has been answered (an outcome that decides it, or its
     * replay, reached the client), resubmitting failed requests with their request IDs.
     *
     * @param timeout upper bound; positive
     * @return the request IDs still unanswered at the deadline (empty when settled); never null
     * @throws IllegalStateException if the client had to be replaced more than {@link Settings#clientRestartsMax()}
     *     times
     */
    public Set<String> settle(Duration timeout) {
        stop();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            failIfFatal();
            drainRetries();
            if (unanswered().isEmpty()) {
                return Set.of();
            }
            for (String id : unanswered()) {
                if (!waiting.contains(id) && !retries.contains(sent.get(id))) {
                    retries.add(sent.get(id)); // lost track (e.g. the client was replaced): ask again
                }
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
        return unanswered();
    }

    /**
     * Returns the request IDs submitted but not answered yet.
     *
     * @return a new set, never null
     */
    public Set<String> unanswered() {
        Set<String> open = new java.util.TreeSet<>(sent.keySet());
        open.removeAll(answered);
        return open;
    }

    /**
     * Returns counters: {@code sent, resends, clashes, retries, deposits, withdrawals, sameTransfers,
     * crossTransfers, unknownDestinationTransfers, failures, clientRestarts, backpressure}.
     *
     * @return a sorted copy, never null
     */
    public Map<String, Long> stats() {
        Map<String, Long> copy = new java.util.TreeMap<>();
        stats.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }

    /**
     * Returns the accounts of this workload.
     *
     * @return an unmodifiable list, never null
     */
    public List<String> accounts() {
        return List.copyOf(accounts);
    }

    /**
     * Returns how many distinct requests were submitted.
     *
     * @return the number of request IDs
     */
    public int requests() {
        return sent.size();
    }

    // ---- generation -----------------------------------------------------------------------------------------

    private void generate() {
        long intervalNanos = (long) (TimeUnit.SECONDS.toNanos(1) / settings.ratePerSecond());
        long next = System.nanoTime();
        long end = next + RUN_TIME_MAX.toNanos();
        while (running && fatal == null) {
            if (System.nanoTime() > end
                    || stats.getOrDefault("sent", new AtomicLong()).get() >= SENDS_MAX) {
                LOG.warn(
                        "workload {}: generator reached its bound ({} or {} sends); stopping",
                        clientId,
                        RUN_TIME_MAX,
                        SENDS_MAX);
                return;
            }
            next += intervalNanos;
            long now = System.nanoTime();
            if (next > now) {
                LockSupport.parkNanos(next - now);
            } else if (now - next > TimeUnit.SECONDS.toNanos(1)) {
                next = now; // fell behind (backpressure or a stall): do not burst to catch up
            }
            try {
                drainRetries();
                if (!inFlight.tryAcquire(200, TimeUnit.MILLISECONDS)) {
                    bump("inFlightFull");
                    continue;
                }
                inFlight.release();
                tick();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.warn("workload {}: generator step failed, continuing", clientId, e);
                bump("generatorErrors");
            }
        }
    }

    private void tick() {
        int roll = random.nextInt(1000);
        Command resend;
        synchronized (resendCandidates) {
            resend = resendCandidates.isEmpty()
                    ? null
                    : resendCandidates.stream()
                            .skip(random.nextInt(resendCandidates.size()))
                            .findFirst()
                            .orElse(null);
        }
        if (resend != null && roll < settings.clashPerMille()) {
            Command clash =
                    Command.withRequestId(resend.requestId()).deposit(resend.accountId(), CLASH_AMOUNT, CURRENCY);
            if (!waiting.contains(resend.requestId()) && !clash.isRetryOf(resend)) {
                bump("clashes");
                send(clash, true, false);
            }
            return;
        }
        if (resend != null && roll < settings.clashPerMille() + settings.resendPercent() * 10) {
            if (!waiting.contains(resend.requestId())) {
                bump("resends");
                send(resend, false, false);
            }
            return;
        }
        send(newCommand(), false, true);
    }

    private Command newCommand() {
        String account = accounts.get(random.nextInt(accounts.size()));
        int kind = random.nextInt(100);
        if (kind >= settings.transferPercent()) {
            if (kind % 2 == 0) {
                bump("deposits");
                return Command.deposit(account, 1 + random.nextInt(5_000), CURRENCY);
            }
            bump("withdrawals");
            return Command.withdraw(
                    account, 1 + random.nextInt((int) Math.min(8_000, settings.initialBalance())), CURRENCY);
        }
        int source = ConsistentHash.partition(account, settings.partitions());
        String to;
        if (random.nextInt(100) < settings.unknownDestinationPercent()) {
            to = accountPrefix + "-missing-" + (unknownDestinations++);
            bump("unknownDestinationTransfers");
        } else if (random.nextInt(100) < settings.crossPartitionPercent() && accountsByPartition.size() > 1) {
            List<Integer> others = new ArrayList<>(accountsByPartition.keySet());
            others.remove(Integer.valueOf(source));
            List<String> candidates = accountsByPartition.get(others.get(random.nextInt(others.size())));
            to = candidates.get(random.nextInt(candidates.size()));
            bump("crossTransfers");
        } else {
            List<String> candidates = new ArrayList<>(accountsByPartition.get(source));
            candidates.remove(account);
            if (candidates.isEmpty()) {
                bump("deposits");
                return Command.deposit(account, 1 + random.nextInt(5_000), CURRENCY);
            }
            to = candidates.get(random.nextInt(candidates.size()));
            bump("sameTransfers");
        }
        return Command.transfer(account, to, 1 + random.nextInt(6_000), CURRENCY);
    }

    // ---- sending --------------------------------------------------------------------------------------------

    private void drainRetries() {
        Command c;
        int budget = settings.inFlightMax();
        while (budget-- > 0 && (c = retries.poll()) != null) {
            if (answered.contains(c.requestId()) || waiting.contains(c.requestId())) {
                continue;
            }
            bump("retries");
            send(c, false, false);
        }
    }

    /** Sends one command; {@code fresh} marks a new request (as opposed to a resend or retry). */
    private void send(Command command, boolean clash, boolean fresh) {
        try {
            if (!inFlight.tryAcquire(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("no room in flight for 30 s: " + settings.inFlightMax() + " requests");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        if (!clash) {
            waiting.add(command.requestId());
        }
        CompletableFuture<Outcome> future;
        long atMs = System.currentTimeMillis();
        try {
            future = client.submit(command);
        } catch (LedgerBackpressureException e) {
            bump("backpressure");
            unsent(command, clash, fresh);
            return;
        } catch (LedgerClientException | IllegalArgumentException e) {
            // closed, fenced or failed client (or a clash racing its original): nothing was sent
            unsent(command, clash, fresh);
            if (e instanceof LedgerClientException) {
                replaceClient(e);
            }
            return;
        }
        Op op = Op.of(command);
        history.add(new History.Submission(op, atMs, clientId, clash));
        if (!clash) {
            sent.putIfAbsent(command.requestId(), command);
        }
        bump("sent");
        future.whenComplete((outcome, failure) -> {
            inFlight.release();
            if (outcome != null) {
                ObservedOutcome observed = ObservedOutcome.fromSdk(outcome);
                history.observed(observed, clientId);
                if (!clash && !ObservedOutcome.REQUEST_ID_REUSED.equals(observed.reason())) {
                    answered.add(command.requestId());
                    waiting.remove(command.requestId());
                    remember(command);
                }
            } else {
                bump("failures");
                history.failed(command.requestId(), failure);
                if (!clash) {
                    waiting.remove(command.requestId());
                    retries.add(command);
                }
            }
        });
    }

    private void unsent(Command command, boolean clash, boolean fresh) {
        inFlight.release();
        if (!clash) {
            waiting.remove(command.requestId());
            if (!fresh || sent.containsKey(command.requestId())) {
                retries.add(command); // a known request must be answered: try again later
            }
        }
    }

    private synchronized void replaceClient(RuntimeException cause) {
        if (fatal != null) {
            return;
        }
        if (stats.getOrDefault("clientRestarts", new AtomicLong()).get() >= settings.clientRestartsMax()) {
            fatal = new IllegalStateException(
                    "client " + clientId + " failed more than " + settings.clientRestartsMax()
                            + " times; last failure: " + cause,
                    cause);
            return;
        }
        LOG.warn("workload {}: replacing the client after {}", clientId, cause.toString());
        bump("clientRestarts");
        LedgerClient old = client;
        try {
            old.close(Duration.ZERO);
        } catch (RuntimeException e) {
            LOG.warn("closing the failed client {} failed", clientId, e);
        }
        client = clients.get();
    }

    private void remember(Command command) {
        synchronized (resendCandidates) {
            resendCandidates.addLast(command);
            if (resendCandidates.size() > RESEND_CANDIDATES_MAX) {
                resendCandidates.removeFirst();
            }
        }
    }

    private void failIfFatal() {
        RuntimeException f = fatal;
        if (f != null) {
            throw f;
        }
    }

    private void awaitAnswered(long deadlineNanos, String what) {
        while (!unanswered().isEmpty()) {
            failIfFatal();
            if (System.nanoTime() > deadlineNanos) {
                throw new IllegalStateException(what + ": " + unanswered().size() + " requests still unanswered");
            }
            drainRetries();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
    }

    private void bump(String counter) {
        stats.computeIfAbsent(counter, k -> new AtomicLong()).incrementAndGet();
    }

    /** Stops generating and closes the client (pending requests fail; call {@link #settle} first). */
    @Override
    public void close() {
        stop();
        client.close(Duration.ofSeconds(5));
    }
}
