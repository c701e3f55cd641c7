package io.ledgerstream.bench;

import io.ledgerstream.core.ConsistentHash;
import io.ledgerstream.core.Reason;
import io.ledgerstream.sdk.Command;
import io.ledgerstream.sdk.LedgerBackpressureException;
import io.ledgerstream.sdk.LedgerClient;
import io.ledgerstream.sdk.LedgerClientConfig;
import io.ledgerstream.sdk.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Drives the engine through the SDK: one {@link LedgerClient} per simulated client instance, each with its own driver
 * thread, either closed-loop at saturation (submit blocks when {@code max.in.flight.requests} are pending) or open-loop
 * at a fixed offered rate (latency counted from each command's scheduled send time, so a stalled system is not hidden
 * by coordinated omission).
 *
 * <p>Duplicates: each client remembers its last {@value #DONE_RING_SIZE} completed commands; a duplicate resubmits one
 * of those same {@link Command} objects through the same client (same request ID, same reply target) and checks that
 * the outcome is a replay with the original status and reason.
 *
 * <p>Not thread-safe: one controlling thread calls its methods; it starts and joins the driver threads itself.
 */
final class LoadDriver implements AutoCloseable {

    /** Completed commands remembered per client as candidates for resending; a power of two. */
    static final int DONE_RING_SIZE = 4096;

    /** Longest a driver thread is parked between scheduled sends, so it notices the deadline. */
    private static final long PARK_MAX_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    /** Extra time the controller waits for driver threads after a phase's deadline (submit may block this long). */
    private static final Duration JOIN_GRACE = Duration.ofSeconds(15);

    private record Done(Command command, Outcome.Status status, Reason reason) {}

    /** The source of new commands for a phase; null when it has no more. Called by one driver thread at a time. */
    interface Source {
        Command next(SplittableRandom random);
    }

    private final List<LedgerClient> clients;
    private final List<AtomicReferenceArray<Done>> rings = new ArrayList<>();
    private final List<AtomicLong> ringWrites = new ArrayList<>();
    private final Workload workload;
    private final long seed;
    private final AtomicInteger phaseCounter = new AtomicInteger();
    private final java.util.concurrent.atomic.LongAdder newCommands = new java.util.concurrent.atomic.LongAdder();
    private volatile PhaseStats current;

    private LoadDriver(List<LedgerClient> clients, Workload workload, long seed) {
        this.clients = clients;
        this.workload = workload;
        this.seed = seed;
        for (int i = 0; i < clients.size(); i++) {
            rings.add(new AtomicReferenceArray<>(DONE_RING_SIZE));
            ringWrites.add(new AtomicLong());
        }
    }

    /**
     * Connects {@code count} clients named {@code <clientIdPrefix>-c<i>}.
     *
     * @param base settings shared by every client (bootstrap, registry, topics, in-flight bound, pass-through)
     */
    static LoadDriver connect(
            Map<String, Object> base, String clientIdPrefix, int count, Workload workload, long seed) {
        Objects.requireNonNull(base, "base");
        List<LedgerClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                LedgerClientConfig.Builder b = LedgerClientConfig.builder();
                base.forEach(b::set);
                b.clientId(clientIdPrefix + "-c" + i);
                clients.add(new LedgerClient(b.build()));
            }
        } catch (RuntimeException e) {
            clients.forEach(c -> c.close(Duration.ofSeconds(5)));
            throw e;
        }
        return new LoadDriver(clients, workload, seed);
    }

    /** Requests waiting for outcomes, over every client. */
    int inFlight() {
        int n = 0;
        for (LedgerClient c : clients) {
            n += c.inFlightRequests();
        }
        return n;
    }

    /** New (non-duplicate) commands submitted since connecting: the most request IDs the engine can have decided. */
    long newCommandsSubmitted() {
        return newCommands.sum();
    }

    /** The phase that outcomes are being attributed to, or null between phases. */
    PhaseStats current() {
        return current;
    }

    /** Opens accounts {@code 0..accounts-1}, closed-loop, split across the clients; bounded by {@code timeout}. */
    PhaseStats openAccounts(long overdraftLimit, Duration timeout) {
        AtomicInteger nextAccount = new AtomicInteger();
        int n = workload.accounts();
        Source source = r -> {
            int i = nextAccount.getAndIncrement();
            return i < n ? workload.open(i, overdraftLimit) : null;
        };
        return run("setup", "saturation", null, timeout, n, source, false);
    }

    /**
     * Runs one phase of the mix for {@code duration}: at saturation if {@code ratePerSec} is null, else at that offered
     * rate split evenly across the clients. At most {@code maxCommands} submissions.
     */
    PhaseStats runMix(String name, Double ratePerSec, Duration duration, long maxCommands) {
        return run(
                name,
                ratePerSec == null ? "saturation" : "fixed-rate",
                ratePerSec,
                duration,
                maxCommands,
                workload::next,
                true);
    }

    private PhaseStats run(
            String name,
            String mode,
            Double ratePerSec,
            Duration duration,
            long maxCommands,
            Source source,
            boolean duplicates) {
        PhaseStats stats = new PhaseStats(name, mode, ratePerSec);
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        stats.start(start);
        current = stats;
        int phase = phaseCounter.incrementAndGet();
        List<Thread> threads = new ArrayList<>();
        long perClientMax = Math.max(1, maxCommands / clients.size() + 1);
        List<RuntimeException> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int k = 0; k < clients.size(); k++) {
            int client = k;
            SplittableRandom random = new SplittableRandom(seed * 1_000_003L + phase * 7919L + client);
            long periodNanos = ratePerSec == null ? 0 : Math.round(1e9 * clients.size() / ratePerSec);
            Thread t = new Thread(
                    () -> {
                        try {
                            drive(client, stats, source, random, start, end, periodNanos, perClientMax, duplicates);
                        } catch (RuntimeException e) {
                            errors.add(e);
                        }
                    },
                    "bench-driver-" + client);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        long joinDeadline = end + JOIN_GRACE.toNanos();
        for (Thread t : threads) {
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(joinDeadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while running phase " + name, e);
            }
            if (t.isAlive()) {
                throw new IllegalStateException("driver thread " + t.getName() + " still running "
                        + JOIN_GRACE.toSeconds() + " s after the end of phase " + name);
            }
        }
        if (!errors.isEmpty()) {
            throw new IllegalStateException("phase " + name + " failed: " + errors.get(0), errors.get(0));
        }
        return stats;
    }

    private void drive(
            int client,
            PhaseStats stats,
            Source source,
            SplittableRandom random,
            long start,
            long end,
            long periodNanos,
            long maxCommands,
            boolean duplicates) {
        LedgerClient ledger = clients.get(client);
        for (long i = 0; i < maxCommands; ) {
            long now = System.nanoTime();
            if (now >= end) {
                return;
            }
            long intended = now;
            if (periodNanos > 0) {
                intended = start + i * periodNanos;
                if (intended >= end) {
                    return;
                }
                if (intended > now) {
                    LockSupport.parkNanos(Math.min(intended - now, PARK_MAX_NANOS));
                    continue;
                }
            }
            Done original = duplicates && workload.nextIsDuplicate(random) ? pick(client, random) : null;
            Command command = original != null ? original.command() : source.next(random);
            if (command == null) {
                return;
            }
            String kind = original != null ? "duplicate" : kindOf(command);
            CompletableFuture<Outcome> future;
            try {
                future = ledger.submit(command);
            } catch (LedgerBackpressureException e) {
                stats.backpressure.increment();
                i++;
                continue;
            }
            long t0 = periodNanos > 0 ? intended : System.nanoTime();
            stats.submitted.increment();
            if (original != null) {
                stats.duplicatesSent.increment();
            } else {
                newCommands.increment();
            }
            future.whenComplete((o, e) -> complete(client, command, kind, original, t0, o, e));
            i++;
        }
    }

    /** The latency class of a command: its type, and for a transfer whether it crosses partitions. */
    String kindOf(Command command) {
        return switch (command.type()) {
            case OPEN_ACCOUNT -> "open";
            case DEPOSIT -> "deposit";
            case WITHDRAW -> "withdraw";
            case TRANSFER -> ConsistentHash.partition(command.accountId(), workload.partitions())
                            == ConsistentHash.partition(command.toAccountId().orElseThrow(), workload.partitions())
                    ? "transfer-local"
                    : "transfer-cross";
            default -> command.type().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private void complete(
            int client, Command command, String kind, Done original, long t0, Outcome outcome, Throwable error) {
        long now = System.nanoTime();
        PhaseStats stats = current;
        if (stats == null) {
            return;
        }
        if (error != null) {
            stats.failure(error);
        } else if (original != null) {
            stats.duplicateOutcome(outcome, original.status(), original.reason());
        } else {
            stats.outcome(outcome, kind, t0, now);
            if (!outcome.replay()) {
                long w = ringWrites.get(client).getAndIncrement();
                rings.get(client)
                        .set((int) (w & (DONE_RING_SIZE - 1)), new Done(command, outcome.status(), outcome.reason()));
            }
        }
    }

    private Done pick(int client, SplittableRandom random) {
        long written = ringWrites.get(client).get();
        if (written == 0) {
            return null;
        }
        int bound = (int) Math.min(written, DONE_RING_SIZE);
        return rings.get(client).get(random.nextInt(bound));
    }

    /** Waits until no request is in flight, up to {@code timeout}; returns whether it got there. */
    boolean drain(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inFlight() > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        return true;
    }

    /**
     * Ends a phase: optionally waits (up to {@code drainTimeout}) for its in-flight requests first, then stops
     * attributing outcomes to it and stamps its end. Measured phases end without draining, so the window holds only
     * what completed inside it; the setup phase drains, so every account's outcome is counted.
     *
     * @return false if requests were still in flight after {@code drainTimeout}; true when not draining
     */
    boolean finish(PhaseStats stats, boolean drainFirst, Duration drainTimeout) {
        boolean drained = !drainFirst || drain(drainTimeout);
        current = null;
        stats.end(System.nanoTime());
        return drained;
    }

    @Override
    public void close() {
        current = null;
        for (LedgerClient c : clients) {
            c.close(Duration.ofSeconds(10));
        }
    }
}
