package io.ledgerstream.sdk;

import io.ledgerstream.schemas.CommandEnvelope;
import io.ledgerstream.sdk.internal.AvroMapping;
import io.ledgerstream.sdk.internal.Backoff;
import io.ledgerstream.sdk.internal.KafkaOutcomeSource;
import io.ledgerstream.sdk.internal.KafkaSettings;
import io.ledgerstream.sdk.internal.OutcomeReceiver;
import io.ledgerstream.sdk.internal.OutcomeSource;
import io.ledgerstream.sdk.internal.Publisher;
import io.ledgerstream.sdk.internal.Publisher.Publication;
import io.ledgerstream.sdk.internal.RequestTracker;
import io.ledgerstream.sdk.internal.RequestTracker.Pending;
import io.ledgerstream.sdk.internal.TransactionHook;
import io.ledgerstream.serde.AvroSerde;
import io.ledgerstream.serde.RegistryClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.SerializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Submits commands to the ledger exactly once and returns their outcomes.
 *
 * <p>A client owns one idempotent, transactional Kafka producer ({@code enable.idempotence=true}, {@code acks=all},
 * the configured {@code transactional.id}, the shared {@link ConsistentHashPartitioner}) and one read_committed
 * consumer assigned to the single outcome partition of its client ID. Two threads run per client: {@code
 * ledger-client-<client.id>-publisher}, the only user of the producer, and {@code ledger-client-<client.id>-outcomes},
 * which reads outcomes, completes futures and enforces {@code request.timeout.ms}. Both are daemon threads; always
 * {@link #close()} the client.
 *
 * <pre>{@code
 * try (LedgerClient client = new LedgerClient(config)) {
 *     Outcome outcome = client.submit(Command.deposit("alice", 500, "EUR")).get();
 * }
 * }</pre>
 *
 * <p><b>Exactly once.</b> A command's request ID is fixed when the {@link Command} is created. If a future fails with
 * {@link LedgerTimeoutException} (or the caller crashed), submit the same {@code Command} object again: the engine
 * recognises the request ID and answers with the original outcome (possibly flagged {@link Outcome#replay()}); it
 * never applies the command twice. Submitting a command that is still waiting for its outcome returns a new future
 * for the same request, without sending it again.
 *
 * <p><b>Transactions.</b> Each publication is a Kafka transaction. {@link #submitAll(List)} puts all its commands in
 * one transaction: the engine sees all of them or none. When several submits wait, the publisher groups up to {@code
 * publish.batch.max} commands into one transaction (group commit); that only makes publication more atomic, never
 * less. What is <i>not</i> atomic is the application of commands addressed to different accounts: each is decided on
 * its own and may be accepted or rejected independently. To change two accounts atomically, use {@link
 * Command#transfer}.
 *
 * <p><b>Limits.</b> At most {@code max.in.flight.requests} requests wait for outcomes; when the bound is reached,
 * {@code submit} blocks up to {@code enqueue.timeout.ms} and then throws {@link LedgerBackpressureException}. A
 * publication failing with a retriable Kafka error is aborted and retried up to {@code retries.max} times with
 * exponential backoff.
 *
 * <p><b>Failures.</b> {@code submit} throws at once if the request cannot be accepted (invalid arguments, closed,
 * fenced or full client). Otherwise its future completes with the engine's {@link Outcome} (ACCEPTED, or REJECTED
 * with a reason: business rejections are values, not exceptions) or exceptionally with {@link
 * LedgerTimeoutException}, {@link LedgerClientFencedException} (another instance took over the transactional ID),
 * {@link LedgerAuthorizationException}, {@link LedgerClientClosedException} or {@link LedgerClientException}; each
 * message says what to do.
 *
 * <p><b>Thread-safety.</b> Every public method is thread-safe; many threads may submit through one client. Futures
 * are completed on the outcome thread (or the publisher thread, for publication failures): dependent stages
 * registered without an executor run there and must not block; use the {@code *Async} variants for blocking work.
 */
public final class LedgerClient implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LedgerClient.class);

    /** Extra time {@link #close(Duration)} gives the producer and consumer to close after pending requests. */
    private static final Duration CLIENTS_CLOSE_GRACE = Duration.ofSeconds(5);

    private final LedgerClientConfig config;
    private final RequestTracker tracker;
    private final Publisher publisher;
    private final OutcomeReceiver receiver;
    private final Function<CommandEnvelope, byte[]> encoder;
    private final AutoCloseable resources;
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private volatile boolean closed; // written under the write lock
    private volatile LedgerClientException fatal; // written under the write lock

    /**
     * Connects a client: looks up the outcome partition of its client ID, positions the outcome consumer at the end,
     * and initializes the producer's transactions (which fences any earlier instance with the same transactional ID
     * and aborts its open transaction). Blocks until done, up to the Kafka clients' {@code default.api.timeout.ms} and
     * {@code max.block.ms}.
     *
     * @param config the settings; not null
     * @throws LedgerAuthorizationException if the broker refuses the client's principal
     * @throws LedgerClientException if the cluster cannot be reached, or the commands or outcomes topic does not exist
     */
    public LedgerClient(LedgerClientConfig config) {
        this(config, TransactionHook.NONE);
    }

    /** Connects a client with a test hook; see {@link #LedgerClient(LedgerClientConfig)}. */
    LedgerClient(LedgerClientConfig config, TransactionHook hook) {
        this(Objects.requireNonNull(config, "config"), KafkaParts.connect(config), hook);
    }

    private LedgerClient(LedgerClientConfig config, KafkaParts parts, TransactionHook hook) {
        this(config, parts.producer, parts.source, parts.encoder, hook, parts.registry);
    }

    /**
     * Creates a client on given parts (unit tests use Kafka's mock producer and a fake outcome source).
     *
     * @param producer a transactional producer, not yet initialized; owned by the client
     * @param source the outcome source, positioned; owned by the client
     * @param encoder turns an envelope into the record value
     * @param hook the publisher's test seam
     * @param resources closed last by {@link #close()}
     */
    LedgerClient(
            LedgerClientConfig config,
            Producer<String, byte[]> producer,
            OutcomeSource source,
            Function<CommandEnvelope, byte[]> encoder,
            TransactionHook hook,
            AutoCloseable resources) {
        this.config = Objects.requireNonNull(config, "config");
        this.encoder = Objects.requireNonNull(encoder, "encoder");
        this.resources = Objects.requireNonNull(resources, "resources");
        this.tracker = new RequestTracker(config.maxInFlightRequests(), config.requestTimeout(), System::nanoTime);
        try {
            producer.initTransactions();
        } catch (RuntimeException e) {
            producer.close(Duration.ZERO);
            source.close(Duration.ZERO);
            closeQuietly(resources);
            throw startupFailure(config, e);
        }
        this.publisher = new Publisher(
                producer,
                tracker,
                Objects.requireNonNull(hook, "hook"),
                config.publishBatchMax(),
                config.retriesMax(),
                new Backoff(config.retryBackoff(), config.retryBackoffMax()),
                config.transactionalId(),
                this::publisherFailed);
        this.receiver = new OutcomeReceiver(source, tracker, config.clientId(), this::receiverFailed);
        start(publisher, "ledger-client-" + config.clientId() + "-publisher");
        start(receiver, "ledger-client-" + config.clientId() + "-outcomes");
        LOG.info(
                "ledger client {} started (transactional ID {}, commands {}, outcomes {})",
                config.clientId(),
                config.transactionalId(),
                config.commandsTopic(),
                config.outcomesTopic());
    }

    /**
     * Submits one command in its own transaction (possibly grouped with concurrent submits; see the class comment).
     *
     * <p>If the same request is still waiting for its outcome (this object was submitted before and has not
     * completed), returns a new future for that request and sends nothing. Blocks only when {@code
     * max.in.flight.requests} requests are waiting, for up to {@code enqueue.timeout.ms}. Thread-safe.
     *
     * @param command the command; not null
     * @return a future completed with the engine's outcome, or exceptionally (see the class comment); never null
     * @throws LedgerBackpressureException if no room opened within {@code enqueue.timeout.ms}; nothing was sent
     * @throws LedgerClientClosedException if the client is closed
     * @throws LedgerClientFencedException if another instance took over this client's transactional ID
     * @throws LedgerClientException if the command cannot be encoded (e.g. its schema is not registered)
     * @throws IllegalArgumentException if another command with the same request ID but another payload is in flight
     */
    public CompletableFuture<Outcome> submit(Command command) {
        Objects.requireNonNull(command, "command");
        ensureUsable();
        Pending inFlight = tracker.get(command.requestId());
        if (inFlight != null) {
            if (inFlight.command().isRetryOf(command)) {
                return inFlight.attach();
            }
            throw new IllegalArgumentException("request ID " + command.requestId() + " is already in flight with a"
                    + " different payload (" + inFlight.command() + "); a request ID identifies one command");
        }
        return publish(List.of(command)).get(0);
    }

    /**
     * Submits several commands in <b>one</b> Kafka transaction: the engine sees all of them or none. Each command
     * still gets its own outcome, and they are decided independently: some may be accepted and others rejected, and
     * commands on different accounts are not applied atomically (use {@link Command#transfer} for that).
     *
     * <p>A command that is still waiting for its outcome from an earlier submission is sent again in this
     * transaction (harmless: the engine deduplicates it) and its future is shared. Thread-safe.
     *
     * @param commands the commands, at least one and at most {@code max.in.flight.requests}, with distinct request
     *     IDs; not null
     * @return one future per command, in the same order; never null
     * @throws IllegalArgumentException if the list is empty, too long, or names a request ID twice
     * @throws LedgerBackpressureException if room for all of them did not open within {@code enqueue.timeout.ms}
     * @throws LedgerClientClosedException if the client is closed
     * @throws LedgerClientFencedException if another instance took over this client's transactional ID
     * @throws LedgerClientException if a command cannot be encoded; nothing was sent
     */
    public List<CompletableFuture<Outcome>> submitAll(List<Command> commands) {
        Objects.requireNonNull(commands, "commands");
        List<Command> copy = List.copyOf(commands);
        if (copy.isEmpty()) {
            throw new IllegalArgumentException("commands must not be empty");
        }
        if (copy.size() > tracker.maxInFlight()) {
            throw new IllegalArgumentException("submitAll of " + copy.size() + " commands exceeds "
                    + LedgerClientConfig.MAX_IN_FLIGHT_REQUESTS + "=" + tracker.maxInFlight());
        }
        Set<String> ids = new HashSet<>();
        for (Command c : copy) {
            if (!ids.add(c.requestId())) {
                throw new IllegalArgumentException("request ID " + c.requestId() + " appears twice in submitAll");
            }
        }
        ensureUsable();
        return publish(copy);
    }

    /**
     * Returns how many requests are waiting for their outcomes.
     *
     * @return between 0 and {@code max.in.flight.requests}
     */
    public int inFlightRequests() {
        return tracker.size();
    }

    /**
     * Returns the client's settings.
     *
     * @return the config, never null
     */
    public LedgerClientConfig config() {
        return config;
    }

    /**
     * Closes the client within {@code close.timeout.ms}; see {@link #close(Duration)}.
     */
    @Override
    public void close() {
        close(config.closeTimeout());
    }

    /**
     * Closes the client: stops accepting commands, publishes what is queued, waits for the outcomes of pending
     * requests, then stops both threads and closes the Kafka clients. Requests still pending when {@code timeout}
     * elapses fail with {@link LedgerClientClosedException}; no future is left incomplete. Idempotent and
     * thread-safe; returns within {@code timeout} plus at most 5 s for the Kafka clients to close.
     *
     * @param timeout how long to wait for pending requests and for the Kafka clients; not null, not negative
     */
    public void close(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
        } finally {
            lifecycle.writeLock().unlock();
        }
        long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
        publisher.stopWhenDrained(deadline + CLIENTS_CLOSE_GRACE.toNanos());
        if (!tracker.awaitIdle(remaining(deadline))) {
            LOG.warn(
                    "closing client {}: {} requests still pending after {} ms",
                    config.clientId(),
                    tracker.size(),
                    timeout.toMillis());
        }
        // the Kafka clients get a short grace of their own, so a zero timeout still closes them cleanly
        long clientsDeadline = Math.max(deadline, System.nanoTime()) + CLIENTS_CLOSE_GRACE.toNanos();
        publisher.stopNow();
        if (!publisher.awaitStopped(remaining(clientsDeadline))) {
            publisher.forceCloseProducer();
        }
        receiver.stop(remaining(clientsDeadline));
        receiver.awaitStopped(remaining(clientsDeadline));
        LedgerClientClosedException closedFailure = new LedgerClientClosedException(
                "the client was closed before this request's outcome arrived; it may have been applied. Resubmit"
                        + " the same Command with another client to learn its outcome (it is never applied twice)",
                null);
        publisher.drainQueue();
        int failed = tracker.failAll(p -> true, p -> closedFailure);
        closeQuietly(resources);
        LOG.info("ledger client {} closed ({} pending requests failed)", config.clientId(), failed);
    }

    private List<CompletableFuture<Outcome>> publish(List<Command> commands) {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>(commands.size());
        for (Command c : commands) {
            records.add(new ProducerRecord<>(config.commandsTopic(), c.accountId(), encode(c)));
        }
        int held = commands.size();
        tracker.acquire(held, config.enqueueTimeout());
        lifecycle.readLock().lock();
        try {
            if (closed || fatal != null) {
                tracker.release(held);
                ensureUsable();
            }
            List<Pending> entries = new ArrayList<>(commands.size());
            List<Pending> created = new ArrayList<>(commands.size());
            List<CompletableFuture<Outcome>> futures = new ArrayList<>(commands.size());
            try {
                for (Command c : commands) {
                    held--;
                    RequestTracker.Tracked tracked = tracker.track(c);
                    entries.add(tracked.pending());
                    if (tracked.created()) {
                        created.add(tracked.pending());
                    }
                    futures.add(tracked.pending().attach());
                }
            } catch (IllegalArgumentException e) {
                tracker.release(held);
                for (Pending p : created) {
                    tracker.fail(p, e);
                }
                throw e;
            }
            publisher.enqueue(new Publication(entries, records));
            return futures;
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    private byte[] encode(Command command) {
        try {
            return encoder.apply(AvroMapping.toEnvelope(command, config.clientId()));
        } catch (SerializationException e) {
            throw new LedgerClientException(
                    "could not encode " + command + " for topic " + config.commandsTopic() + ": " + e.getMessage()
                            + ". Nothing was sent. Check that the registry is reachable and the command schema is"
                            + " registered (the engine registers it at start-up; or set "
                            + LedgerClientConfig.REGISTRY_AUTO_REGISTER + "=true)",
                    e);
        }
    }

    private void ensureUsable() {
        if (closed) {
            throw new LedgerClientClosedException("the client is closed; nothing was sent", null);
        }
        LedgerClientException f = fatal;
        if (f instanceof LedgerClientFencedException) {
            throw new LedgerClientFencedException(f.getMessage(), f);
        }
        if (f instanceof LedgerAuthorizationException) {
            throw new LedgerAuthorizationException(f.getMessage(), f);
        }
        if (f != null) {
            throw new LedgerClientException("the client can no longer publish: " + f.getMessage(), f);
        }
    }

    /** The producer is unusable: fail what was not published; published requests still get their outcomes. */
    private void publisherFailed(LedgerClientException failure) {
        markFatal(failure);
        publisher.drainQueue();
        tracker.failAll(p -> !p.published(), p -> failure);
    }

    /** Outcomes can no longer be read: fail everything. */
    private void receiverFailed(LedgerClientException failure) {
        markFatal(failure);
        publisher.drainQueue();
        tracker.failAll(p -> true, p -> failure);
    }

    private void markFatal(LedgerClientException failure) {
        lifecycle.writeLock().lock();
        try {
            if (fatal == null) {
                fatal = failure;
            }
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    private static Duration remaining(long deadlineNanos) {
        return Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime()));
    }

    private static void start(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(AutoCloseable resource) {
        try {
            resource.close();
        } catch (Exception e) {
            LOG.warn("closing {} failed", resource, e);
        }
    }

    private static LedgerClientException startupFailure(LedgerClientConfig config, RuntimeException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof AuthorizationException) {
                return new LedgerAuthorizationException(
                        "the broker refused the client's principal at start-up: " + t.getMessage() + ". Grant WRITE"
                                + " and DESCRIBE on transactional ID '" + config.transactionalId() + "', WRITE on "
                                + config.commandsTopic() + " and READ on " + config.outcomesTopic(),
                        e);
            }
            if (t instanceof ProducerFencedException) {
                return new LedgerClientFencedException(
                        "another client initialized transactional ID '" + config.transactionalId() + "' while this"
                                + " one started; give each running instance its own client.id",
                        e);
            }
        }
        return new LedgerClientException(
                "could not start the client (bootstrap " + config.bootstrapServers() + "): " + e
                        + ". Check that the cluster is reachable and the engine's topics exist",
                e);
    }

    /** The production parts of a client, created in dependency order and closed again if a later one fails. */
    private static final class KafkaParts {
        final RegistryClient registry;
        final Producer<String, byte[]> producer;
        final OutcomeSource source;
        final Function<CommandEnvelope, byte[]> encoder;

        private KafkaParts(
                RegistryClient registry,
                Producer<String, byte[]> producer,
                OutcomeSource source,
                Function<CommandEnvelope, byte[]> encoder) {
            this.registry = registry;
            this.producer = producer;
            this.source = source;
            this.encoder = encoder;
        }

        static KafkaParts connect(LedgerClientConfig config) {
            RegistryClient registry = new RegistryClient(config.registry());
            OutcomeSource source = null;
            try {
                AvroSerde<CommandEnvelope> commands = new AvroSerde<>(
                        registry,
                        CommandEnvelope.class,
                        false,
                        config.registry().autoRegister());
                AvroSerde<io.ledgerstream.schemas.Outcome> outcomes =
                        new AvroSerde<>(registry, io.ledgerstream.schemas.Outcome.class, false, false);
                KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(KafkaSettings.outcomeConsumer(config));
                try {
                    List<org.apache.kafka.common.PartitionInfo> commandPartitions =
                            consumer.partitionsFor(config.commandsTopic());
                    if (commandPartitions == null || commandPartitions.isEmpty()) {
                        throw new LedgerClientException(
                                "commands topic '" + config.commandsTopic() + "' does not exist; start the engine"
                                        + " (it creates its topics) or check " + LedgerClientConfig.TOPIC_COMMANDS,
                                null);
                    }
                    source = KafkaOutcomeSource.open(
                            consumer, outcomes.deserializer(), config.outcomesTopic(), config.clientId());
                } catch (RuntimeException e) {
                    consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ZERO));
                    throw e;
                }
                Producer<String, byte[]> producer = new KafkaProducer<>(KafkaSettings.producer(config));
                String topic = config.commandsTopic();
                return new KafkaParts(registry, producer, source, envelope -> commands.serializer()
                        .serialize(topic, envelope));
            } catch (RuntimeException e) {
                if (source != null) {
                    source.close(Duration.ZERO);
                }
                registry.close();
                throw e instanceof LedgerClientException l ? l : startupFailure(config, e);
            }
        }
    }

    @Override
    public String toString() {
        return "LedgerClient[" + config.clientId() + ", inFlight=" + tracker.size() + (closed ? ", closed" : "")
                + (fatal != null ? ", failed" : "") + "]";
    }
}
