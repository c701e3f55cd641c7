package io.ledgerstream.bench;

import io.ledgerstream.core.AccountState;
import io.ledgerstream.core.Decision;
import io.ledgerstream.core.Deposit;
import io.ledgerstream.core.Ledger;
import io.ledgerstream.core.LedgerEvent;
import io.ledgerstream.core.OpenAccount;
import io.ledgerstream.core.Request;
import io.ledgerstream.core.Transfer;
import io.ledgerstream.core.Withdraw;
import io.ledgerstream.engine.Codec;
import io.ledgerstream.serde.AvroSerde;
import io.ledgerstream.serde.RegistryClient;
import io.ledgerstream.serde.RegistryClientConfig;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes a valid ledger to an events topic without the engine, so that the audit replay can be measured over
 * millions of events (the engine's own ledger from an {@code e2e} run is a few hundred thousand events, which a raw
 * consumer reads in a fraction of a second). The events are what the engine writes: decided and evolved by the same
 * core ({@link Ledger#decide}, {@link Ledger#decideLocalTransfer}, {@link Ledger#decideCredit}), keyed by account,
 * on the account's consistent-hash partition, in the registry's wire format, by a transactional producer that commits
 * every {@code recordsPerTransaction} records (so the log carries transaction markers like the engine's). The mix is
 * the benchmark's {@link Workload} (70% transfers, half of them across partitions; 20% deposits; 10% withdrawals),
 * request IDs are random UUID strings like the SDK's, and every account is opened first.
 *
 * <p>Not thread-safe: one controlling thread.
 */
final class AuditLedger {

    /** Most events one run may write. */
    static final long EVENTS_MAX = 50_000_000L;

    private static final long OVERDRAFT = 1_000_000_000L;
    private static final long AMOUNT_MAX = 1_000;

    private AuditLedger() {}

    /** What was written. */
    record Written(long events, long requests, long transactions, long rejected, double seconds) {}

    /**
     * Writes about {@code events} events (at least that many, at most one more: a transfer writes two).
     *
     * @param env the broker and registry; the topic must exist with {@code partitions} partitions
     * @param topic the events topic
     * @param partitions its partition count
     * @param accounts accounts to open, >= 2
     * @param events events to write, [accounts, {@link #EVENTS_MAX}]
     * @param recordsPerTransaction records per producer transaction, >= 1
     * @param seed random seed
     */
    static Written write(
            Environment env,
            String topic,
            int partitions,
            int accounts,
            long events,
            int recordsPerTransaction,
            long seed) {
        if (events < accounts || events > EVENTS_MAX) {
            throw new IllegalArgumentException(
                    "events must be in [accounts=" + accounts + ", " + EVENTS_MAX + "], was " + events);
        }
        if (recordsPerTransaction < 1) {
            throw new IllegalArgumentException("recordsPerTransaction must be >= 1, was " + recordsPerTransaction);
        }
        Workload workload = new Workload(accounts, partitions, Workload.Mix.DEFAULT, AMOUNT_MAX);
        long start = System.nanoTime();
        try (RegistryClient client = new RegistryClient(
                        RegistryClientConfig.fromMap(Map.of(RegistryClientConfig.URL, env.registryUrl())));
                KafkaProducer<byte[], byte[]> producer = producer(env, seed)) {
            AvroSerde<io.ledgerstream.schemas.LedgerEvent> serde =
                    new AvroSerde<>(client, io.ledgerstream.schemas.LedgerEvent.class, false, true);
            Writer out = new Writer(producer, serde, topic, workload, recordsPerTransaction);
            Generated generated = generate(workload, events, seed, out);
            out.finish();
            return new Written(
                    out.written,
                    generated.requests(),
                    out.transactions,
                    generated.rejected(),
                    (System.nanoTime() - start) / 1e9);
        }
    }

    /** Receives the generated events in order, each with the index of its account in the workload. */
    interface Sink {
        void accept(int account, LedgerEvent event);
    }

    /** What {@link #generate} produced. */
    record Generated(long events, long requests, long rejected) {}

    /**
     * Generates about {@code events} events (at least that many, at most one more) over the workload's accounts: every
     * account opened first, then the workload's mix, each decided and evolved by the core.
     */
    static Generated generate(Workload workload, long events, long seed, Sink out) {
        int accounts = workload.accounts();
        SplittableRandom random = new SplittableRandom(seed);
        AccountState[] states = new AccountState[accounts];
        long now = System.currentTimeMillis() - 3_600_000;
        long requests = 0;
        long rejected = 0;
        long written = 0;
        for (int i = 0; i < accounts; i++) {
            String id = Workload.accountId(i);
            LedgerEvent opened = accepted(Ledger.decide(
                            request(random, new OpenAccount(id, Workload.CURRENCY, OVERDRAFT)), null, now))
                    .get(0);
            states[i] = Ledger.evolve(null, opened);
            out.accept(i, opened);
            written++;
            requests++;
        }
        while (written < events) {
            now += random.nextInt(2); // about two events per millisecond of event time
            Workload.Kind kind = workload.nextKind(random);
            int from = random.nextInt(accounts);
            long amount = 1 + random.nextLong(AMOUNT_MAX);
            String fromId = Workload.accountId(from);
            requests++;
            switch (kind) {
                case DEPOSIT, WITHDRAW -> {
                    Request r = request(
                            random,
                            kind == Workload.Kind.DEPOSIT
                                    ? new Deposit(fromId, amount, Workload.CURRENCY)
                                    : new Withdraw(fromId, amount, Workload.CURRENCY));
                    Decision d = Ledger.decide(r, states[from], now);
                    if (d instanceof Decision.Accepted a) {
                        states[from] = Ledger.evolve(states[from], a.events().get(0));
                        out.accept(from, a.events().get(0));
                        written++;
                    } else {
                        rejected++;
                    }
                }
                case TRANSFER_LOCAL, TRANSFER_CROSS -> {
                    int to = workload.destination(random, from, kind == Workload.Kind.TRANSFER_CROSS);
                    String toId = Workload.accountId(to);
                    Request r = request(random, new Transfer(fromId, toId, amount, Workload.CURRENCY));
                    Decision d = kind == Workload.Kind.TRANSFER_LOCAL
                            ? Ledger.decideLocalTransfer(r, states[from], states[to], now)
                            : Ledger.decide(r, states[from], now);
                    if (!(d instanceof Decision.Accepted a)) {
                        rejected++;
                        continue;
                    }
                    LedgerEvent debit = a.events().get(0);
                    states[from] = Ledger.evolve(states[from], debit);
                    out.accept(from, debit);
                    LedgerEvent credit = kind == Workload.Kind.TRANSFER_LOCAL
                            ? a.events().get(1)
                            : accepted(Ledger.decideCredit(
                                            r.requestId(), fromId, amount, Workload.CURRENCY, states[to], now))
                                    .get(0);
                    states[to] = Ledger.evolve(states[to], credit);
                    out.accept(to, credit);
                    written += 2;
                }
            }
        }
        return new Generated(written, requests, rejected);
    }

    private static Request request(SplittableRandom random, io.ledgerstream.core.Command command) {
        return new Request(new UUID(random.nextLong(), random.nextLong()).toString(), OptionalLong.empty(), command);
    }

    private static List<LedgerEvent> accepted(Decision decision) {
        if (decision instanceof Decision.Accepted a) {
            return a.events();
        }
        throw new IllegalStateException("the generator's own command was rejected: " + decision);
    }

    private static KafkaProducer<byte[], byte[]> producer(Environment env, long seed) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, env.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "bench-audit-ledger-" + seed + "-" + System.nanoTime());
        p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Sends events in transactions of a fixed number of records. */
    private static final class Writer implements Sink {
        private final KafkaProducer<byte[], byte[]> producer;
        private final AvroSerde<io.ledgerstream.schemas.LedgerEvent> serde;
        private final String topic;
        private final Workload workload;
        private final int recordsPerTransaction;
        private final byte[][] keys;
        private int inTransaction;
        long written;
        long transactions;

        Writer(
                KafkaProducer<byte[], byte[]> producer,
                AvroSerde<io.ledgerstream.schemas.LedgerEvent> serde,
                String topic,
                Workload workload,
                int recordsPerTransaction) {
            this.producer = producer;
            this.serde = serde;
            this.topic = topic;
            this.workload = workload;
            this.recordsPerTransaction = recordsPerTransaction;
            this.keys = new byte[workload.accounts()][];
            producer.initTransactions();
        }

        @Override
        public void accept(int account, LedgerEvent event) {
            if (inTransaction == 0) {
                producer.beginTransaction();
            }
            byte[] key = keys[account];
            if (key == null) {
                key = Workload.accountId(account).getBytes(StandardCharsets.UTF_8);
                keys[account] = key;
            }
            producer.send(new ProducerRecord<>(
                    topic,
                    workload.partitionOf(account),
                    event.timestampMs(),
                    key,
                    serde.serializer().serialize(topic, Codec.toAvro(event))));
            written++;
            if (++inTransaction >= recordsPerTransaction) {
                producer.commitTransaction();
                transactions++;
                inTransaction = 0;
            }
        }

        void finish() {
            if (inTransaction > 0) {
                producer.commitTransaction();
                transactions++;
                inTransaction = 0;
            }
        }
    }
}
