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
import io.ledgerstream.serde.AvroDeserializer;
import io.ledgerstream.serde.CorruptPayloadException;
import io.ledgerstream.serde.RegistryClient;
import io.ledgerstream.serde.WireFormat;
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
 * <p>Every length is checked against the bytes present before anything is allocated, union and enum indexes against
 * the schema, and trailing bytes are refused, so corrupt bytes fail fast with {@link CorruptPayloadException} (or the
 * core's {@link io.ledgerstream.core.InvariantViolation} for values no event may hold), as on the general path.
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
    private final AvroDeserializer<io.ledgerstream.schemas.LedgerEvent> generic;
    private final Map<Integer, Boolean> fastBySchemaId = new HashMap<>();
    private long fastDecodes;
    private long genericDecodes;

    /**
     * @param registry resolves schema ids to writer schemas; not null, owned by the caller
     */
    EventDecoder(RegistryClient registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.generic = new AvroDeserializer<>(registry, io.ledgerstream.schemas.LedgerEvent.class, false);
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
        if (data == null) {
            return null;
        }
        int schemaId = WireFormat.schemaId(data);
        Boolean fast = fastBySchemaId.get(schemaId);
        if (fast == null) {
            fast = SchemaNormalization.parsingFingerprint64(registry.schemaById(schemaId)) == FAST_FINGERPRINT;
            fastBySchemaId.put(schemaId, fast);
        }
        if (fast) {
            fastDecodes++;
            return new Reader(data, WireFormat.HEADER_LENGTH, topic, schemaId).event();
        }
        genericDecodes++;
        io.ledgerstream.schemas.LedgerEvent avro = generic.deserialize(topic, data);
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

    /** One record's bytes; reads the event schema's fields in order. */
    private static final class Reader {
        private final byte[] data;
        private final String topic;
        private final int schemaId;
        private int pos;

        Reader(byte[] data, int offset, String topic, int schemaId) {
            this.data = data;
            this.pos = offset;
            this.topic = topic;
            this.schemaId = schemaId;
        }

        LedgerEvent event() {
            String accountId = string();
            long version = varint(10);
            String requestId = string();
            long timestampMs = varint(10);
            String currency = string();
            long balanceAfter = varint(10);
            long heldAfter = varint(10);
            byte[] prevHash = bytes();
            byte[] hash = bytes();
            EventBody body = body();
            if (pos != data.length) {
                throw corrupt((data.length - pos) + " trailing byte(s) after a complete event");
            }
            return new LedgerEvent(
                    accountId,
                    version,
                    requestId,
                    timestampMs,
                    currency,
                    body,
                    balanceAfter,
                    heldAfter,
                    prevHash,
                    hash);
        }

        private EventBody body() {
            int branch = index(BODY_BRANCHES, "union branch");
            return switch (branch) {
                case 0 -> new AccountOpened(varint(10));
                case 1 -> new Credited(varint(10));
                case 2 -> new Debited(varint(10));
                case 3 -> new TransferDebited(string(), varint(10));
                case 4 -> new TransferCredited(string(), varint(10));
                case 5 -> new TransferRefunded(string(), varint(10), REASONS[index(REASONS.length, "enum Reason")]);
                case 6 -> new HoldPlaced(string(), varint(10), varint(10));
                case 7 -> new HoldCaptured(string(), varint(10), varint(10));
                case 8 -> new HoldReleased(string(), varint(10));
                case 9 -> new HoldExpired(string(), varint(10));
                default -> throw new IllegalStateException("unreachable: branch " + branch);
            };
        }

        private String string() {
            int length = length("length of string");
            String value = new String(data, pos, length, StandardCharsets.UTF_8);
            pos += length;
            return value;
        }

        private byte[] bytes() {
            int length = length("length of bytes");
            byte[] value = Arrays.copyOfRange(data, pos, pos + length);
            pos += length;
            return value;
        }

        /** A non-negative length that fits in the remaining bytes. */
        private int length(String what) {
            long length = varint(10);
            if (length < 0 || length > data.length - pos) {
                throw corrupt(what + " " + length + " with " + (data.length - pos) + " bytes remaining");
            }
            return (int) length;
        }

        private int index(int size, String what) {
            long index = varint(5);
            if (index < 0 || index >= size) {
                throw corrupt(what + " index " + index + " out of range [0, " + size + ")");
            }
            return (int) index;
        }

        /** A zig-zag varint of at most {@code maxBytes} bytes, the rule the serde's validator applies. */
        private long varint(int maxBytes) {
            long raw = 0;
            for (int i = 0; i < maxBytes; i++) {
                if (pos >= data.length) {
                    throw corrupt("truncated");
                }
                int b = data[pos++] & 0xff;
                raw |= (long) (b & 0x7f) << (7 * i);
                if ((b & 0x80) == 0) {
                    return (raw >>> 1) ^ -(raw & 1);
                }
            }
            throw corrupt("varint longer than " + maxBytes + " bytes");
        }

        private CorruptPayloadException corrupt(String problem) {
            return new CorruptPayloadException("Cannot decode a record of topic " + topic + " with writer schema id "
                    + schemaId + " (io.ledgerstream.schemas.LedgerEvent) at offset " + pos + ": " + problem);
        }
    }
}
