package io.ledgerstream.sdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerstream.schemas.CommandEnvelope;
import io.ledgerstream.schemas.OutcomeStatus;
import io.ledgerstream.sdk.internal.OutcomeSource;
import io.ledgerstream.sdk.internal.TransactionHook;
import io.ledgerstream.testkit.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The client's publishing, in-flight and failure behaviour on Kafka's mock producer and a fake outcome source. */
class LedgerClientTest {

    static final String CLIENT = "unit-client";
    static final String TOPIC = "ledger.commands";
    static final Duration WAIT = Duration.ofSeconds(10);

    private final List<LedgerClient> clients = new ArrayList<>();
    private final FakeOutcomes outcomes = new FakeOutcomes();
    private FlakyProducer producer;

    @AfterEach
    void closeClients() {
        clients.forEach(c -> c.close(Duration.ofSeconds(1)));
    }

    private LedgerClient client(Map<String, Object> overrides) {
        return client(overrides, TransactionHook.NONE, LedgerClientTest::encode);
    }

    private LedgerClient client(
            Map<String, Object> overrides,
            TransactionHook hook,
            java.util.function.Function<CommandEnvelope, byte[]> encoder) {
        Map<String, Object> m = new HashMap<>();
        m.put("bootstrap.servers", "localhost:9092");
        m.put("registry.url", "http://localhost:8080/apis/ccompat/v7");
        m.put("client.id", CLIENT);
        m.put("retry.backoff.ms", 1L);
        m.put("retry.backoff.max.ms", 5L);
        m.putAll(overrides);
        producer = new FlakyProducer();
        LedgerClient client =
                new LedgerClient(LedgerClientConfig.fromMap(m), producer, outcomes, encoder, hook, () -> {});
        clients.add(client);
        return client;
    }

    private static Map<String, Object> settings(Object... keyValues) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    static io.ledgerstream.schemas.Outcome accepted(Command c, String replyTo, boolean replay) {
        return io.ledgerstream.schemas.Outcome.newBuilder()
                .setRequestId(c.requestId())
                .setAccountId(c.accountId())
                .setCommandType(c.type().wireName())
                .setStatus(OutcomeStatus.ACCEPTED)
                .setReason(null)
                .setDetail(null)
                .setCurrentVersion(1)
                .setAccounts(List.of(new io.ledgerstream.schemas.AccountSnapshot(c.accountId(), 1L, 5L, 5L, "EUR")))
                .setReplay(replay)
                .setReplyTo(replyTo)
                .setProcessedAtMs(System.currentTimeMillis())
                .build();
    }

    private List<String> publishedRequestIds() {
        List<String> ids = new ArrayList<>();
        for (ProducerRecord<String, byte[]> r : producer.history()) {
            ids.add(decode(r.value()).getRequestId());
        }
        return ids;
    }

    static byte[] encode(CommandEnvelope envelope) {
        try {
            return envelope.toByteBuffer().array();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static CommandEnvelope decode(byte[] bytes) {
        try {
            return CommandEnvelope.getDecoder().decode(bytes);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static <T> T await(String what, Supplier<T> probe) {
        return Await.awaitValue(WAIT, what, () -> java.util.Optional.ofNullable(probe.get()));
    }

    private static Throwable failureOf(CompletableFuture<Outcome> future) {
        try {
            future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError("future did not fail within " + WAIT + ": " + e, e);
        }
        throw new AssertionError("future completed normally");
    }

    private static Outcome outcomeOf(CompletableFuture<Outcome> future) throws Exception {
        return future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Test
    void shouldCompleteTheFutureWithTheEnginesOutcome() throws Exception {
        LedgerClient client = client(Map.of());
        Command deposit = Command.deposit("alice", 5, "EUR");

        CompletableFuture<Outcome> future = client.submit(deposit);
        await("the deposit was committed", () -> producer.commitCount() >= 1 ? true : null);
        outcomes.deliver(accepted(deposit, CLIENT, false));

        Outcome outcome = outcomeOf(future);
        assertThat(outcome.isAccepted()).isTrue();
        assertThat(outcome.requestId()).isEqualTo(deposit.requestId());
        assertThat(outcome.account("alice"))
                .hasValueSatisfying(a -> assertThat(a.balance()).isEqualTo(5));
        assertThat(publishedRequestIds()).containsExactly(deposit.requestId());
        assertThat(client.inFlightRequests()).isZero();
    }

    @Test
    void shouldReuseTheRequestIdWhenTheSameCommandIsResubmittedAfterATimeout() throws Exception {
        LedgerClient client = client(settings("request.timeout.ms", 200L));
        Command deposit = Command.deposit("alice", 5, "EUR");

        Throwable first = failureOf(client.submit(deposit));
        assertThat(first).isInstanceOf(LedgerTimeoutException.class).hasMessageContaining(deposit.requestId());

        CompletableFuture<Outcome> retry = client.submit(deposit);
        await("the retry was committed", () -> producer.history().size() == 2 ? true : null);
        outcomes.deliver(accepted(deposit, CLIENT, true));

        assertThat(outcomeOf(retry).replay()).isTrue();
        assertThat(publishedRequestIds()).containsExactly(deposit.requestId(), deposit.requestId());
    }

    @Test
    void shouldShareOneRequestWhenTheSameCommandIsSubmittedWhileInFlight() throws Exception {
        LedgerClient client = client(Map.of());
        Command deposit = Command.deposit("alice", 5, "EUR");

        CompletableFuture<Outcome> first = client.submit(deposit);
        CompletableFuture<Outcome> second = client.submit(deposit);
        assertThat(second).isNotSameAs(first);
        await("the deposit was committed", () -> producer.commitCount() >= 1 ? true : null);
        outcomes.deliver(accepted(deposit, CLIENT, false));

        assertThat(outcomeOf(first)).isEqualTo(outcomeOf(second));
        assertThat(publishedRequestIds()).containsExactly(deposit.requestId());
    }

    @Test
    void shouldRefuseAnotherPayloadUnderARequestIdInFlight() {
        LedgerClient client = client(Map.of());
        client.submit(Command.withRequestId("req-1").deposit("alice", 5, "EUR"));

        assertThatThrownBy(() -> client.submit(Command.withRequestId("req-1").deposit("alice", 6, "EUR")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("req-1");
        assertThat(client.inFlightRequests()).isEqualTo(1);
    }

    @Test
    void shouldPublishASubmitAllInOneTransactionWithOneFuturePerCommand() throws Exception {
        LedgerClient client = client(Map.of());
        List<Command> batch = List.of(
                Command.deposit("alice", 1, "EUR"),
                Command.deposit("bob", 2, "EUR"),
                Command.withdraw("carol", 3, "EUR"));

        List<CompletableFuture<Outcome>> futures = client.submitAll(batch);
        await("the batch was committed", () -> producer.commitCount() >= 1 ? true : null);

        assertThat(producer.commitCount()).isEqualTo(1);
        assertThat(publishedRequestIds())
                .containsExactly(
                        batch.get(0).requestId(),
                        batch.get(1).requestId(),
                        batch.get(2).requestId());
        for (Command c : batch) {
            outcomes.deliver(accepted(c, CLIENT, false));
        }
        for (int i = 0; i < batch.size(); i++) {
            assertThat(outcomeOf(futures.get(i)).requestId())
                    .isEqualTo(batch.get(i).requestId());
        }
    }

    @Test
    void shouldRejectInvalidSubmitAllArguments() {
        LedgerClient client = client(settings("max.in.flight.requests", 2));
        Command a = Command.deposit("alice", 1, "EUR");

        assertThatThrownBy(() -> client.submitAll(List.of())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> client.submitAll(List.of(a, a)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("twice");
        assertThatThrownBy(() -> client.submitAll(
                        List.of(a, Command.deposit("bob", 1, "EUR"), Command.deposit("carol", 1, "EUR"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("max.in.flight.requests");
    }

    @Test
    void shouldFailWithBackpressureWhenTheInFlightBoundStaysFull() {
        LedgerClient client = client(settings("max.in.flight.requests", 2, "enqueue.timeout.ms", 200L));
        client.submit(Command.deposit("alice", 1, "EUR"));
        client.submit(Command.deposit("alice", 2, "EUR"));

        long start = System.nanoTime();
        assertThatThrownBy(() -> client.submit(Command.deposit("alice", 3, "EUR")))
                .isInstanceOf(LedgerBackpressureException.class)
                .hasMessageContaining("max.in.flight.requests=2")
                .hasMessageContaining("nothing was sent");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(190));
        assertThat(client.inFlightRequests()).isEqualTo(2);
    }

    @Test
    void shouldBlockASubmitUntilAnOutcomeFreesRoom() throws Exception {
        LedgerClient client = client(settings("max.in.flight.requests", 1, "enqueue.timeout.ms", 30_000L));
        Command first = Command.deposit("alice", 1, "EUR");
        Command second = Command.deposit("alice", 2, "EUR");
        CompletableFuture<Outcome> firstFuture = client.submit(first);
        AtomicBoolean returned = new AtomicBoolean();
        Thread submitter = new Thread(() -> {
            client.submit(second);
            returned.set(true);
        });
        submitter.start();
        Await.await(
                WAIT,
                "the second submit blocks for room",
                () -> submitter.getState() == Thread.State.TIMED_WAITING
                        || submitter.getState() == Thread.State.WAITING);
        assertThat(returned).isFalse();

        outcomes.deliver(accepted(first, CLIENT, false));

        outcomeOf(firstFuture);
        submitter.join(WAIT.toMillis());
        assertThat(returned).isTrue();
        assertThat(client.inFlightRequests()).isEqualTo(1);
    }

    @Test
    void shouldRetryARetriableFailureWithTheSameRequestIds() throws Exception {
        LedgerClient client = client(settings("retries.max", 3));
        producer.failNextSends(2, () -> new TimeoutException("simulated metadata timeout"));
        Command deposit = Command.deposit("alice", 5, "EUR");

        CompletableFuture<Outcome> future = client.submit(deposit);
        await("the deposit was committed after retries", () -> producer.commitCount() >= 1 ? true : null);
        outcomes.deliver(accepted(deposit, CLIENT, false));

        assertThat(outcomeOf(future).isAccepted()).isTrue();
        assertThat(producer.abortCount.get()).isEqualTo(2);
        assertThat(publishedRequestIds()).containsExactly(deposit.requestId());
    }

    @Test
    void shouldFailAfterBoundedRetriesAndStayUsable() throws Exception {
        LedgerClient client = client(settings("retries.max", 2));
        producer.failNextSends(3, () -> new TimeoutException("simulated metadata timeout"));

        Throwable failure = failureOf(client.submit(Command.deposit("alice", 5, "EUR")));

        assertThat(failure)
                .isExactlyInstanceOf(LedgerClientException.class)
                .hasMessageContaining("after 3 attempts")
                .hasMessageContaining("nothing of it is visible");
        assertThat(producer.history()).isEmpty();
        Command next = Command.deposit("alice", 6, "EUR");
        CompletableFuture<Outcome> ok = client.submit(next);
        outcomes.deliver(accepted(next, CLIENT, false));
        assertThat(outcomeOf(ok).isAccepted()).isTrue();
    }

    @Test
    void shouldNotRetryANonRetriableFailure() {
        LedgerClient client = client(settings("retries.max", 5));
        producer.failNextSends(1, () -> new RecordTooLargeException("simulated"));

        Throwable failure = failureOf(client.submit(Command.deposit("alice", 5, "EUR")));

        assertThat(failure).isExactlyInstanceOf(LedgerClientException.class).hasMessageContaining("RecordTooLarge");
        assertThat(producer.abortCount.get()).isEqualTo(1);
    }

    @Test
    void shouldSurfaceAnAuthorizationFailureWithWhatToGrant() {
        LedgerClient client = client(Map.of());
        producer.failNextSends(1, () -> new TopicAuthorizationException("not allowed"));

        Throwable failure = failureOf(client.submit(Command.deposit("alice", 5, "EUR")));

        assertThat(failure)
                .isInstanceOf(LedgerAuthorizationException.class)
                .hasMessageContaining("WRITE")
                .hasMessageContaining("ledgerstream-sdk-" + CLIENT);
    }

    @Test
    void shouldFailUnpublishedRequestsAndRefuseNewOnesWhenFenced() throws Exception {
        LedgerClient client = client(Map.of());
        Command published = Command.deposit("alice", 1, "EUR");
        CompletableFuture<Outcome> publishedFuture = client.submit(published);
        await("the first deposit was committed", () -> producer.commitCount() >= 1 ? true : null);

        producer.fenceProducer();
        Throwable failure = failureOf(client.submit(Command.deposit("alice", 2, "EUR")));

        assertThat(failure)
                .isInstanceOf(LedgerClientFencedException.class)
                .hasMessageContaining("ledgerstream-sdk-" + CLIENT)
                .hasMessageContaining("client.id");
        assertThatThrownBy(() -> client.submit(Command.deposit("alice", 3, "EUR")))
                .isInstanceOf(LedgerClientFencedException.class);
        outcomes.deliver(accepted(published, CLIENT, false));
        assertThat(outcomeOf(publishedFuture).isAccepted()).isTrue();
    }

    @Test
    void shouldIgnoreOtherClientsAndLateOutcomes() throws Exception {
        LedgerClient client = client(Map.of());
        Command deposit = Command.deposit("alice", 5, "EUR");
        CompletableFuture<Outcome> future = client.submit(deposit);

        outcomes.deliver(accepted(deposit, "another-client", false));
        outcomes.deliver(accepted(Command.deposit("zed", 1, "EUR"), CLIENT, false));
        outcomes.deliver(accepted(deposit, CLIENT, false));
        outcomes.deliver(accepted(deposit, CLIENT, true));

        assertThat(outcomeOf(future).replay()).isFalse();
        assertThat(client.inFlightRequests()).isZero();
    }

    @Test
    void shouldThrowWithoutSendingWhenACommandCannotBeEncoded() {
        LedgerClient client = client(Map.of(), TransactionHook.NONE, envelope -> {
            throw new SerializationException("schema not registered");
        });

        assertThatThrownBy(() -> client.submit(Command.deposit("alice", 5, "EUR")))
                .isInstanceOf(LedgerClientException.class)
                .hasMessageContaining("schema not registered")
                .hasMessageContaining("Nothing was sent");
        assertThat(client.inFlightRequests()).isZero();
    }

    @Test
    void shouldFailEveryPendingFutureOnCloseAndRefuseNewSubmits() {
        LedgerClient client = client(Map.of());
        CompletableFuture<Outcome> pending = client.submit(Command.deposit("alice", 5, "EUR"));

        client.close(Duration.ofMillis(300));

        assertThat(failureOf(pending)).isInstanceOf(LedgerClientClosedException.class);
        assertThat(producer.closed()).isTrue();
        assertThat(outcomes.closed).isTrue();
        assertThatThrownBy(() -> client.submit(Command.deposit("alice", 1, "EUR")))
                .isInstanceOf(LedgerClientClosedException.class);
        client.close(); // idempotent
    }

    @Test
    void shouldWaitForPendingOutcomesOnClose() throws Exception {
        LedgerClient client = client(Map.of());
        Command deposit = Command.deposit("alice", 5, "EUR");
        CompletableFuture<Outcome> pending = client.submit(deposit);
        await("the deposit was committed", () -> producer.commitCount() >= 1 ? true : null);
        Thread closer = new Thread(() -> client.close(Duration.ofSeconds(30)));
        closer.start();
        Await.await(
                WAIT, "close() waits for the pending outcome", () -> closer.getState() == Thread.State.TIMED_WAITING);

        outcomes.deliver(accepted(deposit, CLIENT, false));

        assertThat(outcomeOf(pending).isAccepted()).isTrue();
        closer.join(WAIT.toMillis());
        assertThat(closer.isAlive()).isFalse();
    }

    @Test
    void shouldNameItsThreads() {
        client(Map.of());

        assertThat(Thread.getAllStackTraces().keySet())
                .extracting(Thread::getName)
                .contains("ledger-client-" + CLIENT + "-publisher", "ledger-client-" + CLIENT + "-outcomes");
    }

    /** A mock producer on an 8-partition commands topic that can fail its next sends. */
    static final class FlakyProducer extends MockProducer<String, byte[]> {
        final AtomicInteger abortCount = new AtomicInteger();
        private final AtomicInteger failures = new AtomicInteger();
        private volatile Supplier<RuntimeException> failure;

        FlakyProducer() {
            super(cluster(), true, new ConsistentHashPartitioner(), new StringSerializer(), new ByteArraySerializer());
        }

        void failNextSends(int count, Supplier<RuntimeException> what) {
            failure = what;
            failures.set(count);
        }

        @Override
        public synchronized java.util.concurrent.Future<RecordMetadata> send(
                ProducerRecord<String, byte[]> record, Callback callback) {
            if (failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw failure.get();
            }
            return super.send(record, callback);
        }

        @Override
        public void abortTransaction() {
            abortCount.incrementAndGet();
            super.abortTransaction();
        }

        private static Cluster cluster() {
            Node node = new Node(0, "localhost", 9092);
            List<PartitionInfo> partitions = new ArrayList<>();
            for (int p = 0; p < 8; p++) {
                partitions.add(new PartitionInfo(TOPIC, p, node, new Node[] {node}, new Node[] {node}));
            }
            return new Cluster("unit", List.of(node), partitions, java.util.Set.of(), java.util.Set.of());
        }
    }

    /** Outcomes delivered by the test; {@link #wakeup()} interrupts a poll like Kafka's consumer does. */
    static final class FakeOutcomes implements OutcomeSource {
        private static final Object WAKEUP = new Object();
        private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
        volatile boolean closed;

        void deliver(io.ledgerstream.schemas.Outcome outcome) {
            queue.add(outcome);
        }

        @Override
        public List<io.ledgerstream.schemas.Outcome> poll(Duration timeout) {
            List<io.ledgerstream.schemas.Outcome> out = new ArrayList<>();
            try {
                Object first = queue.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
                for (Object o = first; o != null; o = queue.poll()) {
                    if (o == WAKEUP) {
                        if (out.isEmpty()) {
                            throw new WakeupException();
                        }
                        queue.add(WAKEUP);
                        break;
                    }
                    out.add((io.ledgerstream.schemas.Outcome) o);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return out;
        }

        @Override
        public void wakeup() {
            queue.add(WAKEUP);
        }

        @Override
        public void close(Duration timeout) {
            closed = true;
        }
    }
}
