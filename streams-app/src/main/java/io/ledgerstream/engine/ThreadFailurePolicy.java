package io.ledgerstream.engine;

import io.ledgerstream.core.InvariantViolation;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.LongSupplier;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;

/**
 * What the engine does when a stream thread dies. An {@link InvariantViolation} anywhere in the cause chain is a bug
 * or a corrupted store: the engine stops, loudly. Anything else (a transaction aborted under us, e.g. after the
 * process was frozen past its transaction timeout; a registry outage) is infrastructure: the thread is replaced and
 * its tasks resume from the last committed transaction, so nothing is lost or applied twice. Replacements are
 * bounded: more than {@link #REPLACEMENTS_MAX} within {@link #WINDOW_MS} stops the engine instead of spinning.
 * Thread-safe.
 */
final class ThreadFailurePolicy {

    static final int REPLACEMENTS_MAX = 10;
    static final long WINDOW_MS = 10 * 60_000L;

    private final LongSupplier clockMs;
    private final Deque<Long> recent = new ArrayDeque<>();

    ThreadFailurePolicy(LongSupplier clockMs) {
        this.clockMs = clockMs;
    }

    synchronized StreamThreadExceptionResponse onFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof InvariantViolation) {
                return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            }
        }
        long now = clockMs.getAsLong();
        while (!recent.isEmpty() && recent.peekFirst() <= now - WINDOW_MS) {
            recent.pollFirst();
        }
        if (recent.size() >= REPLACEMENTS_MAX) {
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        recent.addLast(now);
        return StreamThreadExceptionResponse.REPLACE_THREAD;
    }
}
