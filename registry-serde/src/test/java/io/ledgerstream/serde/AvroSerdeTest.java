package io.ledgerstream.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerstream.serde.testing.AllTypes;
import io.ledgerstream.serde.testing.Currency;
import io.ledgerstream.serde.testing.Payment;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {

    /** Version 1 of {@link Payment}: no memo field. */
    static final Schema PAYMENT_V1 = new Schema.Parser()
            .parse("{\"type\":\"record\",\"name\":\"Payment\",\"namespace\":\"io.ledgerstream.serde.testing\","
                    + "\"fields\":[{\"name\":\"paymentId\",\"type\":\"string\"},"
                    + "{\"name\":\"amountMinor\",\"type\":\"long\"},"
                    + "{\"name\":\"currency\",\"type\":{\"type\":\"enum\",\"name\":\"Currency\","
                    + "\"symbols\":[\"EUR\",\"USD\",\"GBP\"]}}]}");

    private final StubRegistry stub = StubRegistry.start();
    private final RegistryClient client = new RegistryClient(RegistryClientConfig.builder(stub.url())
            .retriesMax(0)
            .requestTimeout(Duration.ofSeconds(5))
            .build());

    @AfterEach
    void stop() {
        client.close();
        stub.close();
    }

    static Payment payment() {
        return Payment.newBuilder()
                .setPaymentId("p-1")
                .setAmountMinor(12_345)
                .setCurrency(Currency.EUR)
                .setMemo("rent")
                .build();
    }

    @Test
    void shouldRoundTripRecordWithRegisteredSchemaId() {
        var serializer = new AvroSerializer<>(client, Payment.class, false, true);
        var deserializer = new AvroDeserializer<>(client, Payment.class, false);

        byte[] bytes = serializer.serialize("payments", payment());

        assertThat(WireFormat.schemaId(bytes))
                .isEqualTo(client.lookup("payments-value", Payment.getClassSchema())
                        .getAsInt());
        assertThat(deserializer.deserialize("payments", bytes)).isEqualTo(payment());
    }

    @Test
    void shouldUseKeySubjectForKeys() {
        new AvroSerializer<>(client, Payment.class, true, true).serialize("payments", payment());

        assertThat(client.subjects()).containsExactly("payments-key");
    }

    @Test
    void shouldMapNullToNullBothWays() {
        var serializer = new AvroSerializer<>(client, Payment.class, false, true);
        var deserializer = new AvroDeserializer<>(client, Payment.class, false);

        assertThat(serializer.serialize("payments", null)).isNull();
        assertThat(deserializer.deserialize("payments", null)).isNull();
        assertThat(stub.requestCount()).isZero();
    }

    @Test
    void shouldOnlyLookUpWhenAutoRegisterIsOff() {
        var serializer = new AvroSerializer<>(client, Payment.class, false, false);

        assertThatThrownBy(() -> serializer.serialize("payments", payment()))
                .isInstanceOf(SchemaNotRegisteredException.class)
                .hasMessageContaining("payments-value")
                .hasMessageContaining("io.ledgerstream.serde.testing.Payment");
        assertThat(stub.requests()).allMatch(r -> !r.path().endsWith("/versions"));

        client.register("payments-value", Payment.getClassSchema());
        assertThat(serializer.serialize("payments", payment())).isNotNull();
    }

    @Test
    void shouldReadRecordWrittenWithOlderSchemaUsingDefaults() throws IOException {
        GenericRecord v1 = new GenericData.Record(PAYMENT_V1);
        v1.put("paymentId", "p-old");
        v1.put("amountMinor", 5L);
        v1.put(
                "currency",
                new GenericData.EnumSymbol(PAYMENT_V1.getField("currency").schema(), "GBP"));
        int v1Id = client.register("payments-value", PAYMENT_V1);
        byte[] framed = WireFormat.frame(v1Id, avro(PAYMENT_V1, v1));

        Payment read = new AvroDeserializer<>(client, Payment.class, false).deserialize("payments", framed);

        assertThat(read.getPaymentId()).isEqualTo("p-old");
        assertThat(read.getCurrency()).isEqualTo(Currency.GBP);
        assertThat(read.getMemo()).isEmpty();
    }

    @Test
    void shouldRejectWriterSchemaTheReaderCannotRead() throws IOException {
        Schema unrelated = new Schema.Parser()
                .parse("{\"type\":\"record\",\"name\":\"Payment\",\"namespace\":\"io.ledgerstream.serde.testing\","
                        + "\"fields\":[{\"name\":\"other\",\"type\":\"int\"}]}");
        GenericRecord record = new GenericData.Record(unrelated);
        record.put("other", 1);
        int id = client.register("payments-value", unrelated);

        assertThatThrownBy(() -> new AvroDeserializer<>(client, Payment.class, false)
                        .deserialize("payments", WireFormat.frame(id, avro(unrelated, record))))
                .isInstanceOf(IncompatibleSchemaException.class)
                .hasMessageContaining("schema id " + id)
                .hasMessageContaining("paymentId");
    }

    @Test
    void shouldRoundTripEveryAvroTypeAndLogicalType() {
        var serializer = new AvroSerializer<>(client, AllTypes.class, false, true);
        var deserializer = new AvroDeserializer<>(client, AllTypes.class, false);
        RandomAvro random = new RandomAvro(42);

        for (int i = 0; i < 200; i++) {
            AllTypes record = random.specific(AllTypes.class);
            byte[] bytes = serializer.serialize("all", record);
            assertThat(deserializer.deserialize("all", bytes)).isEqualTo(record);
        }
    }

    @Test
    void shouldRejectCorruptBytesOnlyWithRegistrySerdeExceptions() {
        var serializer = new AvroSerializer<>(client, AllTypes.class, false, true);
        var deserializer = new AvroDeserializer<>(client, AllTypes.class, false);
        RandomAvro data = new RandomAvro(7);
        Random random = new Random(7);
        int rejected = 0;

        for (int i = 0; i < 3000; i++) {
            byte[] bytes = serializer.serialize("all", data.specific(AllTypes.class));
            byte[] corrupt = corrupt(bytes, random);
            try {
                deserializer.deserialize("all", corrupt);
            } catch (CorruptPayloadException | UnknownMagicByteException | UnknownSchemaIdException expected) {
                rejected++;
            }
        }

        assertThat(rejected).isGreaterThan(1000);
    }

    @Test
    void shouldRejectHugeLengthWithoutAllocatingIt() {
        var serializer = new AvroSerializer<>(client, Payment.class, false, true);
        byte[] bytes = serializer.serialize("payments", payment());
        // paymentId's length varint sits right after the header: claim 2^30 characters
        byte[] hostile = new byte[bytes.length + 4];
        System.arraycopy(bytes, 0, hostile, 0, WireFormat.HEADER_LENGTH);
        byte[] length = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08};
        System.arraycopy(length, 0, hostile, WireFormat.HEADER_LENGTH, length.length);

        assertThatThrownBy(() -> new AvroDeserializer<>(client, Payment.class, false).deserialize("payments", hostile))
                .isInstanceOf(CorruptPayloadException.class)
                .hasMessageContaining("length of string 1073741824");
    }

    @Test
    void shouldRejectTrailingBytes() {
        byte[] bytes = new AvroSerializer<>(client, Payment.class, false, true).serialize("payments", payment());
        byte[] longer = java.util.Arrays.copyOf(bytes, bytes.length + 1);

        assertThatThrownBy(() -> new AvroDeserializer<>(client, Payment.class, false).deserialize("payments", longer))
                .isInstanceOf(CorruptPayloadException.class)
                .hasMessageContaining("trailing byte");
    }

    @Test
    void shouldRejectRecordThatViolatesItsSchema() {
        Payment invalid = Payment.newBuilder(payment()).build();
        invalid.put("paymentId", null);
        var serializer = new AvroSerializer<>(client, Payment.class, false, true);

        assertThatThrownBy(() -> serializer.serialize("payments", invalid))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("Payment")
                .hasMessageContaining("payments");
    }

    @Test
    void shouldConfigureFromKafkaStyleMap() {
        Map<String, Object> configs = new HashMap<>();
        configs.put(RegistryClientConfig.URL, stub.url());
        configs.put(RegistryClientConfig.AUTO_REGISTER, "true");
        configs.put(AvroSerdeConfig.AVRO_TYPE, Payment.class.getName());
        AvroSerializer<Payment> serializer = new AvroSerializer<>();
        AvroDeserializer<Payment> deserializer = new AvroDeserializer<>();
        serializer.configure(configs, false);
        deserializer.configure(configs, false);

        byte[] bytes = serializer.serialize("payments", payment());

        assertThat(deserializer.deserialize("payments", bytes)).isEqualTo(payment());
        serializer.close();
        deserializer.close();
    }

    @Test
    void shouldPreferKeySpecificTypeForKeys() {
        Map<String, Object> configs = Map.of(
                RegistryClientConfig.URL,
                stub.url(),
                RegistryClientConfig.AUTO_REGISTER,
                true,
                AvroSerdeConfig.AVRO_TYPE,
                AllTypes.class,
                AvroSerdeConfig.AVRO_KEY_TYPE,
                Payment.class.getName());
        try (AvroSerde<Payment> serde = new AvroSerde<>()) {
            serde.configure(configs, true);

            byte[] bytes = serde.serializer().serialize("payments", payment());

            assertThat(serde.deserializer().deserialize("payments", bytes)).isEqualTo(payment());
            assertThat(client.subjects()).containsExactly("payments-key");
        }
    }

    @Test
    void shouldRejectMissingOrWrongTypeConfig() {
        Map<String, Object> noType = Map.of(RegistryClientConfig.URL, stub.url());
        assertThatThrownBy(() -> new AvroSerializer<>().configure(noType, false))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(AvroSerdeConfig.AVRO_TYPE);

        Map<String, Object> notAvro =
                Map.of(RegistryClientConfig.URL, stub.url(), AvroSerdeConfig.AVRO_TYPE, "java.lang.String");
        assertThatThrownBy(() -> new AvroDeserializer<>().configure(notAvro, false))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("java.lang.String")
                .hasMessageContaining(AvroSerdeConfig.AVRO_TYPE);
    }

    @Test
    void shouldFailClearlyWhenUsedUnconfigured() {
        assertThatThrownBy(() -> new AvroSerializer<Payment>().serialize("t", payment()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not configured");
    }

    @Test
    void shouldSerializeAndDeserializeConcurrently() throws Exception {
        var serializer = new AvroSerializer<>(client, AllTypes.class, false, true);
        var deserializer = new AvroDeserializer<>(client, AllTypes.class, false);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Integer>> tasks = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                long seed = t;
                tasks.add(() -> {
                    RandomAvro random = new RandomAvro(seed);
                    for (int i = 0; i < 200; i++) {
                        AllTypes record = random.specific(AllTypes.class);
                        assertThat(deserializer.deserialize("all", serializer.serialize("all", record)))
                                .isEqualTo(record);
                    }
                    return 200;
                });
            }
            for (Future<Integer> result : pool.invokeAll(tasks, 60, TimeUnit.SECONDS)) {
                assertThat(result.get()).isEqualTo(200);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static byte[] corrupt(byte[] bytes, Random random) {
        byte[] copy = bytes.clone();
        switch (random.nextInt(4)) {
            case 0 -> { // flip bits in the Avro payload
                int flips = 1 + random.nextInt(3);
                for (int f = 0; f < flips; f++) {
                    int at = WireFormat.HEADER_LENGTH + random.nextInt(copy.length - WireFormat.HEADER_LENGTH);
                    copy[at] ^= (byte) (1 << random.nextInt(8));
                }
                return copy;
            }
            case 1 -> { // truncate
                return java.util.Arrays.copyOf(copy, random.nextInt(copy.length));
            }
            case 2 -> { // overwrite a byte with a random value
                copy[random.nextInt(copy.length)] = (byte) random.nextInt(256);
                return copy;
            }
            default -> { // random garbage after a valid header
                byte[] garbage = new byte[WireFormat.HEADER_LENGTH + random.nextInt(64)];
                random.nextBytes(garbage);
                System.arraycopy(copy, 0, garbage, 0, WireFormat.HEADER_LENGTH);
                return garbage;
            }
        }
    }

    static byte[] avro(Schema schema, Object datum) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<>(schema).write(datum, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
