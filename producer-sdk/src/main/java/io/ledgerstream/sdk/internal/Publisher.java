package io.ledgerstream.sdk.internal;

import io.ledgerstream.sdk.LedgerAuthorizationException;
import io.ledgerstream.sdk.LedgerClientException;
import io.ledgerstream.sdk.LedgerClientFencedException;
import io.ledgerstream.sdk.internal.RequestTracker.Pending;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TransactionAbortableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only thread that touches the client's transactional producer. It takes {@link Publication}s from a queue and
 * publishes each in a Kafka transaction; when several are waiting it puts up to {@code publishBatchMax} commands in
 * one transaction (group commit), never splitting a publication.
 *
 * <p>Failures, per transaction: a retriable error aborts the transaction and retries it (same records, so same
 * request IDs) up to {@code retriesMax} times with backoff; a commit that times out is retried as a commit (Kafka
 * forbids aborting it); an authorization error aborts and fails the publication's futures with {@link
 * LedgerAuthorizationException}; any other error aborts and fails them with {@link LedgerClientException}. If the
 * producer is fenced, or cannot even abort, the publisher reports a fatal error to the client and stops: the client
 * fails every unpublished request and refuses new ones.
 *
 * <p>Thread-safe: {@link #enqueue} from any thread; everything else runs on the publisher thread.
 */
public final class Publisher implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(Publisher.class);
    private static final long QUEUE_POLL_MS = 100;
    private static final Duration FATAL_CLOSE_TIMEOUT = Duration.ofSeconds(5);

    /**
     * Commands to publish together, in one transaction.
     *
     * @param requests the tracked requests; not empty
     * @param records their records, in the same order
     */
    public record Publication(List<Pending> requests, List<ProducerRecord<String, byte[]>> records) {
        /**
         * Checks the lists match and copies them.
         *
         * @param requests see the record component
         * @param records see the record component
         */
        public Publication {
            requests = List.copyOf(requests);
            records = List.copyOf(records);
            if (requests.isEmpty() || requests.size() != records.size()) {
                throw new IllegalArgumentException("a publication needs one record per request, got " + requests.size()
                        + " requests and " + records.size() + " records");
            }
        }
    }

    private enum Kind {
        FENCED,
        AUTHORIZATION,
        RETRIABLE,
        OTHER
    }

    private final Producer<String, byte[]> producer;
    private final RequestTracker tracker;
    private final TransactionHook hook;
    private final int batchMax;
    private final int retriesMax;
    private final Backoff backoff;
    private final String transactionalId;
    private final Consumer<LedgerClientException> onFatal;
    private final BlockingQueue<Publication> queue = new LinkedBlockingQueue<>();
    private final CountDownLatch hardStop = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean draining;
    private volatile long closeDeadlineNanos;

    /**
     * Creates a publisher; run it on its own thread.
     *
     * @param producer a transactional producer on which {@code initTransactions()} returned; owned (closed) by this
     * @param tracker the client's requests; not null
     * @param hook the test seam, {@link TransactionHook#NONE} in production; not null
     * @param batchMax most commands per transaction unless one publication is larger, {@code >= 1}
     * @param retriesMax retries of a retriable failure, {@code >= 0}
     * @param backoff waits between retries; not null
     * @param transactionalId the producer's transactional ID, for messages; not null
     * @param onFatal told once when the producer becomes unusable; not null
     */
    public Publisher(
            Producer<String, byte[]> producer,
            RequestTracker tracker,
            TransactionHook hook,
            int batchMax,
            int retriesMax,
            Backoff backoff,
            String transactionalId,
            Consumer<LedgerClientException> onFatal) {
        this.producer = Objects.requireNonNull(producer, "producer");
        this.tracker = Objects.requireNonNull(tracker, "tracker");
        this.hook = Objects.requireNonNull(hook, "hook");
        this.batchMax = batchMax;
        this.retriesMax = retriesMax;
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        this.transactionalId = Objects.requireNonNull(transactionalId, "transactionalId");
        this.onFatal = Objects.requireNonNull(onFatal, "onFatal");
    }

    /**
     * Queues a publication. The queue needs no bound of its own: every queued request holds an in-flight permit.
     *
     * @param publication what to publish; not null
     */
    public void enqueue(Publication publication) {
        queue.add(Objects.requireNonNull(publication, "publication"));
    }

    /**
     * Removes and returns every queued publication (used when the client fails or closes).
     *
     * @return the publications not yet taken by the publisher thread, never null
     */
    public List<Publication> drainQueue() {
        List<Publication> drained = new ArrayList<>();
        queue.drainTo(drained);
        return drained;
    }

    /**
     * Asks the thread to publish what is queued, then stop and close the producer.
     *
     * @param deadlineNanos {@link System#nanoTime()} by which the producer must be closed
     */
    public void stopWhenDrained(long deadlineNanos) {
        this.closeDeadlineNanos = deadlineNanos;
        draining = true;
    }

    /** Asks the thread to stop at once (after the current Kafka call), abandoning what is queued. */
    public void stopNow() {
        hardStop.countDown();
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

    /** Closes the producer from another thread, without waiting: the last resort when the thread is stuck. */
    public void forceCloseProducer() {
        producer.close(Duration.ZERO);
    }

    @Override
    public void run() {
        try {
            while (hardStop.getCount() > 0) {
                Publication first = queue.poll(QUEUE_POLL_MS, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (draining) {
                        break;
                    }
                    continue;
                }
                List<Pending> requests = new ArrayList<>(first.requests());
                List<ProducerRecord<String, byte[]>> records = new ArrayList<>(first.records());
                for (Publication next = queue.peek();
                        next != null && records.size() + next.records().size() <= batchMax;
                        next = queue.peek()) {
                    queue.remove();
                    requests.addAll(next.requests());
                    records.addAll(next.records());
                }
                if (!publish(requests, records)) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("publisher of transactional ID {} failed unexpectedly", transactionalId, e);
            onFatal.accept(new LedgerClientException(
                    "the client's publisher failed unexpectedly (a bug); unpublished commands were not sent."
                            + " Close the client and resubmit them with a new one",
                    e));
        } finally {
            try {
                producer.close(
                        draining
                                ? Duration.ofNanos(Math.max(0, closeDeadlineNanos - System.nanoTime()))
                                : FATAL_CLOSE_TIMEOUT);
            } catch (RuntimeException e) {
                LOG.warn("closing the producer of transactional ID {} failed", transactionalId, e);
            } finally {
                stopped.countDown();
            }
        }
    }

    /** Publishes one transaction with retries; returns false if the producer became unusable. */
    private boolean publish(List<Pending> requests, List<ProducerRecord<String, byte[]>> records) {
        for (int attempt = 0; ; attempt++) {
            if (attempt > 0 && RequestTracker.allDone(requests)) {
                LOG.info("dropping a retry of {} commands: every one already timed out or failed", requests.size());
                return true;
            }
            RuntimeException error;
            try {
                producer.beginTransaction();
                for (int i = 0; i < records.size(); i++) {
                    producer.send(records.get(i));
                    hook.afterSend(producer, i + 1, records.size());
                }
            } catch (RuntimeException e) {
                error = e;
                if (!abortAfter(error, requests)) {
                    return false;
                }
                if (!retryOrFail(error, attempt, requests)) {
                    return true;
                }
                continue;
            }
            error = commit();
            if (error == null) {
                requests.forEach(Pending::markPublished);
                return true;
            }
            if (error instanceof CommitUnknownException) {
                // the commit may have completed: keep the requests waiting for outcomes, stop using the producer
                requests.forEach(Pending::markPublished);
                fatal(new LedgerClientException(
                        "could not confirm the commit of a transaction of " + records.size() + " commands within "
                                + (retriesMax + 1) + " attempts (transactional ID " + transactionalId + "). They"
                                + " may or may not be visible: their futures wait for outcomes until"
                                + " request.timeout.ms; then resubmit the same commands with a new client",
                        error.getCause()));
                return false;
            }
            if (!abortAfter(error, requests)) {
                return false;
            }
            if (!retryOrFail(error, attempt, requests)) {
                return true;
            }
        }
    }

    /** Returns null on success, a {@link CommitUnknownException} after repeated commit timeouts, else the error. */
    private RuntimeException commit() {
        for (int attempt = 0; ; attempt++) {
            try {
                producer.commitTransaction();
                return null;
            } catch (TimeoutException e) {
                if (attempt >= retriesMax || !pause(attempt)) {
                    return new CommitUnknownException(e);
                }
                LOG.warn("commit of transactional ID {} timed out; retrying the commit", transactionalId);
            } catch (RuntimeException e) {
                return e;
            }
        }
    }

    /** Aborts the open transaction after {@code error}; on failure reports a fatal error and returns false. */
    private boolean abortAfter(RuntimeException error, List<Pending> requests) {
        if (classify(error) == Kind.FENCED) {
            fatal(fenced(error));
            return false;
        }
        for (int attempt = 0; ; attempt++) {
            try {
                producer.abortTransaction();
                return true;
            } catch (TimeoutException e) {
                if (attempt >= retriesMax || !pause(attempt)) {
                    fatal(new LedgerClientException(
                            "could not abort a failed transaction (transactional ID " + transactionalId + ");"
                                    + " unpublished commands fail. Close the client and resubmit them with a new"
                                    + " one",
                            e));
                    return false;
                }
            } catch (RuntimeException e) {
                Kind abortKind = classify(e);
                if (abortKind == Kind.FENCED) {
                    fatal(fenced(e));
                } else if (classify(error) == Kind.AUTHORIZATION || abortKind == Kind.AUTHORIZATION) {
                    fatal(authorization(classify(error) == Kind.AUTHORIZATION ? error : e));
                } else {
                    fatal(new LedgerClientException(
                            "the producer (transactional ID " + transactionalId + ") is unusable after: " + error
                                    + "; unpublished commands were not sent, nothing of them is visible. Close the"
                                    + " client and resubmit them with a new one",
                            error));
                }
                return false;
            }
        }
    }

    /** After a successful abort: returns true to retry, or fails the requests and returns false. */
    private boolean retryOrFail(RuntimeException error, int attempt, List<Pending> requests) {
        Kind kind = classify(error);
        if (kind == Kind.RETRIABLE && attempt < retriesMax && pause(attempt)) {
            LOG.warn(
                    "transaction of {} commands failed (attempt {} of {}), aborted; retrying: {}",
                    requests.size(),
                    attempt + 1,
                    retriesMax + 1,
                    error.toString());
            return true;
        }
        LedgerClientException failure = kind == Kind.AUTHORIZATION
                ? authorization(error)
                : new LedgerClientException(
                        (kind == Kind.RETRIABLE
                                        ? "could not publish after " + (attempt + 1) + " attempts: " + error
                                        : "could not publish: " + error)
                                + ". The transaction was aborted: nothing of it is visible to the engine. Resubmit"
                                + " the same commands when the cause is fixed",
                        error);
        for (Pending p : requests) {
            tracker.fail(p, failure);
        }
        return false;
    }

    /** Waits before retry {@code attempt}; returns false if the client is stopping. */
    private boolean pause(int attempt) {
        try {
            return !hardStop.await(backoff.delay(attempt).toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void fatal(LedgerClientException e) {
        LOG.error("publisher of transactional ID {} stops: {}", transactionalId, e.getMessage());
        onFatal.accept(e);
    }

    private LedgerClientFencedException fenced(Throwable cause) {
        return new LedgerClientFencedException(
                "this client was fenced: another LedgerClient started with transactional ID '" + transactionalId
                        + "' (by default ledgerstream-sdk-<client.id>), so this one can no longer publish. Commands"
                        + " it had not published fail and are not visible. Close this client; if the other"
                        + " instance is not its replacement, give each running instance its own client.id",
                cause);
    }

    private LedgerAuthorizationException authorization(Throwable cause) {
        return new LedgerAuthorizationException(
                "the broker refused the client's principal: " + rootMessage(cause) + ". Grant WRITE on the"
                        + " commands topic and WRITE and DESCRIBE on transactional ID '" + transactionalId + "'"
                        + " (READ on the outcomes topic for outcomes), then resubmit the same commands; nothing of"
                        + " this publication is visible",
                cause);
    }

    private static String rootMessage(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof AuthorizationException) {
                return c.getClass().getSimpleName() + ": " + c.getMessage();
            }
        }
        return String.valueOf(t);
    }

    private static Kind classify(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof ProducerFencedException) {
                return Kind.FENCED;
            }
            if (t instanceof AuthorizationException) {
                return Kind.AUTHORIZATION;
            }
        }
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof RetriableException
                    || t instanceof TransactionAbortableException
                    || t instanceof InvalidProducerEpochException) {
                return Kind.RETRIABLE;
            }
        }
        return Kind.OTHER;
    }

    /** A commit that kept timing out: its result is unknown. */
    private static final class CommitUnknownException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CommitUnknownException(TimeoutException cause) {
            super(cause);
        }
    }
}
