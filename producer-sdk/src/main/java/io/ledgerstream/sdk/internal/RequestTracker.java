package io.ledgerstream.sdk.internal;

import io.ledgerstream.sdk.Command;
import io.ledgerstream.sdk.LedgerBackpressureException;
import io.ledgerstream.sdk.LedgerClientException;
import io.ledgerstream.sdk.LedgerTimeoutException;
import io.ledgerstream.sdk.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * The requests of one client that wait for their outcomes, keyed by request ID, with the in-flight bound.
 *
 * <p>Every tracked request holds exactly one permit of a fair semaphore of {@code maxInFlight} permits, from {@link
 * #acquire} until it completes; the map therefore never holds more than {@code maxInFlight} entries. A request
 * completes exactly once, whichever comes first: its outcome ({@link #complete}), a failure ({@link #fail}), its
 * deadline ({@link #expire}) or the client's shutdown ({@link #failAll}). The permit is released before the future
 * completes, so a dependent stage may submit again at once.
 *
 * <p>Thread-safe.
 */
public final class RequestTracker {

    /**
     * One request waiting for its outcome. Each submission of it gets its own future ({@link #attach()}), so callers
     * never share, or can complete, each other's futures; all complete together, with the same result.
     */
    public static final class Pending {
        private final Command command;
        private final long deadlineNanos;
        private final List<CompletableFuture<Outcome>> futures = new ArrayList<>(1);
        private volatile boolean published;
        private boolean done; // guarded by this
        private Outcome outcome; // guarded by this
        private Throwable failure; // guarded by this

        Pending(Command command, long deadlineNanos) {
            this.command = command;
            this.deadlineNanos = deadlineNanos;
        }

        /**
         * Returns the command.
         *
         * @return the command, never null
         */
        public Command command() {
            return command;
        }

        /**
         * Returns a new future for one caller, completed when the request completes (at once if it already has).
         *
         * @return a new future, never null
         */
        public synchronized CompletableFuture<Outcome> attach() {
            CompletableFuture<Outcome> future = new CompletableFuture<>();
            if (!done) {
                futures.add(future);
            } else if (failure != null) {
                future.completeExceptionally(failure);
            } else {
                future.complete(outcome);
            }
            return future;
        }

        /**
         * Returns whether the request has completed, one way or another.
         *
         * @return true once completed
         */
        public synchronized boolean isDone() {
            return done;
        }

        /**
         * Returns whether a transaction containing the command committed (so the engine will see it).
         *
         * @return true once published
         */
        public boolean published() {
            return published;
        }

        /** Records that a transaction containing the command committed. */
        public void markPublished() {
            published = true;
        }

        private void settle(Outcome result, Throwable error) {
            List<CompletableFuture<Outcome>> toComplete;
            synchronized (this) {
                if (done) {
                    return;
                }
                done = true;
                outcome = result;
                failure = error;
                toComplete = List.copyOf(futures);
                futures.clear();
            }
            for (CompletableFuture<Outcome> f : toComplete) {
                if (error != null) {
                    f.completeExceptionally(error);
                } else {
                    f.complete(result);
                }
            }
        }
    }

    private final ConcurrentHashMap<String, Pending> pending = new ConcurrentHashMap<>();
    private final Semaphore permits;
    private final int maxInFlight;
    private final Duration requestTimeout;
    private final LongSupplier nanoClock;

    /**
     * Creates a tracker.
     *
     * @param maxInFlight most requests tracked at once, {@code >= 1}
     * @param requestTimeout how long a request may wait for its outcome; positive
     * @param nanoClock a monotonic clock in nanoseconds, e.g. {@code System::nanoTime}; not null
     */
    public RequestTracker(int maxInFlight, Duration requestTimeout, LongSupplier nanoClock) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be >= 1, was " + maxInFlight);
        }
        this.maxInFlight = maxInFlight;
        this.permits = new Semaphore(maxInFlight, true);
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    /**
     * Returns the most requests tracked at once.
     *
     * @return at least 1
     */
    public int maxInFlight() {
        return maxInFlight;
    }

    /**
     * Returns the number of requests waiting for outcomes.
     *
     * @return between 0 and {@link #maxInFlight()}
     */
    public int size() {
        return pending.size();
    }

    /**
     * Returns the tracked request with this ID, if any.
     *
     * @param requestId a request ID; not null
     * @return the request, or null
     */
    public Pending get(String requestId) {
        return pending.get(requestId);
    }

    /**
     * Takes {@code count} permits, waiting up to {@code timeout} for them.
     *
     * @param count permits to take, between 1 and {@link #maxInFlight()}
     * @param timeout how long to wait, zero or positive
     * @throws LedgerBackpressureException if the permits are not available in time
     * @throws LedgerClientException if the thread is interrupted (the interrupt flag is kept)
     */
    public void acquire(int count, Duration timeout) {
        if (count < 1 || count > maxInFlight) {
            throw new IllegalArgumentException("count must be between 1 and " + maxInFlight + ", was " + count);
        }
        try {
            if (!permits.tryAcquire(count, timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw new LedgerBackpressureException(
                        maxInFlight - permits.availablePermits() + " of max.in.flight.requests=" + maxInFlight
                                + " requests are waiting for outcomes and no room for " + count + " more opened"
                                + " within enqueue.timeout.ms=" + timeout.toMillis() + "; nothing was sent. Slow"
                                + " down or raise the bound, then submit again.",
                        null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LedgerClientException("interrupted while waiting for room to submit; nothing was sent", e);
        }
    }

    /**
     * Returns permits taken with {@link #acquire} that were not handed to {@link #track}.
     *
     * @param count permits to return, {@code >= 0}
     */
    public void release(int count) {
        if (count > 0) {
            permits.release(count);
        }
    }

    /**
     * Tracks a command, using one permit the caller took with {@link #acquire}. If the same request is already
     * tracked (a resubmission while the first submission is still waiting), the permit is returned and the existing
     * entry is shared.
     *
     * @param command the command; not null
     * @return the new or existing entry, never null
     * @throws IllegalArgumentException if another command with the same request ID but a different payload is
     *     tracked (the permit is returned)
     */
    public Tracked track(Command command) {
        Objects.requireNonNull(command, "command");
        Pending fresh = new Pending(command, nanoClock.getAsLong() + requestTimeout.toNanos());
        Pending existing = pending.putIfAbsent(command.requestId(), fresh);
        if (existing == null) {
            return new Tracked(fresh, true);
        }
        permits.release();
        if (!existing.command.isRetryOf(command)) {
            throw new IllegalArgumentException("request ID " + command.requestId() + " is already in flight with a"
                    + " different payload (" + existing.command + "); a request ID identifies one command");
        }
        return new Tracked(existing, false);
    }

    /**
     * The result of {@link #track}.
     *
     * @param pending the entry the command's submission waits on
     * @param created true if {@code track} created it (and kept the permit), false if it was shared
     */
    public record Tracked(Pending pending, boolean created) {}

    /**
     * Completes the request an outcome answers, if it is tracked.
     *
     * @param outcome an outcome read from this client's outcome partition; not null
     * @return true if a tracked request was completed, false if the outcome is a replay, another client's, or late
     */
    public boolean complete(Outcome outcome) {
        Pending p = pending.remove(outcome.requestId());
        if (p == null) {
            return false;
        }
        permits.release();
        p.settle(outcome, null);
        return true;
    }

    /**
     * Fails one request, if it is still tracked.
     *
     * @param p the entry; not null
     * @param failure the exception the future completes with; not null
     * @return true if this call completed it
     */
    public boolean fail(Pending p, Throwable failure) {
        if (!pending.remove(p.command.requestId(), p)) {
            return false;
        }
        permits.release();
        p.settle(null, failure);
        return true;
    }

    /**
     * Fails every tracked request matching a filter.
     *
     * @param filter which requests to fail; not null
     * @param failure the exception for each; not null
     * @return how many were failed
     */
    public int failAll(Predicate<Pending> filter, Function<Pending, Throwable> failure) {
        int failed = 0;
        for (Pending p : new ArrayList<>(pending.values())) {
            if (filter.test(p) && fail(p, failure.apply(p))) {
                failed++;
            }
        }
        return failed;
    }

    /**
     * Fails every request whose deadline has passed with a {@link LedgerTimeoutException}.
     *
     * @return how many timed out
     */
    public int expire() {
        long now = nanoClock.getAsLong();
        List<Pending> expired = new ArrayList<>();
        for (Pending p : pending.values()) {
            if (now - p.deadlineNanos >= 0) {
                expired.add(p);
            }
        }
        int failed = 0;
        for (Pending p : expired) {
            if (fail(p, timeout(p))) {
                failed++;
            }
        }
        return failed;
    }

    /**
     * Returns whether every request of a publication has already completed (so retrying it helps nobody).
     *
     * @param requests the publication's entries; not null
     * @return true if no future among them is still incomplete
     */
    public static boolean allDone(List<Pending> requests) {
        return requests.stream().allMatch(Pending::isDone);
    }

    /**
     * Waits until no request is tracked.
     *
     * @param timeout how long to wait at most
     * @return true if idle, false on timeout or interrupt
     */
    public boolean awaitIdle(Duration timeout) {
        try {
            if (permits.tryAcquire(maxInFlight, Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS)) {
                permits.release(maxInFlight);
                return true;
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private LedgerTimeoutException timeout(Pending p) {
        return new LedgerTimeoutException(
                "no outcome for " + p.command + " within request.timeout.ms=" + requestTimeout.toMillis() + " ("
                        + (p.published
                                ? "it was published: the engine may still apply it"
                                : "it was not published yet: its transaction may still commit")
                        + "). Resubmit the same Command object (same request ID) to learn its outcome; the engine"
                        + " never applies it twice.",
                null);
    }
}
