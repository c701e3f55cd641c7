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
import java.nio.ByteBuffer;
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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Runs an audit against a Kafka cluster: reads the events topic over the range (and the whole outcomes topic) with
 * {@code isolation.level=read_committed}, up to the end offsets captured when it starts, decodes each record once
 * through the registry ({@link EventDecoder} for events) and feeds a {@link LedgerAudit} whose shards replay on their
 * own threads.
 *
 * <p>Each replay thread reads with its own consumer (large fetches, no consumer group): the events partitions
 * {@code p} with {@code p % threads} equal to its number, and the outcomes partitions likewise, so an account's events,
 * which its owner partition holds, are decoded and replayed by the thread that fetched them, in log order. An event
 * that sits on a partition other than its account's (a misplaced record) is forwarded to its account's thread over a
 * bounded queue. {@link #cancel()} (e.g. from a shutdown hook) wakes the consumers; the run then stops and reports
 * what was read as {@link AuditReport.Status#INTERRUPTED}.
 *
 * <p>{@link #run()} may be called once; {@link #cancel()} from any thread.
 */
public final class Auditor {

    /** Suffix of the engine's accounts store changelog topic, after {@code <application.id>}. */
    public static final String ACCOUNTS_CHANGELOG_SUFFIX = "-accounts-changelog";

    /** Forwarded batches waiting per replay thread, at most: bounds the memory of misplaced records in transit. */
    static final int QUEUE_BATCHES_MAX = 8;

    /** Default {@code fetch.max.bytes} of all replay threads' consumers together (each gets its share). */
    static final int FETCH_MAX_BYTES_TOTAL = 64 * 1024 * 1024;

    private static final Duration POLL = Duration.ofMillis(200);

    private final AuditOptions options;
    private final ProgressListener progress;
    private final AtomicBoolean used = new AtomicBoolean();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean cancelled;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile List<KafkaConsumer<byte[], ByteBuffer>> replayConsumers = List.of();

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
     * @param progress receives progress from the thread that called {@link #run()}; not null
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
        for (KafkaConsumer<byte[], ByteBuffer> replay : replayConsumers) {
            replay.wakeup();
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
        int threads =
                options.threads() > 0 ? options.threads() : Runtime.getRuntime().availableProcessors();
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
            ReadPlan plan = new ReadPlan(eventsTopic, eventParts.size(), threads, starts, stops);
            Worker[] workers = new Worker[threads];
            List<KafkaConsumer<byte[], ByteBuffer>> consumers = new ArrayList<>(threads);
            try {
                for (int i = 0; i < threads; i++) {
                    consumers.add(newConsumer("-" + i, threads, new ValuesInPlace()));
                    replayConsumers = List.copyOf(consumers);
                    if (cancelled) {
                        consumers.get(i).wakeup();
                    }
                }
                for (int i = 0; i < threads; i++) {
                    workers[i] = new Worker(i, workers, plan, consumers.get(i), audit.shard(i), registry);
                }
                for (TopicPartition tp : all) {
                    workers[tp.partition() % threads].partitions.add(tp);
                }
                interrupted = readAll(workers, plan);
            } finally {
                replayConsumers = List.of();
                for (KafkaConsumer<byte[], ByteBuffer> replayConsumer : consumers) {
                    closeQuickly(replayConsumer); // no group to leave, no offsets to commit
                }
            }
            recordsRead = plan.recordsRead.get();
            for (Worker worker : workers) {
                firstOutcomeTimestamp.putAll(worker.firstOutcomeTimestamp);
            }
            Throwable failed = failure.get();
            if (failed instanceof AuditException auditException) {
                throw auditException;
            }
            if (failed instanceof KafkaException kafkaException) {
                throw kafkaException; // reported by run() like a failure of the set-up's own consumer
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

    /** What the replay threads share while they read: the range, the routing, the count of records read. */
    private static final class ReadPlan {
        final String eventsTopic;
        final int eventPartitions;
        final int shardCount;
        final Map<TopicPartition, Long> starts;
        final Map<TopicPartition, Long> stops;
        final AtomicLong recordsRead = new AtomicLong();
        /** Replay threads still reading their own partitions (and so possibly forwarding to the others). */
        final AtomicInteger reading;

        ReadPlan(
                String eventsTopic,
                int eventPartitions,
                int shardCount,
                Map<TopicPartition, Long> starts,
                Map<TopicPartition, Long> stops) {
            this.eventsTopic = eventsTopic;
            this.eventPartitions = eventPartitions;
            this.shardCount = shardCount;
            this.starts = starts;
            this.stops = stops;
            this.reading = new AtomicInteger(shardCount);
        }

        long total() {
            long total = 0;
            for (Map.Entry<TopicPartition, Long> e : stops.entrySet()) {
                total += e.getValue() - starts.get(e.getKey());
            }
            return total;
        }
    }

    /**
     * Starts the replay threads, reports progress while they read (as soon as the first records are read, then every
     * {@link ProgressListener#INTERVAL_MS}, and once at the end; never after a cancel) and waits for them; returns
     * true if the run was cancelled before they were done.
     */
    private boolean readAll(Worker[] workers, ReadPlan plan) {
        long total = plan.total();
        long startNanos = System.nanoTime();
        long lastReportNanos = 0;
        for (Worker worker : workers) {
            worker.thread.start();
        }
        try {
            for (Worker worker : workers) {
                while (worker.thread.isAlive()) {
                    worker.thread.join(10);
                    long now = System.nanoTime();
                    long read = plan.recordsRead.get();
                    boolean due = lastReportNanos == 0
                            ? read > 0
                            : now - lastReportNanos >= TimeUnit.MILLISECONDS.toNanos(ProgressListener.INTERVAL_MS);
                    if (due && !cancelled) {
                        lastReportNanos = now;
                        progress.onProgress(read, total, TimeUnit.NANOSECONDS.toMillis(now - startNanos));
                    }
                }
            }
        } catch (InterruptedException e) {
            cancel();
            for (Worker worker : workers) {
                joinQuietly(worker.thread);
            }
            Thread.currentThread().interrupt();
            throw new AuditException("interrupted while reading", e);
        }
        if (!cancelled) {
            progress.onProgress(
                    plan.recordsRead.get(), total, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
        }
        return cancelled;
    }

    private static void joinQuietly(Thread thread) {
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static List<String> stringsOf(Set<TopicPartition> partitions) {
        List<String> names = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            names.add(tp.toString());
        }
        return names;
    }

    /**
     * One replay thread: reads its partitions with its own consumer, decodes each record once and feeds its shard;
     * forwards an event whose account another shard owns (a misplaced record) to that shard's thread, and replays
     * the events forwarded to it until every thread has finished reading.
     */
    private final class Worker implements Runnable {
        final List<TopicPartition> partitions = new ArrayList<>();
        final Map<TopicPartition, Long> firstOutcomeTimestamp = new HashMap<>();
        final Thread thread;

        private final int index;
        private final Worker[] workers;
        private final ReadPlan plan;
        private final KafkaConsumer<byte[], ByteBuffer> consumer;
        private final BlockingQueue<List<ConsumerRecord<byte[], ByteBuffer>>> forwarded =
                new ArrayBlockingQueue<>(QUEUE_BATCHES_MAX);
        private final ReplayShard shard;
        private final EventDecoder events;
        private final AvroDeserializer<Outcome> outcomes;
        private final Set<String> accounts;

        Worker(
                int index,
                Worker[] workers,
                ReadPlan plan,
                KafkaConsumer<byte[], ByteBuffer> consumer,
                ReplayShard shard,
                RegistryClient registry) {
            this.index = index;
            this.workers = workers;
            this.plan = plan;
            this.consumer = consumer;
            this.shard = shard;
            this.events = new EventDecoder(registry, shard.names());
            this.outcomes = new AvroDeserializer<>(registry, Outcome.class, false);
            this.accounts = options.accounts();
            this.thread = new Thread(
                    this,
                    "ledgerstream-audit-replay-" + index + "-"
                            + UUID.randomUUID().toString().substring(0, 8));
            this.thread.setDaemon(true);
        }

        @Override
        public void run() {
            try {
                try {
                    readOwn();
                } finally {
                    plan.reading.decrementAndGet(); // after the last forward: the others may now finish
                }
                replayForwardedUntilAllRead();
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        }

        private boolean stopping() {
            return cancelled || failure.get() != null;
        }

        /** Reads this thread's partitions to their stop offsets (or until cancelled or another thread failed). */
        private void readOwn() {
            Set<TopicPartition> remaining = new HashSet<>();
            List<TopicPartition> done = new ArrayList<>();
            for (TopicPartition tp : partitions) {
                if (plan.stops.get(tp) > plan.starts.get(tp)) {
                    remaining.add(tp);
                } else {
                    done.add(tp);
                }
            }
            consumer.assign(partitions);
            for (TopicPartition tp : partitions) {
                consumer.seek(tp, plan.starts.get(tp));
            }
            consumer.pause(done);
            @SuppressWarnings("unchecked")
            List<ConsumerRecord<byte[], ByteBuffer>>[] away = new List[plan.shardCount];
            Map<TopicPartition, Long> positions = new HashMap<>();
            long lastProgressNanos = System.nanoTime();
            try {
                while (!remaining.isEmpty()) {
                    if (stopping()) {
                        return;
                    }
                    replayForwarded();
                    ConsumerRecords<byte[], ByteBuffer> records = consumer.poll(POLL);
                    long count = 0;
                    for (TopicPartition tp : records.partitions()) {
                        long stop = plan.stops.get(tp);
                        boolean isEvents = tp.topic().equals(plan.eventsTopic);
                        for (ConsumerRecord<byte[], ByteBuffer> record : records.records(tp)) {
                            if (record.offset() >= stop) {
                                break;
                            }
                            count++;
                            if (!isEvents) {
                                firstOutcomeTimestamp.putIfAbsent(tp, record.timestamp());
                                outcome(record);
                                continue;
                            }
                            int owner = LedgerAudit.shardOf(record.key(), plan.shardCount, plan.eventPartitions);
                            if (owner == index) {
                                event(record);
                            } else {
                                if (away[owner] == null) {
                                    away[owner] = new ArrayList<>();
                                }
                                away[owner].add(detached(record));
                            }
                        }
                    }
                    plan.recordsRead.addAndGet(count);
                    for (int w = 0; w < away.length; w++) {
                        if (away[w] != null) {
                            forward(workers[w], away[w]);
                            away[w] = null;
                        }
                    }
                    boolean progressed = false;
                    for (TopicPartition tp : new ArrayList<>(remaining)) {
                        long position = consumer.position(tp);
                        Long before = positions.put(tp, position);
                        if (before == null || before != position) {
                            progressed = true;
                        }
                        if (position >= plan.stops.get(tp)) {
                            remaining.remove(tp);
                            consumer.pause(List.of(tp));
                        }
                    }
                    long now = System.nanoTime();
                    if (progressed) {
                        lastProgressNanos = now;
                    } else if (now - lastProgressNanos > TimeUnit.MILLISECONDS.toNanos(options.timeoutMs())) {
                        throw new AuditException("no progress reading " + new TreeSet<>(stringsOf(remaining)) + " for "
                                + options.timeoutMs() + " ms (is a partition leader unavailable?)");
                    }
                }
            } catch (WakeupException e) {
                if (!cancelled) {
                    throw e;
                }
            }
        }

        /**
         * Hands misplaced events to the thread of their account, waiting while its queue is full; replays what was
         * forwarded to this thread meanwhile, so two threads forwarding to each other never wait on each other.
         */
        private void forward(Worker to, List<ConsumerRecord<byte[], ByteBuffer>> batch) {
            try {
                while (!to.forwarded.offer(batch, 10, TimeUnit.MILLISECONDS)) {
                    replayForwarded();
                    if (stopping()) {
                        return;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AuditException("interrupted while forwarding records between replay threads", e);
            }
        }

        /**
         * A record to forward, with its own copy of the value: a queued record then never keeps a whole fetched buffer
         * (tens of MB) reachable, whatever the share of records forwarded.
         */
        private static ConsumerRecord<byte[], ByteBuffer> detached(ConsumerRecord<byte[], ByteBuffer> record) {
            byte[] value = ValuesInPlace.copy(record.value());
            return new ConsumerRecord<>(
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    record.key(),
                    value == null ? null : ByteBuffer.wrap(value));
        }

        /** Replays the events forwarded to this thread so far, without waiting. */
        private void replayForwarded() {
            List<ConsumerRecord<byte[], ByteBuffer>> batch;
            while ((batch = forwarded.poll()) != null) {
                replay(batch);
            }
        }

        private void replay(List<ConsumerRecord<byte[], ByteBuffer>> forwardedEvents) {
            for (ConsumerRecord<byte[], ByteBuffer> record : forwardedEvents) {
                event(record);
            }
        }

        /** After its own partitions: replays forwarded events until no thread reads any more and none are left. */
        private void replayForwardedUntilAllRead() throws InterruptedException {
            while (failure.get() == null) {
                List<ConsumerRecord<byte[], ByteBuffer>> batch = forwarded.poll(20, TimeUnit.MILLISECONDS);
                if (batch != null) {
                    replay(batch);
                } else if (plan.reading.get() == 0 && forwarded.isEmpty()) {
                    return; // every forward happened before its thread stopped reading
                }
            }
        }

        private void event(ConsumerRecord<byte[], ByteBuffer> record) {
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
            shard.onEvent(record.partition(), record.offset(), event, events.refs());
        }

        private void outcome(ConsumerRecord<byte[], ByteBuffer> record) {
            OutcomeView view;
            try {
                Outcome outcome = outcomes.deserialize(record.topic(), ValuesInPlace.copy(record.value()));
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
            closeQuickly(consumer);
        }
    }

    private static void closeQuickly(KafkaConsumer<?, ?> consumer) {
        consumer.close(CloseOptions.timeout(Duration.ZERO));
    }

    private KafkaConsumer<byte[], byte[]> newConsumer() {
        return newConsumer("", 1, new ByteArrayDeserializer());
    }

    /**
     * A consumer with the audit's settings; {@code clientIdSuffix} tells the replay threads' consumers apart, and
     * {@code sharing} consumers split the default fetch size between them; keys are read as arrays, values by {@code
     * values}.
     */
    private <V> KafkaConsumer<byte[], V> newConsumer(String clientIdSuffix, int sharing, Deserializer<V> values) {
        Map<String, Object> props = new HashMap<>(options.consumerProperties());
        String isolation = options.consumerProperties().get(ConsumerConfig.ISOLATION_LEVEL_CONFIG);
        if (isolation != null && !isolation.equals("read_committed")) {
            throw new AuditException("consumer property " + ConsumerConfig.ISOLATION_LEVEL_CONFIG + "=" + isolation
                    + " is refused: the audit reads committed records only");
        }
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, options.bootstrapServers());
        Object clientId = props.getOrDefault(ConsumerConfig.CLIENT_ID_CONFIG, "ledgerstream-audit");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId + clientIdSuffix);
        props.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        props.putIfAbsent(
                ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Math.max(1024 * 1024, FETCH_MAX_BYTES_TOTAL / sharing));
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
            return new KafkaConsumer<>(props, new ByteArrayDeserializer(), values);
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
