package io.ledgerstream.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ledgerstream.serde.testing.AllTypes;
import io.ledgerstream.serde.testing.Currency;
import io.ledgerstream.serde.testing.Payment;
import io.ledgerstream.testkit.Await;
import io.ledgerstream.testkit.EmbeddedKafka;
import io.ledgerstream.testkit.EmbeddedRegistry;
import io.ledgerstream.testkit.LedgerstreamTestEnvironment;
import io.ledgerstream.testkit.TopicNames;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The serde against a real Apicurio Registry (and, for the client-config path, a real broker). */
@ExtendWith(LedgerstreamTestEnvironment.class)
class AvroSerdeIT {

    private final EmbeddedRegistry registry;
    private final TopicNames topics;
    private final RegistryClient client;

    AvroSerdeIT(EmbeddedRegistry registry, TopicNames topics) {
        this.registry = registry;
        this.topics = topics;
        this.client =
                new RegistryClient(RegistryClientConfig.builder(registry.url()).build());
    }

    @AfterEach
    void close() {
        client.close();
    }

    @Test
    void shouldRoundTripThroughRealRegistry() {
        String topic = topics.unique("payments");
        var serializer = new AvroSerializer<>(client, Payment.class, false, true);

        byte[] bytes = serializer.serialize(topic, AvroSerdeTest.payment());

        try (RegistryClient reader = new RegistryClient(client.config())) {
            var deserializer = new AvroDeserializer<>(reader, Payment.class, false);
            assertThat(deserializer.deserialize(topic, bytes)).isEqualTo(AvroSerdeTest.payment());
        }
        assertThat(client.subjects()).contains(topic + "-value");
    }

    @Test
    void shouldRoundTripEveryAvroAndLogicalType() {
        String topic = topics.unique("all");
        var serializer = new AvroSerializer<>(client, AllTypes.class, false, true);
        var deserializer = new AvroDeserializer<>(client, AllTypes.class, false);
        RandomAvro random = new RandomAvro(11);

        for (int i = 0; i < 20; i++) {
            AllTypes record = random.specific(AllTypes.class);
            assertThat(deserializer.deserialize(topic, serializer.serialize(topic, record)))
                    .isEqualTo(record);
        }
    }

    @Test
    void shouldRefuseToSerializeUnregisteredSchemaWhenAutoRegisterIsOff() {
        String topic = topics.unique("payments");
        var serializer = new AvroSerializer<>(client, Payment.class, false, false);

        assertThatThrownBy(() -> serializer.serialize(topic, AvroSerdeTest.payment()))
                .isInstanceOf(SchemaNotRegisteredException.class)
                .hasMessageContaining(topic + "-value");
        assertThat(client.subjects()).doesNotContain(topic + "-value");

        client.register(topic + "-value", Payment.getClassSchema()); // what a deployment does up front
        assertThat(serializer.serialize(topic, AvroSerdeTest.payment())).isNotEmpty();
    }

    @Test
    void shouldReadOlderWriterSchemaAsCurrentClass() throws Exception {
        String topic = topics.unique("payments");
        GenericRecord v1 = new GenericData.Record(AvroSerdeTest.PAYMENT_V1);
        v1.put("paymentId", "p-7");
        v1.put("amountMinor", 700L);
        v1.put(
                "currency",
                new GenericData.EnumSymbol(
                        AvroSerdeTest.PAYMENT_V1.getField("currency").schema(), "USD"));
        int v1Id = client.register(topic + "-value", AvroSerdeTest.PAYMENT_V1);
        byte[] bytes = WireFormat.frame(v1Id, AvroSerdeTest.avro(AvroSerdeTest.PAYMENT_V1, v1));

        Payment read = new AvroDeserializer<>(client, Payment.class, false).deserialize(topic, bytes);

        assertThat(read.getAmountMinor()).isEqualTo(700L);
        assertThat(read.getCurrency()).isEqualTo(Currency.USD);
        assertThat(read.getMemo()).as("default of the field added in v2").isEmpty();
    }

    @Test
    void shouldReportUnknownSchemaIdInPayload() {
        byte[] bytes = WireFormat.frame(Integer.MAX_VALUE - 1, new byte[] {2, 'x'});

        assertThatThrownBy(() -> new AvroDeserializer<>(client, Payment.class, false).deserialize("t", bytes))
                .isInstanceOf(UnknownSchemaIdException.class)
                .hasMessageContaining(Integer.toString(Integer.MAX_VALUE - 1));
    }

    /**
     * Decodes our bytes with nothing but the published wire-format rules, a plain HTTP GET and Avro's generic reader:
     * any Confluent-compatible consumer can read what we write.
     */
    @Test
    void shouldWriteBytesAnyConfluentCompatibleReaderCanDecode() throws Exception {
        String topic = topics.unique("payments");
        byte[] bytes =
                new AvroSerializer<>(client, Payment.class, false, true).serialize(topic, AvroSerdeTest.payment());

        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        assertThat(buffer.get()).as("magic byte").isZero();
        int schemaId = buffer.getInt(); // big-endian, as ByteBuffer reads by default
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(registry.url() + "/schemas/ids/" + schemaId))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        Schema writer = new Schema.Parser()
                .parse(new ObjectMapper()
                        .readTree(response.body())
                        .get("schema")
                        .asText());
        GenericRecord decoded = new GenericDatumReader<GenericRecord>(writer)
                .read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));

        assertThat(decoded.get("paymentId")).hasToString("p-1");
        assertThat(decoded.get("amountMinor")).isEqualTo(12_345L);
        assertThat(decoded.get("currency")).hasToString("EUR");
        assertThat(decoded.get("memo")).hasToString("rent");
    }

    @Test
    void shouldWorkWhenKafkaClientsCreateTheSerdeFromConfig(EmbeddedKafka kafka) {
        String topic = topics.unique("payments");
        kafka.createTopic(topic, 1, Map.of());
        Map<String, Object> producerConfig = new HashMap<>();
        producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        producerConfig.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, AvroSerializer.class);
        producerConfig.put(RegistryClientConfig.URL, registry.url());
        producerConfig.put(RegistryClientConfig.AUTO_REGISTER, true);
        producerConfig.put(AvroSerdeConfig.AVRO_VALUE_TYPE, Payment.class.getName());

        try (KafkaProducer<String, Payment> producer = new KafkaProducer<>(producerConfig)) {
            producer.send(new ProducerRecord<>(topic, "p-1", AvroSerdeTest.payment()));
            producer.flush();
        }

        Map<String, Object> consumerConfig = new HashMap<>();
        consumerConfig.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerConfig.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        consumerConfig.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, AvroDeserializer.class);
        consumerConfig.put(RegistryClientConfig.URL, registry.url());
        consumerConfig.put(AvroSerdeConfig.AVRO_VALUE_TYPE, Payment.class.getName());
        List<Payment> received = new ArrayList<>();
        try (KafkaConsumer<String, Payment> consumer = new KafkaConsumer<>(consumerConfig)) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            Await.await(Duration.ofSeconds(30), "the payment was consumed from " + topic, () -> {
                consumer.poll(Duration.ofMillis(100)).forEach(r -> received.add(r.value()));
                return !received.isEmpty();
            });
        }
        assertThat(received).containsExactly(AvroSerdeTest.payment());
    }
}
