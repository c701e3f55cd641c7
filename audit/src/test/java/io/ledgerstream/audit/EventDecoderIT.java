package io.ledgerstream.audit;

import static org.assertj.core.api.Assertions.assertThat;

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
import io.ledgerstream.serde.AvroSerde;
import io.ledgerstream.serde.RegistryClient;
import io.ledgerstream.serde.RegistryClientConfig;
import io.ledgerstream.serde.WireFormat;
import io.ledgerstream.testkit.EmbeddedRegistry;
import io.ledgerstream.testkit.LedgerstreamTestEnvironment;
import io.ledgerstream.testkit.TopicNames;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The audit's hand-written event reader against the general Avro path, through a real registry: the same events from
 * valid bytes, and the same verdict (an equal event, or a failure) on corrupted bytes.
 */
@ExtendWith(LedgerstreamTestEnvironment.class)
class EventDecoderIT {
    private static final int EVENTS = 2_000;
    private static final int CORRUPTIONS_PER_EVENT = 8;

    @Test
    void shouldDecodeEveryEventLikeTheGeneralAvroPath(EmbeddedRegistry registry, TopicNames names) {
        String topic = names.unique("decoder");
        try (RegistryClient client = client(registry)) {
            AvroSerde<io.ledgerstream.schemas.LedgerEvent> serde =
                    new AvroSerde<>(client, io.ledgerstream.schemas.LedgerEvent.class, false, true);
            EventDecoder decoder = new EventDecoder(client);
            StringPool pool = new StringPool();
            EventDecoder numbering = new EventDecoder(client, pool);
            Random random = new Random(42);
            int bodiesSeen = 0;
            boolean[] seen = new boolean[10];
            for (int i = 0; i < EVENTS; i++) {
                LedgerEvent event = randomEvent(random, i);
                byte[] bytes = serde.serializer().serialize(topic, Codec.toAvro(event));
                assertThat(decoder.decode(topic, bytes)).isEqualTo(event);
                assertThat(decoder.refs()).isNull();
                seen[bodyIndex(event.body())] = true;

                // the numbering decoder: the same event, and its names' numbers and request ID's bytes
                assertThat(numbering.decode(topic, bytes)).isEqualTo(event);
                EventDecoder.Refs refs = numbering.refs();
                assertThat(pool.get(refs.account)).isEqualTo(event.accountId());
                assertThat(pool.get(refs.counterparty)).isEqualTo(EventKind.counterparty(event.body()));
                assertThat(pool.get(refs.currency)).isEqualTo(event.currency());
                assertThat(refs.requestIdData).isSameAs(bytes);
                assertThat(new String(
                                refs.requestIdData,
                                refs.requestIdStart,
                                refs.requestIdLength,
                                java.nio.charset.StandardCharsets.UTF_8))
                        .isEqualTo(event.requestId());

                // in place, as the replay consumer hands it over: a view of a larger array; refs point into that array
                int idStart = refs.requestIdStart; // refs is overwritten by the next decode
                int idLength = refs.requestIdLength;
                ByteBuffer value = inPlace(random, bytes);
                int recordStart = value.arrayOffset() + value.position();
                assertThat(numbering.decode(topic, value)).isEqualTo(event);
                assertThat(value.remaining()).as("the buffer is not consumed").isEqualTo(bytes.length);
                EventDecoder.Refs inPlace = numbering.refs();
                assertThat(inPlace.requestIdData).isSameAs(value.array());
                assertThat(inPlace.requestIdStart).isEqualTo(recordStart + idStart);
                assertThat(inPlace.requestIdLength).isEqualTo(idLength);
            }
            for (boolean b : seen) {
                bodiesSeen += b ? 1 : 0;
            }
            assertThat(bodiesSeen).as("every body type generated").isEqualTo(10);
            assertThat(decoder.fastDecodes()).isEqualTo(EVENTS);
            assertThat(decoder.genericDecodes()).isZero();
        }
    }

    @Test
    void shouldAgreeWithTheGeneralAvroPathOnCorruptedBytes(EmbeddedRegistry registry, TopicNames names) {
        String topic = names.unique("decoder-corrupt");
        try (RegistryClient client = client(registry)) {
            AvroSerde<io.ledgerstream.schemas.LedgerEvent> serde =
                    new AvroSerde<>(client, io.ledgerstream.schemas.LedgerEvent.class, false, true);
            AvroDeserializer<io.ledgerstream.schemas.LedgerEvent> reference =
                    new AvroDeserializer<>(client, io.ledgerstream.schemas.LedgerEvent.class, false);
            EventDecoder decoder = new EventDecoder(client, new StringPool());
            Random random = new Random(7);
            int failures = 0;
            int decoded = 0;
            for (int i = 0; i < EVENTS; i++) {
                byte[] valid = serde.serializer().serialize(topic, Codec.toAvro(randomEvent(random, i)));
                for (int c = 0; c < CORRUPTIONS_PER_EVENT; c++) {
                    byte[] bytes = corrupt(random, valid);
                    String expected = outcome(() -> Codec.toCore(reference.deserialize(topic, bytes)));
                    String actual = outcome(() -> decoder.decode(topic, bytes));
                    assertThat(actual)
                            .as("corruption %d of event %d: %s", c, i, Arrays.toString(bytes))
                            .isEqualTo(expected);
                    // in place, with other bytes before and after: the same event or the same failure, message and
                    // offsets included (nothing outside the record is read)
                    assertThat(described(() -> decoder.decode(topic, inPlace(random, bytes))))
                            .as("in place: corruption %d of event %d", c, i)
                            .isEqualTo(described(() -> decoder.decode(topic, bytes)));
                    if (actual.startsWith("failed")) {
                        assertThat(decoder.refs())
                                .as("refs of a record that failed to decode")
                                .isNull();
                        failures++;
                    } else {
                        decoded++;
                    }
                }
            }
            // both kinds happen, so the comparison covers accepted and refused bytes
            assertThat(failures).isGreaterThan(EVENTS);
            assertThat(decoded).isGreaterThan(EVENTS / 10);
            assertThat(decoder.genericDecodes()).isZero();
        }
    }

    @Test
    void shouldReadAnotherWriterSchemaThroughTheGeneralPath(EmbeddedRegistry registry, TopicNames names)
            throws Exception {
        String topic = names.unique("decoder-evolved");
        Schema current = io.ledgerstream.schemas.LedgerEvent.getClassSchema();
        Schema evolved = withExtraField(current);
        try (RegistryClient client = client(registry)) {
            int id = client.register(topic + "-value", evolved);
            LedgerEvent event = randomEvent(new Random(3), 1);
            GenericRecord record = new GenericData.Record(evolved);
            io.ledgerstream.schemas.LedgerEvent avro = Codec.toAvro(event);
            for (Schema.Field field : current.getFields()) {
                record.put(field.name(), avro.get(field.pos()));
            }
            record.put("auditNote", "written by a newer producer");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            WireFormat.writeHeader(out, id);
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            // SpecificData writes the generated body record inside the generic top-level record
            new GenericDatumWriter<GenericRecord>(evolved, SpecificData.get()).write(record, encoder);
            encoder.flush();

            EventDecoder decoder = new EventDecoder(client, new StringPool());
            assertThat(decoder.decode(topic, out.toByteArray())).isEqualTo(event);
            assertThat(decoder.decode(topic, inPlace(new Random(4), out.toByteArray())))
                    .isEqualTo(event);
            assertThat(decoder.refs())
                    .as("nothing learned beyond the event on the general path")
                    .isNull();
            assertThat(decoder.genericDecodes()).isEqualTo(2);
            assertThat(decoder.fastDecodes()).isZero();
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    private static RegistryClient client(EmbeddedRegistry registry) {
        return new RegistryClient(RegistryClientConfig.fromMap(Map.of("registry.url", registry.url())));
    }

    private static String outcome(java.util.function.Supplier<LedgerEvent> decode) {
        try {
            LedgerEvent event = decode.get();
            return "decoded " + event + " hash=" + Arrays.toString(event.hash()) + " prev="
                    + Arrays.toString(event.prevHash());
        } catch (RuntimeException e) {
            return "failed";
        }
    }

    /** Like {@link #outcome}, but a failure with its exception and message. */
    private static String described(java.util.function.Supplier<LedgerEvent> decode) {
        LedgerEvent event;
        try {
            event = decode.get();
        } catch (RuntimeException e) {
            return "failed: " + e;
        }
        return outcome(() -> event);
    }

    /**
     * The bytes as the consumer hands a record's value over: in a larger array, with random bytes before and after
     * them, as a slice (non-zero array offset) or a window (non-zero position).
     */
    private static ByteBuffer inPlace(Random random, byte[] bytes) {
        int before = random.nextInt(17);
        byte[] buffer = new byte[before + bytes.length + random.nextInt(17)];
        random.nextBytes(buffer);
        System.arraycopy(bytes, 0, buffer, before, bytes.length);
        ByteBuffer window = ByteBuffer.wrap(buffer, before, bytes.length);
        return random.nextBoolean() ? window.slice() : window;
    }

    /** A flipped byte, a truncation, an inserted byte or a trailing byte, past the wire header. */
    private static byte[] corrupt(Random random, byte[] valid) {
        int at = WireFormat.HEADER_LENGTH + random.nextInt(valid.length - WireFormat.HEADER_LENGTH);
        switch (random.nextInt(4)) {
            case 0 -> {
                byte[] b = valid.clone();
                b[at] = (byte) (random.nextBoolean() ? b[at] ^ (1 << random.nextInt(8)) : random.nextInt(256));
                return b;
            }
            case 1 -> {
                return Arrays.copyOf(valid, at);
            }
            case 2 -> {
                byte[] b = new byte[valid.length + 1];
                System.arraycopy(valid, 0, b, 0, at);
                b[at] = (byte) random.nextInt(256);
                System.arraycopy(valid, at, b, at + 1, valid.length - at);
                return b;
            }
            default -> {
                byte[] b = Arrays.copyOf(valid, valid.length + 1);
                b[valid.length] = (byte) random.nextInt(256);
                return b;
            }
        }
    }

    static LedgerEvent randomEvent(Random random, int i) {
        String account = random.nextInt(10) == 0 ? "ünïcode-" + i : "acc-" + i;
        String other = "acc-" + random.nextInt(1000);
        String hold = "h-" + random.nextInt(100);
        long amount = 1 + (random.nextBoolean() ? random.nextInt(1000) : random.nextLong() >>> 2);
        int type = i % 10;
        EventBody body =
                switch (type) {
                    case 0 -> new AccountOpened(random.nextInt(2) * (long) random.nextInt(1_000_000));
                    case 1 -> new Credited(amount);
                    case 2 -> new Debited(amount);
                    case 3 -> new TransferDebited(other, amount);
                    case 4 -> new TransferCredited(other, amount);
                    case 5 -> new TransferRefunded(
                            other, amount, Reason.values()[random.nextInt(Reason.values().length)]);
                    case 6 -> new HoldPlaced(hold, amount, 1_700_000_000_000L + random.nextInt(1_000_000));
                    case 7 -> new HoldCaptured(hold, amount, random.nextInt(50));
                    case 8 -> new HoldReleased(hold, amount);
                    default -> new HoldExpired(hold, amount);
                };
        byte[] prev = new byte[32];
        byte[] hash = new byte[32];
        random.nextBytes(prev);
        random.nextBytes(hash);
        return new LedgerEvent(
                account,
                type == 0 ? 1 : 2 + random.nextInt(1_000_000),
                "req-" + random.nextLong(),
                1_700_000_000_000L + random.nextInt(1_000_000_000),
                random.nextBoolean() ? "EUR" : "USD",
                body,
                random.nextLong() >> random.nextInt(64),
                random.nextInt(3) == 0 ? 0 : random.nextInt(1_000_000),
                prev,
                hash);
    }

    private static int bodyIndex(EventBody body) {
        List<Class<?>> order = new ArrayList<>(List.of(
                AccountOpened.class,
                Credited.class,
                Debited.class,
                TransferDebited.class,
                TransferCredited.class,
                TransferRefunded.class,
                HoldPlaced.class,
                HoldCaptured.class,
                HoldReleased.class,
                HoldExpired.class));
        return order.indexOf(body.getClass());
    }

    /** The event schema plus one trailing string field with a default: compatible, but a different writer. */
    private static Schema withExtraField(Schema current) {
        List<Schema.Field> fields = new ArrayList<>();
        for (Schema.Field f : current.getFields()) {
            fields.add(new Schema.Field(f, f.schema()));
        }
        fields.add(new Schema.Field(
                "auditNote", Schema.create(Schema.Type.STRING), "a field this build does not know", ""));
        return Schema.createRecord(current.getName(), current.getDoc(), current.getNamespace(), false, fields);
    }
}
