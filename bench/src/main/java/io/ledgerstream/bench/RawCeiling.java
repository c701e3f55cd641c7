package io.ledgerstream.bench;

import io.ledgerstream.sdk.ConsistentHashPartitioner;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Kafka's own ceiling on the same broker, written here (Kafka's {@code ProducerPerformance} has no read_committed
 * tail and no fixed transaction duration): transactional producers sending records of the commands' size, keyed by
 * the same account IDs and placed by the same partitioner, each committing a transaction every {@code transaction}
 * (the engine's commit interval); a read_committed consumer tailing the topic meanwhile measures when each record
 * becomes visible (send to visible, the value carries its send time); and a read_committed consumer reading a topic
 * from the beginning to its end offsets.
 *
 * <p>Every loop is bounded by a deadline and a record count. Not thread-safe: one controlling thread calls it.
 */
final class RawCeiling {

    /** How long the tailing consumer waits for the last committed records after the producers stop. */
    private static final Duration TAIL_CATCH_UP = Duration.ofSeconds(10);

    private static final Duration POLL = Duration.ofMillis(100);

    private final String bootstrapServers;
    private final Map<String, Object> producerOverrides;
    private final Map<String, Object> consumerOverrides;

    RawCeiling(String bootstrapServers, Map<String, Object> producerOverrides, Map<String, Object> consumerOverrides) {
        this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        this.producerOverrides = Map.copyOf(producerOverrides);
        this.consumerOverrides = Map.copyOf(consumerOverrides);
    }

    /** The producer settings, as the raw producers use them (overrides on top of the SDK-equivalent defaults). */
    Map<String, Object> producerSettings(String transactionalId) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.PARTITIONER_CLASS_CONFIG, ConsistentHashPartitioner.class.getName());
        p.putAll(producerOverrides);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    Map<String, Object> consumerSettings(String clientId) {
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        p.putAll(consumerOverrides);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return p;
    }

    /**
     * Runs the raw transactional producers for {@code duration} (or {@code maxRecords}) with a read_committed tail.
     *
     * @param ratePerSec the offered rate over all producers, or null for as fast as they go
     * @param valueBytes the size of each value (at least 8: the send time)
     */
    Results.RawProducer produce(
            String topic,
            String transactionalIdPrefix,
            int producers,
            Workload keys,
            int valueBytes,
            Duration transaction,
            Double ratePerSec,
            Duration duration,
            long maxRecords,
            ResourceMonitor monitor) {
        int size = Math.max(Long.BYTES, valueBytes);
        Histogram visible = new Histogram(3);
        AtomicLong consumed = new AtomicLong();
        Tail tail = new Tail(topic, visible, consumed);
        Thread tailThread = new Thread(tail, "bench-raw-tail");
        tailThread.setDaemon(true);
        tailThread.start();
        tail.awaitPositioned(Duration.ofSeconds(30));

        ResourceMonitor.Window window = monitor.begin();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        long perProducerMax = Math.max(1, maxRecords / producers + 1);
        long periodNanos = ratePerSec == null ? 0 : Math.round(1e9 * producers / ratePerSec);
        List<Histogram> commitLatencies = Collections.synchronizedList(new ArrayList<>());
        AtomicLong committed = new AtomicLong();
        AtomicLong transactions = new AtomicLong();
        AtomicLong lastCommitNanos = new AtomicLong(start);
        List<RuntimeException> errors = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int k = 0; k < producers; k++) {
            int id = k;
            Thread t = new Thread(
                    () -> {
                        Histogram commits = new Histogram(3);
                        try (KafkaProducer<String, byte[]> producer =
                                new KafkaProducer<>(producerSettings(transactionalIdPrefix + "-" + id))) {
                            producer.initTransactions();
                            SplittableRandom random = new SplittableRandom(31L * id + 7);
                            byte[] filler = new byte[size];
                            random.nextBytes(filler);
                            long sent = 0;
                            while (sent < perProducerMax && System.nanoTime() < end) {
                                producer.beginTransaction();
                                long txStart = System.nanoTime();
                                long txEnd = Math.min(end, txStart + transaction.toNanos());
                                long inTxn = 0;
                                while (sent < perProducerMax) {
                                    long now = System.nanoTime();
                                    if (now >= txEnd) {
                                        break;
                                    }
                                    if (periodNanos > 0) {
                                        long intended = start + sent * periodNanos;
                                        if (intended > now) {
                                            LockSupport.parkNanos(Math.min(
                                                    Math.min(intended - now, txEnd - now),
                                                    TimeUnit.MILLISECONDS.toNanos(1)));
                                            continue;
                                        }
                                    }
                                    byte[] value = filler.clone();
                                    ByteBuffer.wrap(value).putLong(0, System.nanoTime());
                                    producer.send(new ProducerRecord<>(
                                            topic, Workload.accountId(random.nextInt(keys.accounts())), value));
                                    sent++;
                                    inTxn++;
                                }
                                long c0 = System.nanoTime();
                                producer.commitTransaction();
                                long c1 = System.nanoTime();
                                commits.recordValue(ResultMath.micros(c1 - c0));
                                committed.addAndGet(inTxn);
                                transactions.incrementAndGet();
                                lastCommitNanos.accumulateAndGet(c1, Math::max);
                            }
                        } catch (RuntimeException e) {
                            errors.add(e);
                        } finally {
                            commitLatencies.add(commits);
                        }
                    },
                    "bench-raw-producer-" + k);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        joinAll(threads, end + Duration.ofSeconds(60).toNanos(), "raw producer");
        long elapsed = lastCommitNanos.get() - start;
        Map<String, Results.Usage> usage = window.end();
        Results.Load load = window.load();
        long tailDeadline = System.nanoTime() + TAIL_CATCH_UP.toNanos();
        while (consumed.get() < committed.get() && System.nanoTime() < tailDeadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        tail.stop();
        joinAll(List.of(tailThread), System.nanoTime() + Duration.ofSeconds(10).toNanos(), "raw tail");
        if (!errors.isEmpty()) {
            throw new IllegalStateException("raw producer failed: " + errors.get(0), errors.get(0));
        }
        Histogram commitTotal = new Histogram(3);
        commitLatencies.forEach(commitTotal::add);
        Double rate = ResultMath.perSecond(committed.get(), elapsed);
        int keyBytes = Workload.accountId(keys.accounts() / 2).length();
        Map<String, Object> shown = new TreeMap<>(producerSettings(transactionalIdPrefix + "-<n>"));
        shown.remove(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG);
        return new Results.RawProducer(
                topic,
                producers,
                keyBytes,
                size,
                transaction.toMillis(),
                ResultMath.round(ratePerSec, 1),
                ResultMath.round(elapsed / 1e9, 3),
                committed.get(),
                transactions.get(),
                ResultMath.round(rate, 1),
                rate == null ? null : ResultMath.round(rate * (keyBytes + size) / 1e6, 3),
                ResultMath.latencyOfMicros(commitTotal),
                ResultMath.latencyOfMicros(visible),
                shown,
                usage,
                load);
    }

    /** Reads {@code topic} read_committed from the beginning to its end offsets (bounded by time and count). */
    Results.RawConsumer consumeAll(String topic, Duration timeout, long maxRecords, ResourceMonitor monitor) {
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(consumerSettings("bench-raw-reader-" + topic))) {
            List<TopicPartition> partitions = partitionsOf(consumer, topic);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> endOffsets = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            Map<TopicPartition, Long> remaining = new LinkedHashMap<>();
            endOffsets.forEach((tp, off) -> {
                if (off > 0) {
                    remaining.put(tp, off);
                }
            });
            ResourceMonitor.Window window = monitor.begin();
            long start = System.nanoTime();
            long deadline = start + timeout.toNanos();
            long records = 0;
            long bytes = 0;
            while (!remaining.isEmpty() && records < maxRecords && System.nanoTime() < deadline) {
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(POLL);
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    records++;
                    bytes += (r.key() == null ? 0 : r.key().length) + (r.value() == null ? 0 : r.value().length);
                }
                remaining.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
            }
            long elapsed = System.nanoTime() - start;
            Map<String, Results.Usage> usage = window.end();
            // no group, nothing to commit: do not wait (up to fetch.max.wait.ms) for the fetch still in flight, as the
            // audit does not either; the try block's close() then has nothing left to do
            consumer.close(CloseOptions.timeout(Duration.ZERO));
            Double rate = ResultMath.perSecond(records, elapsed);
            Double mb = ResultMath.perSecond(bytes, elapsed);
            return new Results.RawConsumer(
                    topic,
                    ResultMath.round(elapsed / 1e9, 3),
                    records,
                    bytes,
                    remaining.isEmpty(),
                    ResultMath.round(rate, 1),
                    mb == null ? null : ResultMath.round(mb / 1e6, 3),
                    usage,
                    window.load());
        }
    }

    private static List<TopicPartition> partitionsOf(KafkaConsumer<byte[], byte[]> consumer, String topic) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " does not exist");
        }
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo i : infos) {
            partitions.add(new TopicPartition(topic, i.partition()));
        }
        return partitions;
    }

    private static void joinAll(List<Thread> threads, long deadlineNanos, String what) {
        for (Thread t : threads) {
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for " + what, e);
            }
            if (t.isAlive()) {
                throw new IllegalStateException(what + " thread " + t.getName() + " did not finish in time");
            }
        }
    }

    /** The read_committed consumer tailing the raw topic: send-to-visible latency of each record. */
    private final class Tail implements Runnable {
        private final String topic;
        private final Histogram visible;
        private final AtomicLong consumed;
        private final java.util.concurrent.CountDownLatch positioned = new java.util.concurrent.CountDownLatch(1);
        private volatile boolean stop;

        Tail(String topic, Histogram visible, AtomicLong consumed) {
            this.topic = topic;
            this.visible = visible;
            this.consumed = consumed;
        }

        void awaitPositioned(Duration timeout) {
            try {
                if (!positioned.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new IllegalStateException(
                            "raw tail consumer not positioned on " + topic + " within " + timeout);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }

        void stop() {
            stop = true;
        }

        @Override
        public void run() {
            try (KafkaConsumer<byte[], byte[]> consumer =
                    new KafkaConsumer<>(consumerSettings("bench-raw-tail-" + topic))) {
                List<TopicPartition> partitions = partitionsOf(consumer, topic);
                consumer.assign(partitions);
                consumer.seekToEnd(partitions);
                partitions.forEach(consumer::position);
                positioned.countDown();
                while (!stop) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                        long now = System.nanoTime();
                        if (r.value() != null && r.value().length >= Long.BYTES) {
                            visible.recordValue(ResultMath.micros(
                                    now - ByteBuffer.wrap(r.value()).getLong(0)));
                        }
                        consumed.incrementAndGet();
                    }
                }
            } finally {
                positioned.countDown();
            }
        }
    }
}
