package io.ledgerstream.sdk.internal;

import io.ledgerstream.sdk.LedgerAuthorizationException;
import io.ledgerstream.sdk.LedgerClientException;
import io.ledgerstream.sdk.Outcome;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's outcome thread: polls the {@link OutcomeSource}, completes the matching requests, and every poll (at
 * least every {@value #POLL_MS} ms) fails the requests whose deadline passed. Outcomes for other reply targets,
 * replays of completed requests and late outcomes of timed-out requests are ignored.
 *
 * <p>Futures are completed on this thread: dependent stages registered without an executor run here and must not
 * block.
 *
 * <p>Thread-safe: {@link #stop(Duration)} from any thread.
 */
public final class OutcomeReceiver implements Runnable {

    /** Longest poll, which bounds how late a timeout is detected, in milliseconds. */
    public static final long POLL_MS = 100;

    private static final Logger LOG = LoggerFactory.getLogger(OutcomeReceiver.class);
    private static final long ERROR_PAUSE_MS = 500;

    private final OutcomeSource source;
    private final RequestTracker tracker;
    private final String replyTo;
    private final Consumer<LedgerClientException> onFatal;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile Duration closeTimeout = Duration.ofSeconds(10);

    /**
     * Creates the receiver; run it on its own thread.
     *
     * @param source where outcomes come from; owned (closed) by this
     * @param tracker the client's requests; not null
     * @param replyTo the client ID; outcomes for other reply targets are ignored
     * @param onFatal told when outcomes can never arrive (the consumer is not authorized); not null
     */
    public OutcomeReceiver(
            OutcomeSource source, RequestTracker tracker, String replyTo, Consumer<LedgerClientException> onFatal) {
        this.source = Objects.requireNonNull(source, "source");
        this.tracker = Objects.requireNonNull(tracker, "tracker");
        this.replyTo = Objects.requireNonNull(replyTo, "replyTo");
        this.onFatal = Objects.requireNonNull(onFatal, "onFatal");
    }

    @Override
    public void run() {
        try {
            while (stopRequested.getCount() > 0) {
                try {
                    handle(source.poll(Duration.ofMillis(POLL_MS)));
                } catch (WakeupException e) {
                    // stop() was called, or a spurious wakeup: the loop condition decides
                } catch (AuthorizationException e) {
                    onFatal.accept(new LedgerAuthorizationException(
                            "the broker refused to let this client read its outcomes: " + e.getMessage() + ". Grant"
                                    + " READ on the outcomes topic to the client's principal; pending requests fail"
                                    + " (resubmit the same commands with a new client to learn their outcomes)",
                            e));
                    pause();
                } catch (KafkaException e) {
                    LOG.warn("polling outcomes failed; retrying", e);
                    pause();
                }
                tracker.expire();
            }
        } catch (RuntimeException e) {
            LOG.error("the outcome thread of client {} failed unexpectedly", replyTo, e);
            onFatal.accept(new LedgerClientException(
                    "the client's outcome thread failed unexpectedly (a bug); close the client and resubmit pending"
                            + " commands with a new one to learn their outcomes",
                    e));
        } finally {
            try {
                source.close(closeTimeout);
            } catch (RuntimeException e) {
                LOG.warn("closing the outcome consumer of client {} failed", replyTo, e);
            } finally {
                stopped.countDown();
            }
        }
    }

    private void handle(List<io.ledgerstream.schemas.Outcome> outcomes) {
        for (io.ledgerstream.schemas.Outcome avro : outcomes) {
            if (!replyTo.equals(avro.getReplyTo())) {
                continue; // another client hashed to the same partition
            }
            RequestTracker.Pending pending = tracker.get(avro.getRequestId());
            if (pending == null) {
                continue; // a replay, or the outcome of a request that already timed out
            }
            Outcome outcome;
            try {
                outcome = AvroMapping.toOutcome(avro);
            } catch (IllegalArgumentException e) {
                tracker.fail(
                        pending,
                        new LedgerClientException(
                                "the engine's outcome for " + pending.command() + " breaks the outcome contract ("
                                        + e.getMessage() + "); this is a bug: report it with the record",
                                e));
                continue;
            }
            tracker.complete(outcome);
        }
    }

    private void pause() {
        try {
            stopRequested.await(ERROR_PAUSE_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Asks the thread to stop and close the source.
     *
     * @param sourceCloseTimeout how long the source may take to close; not null
     */
    public void stop(Duration sourceCloseTimeout) {
        this.closeTimeout = Objects.requireNonNull(sourceCloseTimeout, "sourceCloseTimeout");
        stopRequested.countDown();
        source.wakeup();
    }

    /**
     * Waits for the thread to finish.
     *
     * @param timeout how long to wait
     * @return true if it finished
     */
    public boolean awaitStopped(Duration timeout) {
        try {
            return stopped.await(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
