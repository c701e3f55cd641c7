package io.ledgerstream.engine;

import io.ledgerstream.core.AccountState;
import io.ledgerstream.core.ConsistentHash;
import io.ledgerstream.core.Decision;
import io.ledgerstream.core.Fingerprint;
import io.ledgerstream.core.Hold;
import io.ledgerstream.core.HoldCaptured;
import io.ledgerstream.core.HoldExpired;
import io.ledgerstream.core.HoldPlaced;
import io.ledgerstream.core.HoldReleased;
import io.ledgerstream.core.InvariantViolation;
import io.ledgerstream.core.Ledger;
import io.ledgerstream.core.LedgerEvent;
import io.ledgerstream.core.Request;
import io.ledgerstream.core.Transfer;
import io.ledgerstream.schemas.AccountRecord;
import io.ledgerstream.schemas.AccountSnapshot;
import io.ledgerstream.schemas.CommandEnvelope;
import io.ledgerstream.schemas.DeadLetter;
import io.ledgerstream.schemas.DedupEntry;
import io.ledgerstream.schemas.DedupStatus;
import io.ledgerstream.schemas.LegKind;
import io.ledgerstream.schemas.Outcome;
import io.ledgerstream.schemas.OutcomeStatus;
import io.ledgerstream.schemas.Reason;
import io.ledgerstream.schemas.TransferLeg;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The one processor of the engine: a thin shell around the pure core. For each record it decodes, routes,
 * deduplicates, reads account state, calls {@link Ledger}, writes the stores and forwards outcomes, ledger events,
 * transfer legs and dead letters. Everything it writes for one input record, and the input's offset, commit in the
 * same Kafka transaction (exactly_once_v2). No business rule is decided here. What it did is reported to the
 * {@link LedgerMetrics} it is given (counted "at least once": a re-processed record counts again).
 */
final class LedgerProcessor implements Processor<byte[], byte[], Object, Object> {

    static final String REROUTED_HEADER = "ledgerstream.rerouted";

    private final EngineConfig config;
    private final LedgerMetrics metrics;
    private final Deserializer<CommandEnvelope> commandDeserializer;
    private final Deserializer<TransferLeg> legDeserializer;
    private final AvroBinarySerde<AccountRecord> accountSerde = new AvroBinarySerde<>(AccountRecord.getClassSchema());
    private final AvroBinarySerde<DedupEntry> dedupSerde = new AvroBinarySerde<>(DedupEntry.getClassSchema());

    private ProcessorContext<Object, Object> context;
    private KeyValueStore<String, byte[]> accounts;
    private KeyValueStore<String, byte[]> dedup;
    private KeyValueStore<Bytes, byte[]> dedupExpiry;
    private KeyValueStore<Bytes, byte[]> holdExpiry;
    private int partition;

    LedgerProcessor(EngineConfig config, EngineSerdes serdes, LedgerMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
        this.commandDeserializer = serdes.commands().deserializer();
        this.legDeserializer = serdes.legs().deserializer();
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.accounts = context.getStateStore(LedgerTopology.ACCOUNTS_STORE);
        this.dedup = context.getStateStore(LedgerTopology.DEDUP_STORE);
        this.dedupExpiry = context.getStateStore(LedgerTopology.DEDUP_EXPIRY_STORE);
        this.holdExpiry = context.getStateStore(LedgerTopology.HOLD_EXPIRY_STORE);
        this.partition = context.taskId().partition();
        context.schedule(
                Duration.ofMillis(config.holdExpiryIntervalMs()), PunctuationType.WALL_CLOCK_TIME, this::expireHolds);
        context.schedule(
                Duration.ofMillis(config.dedupPurgeIntervalMs()), PunctuationType.WALL_CLOCK_TIME, this::purgeDedup);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata meta = context.recordMetadata().orElseThrow();
        if (meta.topic().equals(config.transferLegsTopic())) {
            processLeg(record, meta);
        } else {
            processCommand(record, meta);
        }
    }

    // ---- commands ---------------------------------------------------------------------------------------------

    private void processCommand(Record<byte[], byte[]> record, RecordMetadata meta) {
        metrics.commandReceived();
        CommandEnvelope envelope;
        Request request;
        try {
            envelope = commandDeserializer.deserialize(meta.topic(), record.headers(), record.value());
            if (envelope == null) {
                deadLetter(record, meta, "NULL_VALUE", "a command record without a value");
                return;
            }
            request = Codec.toRequest(envelope);
        } catch (RuntimeException e) {
            deadLetter(record, meta, DeadLetters.classify(e), e.getMessage());
            return;
        }
        if (envelope.getRequestId() == null || envelope.getRequestId().isBlank()) {
            deadLetter(record, meta, "MISSING_REQUEST_ID", "a command without a request ID cannot be deduplicated");
            return;
        }
        int owner = ConsistentHash.partition(envelope.getAccountId(), config.partitions());
        if (owner != partition) {
            if (record.headers().lastHeader(REROUTED_HEADER) != null) {
                deadLetter(
                        record,
                        meta,
                        "MISROUTED",
                        "rerouted command arrived on partition " + partition + " but account belongs to partition "
                                + owner + "; check the partition count");
                return;
            }
            RecordHeaders headers = new RecordHeaders(record.headers().toArray());
            headers.add(REROUTED_HEADER, Integer.toString(meta.partition()).getBytes(StandardCharsets.UTF_8));
            metrics.commandRerouted();
            context.forward(
                    new Record<Object, Object>(
                            envelope.getAccountId().getBytes(StandardCharsets.UTF_8),
                            record.value(),
                            record.timestamp(),
                            headers),
                    LedgerTopology.REROUTE_SINK);
            return;
        }
        decide(envelope, request);
    }

    private void decide(CommandEnvelope envelope, Request request) {
        long now = context.currentSystemTimeMs();
        String accountId = envelope.getAccountId();
        byte[] fingerprint = Fingerprint.of(request);
        DedupEntry seen = loadDedup(envelope.getRequestId());
        if (seen != null) {
            if (!Arrays.equals(Codec.bytes(seen.getFingerprint()), fingerprint)) {
                metrics.requestIdReused();
                AccountState current = loadAccount(accountId);
                emitFirst(
                        envelope,
                        outcome(
                                envelope,
                                OutcomeStatus.REJECTED,
                                Reason.REQUEST_ID_REUSED,
                                "request ID already used for a different command",
                                current == null ? 0 : current.version(),
                                List.of(Codec.snapshot(accountId, current)),
                                now));
            } else if (seen.getStatus() == DedupStatus.COMPLETE) {
                metrics.dedupHit(false);
                // the replay goes to whoever retried (a new client may retry for a crashed one)
                Outcome replay = Outcome.newBuilder(seen.getOutcome())
                        .setReplay(true)
                        .setReplyTo(envelope.getReplyTo())
                        .build();
                emit(replay);
            } else {
                metrics.dedupHit(true);
                // PENDING: a cross-partition transfer in flight; its single final outcome is still to come, and it
                // goes to the latest retrier's reply target (the original sender may be gone)
                if (!seen.getOutcome().getReplyTo().equals(envelope.getReplyTo())) {
                    DedupEntry redirected = DedupEntry.newBuilder(seen)
                            .setOutcome(Outcome.newBuilder(seen.getOutcome())
                                    .setReplyTo(envelope.getReplyTo())
                                    .build())
                            .build();
                    dedup.put(envelope.getRequestId(), dedupSerde.encode(redirected));
                }
            }
            return;
        }

        AccountState source = loadAccount(accountId);
        Decision decision;
        boolean crossPartition = false;
        if (request.command() instanceof Transfer t
                && ConsistentHash.partition(t.toAccountId(), config.partitions()) == partition) {
            decision = Ledger.decideLocalTransfer(request, source, loadAccount(t.toAccountId()), now);
        } else {
            crossPartition = request.command() instanceof Transfer;
            decision = Ledger.decide(request, source, now);
        }

        if (decision instanceof Decision.Rejected rejected) {
            Outcome outcome = outcome(
                    envelope,
                    OutcomeStatus.REJECTED,
                    Codec.toAvro(rejected.reason()),
                    rejected.detail(),
                    rejected.currentVersion(),
                    List.of(Codec.snapshot(accountId, source)),
                    now);
            remember(envelope.getRequestId(), fingerprint, DedupStatus.COMPLETE, outcome, now);
            emitFirst(envelope, outcome);
            return;
        }
        List<LedgerEvent> events = ((Decision.Accepted) decision).events();
        List<AccountSnapshot> touched = new ArrayList<>();
        for (LedgerEvent event : events) {
            AccountState after = apply(event);
            touched.add(Codec.snapshot(event.accountId(), after));
        }
        long version = touched.get(0).getVersion();
        Outcome outcome = outcome(envelope, OutcomeStatus.ACCEPTED, null, null, version, touched, now);
        if (crossPartition) {
            Transfer t = (Transfer) request.command();
            remember(envelope.getRequestId(), fingerprint, DedupStatus.PENDING, outcome, now);
            metrics.transferStarted();
            forwardLeg(
                    TransferLeg.newBuilder()
                            .setRequestId(envelope.getRequestId())
                            .setKind(LegKind.CREDIT)
                            .setFromAccountId(accountId)
                            .setToAccountId(t.toAccountId())
                            .setAmount(t.amount())
                            .setCurrency(t.currency())
                            .setSentAtMs(now)
                            .build(),
                    t.toAccountId());
        } else {
            remember(envelope.getRequestId(), fingerprint, DedupStatus.COMPLETE, outcome, now);
            emitFirst(envelope, outcome);
        }
    }

    // ---- transfer legs ----------------------------------------------------------------------------------------

    private void processLeg(Record<byte[], byte[]> record, RecordMetadata meta) {
        TransferLeg leg;
        try {
            leg = legDeserializer.deserialize(meta.topic(), record.headers(), record.value());
        } catch (RuntimeException e) {
            deadLetter(record, meta, DeadLetters.classify(e), e.getMessage());
            return;
        }
        if (leg == null) {
            deadLetter(record, meta, "NULL_VALUE", "a transfer leg without a value");
            return;
        }
        String target = leg.getKind() == LegKind.CREDIT ? leg.getToAccountId() : leg.getFromAccountId();
        int owner = ConsistentHash.partition(target, config.partitions());
        if (owner != partition) {
            deadLetter(
                    record,
                    meta,
                    "MISROUTED",
                    "transfer leg for " + target + " (partition " + owner + ") arrived on partition " + partition);
            return;
        }
        long now = context.currentSystemTimeMs();
        switch (leg.getKind()) {
            case CREDIT -> credit(leg, now);
            case SETTLED -> settle(leg, now);
            case REFUND -> refund(leg, now);
            default -> throw new InvariantViolation("unknown leg kind " + leg.getKind());
        }
    }

    private void credit(TransferLeg leg, long now) {
        AccountState destination = loadAccount(leg.getToAccountId());
        Decision decision = Ledger.decideCredit(
                leg.getRequestId(), leg.getFromAccountId(), leg.getAmount(), leg.getCurrency(), destination, now);
        TransferLeg.Builder reply = TransferLeg.newBuilder(leg).setSentAtMs(now);
        if (decision instanceof Decision.Accepted accepted) {
            AccountState after = destination;
            for (LedgerEvent event : accepted.events()) {
                after = apply(event);
            }
            reply.setKind(LegKind.SETTLED).setDestination(Codec.snapshot(leg.getToAccountId(), after));
        } else {
            Decision.Rejected rejected = (Decision.Rejected) decision;
            reply.setKind(LegKind.REFUND)
                    .setReason(Codec.toAvro(rejected.reason()))
                    .setDestination(Codec.snapshot(leg.getToAccountId(), destination));
        }
        forwardLeg(reply.build(), leg.getFromAccountId());
    }

    private void settle(TransferLeg leg, long now) {
        DedupEntry pending = requirePending(leg);
        Outcome original = pending.getOutcome();
        List<AccountSnapshot> touched = new ArrayList<>(original.getAccounts());
        touched.add(leg.getDestination());
        Outcome outcome = Outcome.newBuilder(original)
                .setAccounts(touched)
                .setProcessedAtMs(now)
                .build();
        metrics.transferCompleted(false, now - pending.getRecordedAtMs());
        complete(leg.getRequestId(), pending, outcome);
    }

    private void refund(TransferLeg leg, long now) {
        DedupEntry pending = requirePending(leg);
        AccountState source = loadAccount(leg.getFromAccountId());
        if (source == null) {
            throw new InvariantViolation("refund for unknown source account " + leg.getFromAccountId());
        }
        LedgerEvent event = Ledger.refund(
                leg.getRequestId(), leg.getToAccountId(), leg.getAmount(), Codec.toCore(leg.getReason()), source, now);
        AccountState after = apply(event);
        List<AccountSnapshot> touched = new ArrayList<>();
        touched.add(Codec.snapshot(leg.getFromAccountId(), after));
        if (leg.getDestination() != null) {
            touched.add(leg.getDestination());
        }
        Outcome outcome = Outcome.newBuilder(pending.getOutcome())
                .setStatus(OutcomeStatus.REJECTED)
                .setReason(Reason.DESTINATION_REJECTED)
                .setDetail(leg.getReason().name())
                .setCurrentVersion(after.version())
                .setAccounts(touched)
                .setProcessedAtMs(now)
                .build();
        metrics.transferCompleted(true, now - pending.getRecordedAtMs());
        complete(leg.getRequestId(), pending, outcome);
    }

    private DedupEntry requirePending(TransferLeg leg) {
        DedupEntry pending = loadDedup(leg.getRequestId());
        if (pending == null || pending.getStatus() != DedupStatus.PENDING) {
            throw new InvariantViolation("transfer leg " + leg.getKind() + " for request " + leg.getRequestId()
                    + " but no pending transfer is recorded (found " + (pending == null ? "none" : pending.getStatus())
                    + ")");
        }
        return pending;
    }

    private void complete(String requestId, DedupEntry pending, Outcome outcome) {
        DedupEntry done = DedupEntry.newBuilder(pending)
                .setStatus(DedupStatus.COMPLETE)
                .setOutcome(outcome)
                .build();
        dedup.put(requestId, dedupSerde.encode(done));
        emit(outcome);
    }

    // ---- punctuators ------------------------------------------------------------------------------------------

    private void expireHolds(long now) {
        List<KeyValue<Bytes, byte[]>> due = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = holdExpiry.range(TimeIndex.from(), TimeIndex.upTo(now))) {
            while (it.hasNext() && due.size() < config.expiryBatchMax()) {
                due.add(it.next());
            }
        }
        for (KeyValue<Bytes, byte[]> entry : due) {
            String value = TimeIndex.entry(entry.key);
            int sep = value.indexOf('\0');
            String accountId = value.substring(0, sep);
            String holdId = value.substring(sep + 1);
            AccountState state = loadAccount(accountId);
            if (state == null) {
                throw new InvariantViolation("hold index names unknown account " + accountId);
            }
            Ledger.expireHold(state, holdId, now).ifPresent(this::apply);
            holdExpiry.delete(entry.key);
        }
    }

    private void purgeDedup(long now) {
        List<Bytes> due = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it =
                dedupExpiry.range(TimeIndex.from(), TimeIndex.upTo(now - config.dedupRetentionMs()))) {
            while (it.hasNext() && due.size() < config.expiryBatchMax()) {
                due.add(it.next().key);
            }
        }
        for (Bytes key : due) {
            dedupExpiry.delete(key);
            String requestId = TimeIndex.entry(key);
            DedupEntry entry = loadDedup(requestId);
            if (entry != null && entry.getStatus() == DedupStatus.PENDING) {
                // a transfer still in flight keeps its entry (its last leg needs it); look again one retention later
                dedupExpiry.put(TimeIndex.key(now, requestId), new byte[0]);
            } else {
                dedup.delete(requestId);
            }
        }
    }

    // ---- state and outputs ------------------------------------------------------------------------------------

    /** Applies one event: evolve (which checks every invariant), store, index holds, publish. */
    private AccountState apply(LedgerEvent event) {
        AccountState before = loadAccount(event.accountId());
        AccountState after = Ledger.evolve(before, event);
        accounts.put(event.accountId(), accountSerde.encode(Codec.toRecord(after)));
        indexHolds(before, event);
        context.forward(
                new Record<Object, Object>(event.accountId(), Codec.toAvro(event), event.timestampMs()),
                LedgerTopology.EVENTS_SINK);
        return after;
    }

    /** Keeps the hold-expiry index in step with the holds: one entry per active hold, keyed by its expiry time. */
    private void indexHolds(AccountState before, LedgerEvent event) {
        String holdId = null;
        if (event.body() instanceof HoldPlaced b) {
            holdExpiry.put(
                    TimeIndex.key(b.expiresAtMs(), TimeIndex.holdEntry(event.accountId(), b.holdId())), new byte[0]);
            return;
        } else if (event.body() instanceof HoldCaptured b) {
            holdId = b.holdId();
        } else if (event.body() instanceof HoldReleased b) {
            holdId = b.holdId();
        } else if (event.body() instanceof HoldExpired b) {
            holdId = b.holdId();
        }
        if (holdId != null) {
            Hold hold = before.holds().get(holdId);
            holdExpiry.delete(TimeIndex.key(hold.expiresAtMs(), TimeIndex.holdEntry(event.accountId(), holdId)));
        }
    }

    private AccountState loadAccount(String accountId) {
        byte[] bytes = accounts.get(accountId);
        if (bytes == null) {
            return null;
        }
        AccountState state = Codec.toState(accountSerde.decode(bytes));
        if (!state.accountId().equals(accountId)) {
            throw new InvariantViolation("account store key " + accountId + " holds account " + state.accountId());
        }
        return state;
    }

    private DedupEntry loadDedup(String requestId) {
        byte[] bytes = dedup.get(requestId);
        return bytes == null ? null : dedupSerde.decode(bytes);
    }

    private void remember(String requestId, byte[] fingerprint, DedupStatus status, Outcome outcome, long now) {
        DedupEntry entry = DedupEntry.newBuilder()
                .setFingerprint(ByteBuffer.wrap(fingerprint))
                .setStatus(status)
                .setOutcome(outcome)
                .setRecordedAtMs(now)
                .build();
        dedup.put(requestId, dedupSerde.encode(entry));
        dedupExpiry.put(TimeIndex.key(now, requestId), new byte[0]);
    }

    private Outcome outcome(
            CommandEnvelope envelope,
            OutcomeStatus status,
            Reason reason,
            String detail,
            long currentVersion,
            List<AccountSnapshot> accountsTouched,
            long now) {
        return Outcome.newBuilder()
                .setRequestId(envelope.getRequestId())
                .setAccountId(envelope.getAccountId())
                .setCommandType(Codec.commandType(envelope))
                .setStatus(status)
                .setReason(reason)
                .setDetail(detail)
                .setCurrentVersion(currentVersion)
                .setAccounts(accountsTouched)
                .setReplay(false)
                .setReplyTo(envelope.getReplyTo())
                .setProcessedAtMs(now)
                .build();
    }

    /** Emits the first outcome of a command and records its end-to-end latency (when the client stamped it). */
    private void emitFirst(CommandEnvelope envelope, Outcome outcome) {
        if (envelope.getSubmittedAtMs() > 0) {
            metrics.endToEndLatency(outcome.getProcessedAtMs() - envelope.getSubmittedAtMs());
        }
        emit(outcome);
    }

    private void emit(Outcome outcome) {
        metrics.outcome(
                outcome.getStatus().name(),
                outcome.getReason() == null ? null : outcome.getReason().name(),
                outcome.getReplay());
        context.forward(
                new Record<Object, Object>(outcome.getReplyTo(), outcome, context.currentSystemTimeMs()),
                LedgerTopology.OUTCOMES_SINK);
    }

    private void forwardLeg(TransferLeg leg, String targetAccount) {
        context.forward(
                new Record<Object, Object>(targetAccount, leg, context.currentSystemTimeMs()),
                LedgerTopology.LEGS_SINK);
    }

    private void deadLetter(Record<byte[], byte[]> record, RecordMetadata meta, String reason, String message) {
        metrics.deadLetter(reason);
        DeadLetter letter = DeadLetter.newBuilder()
                .setReason(reason)
                .setErrorMessage(message)
                .setSourceTopic(meta.topic())
                .setSourcePartition(meta.partition())
                .setSourceOffset(meta.offset())
                .setRecordTimestampMs(record.timestamp())
                .setKey(record.key() == null ? null : ByteBuffer.wrap(record.key()))
                .setValue(record.value() == null ? null : ByteBuffer.wrap(record.value()))
                .setFailedAtMs(context.currentSystemTimeMs())
                .build();
        context.forward(
                new Record<Object, Object>(record.key(), letter, context.currentSystemTimeMs()),
                LedgerTopology.DEAD_LETTERS_SINK);
    }
}
