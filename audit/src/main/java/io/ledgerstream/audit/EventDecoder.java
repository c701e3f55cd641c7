package io.ledgerstream.audit;

import io.ledgerstream.core.AccountOpened;
import io.ledgerstream.core.Credited;
import io.ledgerstream.core.Debited;
import io.ledgerstream.core.EventBody;
import io.ledgerstream.core.HoldCaptured;
import io.ledgerstream.core.HoldExpired;
import io.ledgerstream.core.HoldPlaced;
import io.ledgerstream.core.HoldReleased;
import io.ledgerstream.core.LedgerEvent;
import io.ledgerstream.core.Reason;
import io.ledgerstream.core.TransferCredited;
import io.ledgerstream.core.TransferDebited;
import io.ledgerstream.core.TransferRefunded;
import io.ledgerstream.engine.Codec;
import io.ledgerstream.serde.AvroBinaryCursor;
import io.ledgerstream.serde.AvroDeserializer;
import io.ledgerstream.serde.CorruptPayloadException;
import io.ledgerstream.serde.RegistryClient;
import io.ledgerstream.serde.WireFormat;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/**
 * Decodes ledger event records (Confluent wire format) straight into core {@link LedgerEvent}s: the audit's hot path.
 *
 * <p>When a record's writer schema (fetched once per schema id) has the same parsing canonical form as the event
 * schema this build was compiled with, its bytes are read by a hand-written, bounds-checked reader that builds the
 * core event directly: no validation pass, no generated Avro object, no reflection, no conversion. Any other writer
 * schema (an older or newer compatible version) goes through the general path ({@link AvroDeserializer}: validation,
 * schema resolution, then {@link Codec#toCore}). Both paths accept exactly the same bytes and produce equal events; a
 * test checks this on random and corrupted records.
 *
 * <p>Reads through {@link AvroBinaryCursor}, the serde's own bounds checks: every length is checked against the bytes
 * present before anything is allocated, union and enum indexes against the schema, and trailing bytes are refused,
 * so corrupt bytes fail fast with {@link CorruptPayloadException} (or the core's {@link
 * io.ledgerstream.core.InvariantViolation} for values no event may hold), as on the general path.
 *
 * <p>Not thread-safe: one per replay thread.
 */
final class EventDecoder {

    /** The event schema this build reads; writer schemas with its canonical form take the fast path. */
    private static final long FAST_FINGERPRINT =
            SchemaNormalization.parsingFingerprint64(io.ledgerstream.schemas.LedgerEvent.getClassSchema());

    /** Avro Reason symbol index to core reason, by name (a mismatch fails at class load, i.e. in every test). */
    private static final Reason[] REASONS = reasons();

    private static final int BODY_BRANCHES = 10;

    private final RegistryClient registry;
    private final StringPool pool;
    private final AvroDeserializer<io.ledgerstream.schemas.LedgerEvent> generic;
    private final Map<Integer, Boolean> fastBySchemaId = new HashMap<>();
    /** Account IDs and currencies repeat: one String per distinct value, hash computed once. */
    private final NameCache names;

    private final Refs refs = new Refs();
    /** Reads the request ID and notes where its bytes are (in the record's array, which {@link #read} notes). */
    private final AvroBinaryCursor.StringDecoder requestIdReader = (bytes, start, length) -> {
        refs.requestIdStart = start;
        refs.requestIdLength = length;
        return new String(bytes, start, length, StandardCharsets.UTF_8);
    };

    private boolean refsValid;

    private int lastSchemaId;
    private boolean lastFast;
    private boolean lastKnown;
    private String lastTopic;
    private String lastSubject;
    private long fastDecodes;
    private long genericDecodes;

    /**
     * What the hand-written reader learned of the last event beyond the event itself: its names' numbers in the
     * replay shard's pool, and where its request ID's UTF-8 bytes are in the record (valid until the next decode).
     * One instance per decoder, overwritten by every decode.
     */
    static final class Refs {
        /** Pool numbers of the account ID, the transfer counterparty (-1: none) and the currency. */
        int account;

        int counterparty;
        int currency;
        /** The array holding the record's bytes, and where the request ID's UTF-8 bytes are in it. */
        byte[] requestIdData;

        int requestIdStart;
        int requestIdLength;
    }

    /**
     * A decoder whose events are not numbered ({@link #refs()} is always null).
     *
     * @param registry resolves schema ids to writer schemas; not null, owned by the caller
     */
    EventDecoder(RegistryClient registry) {
        this(registry, null);
    }

    /**
     * @param registry resolves schema ids to writer schemas; not null, owned by the caller
     * @param pool the pool of the replay shard this decoder feeds, which numbers the events' names ({@link #refs()});
     *     null for none
     */
    EventDecoder(RegistryClient registry, StringPool pool) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.generic = new AvroDeserializer<>(registry, io.ledgerstream.schemas.LedgerEvent.class, false);
        this.names = new NameCache(NameCache.SLOTS, pool);
        this.pool = pool;
    }

    /**
     * What the last {@link #decode} learned beyond the event, or null if it was not read by the hand-written reader,
     * failed, or this decoder has no pool.
     */
    Refs refs() {
        return refsValid ? refs : null;
    }

    /**
     * Decodes one framed record value.
     *
     * @param topic for messages
     * @param data the framed value; null returns null
     * @return the event, or null for a null value
     * @throws CorruptPayloadException or another {@link RuntimeException} if the bytes are not a valid event;
     *     registry failures propagate as the serde's exceptions
     */
    LedgerEvent decode(String topic, byte[] data) {
        return data == null ? decode(topic, null, 0, 0) : decode(topic, data, 0, data.length);
    }

    /**
     * Decodes one framed record value in place: the buffer's remaining bytes, e.g. a record's value as the consumer
     * fetched it (no copy). Nothing outside them is read; the buffer's position is not moved.
     *
     * @param topic for messages
     * @param value the framed value; null returns null
     * @return the event, or null for a null value
     * @throws CorruptPayloadException or another {@link RuntimeException} if the bytes are not a valid event;
     *     registry failures propagate as the serde's exceptions
     */
    LedgerEvent decode(String topic, ByteBuffer value) {
        if (value == null) {
            return decode(topic, null, 0, 0);
        }
        if (!value.hasArray()) { // direct or read-only: never what the consumer hands out, but read all the same
            byte[] copy = ValuesInPlace.copy(value);
            return decode(topic, copy, 0, copy.length);
        }
        return decode(topic, value.array(), value.arrayOffset() + value.position(), value.remaining());
    }

    private LedgerEvent decode(String topic, byte[] data, int start, int length) {
        refsValid = false;
        if (data == null) {
            return null;
        }
        int schemaId = WireFormat.schemaId(data, start, length);
        if (schemaId != lastSchemaId || !lastKnown) { // almost every record repeats the previous one's schema id
            Boolean fast = fastBySchemaId.get(schemaId);
            if (fast == null) {
                fast = SchemaNormalization.parsingFingerprint64(registry.schemaById(schemaId)) == FAST_FINGERPRINT;
                fastBySchemaId.put(schemaId, fast);
            }
            lastSchemaId = schemaId;
            lastFast = fast;
            lastKnown = true;
            lastSubject = null;
        }
        if (lastFast) {
            fastDecodes++;
            if (lastSubject == null || !Objects.equals(topic, lastTopic)) { // for messages only: built once
                lastTopic = topic;
                lastSubject =
                        "io.ledgerstream.schemas.LedgerEvent (topic " + topic + ", writer schema id " + schemaId + ")";
            }
            LedgerEvent event = read(data, start, start + length, lastSubject);
            refsValid = pool != null;
            return event;
        }
        genericDecodes++;
        byte[] framed = start == 0 && length == data.length ? data : Arrays.copyOfRange(data, start, start + length);
        io.ledgerstream.schemas.LedgerEvent avro = generic.deserialize(topic, framed);
        return avro == null ? null : Codec.toCore(avro);
    }

    /** Records decoded by the hand-written reader (for tests and diagnostics). */
    long fastDecodes() {
        return fastDecodes;
    }

    /** Records decoded through the general Avro path (for tests and diagnostics). */
    long genericDecodes() {
        return genericDecodes;
    }

    private static Reason[] reasons() {
        Schema reason = io.ledgerstream.schemas.Reason.getClassSchema();
        List<String> symbols = reason.getEnumSymbols();
        Reason[] out = new Reason[symbols.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = Reason.valueOf(symbols.get(i));
        }
        return out;
    }

    /** Reads the event schema's fields in order from one record's bytes, {@code data[start, end)}. */
    private LedgerEvent read(byte[] data, int start, int end, String subject) {
        AvroBinaryCursor in = new AvroBinaryCursor(data, start, end, WireFormat.HEADER_LENGTH, subject);
        refs.requestIdData = data;
        String accountId = names.read(in);
        refs.account = names.lastId();
        long version = in.readLong();
        String requestId = in.readString(requestIdReader);
        long timestampMs = in.readLong();
        String currency = names.read(in);
        refs.currency = names.lastId();
        refs.counterparty = -1;
        long balanceAfter = in.readLong();
        long heldAfter = in.readLong();
        byte[] prevHash = in.readBytes();
        byte[] hash = in.readBytes();
        EventBody body = body(in);
        in.requireEnd();
        return new LedgerEvent(
                accountId, version, requestId, timestampMs, currency, body, balanceAfter, heldAfter, prevHash, hash);
    }

    private EventBody body(AvroBinaryCursor in) {
        int branch = in.readIndex(BODY_BRANCHES, "union branch");
        return switch (branch) {
            case 0 -> new AccountOpened(in.readLong());
            case 1 -> new Credited(in.readLong());
            case 2 -> new Debited(in.readLong());
            case 3 -> new TransferDebited(counterparty(in), in.readLong());
            case 4 -> new TransferCredited(counterparty(in), in.readLong());
            case 5 -> new TransferRefunded(
                    counterparty(in), in.readLong(), REASONS[in.readIndex(REASONS.length, "enum Reason")]);
            case 6 -> new HoldPlaced(in.readString(), in.readLong(), in.readLong());
            case 7 -> new HoldCaptured(in.readString(), in.readLong(), in.readLong());
            case 8 -> new HoldReleased(in.readString(), in.readLong());
            case 9 -> new HoldExpired(in.readString(), in.readLong());
            default -> throw new IllegalStateException("unreachable: branch " + branch);
        };
    }

    private String counterparty(AvroBinaryCursor in) {
        String counterparty = names.read(in);
        refs.counterparty = names.lastId();
        return counterparty;
    }
}
