package io.ledgerstream.audit;

import io.ledgerstream.core.LedgerEvent;
import io.ledgerstream.engine.AvroBinarySerde;
import io.ledgerstream.engine.Codec;
import io.ledgerstream.schemas.AccountRecord;
import io.ledgerstream.schemas.HoldRecord;
import io.ledgerstream.schemas.Outcome;
import io.ledgerstream.serde.AvroDeserializer;
import io.ledgerstream.serde.RegistryClient;
import io.ledgerstream.serde.RegistryClientConfig;
import io.ledgerstream.serde.RegistryRequestException;
import io.ledgerstream.serde.RegistryUnavailableException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Runs an audit against a Kafka cluster: reads the events topic over the range (and the whole outcomes topic) with
 * {@code isolation.level=read_committed}, up to the end offsets captured when it starts, decodes each record once
 * through the registry ({@link EventDecoder} for events) and feeds a {@link LedgerAudit} whose shards replay on their
 * own threads.
 *
 * <p>One thread reads (large fetches, all partitions assigned, no consumer group) and hands each poll's records to
 * the replay threads over bounded queues, routed by record key so that all events of an account go to one thread in
 * log order. {@link #cancel()} (e.g. from a shutdown hook) wakes the reader; the run then stops and reports what was
 * read as {@link AuditReport.Status#INTERRUPTED}.
 *
 * <p>{@link #run()} may be called once; {@link #cancel()} from any thread.
 */
public final class Auditor {

    /** Suffix of the engine's accounts store changelog topic, after {@code <application.id>}. */
    public static final String ACCOUNTS_CHANGELOG_SUFFIX = "-accounts-changelog";

    /** Batches waiting per replay thread, at most: bounds the memory between reading and replaying. */
    static final int QUEUE_BATCHES_MAX = 8;

    private static final List<ConsumerRecord<byte[], byte[]>> POISON = List.of();
    private static final Duration POLL = Duration.ofMillis(200);

    private final AuditOptions options;
    private final ProgressListener progress;
    private final AtomicBoolean used = new AtomicBoolean();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean cancelled;
    private volatile KafkaConsumer<byte[], byte[]> consumer;

    /**
     * Creates an auditor that reports no progress.
     *
     * @param options what to audit; not null
     */
    public Auditor(AuditOptions options) {
        this(options, ProgressListener.NONE);
    }

    /**
     * Creates an auditor.
     *
     * @param options what to audit; not null
     * @param progress receives progress from the reading thread; not null
     */
    public Auditor(AuditOptions options, ProgressListener progress) {
        this.options = java.util.Objects.requireNonNull(options, "options");
        this.progress = java.util.Objects.requireNonNull(progress, "progress");
    }

    /**
     * Runs one audit.
     *
     * @param options what to audit; not null
     * @return the report (its {@link AuditReport#exitCode()} is the command line's)
     * @throws AuditException if the audit cannot run (bad settings, missing topic, Kafka or registry unreachable)
     */
    public static AuditReport run(AuditOptions options) {
        return new Auditor(options).run();
    }

    /**
     * Runs the audit. Once per instance.
     *
     * @return the report; INTERRUPTED if {@link #cancel()} was called before the end of the range
     * @throws AuditException if the audit cannot run (bad settings, missing topic, Kafka or registry unreachable)
     */
    public AuditReport run() {
        if (!used.compareAndSet(false, true)) {
            throw new IllegalStateException("an Auditor runs once");
        }
        long startedAtMs = System.currentTimeMillis();
        long startNanos = System.nanoTime();
        Map<String, Object> registryConfig = new HashMap<>(options.registryProperties());
        registryConfig.put(RegistryClientConfig.URL, options.registryUrl());
        RegistryClient registry;
        try {
            registry = new RegistryClient(RegistryClientConfig.fromMap(registryConfig));
        } catch (ConfigException | IllegalArgumentException e) {
            throw new AuditException("invalid registry settings: " + e.getMessage(), e);
        }
        try (registry;
                QuickClose closing = new QuickClose(newConsumer())) {
            KafkaConsumer<byte[], byte[]> reader = closing.consumer();
            consumer = reader;
            if (cancelled) {
                reader.wakeup();
            }
            return audit(reader, registry, startedAtMs, startNanos);
        } catch (WakeupException e) {
            throw new AuditException("cancelled while connecting to Kafka", e);
        } catch (TimeoutException e) {
            throw new AuditException(
                    "Kafka at " + options.bootstrapServers() + " did not answer within " + options.timeoutMs() + " ms: "
                            + e.getMessage(),
                    e);
        } catch (KafkaException e) {
            throw new AuditException("Kafka error: " + e.getMessage(), e);
        } finally {
            consumer = null;
            progress.onDone();
        }
    }

    /**
     * Stops a running audit as soon as possible: reading stops, the records already read are checked, and {@link
     * #run()} returns an INTERRUPTED report. Safe from any thread, e.g. a shutdown hook; idempotent.
     */
    public void cancel() {
        cancelled = true;
        KafkaConsumer<byte[], byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
    }

    // ---- the run ----------------------------------------------------------------------------------------------

    private AuditReport audit(
            KafkaConsumer<byte[], byte[]> reader, RegistryClient registry, long startedAtMs, long startNanos) {
        Duration timeout = Duration.ofMillis(options.timeoutMs());
        String eventsTopic = options.eventsTopic();
        String outcomesTopic = options.outcomesTopic();
        List<TopicPartition> eventParts = partitions(reader, eventsTopic, timeout);
        List<TopicPartition> outcomeParts =
                outcomesTopic == null ? List.of() : partitions(reader, outcomesTopic, timeout);
        List<TopicPartition> all = new ArrayList<>(eventParts);
        all.addAll(outcomeParts);
        reader.assign(all); // before asking for offsets: the consumer tracks the stable offsets of assigned partitions
        Map<TopicPartition, Long> begin = reader.beginningOffsets(all, timeout);
        Map<TopicPartition, Long> end = reader.endOffsets(all, timeout);
        Map<TopicPartition, OffsetAndTimestamp> fromTime = offsetsForTime(reader, eventParts, options.fromTimeMs());
        Map<TopicPartition, OffsetAndTimestamp> toTime =
                offsetsForTime(reader, eventParts, options.toTimeMs() == null ? null : options.toTimeMs() + 1);

        Map<TopicPartition, Long> starts = new HashMap<>();
        Map<TopicPartition, Long> stops = new HashMap<>();
        Set<Integer> partialStart = new TreeSet<>();
        boolean partialEnd = false;
        List<AuditReport.PartitionRange> ranges = new ArrayList<>();
        for (TopicPartition tp : eventParts) {
            long first = begin.get(tp);
            long last = end.get(tp);
            long start = first;
            if (options.fromOffsets() != null && options.fromOffsets().forPartition(tp.partition()) != null) {
                start = clamp(options.fromOffsets().forPartition(tp.partition()), first, last);
            } else if (fromTime != null) {
                OffsetAndTimestamp at = fromTime.get(tp);
                start = at == null ? last : clamp(at.offset(), first, last);
            }
            long stop = last;
            if (options.toOffsets() != null && options.toOffsets().forPartition(tp.partition()) != null) {
                stop = clamp(options.toOffsets().forPartition(tp.partition()), start, last);
            } else if (toTime != null) {
                OffsetAndTimestamp at = toTime.get(tp);
                stop = at == null ? last : clamp(at.offset(), start, last);
            }
            if (start > 0) {
                partialStart.add(tp.partition());
            }
            partialEnd |= stop < last;
            starts.put(tp, start);
            stops.put(tp, stop);
            ranges.add(new AuditReport.PartitionRange(tp.partition(), first, start, stop));
        }
        for (TopicPartition tp : outcomeParts) {
            starts.put(tp, begin.get(tp));
            stops.put(tp, end.get(tp));
        }

        LedgerAudit.Settings settings = new LedgerAudit.Settings(
                eventsTopic,
                outcomesTopic,
                options.accounts(),
                options.asOfMs(),
                eventParts.size(),
                partialStart,
                partialEnd,
                options.inFlightGraceMs(),
                options.maxFindings());
        int threads = options.threads() > 0
                ? options.threads()
                : Runtime.getRuntime().availableProcessors(); // the reader mostly waits for fetches
        threads = Math.max(1, Math.min(threads, eventParts.size()));
        long expectedEvents = 0;
        for (TopicPartition tp : eventParts) {
            expectedEvents += stops.get(tp) - starts.get(tp);
        }
        LedgerAudit audit =
                new LedgerAudit(settings, threads, options.accounts().isEmpty() ? expectedEvents : 0);
        boolean explicitStart = options.fromOffsets() != null || options.fromTimeMs() != null;
        for (TopicPartition tp : eventParts) {
            if (begin.get(tp) > 0 && !explicitStart) {
                audit.onTruncatedLog(tp.partition(), begin.get(tp));
            }
        }

        Map<TopicPartition, Long> firstOutcomeTimestamp = new HashMap<>();
        long recordsRead;
        boolean interrupted;
        ExecutorService pool =
                threads > 1 ? Executors.newFixedThreadPool(threads, daemon("ledgerstream-audit-check")) : null;
        try {
            Worker[] workers = new Worker[threads];
            for (int i = 0; i < threads; i++) {
                workers[i] = new Worker(audit.shard(i), registry, eventsTopic);
                workers[i].thread.start();
            }
            long[] read = new long[1];
            try {
                interrupted =
                        read(reader, eventParts, outcomeParts, starts, stops, workers, read, firstOutcomeTimestamp);
            } finally {
                stopWorkers(workers);
            }
            recordsRead = read[0];
            Throwable failed = failure.get();
            if (failed instanceof AuditException auditException) {
                throw auditException;
            }
            if (failed != null) {
                throw new AuditException("replay failed: " + failed, failed);
            }

            if (options.liveApplicationId() != null && !interrupted) {
                String changelog = options.liveApplicationId() + ACCOUNTS_CHANGELOG_SUFFIX;
                audit.compareLive(changelog, readLive(reader, changelog, timeout, audit));
            }

            long coverageStart = Long.MIN_VALUE;
            for (TopicPartition tp : outcomeParts) {
                if (begin.get(tp) > 0) {
                    Long first = firstOutcomeTimestamp.get(tp);
                    coverageStart = Math.max(coverageStart, first == null ? Long.MAX_VALUE : first);
                }
            }
            long referenceTimeMs = startedAtMs;
            if (options.toTimeMs() != null) {
                referenceTimeMs = options.toTimeMs();
            } else if (partialEnd || interrupted) {
                long max = audit.maxEventTimestampMs();
                referenceTimeMs = max == Long.MIN_VALUE ? startedAtMs : max;
            }
            AuditReport.Source source = new AuditReport.Source(
                    eventsTopic,
                    outcomesTopic,
                    List.copyOf(new TreeSet<>(options.accounts())),
                    options.asOfMs(),
                    options.fromTimeMs(),
                    options.toTimeMs(),
                    ranges,
                    !partialStart.isEmpty(),
                    partialEnd);
            long durationMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
            return audit.finish(
                    new LedgerAudit.RunInfo(
                            source,
                            startedAtMs,
                            Math.max(1, durationMs),
                            recordsRead,
                            referenceTimeMs,
                            coverageStart,
                            interrupted),
                    pool);
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
        }
    }

    /** The reading loop; returns true if it was cancelled before the end of the range. */
    private boolean read(
            KafkaConsumer<byte[], byte[]> reader,
            List<TopicPartition> eventParts,
            List<TopicPartition> outcomeParts,
            Map<TopicPartition, Long> starts,
            Map<TopicPartition, Long> stops,
            Worker[] workers,
            long[] read,
            Map<TopicPartition, Long> firstOutcomeTimestamp) {
        List<TopicPartition> all = new ArrayList<>(eventParts);
        all.addAll(outcomeParts);
        Set<TopicPartition> remaining = new HashSet<>();
        long total = 0;
        for (TopicPartition tp : all) {
            reader.seek(tp, starts.get(tp));
            long count = stops.get(tp) - starts.get(tp);
            if (count > 0) {
                remaining.add(tp);
                total += count;
            }
        }
        List<TopicPartition> done = new ArrayList<>();
        for (TopicPartition tp : all) {
            if (!remaining.contains(tp)) {
                done.add(tp);
            }
        }
        reader.pause(done);
        int n = workers.length;
        int shardCount = n;
        long startNanos = System.nanoTime();
        long lastProgressNanos = startNanos;
        long lastReportNanos = 0;
        Map<TopicPartition, Long> positions = new HashMap<>();
        try {
            while (!remaining.isEmpty()) {
                if (cancelled) {
                    return true;
                }
                checkWorkers();
                ConsumerRecords<byte[], byte[]> records = reader.poll(POLL);
                boolean progressed = false;
                if (!records.isEmpty()) {
                    @SuppressWarnings("unchecked")
                    List<ConsumerRecord<byte[], byte[]>>[] batches = new List[n];
                    int expected = records.count() / n + 16;
                    for (TopicPartition tp : records.partitions()) {
                        long stop = stops.get(tp);
                        boolean events = tp.topic().equals(options.eventsTopic());
                        for (ConsumerRecord<byte[], byte[]> record : records.records(tp)) {
                            if (record.offset() >= stop) {
                                break;
                            }
                            if (!events) {
                                firstOutcomeTimestamp.putIfAbsent(tp, record.timestamp());
                            }
                            int w = events
                                    ? LedgerAudit.shardOf(record.key(), shardCount, eventParts.size())
                                    : Math.floorMod(tp.partition(), n);
                            List<ConsumerRecord<byte[], byte[]>> batch = batches[w];
                            if (batch == null) {
                                batch = new ArrayList<>(expected);
                                batches[w] = batch;
                            }
                            batch.add(record);
                            read[0]++;
                        }
                    }
                    for (int w = 0; w < n; w++) {
                        if (batches[w] != null) {
                            hand(workers[w], batches[w]);
                        }
                    }
                }
                for (TopicPartition tp : new ArrayList<>(remaining)) {
                    long position = reader.position(tp);
                    Long before = positions.put(tp, position);
                    if (before == null || before != position) {
                        progressed = true;
                    }
                    if (position >= stops.get(tp)) {
                        remaining.remove(tp);
                        reader.pause(List.of(tp));
                    }
                }
                long now = System.nanoTime();
                if (progressed) {
                    lastProgressNanos = now;
                } else if (now - lastProgressNanos > TimeUnit.MILLISECONDS.toNanos(options.timeoutMs())) {
                    throw new AuditException("no progress reading " + new TreeSet<>(stringsOf(remaining)) + " for "
                            + options.timeoutMs() + " ms (is a partition leader unavailable?)");
                }
                if (now - lastReportNanos >= TimeUnit.MILLISECONDS.toNanos(ProgressListener.INTERVAL_MS)) {
                    lastReportNanos = now;
                    progress.onProgress(read[0], total, TimeUnit.NANOSECONDS.toMillis(now - startNanos));
                }
                if (cancelled) {
                    return true;
                }
            }
            progress.onProgress(read[0], total, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
            return false;
        } catch (WakeupException e) {
            if (cancelled) {
                return true;
            }
            throw e;
        }
    }

    private static List<String> stringsOf(Set<TopicPartition> partitions) {
        List<String> names = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            names.add(tp.toString());
        }
        return names;
    }

    /** Hands a batch to a replay thread, waiting while its queue is full (and failing if a replay thread died). */
    private void hand(Worker worker, List<ConsumerRecord<byte[], byte[]>> batch) {
        try {
            while (!worker.queue.offer(batch, 100, TimeUnit.MILLISECONDS)) {
                checkWorkers();
                if (cancelled) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuditException("interrupted while handing records to the replay threads", e);
        }
    }

    private void checkWorkers() {
        if (failure.get() != null) {
            throw new AuditException("a replay thread failed: " + failure.get(), failure.get());
        }
    }

    private void stopWorkers(Worker[] workers) {
        for (Worker worker : workers) {
            try {
                while (worker.thread.isAlive() && !worker.queue.offer(POISON, 100, TimeUnit.MILLISECONDS)) {
                    // the worker drains its queue; a dead one is not waited for
                }
                worker.thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AuditException("interrupted while waiting for the replay threads", e);
            }
        }
    }

    /** One replay thread: decodes its records once and feeds its shard. */
    private final class Worker implements Runnable {
        final BlockingQueue<List<ConsumerRecord<byte[], byte[]>>> queue = new ArrayBlockingQueue<>(QUEUE_BATCHES_MAX);
        final Thread thread;
        private final ReplayShard shard;
        private final String eventsTopic;
        private final EventDecoder events;
        private final AvroDeserializer<Outcome> outcomes;
        private final Set<String> accounts;

        Worker(ReplayShard shard, RegistryClient registry, String eventsTopic) {
            this.shard = shard;
            this.eventsTopic = eventsTopic;
            this.events = new EventDecoder(registry);
            this.outcomes = new AvroDeserializer<>(registry, Outcome.class, false);
            this.accounts = options.accounts();
            this.thread = new Thread(
                    this,
                    "ledgerstream-audit-replay-" + UUID.randomUUID().toString().substring(0, 8));
            this.thread.setDaemon(true);
        }

        @Override
        public void run() {
            try {
                while (true) {
                    List<ConsumerRecord<byte[], byte[]>> batch = queue.take();
                    if (batch == POISON) {
                        return;
                    }
                    for (ConsumerRecord<byte[], byte[]> record : batch) {
                        if (record.topic().equals(eventsTopic)) {
                            event(record);
                        } else {
                            outcome(record);
                        }
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        }

        private void event(ConsumerRecord<byte[], byte[]> record) {
            if (!accounts.isEmpty()
                    && record.key() != null
                    && !accounts.contains(new String(record.key(), StandardCharsets.UTF_8))) {
                shard.filteredOut++;
                return;
            }
            LedgerEvent event;
            try {
                event = events.decode(record.topic(), record.value());
                if (event == null) {
                    shard.onUndecodable(record.topic(), record.partition(), record.offset(), "a record without value");
                    return;
                }
            } catch (RegistryUnavailableException | RegistryRequestException e) {
                throw new AuditException(
                        "the schema registry at " + options.registryUrl() + " failed: " + e.getMessage(), e);
            } catch (RuntimeException e) {
                shard.onUndecodable(record.topic(), record.partition(), record.offset(), String.valueOf(e));
                return;
            }
            shard.onEvent(record.partition(), record.offset(), event);
        }

        private void outcome(ConsumerRecord<byte[], byte[]> record) {
            OutcomeView view;
            try {
                Outcome outcome = outcomes.deserialize(record.topic(), record.value());
                if (outcome == null) {
                    shard.onUndecodable(record.topic(), record.partition(), record.offset(), "a record without value");
                    return;
                }
                view = OutcomeView.of(outcome);
            } catch (RegistryUnavailableException | RegistryRequestException e) {
                throw new AuditException(
                        "the schema registry at " + options.registryUrl() + " failed: " + e.getMessage(), e);
            } catch (RuntimeException e) {
                shard.onUndecodable(record.topic(), record.partition(), record.offset(), String.valueOf(e));
                return;
            }
            shard.onOutcome(record.partition(), record.offset(), view);
        }
    }

    // ---- live state -------------------------------------------------------------------------------------------

    /** Reads the engine's accounts changelog to its end: the latest record per account. */
    private Map<String, LedgerAudit.LiveAccount> readLive(
            KafkaConsumer<byte[], byte[]> reader, String topic, Duration timeout, LedgerAudit audit) {
        List<TopicPartition> parts = partitions(reader, topic, timeout);
        reader.assign(parts);
        Map<TopicPartition, Long> end = reader.endOffsets(parts, timeout);
        reader.seekToBeginning(parts);
        AvroBinarySerde<AccountRecord> serde = new AvroBinarySerde<>(AccountRecord.getClassSchema());
        Map<String, LedgerAudit.LiveAccount> live = new HashMap<>();
        Set<TopicPartition> remaining = new HashSet<>();
        for (TopicPartition tp : parts) {
            if (end.get(tp) > 0) {
                remaining.add(tp);
            }
        }
        long lastProgressNanos = System.nanoTime();
        while (!remaining.isEmpty()) {
            if (cancelled) {
                throw new AuditException("cancelled while reading " + topic);
            }
            ConsumerRecords<byte[], byte[]> records = reader.poll(POLL);
            for (ConsumerRecord<byte[], byte[]> record : records) {
                if (record.offset() >= end.get(new TopicPartition(record.topic(), record.partition()))) {
                    continue;
                }
                String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
                if (record.value() == null) {
                    live.remove(key);
                    continue;
                }
                try {
                    AccountRecord account = serde.decode(record.value());
                    long held = 0;
                    for (HoldRecord hold : account.getHolds()) {
                        held += hold.getAmount();
                    }
                    live.put(
                            account.getAccountId(),
                            new LedgerAudit.LiveAccount(
                                    account.getAccountId(),
                                    account.getCurrency(),
                                    account.getBalance(),
                                    held,
                                    account.getVersion(),
                                    Codec.bytes(account.getLastHash()),
                                    record.partition(),
                                    record.offset()));
                } catch (RuntimeException e) {
                    audit.onUndecodable(topic, record.partition(), record.offset(), String.valueOf(e));
                }
            }
            if (!records.isEmpty()) {
                lastProgressNanos = System.nanoTime();
            }
            for (TopicPartition tp : new ArrayList<>(remaining)) {
                if (reader.position(tp) >= end.get(tp)) {
                    remaining.remove(tp);
                }
            }
            if (System.nanoTime() - lastProgressNanos > TimeUnit.MILLISECONDS.toNanos(options.timeoutMs())) {
                throw new AuditException("no progress reading " + topic + " for " + options.timeoutMs() + " ms");
            }
        }
        return live;
    }

    // ---- Kafka helpers ----------------------------------------------------------------------------------------

    /**
     * Closes the consumer without waiting: it has no group to leave and no offsets to commit, and the default close
     * would wait for the fetch still in flight (up to {@code fetch.max.wait.ms}, 500 ms by default) for nothing.
     */
    private record QuickClose(KafkaConsumer<byte[], byte[]> consumer) implements AutoCloseable {
        @Override
        public void close() {
            consumer.close(CloseOptions.timeout(Duration.ZERO));
        }
    }

    private KafkaConsumer<byte[], byte[]> newConsumer() {
        Map<String, Object> props = new HashMap<>(options.consumerProperties());
        String isolation = options.consumerProperties().get(ConsumerConfig.ISOLATION_LEVEL_CONFIG);
        if (isolation != null && !isolation.equals("read_committed")) {
            throw new AuditException("consumer property " + ConsumerConfig.ISOLATION_LEVEL_CONFIG + "=" + isolation
                    + " is refused: the audit reads committed records only");
        }
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrapServers());
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "ledgerstream-audit");
        props.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        props.putIfAbsent(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024);
        props.putIfAbsent(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
        props.putIfAbsent(ConsumerConfig.RECEIVE_BUFFER_CONFIG, 4 * 1024 * 1024);
        props.putIfAbsent(
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, options.timeoutMs()));
        props.putIfAbsent(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(30_000, options.timeoutMs()));
        // safety settings, set explicitly even where they are defaults (never overridable)
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        try {
            return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        } catch (KafkaException e) {
            throw new AuditException(
                    "cannot create a Kafka consumer for " + options.bootstrapServers() + ": "
                            + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()),
                    e);
        }
    }

    private static List<TopicPartition> partitions(
            KafkaConsumer<byte[], byte[]> reader, String topic, Duration timeout) {
        List<PartitionInfo> infos = reader.partitionsFor(topic, timeout);
        if (infos == null || infos.isEmpty()) {
            throw new AuditException("topic " + topic + " does not exist");
        }
        List<TopicPartition> parts = new ArrayList<>(infos.size());
        for (PartitionInfo info : infos) {
            parts.add(new TopicPartition(topic, info.partition()));
        }
        parts.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
        return parts;
    }

    private Map<TopicPartition, OffsetAndTimestamp> offsetsForTime(
            KafkaConsumer<byte[], byte[]> reader, List<TopicPartition> parts, Long timeMs) {
        if (timeMs == null) {
            return null;
        }
        Map<TopicPartition, Long> query = new HashMap<>();
        for (TopicPartition tp : parts) {
            query.put(tp, timeMs);
        }
        return reader.offsetsForTimes(query, Duration.ofMillis(options.timeoutMs()));
    }

    private static long clamp(long value, long min, long max) {
        return Math.max(min, Math.min(max, value));
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
