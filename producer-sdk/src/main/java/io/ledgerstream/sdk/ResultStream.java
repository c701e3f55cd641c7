package io.ledgerstream.sdk;

import io.ledgerstream.schemas.LedgerEvent;
import io.ledgerstream.sdk.internal.AvroMapping;
import io.ledgerstream.sdk.internal.KafkaSettings;
import io.ledgerstream.serde.AvroSerde;
import io.ledgerstream.serde.RegistryClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes the ledger's outcomes or events as decoded, typed records, for projections, notifications and audits.
 *
 * <pre>{@code
 * try (ResultStream<LedgerEvent> events =
 *         ResultStream.events(config, "statement-builder", StartPosition.fromCommitted())) {
 *     events.run(record -> statements.apply(record.value())); // blocks until close() or a handler failure
 * }
 * }</pre>
 *
 * <p><b>Guarantees.</b> The consumer is always {@code read_committed}: it sees only what the engine committed, never
 * an aborted write. Records of one partition reach the handler in log order. Offsets are committed only after the
 * handler returned for every record before them, after each poll batch and on rebalance and close, so a record is
 * never skipped: a crash of your process replays at most the records handled since the last commit (at most {@code
 * stream.poll.records.max}), hence <i>at-least-once</i>. Make the handler idempotent, e.g. by {@code (accountId,
 * version)} for events (versions are gapless per account) or by request ID for outcomes.
 *
 * <p><b>Failures.</b> If the handler throws, the offsets of the records it finished are committed, the stream stops
 * and {@link #run} throws a {@link LedgerClientException} naming the record; a restart with {@link
 * StartPosition#fromCommitted()} resumes at that record. A record that cannot be decoded stops the stream the same
 * way (it is never skipped silently).
 *
 * <p><b>Backpressure.</b> The handler runs on the polling thread, and each poll fetches at most {@code
 * stream.poll.records.max} records, so the stream never reads further ahead than the handler. A handler slower than
 * the consumer's {@code max.poll.interval.ms} per batch loses its partitions (they are reassigned; uncommitted
 * records are redelivered).
 *
 * <p><b>Thread-safety.</b> {@link #run} is called once, by one thread; {@link #close()} may be called from any
 * thread, and makes {@code run} return after the current record.
 *
 * @param <T> the record value type: {@link Outcome} or {@link LedgerEvent}
 */
public final class ResultStream<T> implements AutoCloseable {

    /**
     * Handles one record of a {@link ResultStream}; called on the thread that called {@link ResultStream#run}.
     *
     * @param <T> the record value type
     */
    @FunctionalInterface
    public interface Handler<T> {
        /**
         * Handles a record. When this returns, the record counts as done and its offset may be committed.
         *
         * @param record the record; never null
         * @throws Exception to stop the stream; the record is delivered again after a restart
         */
        void handle(StreamRecord<T> record) throws Exception;
    }

    private enum State {
        NEW,
        RUNNING,
        CLOSED
    }

    private static final Logger LOG = LoggerFactory.getLogger(ResultStream.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);

    private final Consumer<byte[], byte[]> consumer;
    private final String topic;
    private final StartPosition start;
    private final Function<ConsumerRecord<byte[], byte[]>, T> decoder;
    private final AutoCloseable resources;
    private final Duration closeTimeout;
    private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Map<TopicPartition, OffsetAndMetadata> handled = new HashMap<>();
    private final Set<TopicPartition> positioned = new HashSet<>();
    private volatile boolean closing;
    private volatile Thread runner;

    /**
     * Creates a stream on a given consumer (unit tests use Kafka's mock consumer).
     *
     * @param consumer a consumer configured with a group, read_committed and no auto-commit; owned by the stream
     * @param topic the topic to subscribe to
     * @param start where to start in partitions this instance has not read yet
     * @param decoder decodes a record's value; throws on a record it cannot decode
     * @param resources closed with the stream
     * @param closeTimeout how long closing the consumer may take
     */
    ResultStream(
            Consumer<byte[], byte[]> consumer,
            String topic,
            StartPosition start,
            Function<ConsumerRecord<byte[], byte[]>, T> decoder,
            AutoCloseable resources,
            Duration closeTimeout) {
        this.consumer = Objects.requireNonNull(consumer, "consumer");
        this.topic = Objects.requireNonNull(topic, "topic");
        this.start = Objects.requireNonNull(start, "start");
        this.decoder = Objects.requireNonNull(decoder, "decoder");
        this.resources = Objects.requireNonNull(resources, "resources");
        this.closeTimeout = Objects.requireNonNull(closeTimeout, "closeTimeout");
    }

    /**
     * Creates a stream of every outcome on the outcomes topic (all reply targets), e.g. for notifications.
     * Outcomes re-emitted for retried requests appear again with {@link Outcome#replay()} set.
     *
     * @param config connection settings ({@code bootstrap.servers}, {@code registry.*}, {@code topic.outcomes},
     *     {@code kafka.*}); not null
     * @param groupId the consumer group whose committed offsets the stream uses and advances; not blank
     * @param start where to start reading partitions this instance has not read yet; not null
     * @return a new stream; call {@link #run} to consume, {@link #close()} to stop
     * @throws IllegalArgumentException if {@code groupId} is blank
     */
    public static ResultStream<Outcome> outcomes(LedgerClientConfig config, String groupId, StartPosition start) {
        return create(
                config,
                groupId,
                start,
                config.outcomesTopic(),
                "outcomes",
                io.ledgerstream.schemas.Outcome.class,
                AvroMapping::toOutcome);
    }

    /**
     * Creates a stream of ledger events: every applied change, per account in version order, hash-chained.
     *
     * @param config connection settings ({@code bootstrap.servers}, {@code registry.*}, {@code topic.events}, {@code
     *     kafka.*}); not null
     * @param groupId the consumer group whose committed offsets the stream uses and advances; not blank
     * @param start where to start reading partitions this instance has not read yet; not null
     * @return a new stream; call {@link #run} to consume, {@link #close()} to stop
     * @throws IllegalArgumentException if {@code groupId} is blank
     */
    public static ResultStream<LedgerEvent> events(LedgerClientConfig config, String groupId, StartPosition start) {
        return create(config, groupId, start, config.eventsTopic(), "events", LedgerEvent.class, Function.identity());
    }

    private static <A extends org.apache.avro.specific.SpecificRecord, T> ResultStream<T> create(
            LedgerClientConfig config,
            String groupId,
            StartPosition start,
            String topic,
            String role,
            Class<A> avroType,
            Function<A, T> mapping) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(groupId, "groupId");
        Objects.requireNonNull(start, "start");
        if (groupId.isBlank()) {
            throw new IllegalArgumentException("groupId must not be blank");
        }
        RegistryClient registry = new RegistryClient(config.registry());
        try {
            AvroSerde<A> serde = new AvroSerde<>(registry, avroType, false, false);
            KafkaConsumer<byte[], byte[]> consumer =
                    new KafkaConsumer<>(KafkaSettings.streamConsumer(config, groupId, role));
            Function<ConsumerRecord<byte[], byte[]>, T> decoder =
                    r -> mapping.apply(serde.deserializer().deserialize(r.topic(), r.headers(), r.value()));
            return new ResultStream<>(consumer, topic, start, decoder, registry, config.closeTimeout());
        } catch (RuntimeException e) {
            registry.close();
            throw e;
        }
    }

    /**
     * Consumes records and hands each to {@code handler}, until {@link #close()} is called or the handler fails.
     * Blocks the calling thread. May be called once.
     *
     * @param handler called once per record, in partition order; not null
     * @throws LedgerClientException if the handler threw (the cause) or a record could not be decoded; offsets of the
     *     records handled before are committed
     * @throws LedgerAuthorizationException if the broker refuses to let the principal read the topic or use the group
     * @throws IllegalStateException if {@code run} was called before or the stream is closed
     */
    public void run(Handler<T> handler) {
        Objects.requireNonNull(handler, "handler");
        if (!state.compareAndSet(State.NEW, State.RUNNING)) {
            throw new IllegalStateException("run() may be called once, on an open stream; state " + state.get());
        }
        runner = Thread.currentThread();
        try {
            consumer.subscribe(List.of(topic), new Positioner());
            while (!closing) {
                ConsumerRecords<byte[], byte[]> records;
                try {
                    records = consumer.poll(POLL_TIMEOUT);
                } catch (WakeupException e) {
                    continue; // close() was called: the loop condition ends the loop
                }
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    if (closing) {
                        break; // the rest of the batch is not handled, so not committed: read again next time
                    }
                    StreamRecord<T> record =
                            new StreamRecord<>(r.topic(), r.partition(), r.offset(), r.timestamp(), key(r), decode(r));
                    try {
                        handler.handle(record);
                    } catch (Exception e) {
                        throw new LedgerClientException(
                                "the handler failed on " + r.topic() + "-" + r.partition() + "@" + r.offset()
                                        + "; the records before it are committed. Fix the cause and run the stream"
                                        + " again from committed offsets: it resumes at this record",
                                e);
                    }
                    handled.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                }
                commitHandled();
            }
        } catch (AuthorizationException e) {
            throw new LedgerAuthorizationException(
                    "the broker refused to let this principal read " + topic + " or use its consumer group: "
                            + e.getMessage() + ". Grant READ on the topic and on the group, then run again",
                    e);
        } finally {
            try {
                commitHandled();
            } catch (RuntimeException e) {
                LOG.warn(
                        "final offset commit of the {} stream failed; uncommitted records will be read again",
                        topic,
                        e);
            }
            shutdown();
        }
    }

    /** Stops the stream within {@code close.timeout.ms}; see {@link #close(Duration)}. */
    @Override
    public void close() {
        close(closeTimeout);
    }

    /**
     * Stops the stream: {@link #run} returns after the record being handled, having committed the offsets of every
     * handled record, and the consumer leaves its group. Waits up to {@code timeout} for that (not at all when called
     * from the handler itself). Idempotent and thread-safe.
     *
     * @param timeout how long to wait for {@code run} to return; not null
     */
    public void close(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        closing = true;
        if (state.compareAndSet(State.NEW, State.CLOSED)) {
            shutdown();
            return;
        }
        try {
            consumer.wakeup();
        } catch (IllegalStateException alreadyClosed) {
            // run() finished meanwhile; the latch below is already open or about to be
        }
        if (Thread.currentThread() == runner) {
            return;
        }
        try {
            if (!finished.await(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS)) {
                LOG.warn("the {} stream's handler did not return within {} ms of close()", topic, timeout.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private T decode(ConsumerRecord<byte[], byte[]> r) {
        try {
            return Objects.requireNonNull(decoder.apply(r), "decoded value");
        } catch (SerializationException | IllegalArgumentException | NullPointerException e) {
            throw new LedgerClientException(
                    "cannot decode the record at " + r.topic() + "-" + r.partition() + "@" + r.offset() + ": "
                            + e.getMessage() + ". The stream stopped without skipping it; check the registry and the"
                            + " record, then run again",
                    e);
        }
    }

    private static String key(ConsumerRecord<byte[], byte[]> r) {
        return r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
    }

    private void commitHandled() {
        if (handled.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = Map.copyOf(handled);
        for (int attempt = 0; ; attempt++) {
            try {
                consumer.commitSync(offsets);
                handled.keySet().removeAll(offsets.keySet());
                return;
            } catch (WakeupException e) {
                if (attempt > 0) {
                    throw e; // a second wakeup: give up; the records will be read again
                }
                // close() woke the consumer while the handler ran: the wakeup is consumed, commit again
            } catch (CommitFailedException | RebalanceInProgressException e) {
                LOG.warn(
                        "could not commit offsets of the {} stream ({}); the partitions moved to another member,"
                                + " which will read the uncommitted records again",
                        topic,
                        e.getMessage());
                handled.clear();
                return;
            }
        }
    }

    private void shutdown() {
        state.set(State.CLOSED);
        try {
            consumer.close(CloseOptions.timeout(closeTimeout));
        } catch (RuntimeException e) {
            LOG.warn("closing the {} stream's consumer failed", topic, e);
        }
        try {
            resources.close();
        } catch (Exception e) {
            LOG.warn("closing the {} stream's registry client failed", topic, e);
        } finally {
            finished.countDown();
        }
    }

    /** Commits on revocation and positions partitions this instance reads for the first time. */
    private final class Positioner implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            commitHandled();
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            handled.keySet().removeAll(partitions); // no longer ours: committing would fail
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            Set<TopicPartition> fresh = new HashSet<>(partitions);
            fresh.removeAll(positioned);
            positioned.addAll(fresh);
            if (fresh.isEmpty()) {
                return;
            }
            switch (start.kind()) {
                case FROM_START -> consumer.seekToBeginning(fresh);
                case FROM_END -> consumer.seekToEnd(fresh);
                case FROM_COMMITTED -> {
                    // committed offsets, else auto.offset.reset=earliest
                }
                case FROM_TIMESTAMP -> {
                    long ms = start.timestamp().orElseThrow().toEpochMilli();
                    Map<TopicPartition, Long> query = new HashMap<>();
                    fresh.forEach(tp -> query.put(tp, ms));
                    Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query);
                    for (TopicPartition tp : fresh) {
                        OffsetAndTimestamp at = found.get(tp);
                        if (at == null) {
                            consumer.seekToEnd(List.of(tp));
                        } else {
                            consumer.seek(tp, at.offset());
                        }
                    }
                }
            }
            LOG.info("{} stream positioned {} at {}", topic, fresh, start);
        }
    }
}
