package io.ledgerstream.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.net.InetAddress;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LedgerstreamTestEnvironment.class)
class EmbeddedKafkaIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final EmbeddedKafka kafka;

    EmbeddedKafkaIT(EmbeddedKafka kafka) {
        this.kafka = kafka;
    }

    @Test
    void shouldDeliverCommittedTransactionToReadCommittedConsumer(TopicNames topics) throws Exception {
        String topic = topics.unique("committed");
        kafka.createTopic(topic, 1, Map.of());

        try (KafkaProducer<String, String> producer = transactionalProducer()) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "account-1", "deposit-100"))
                    .get();
            producer.commitTransaction();
        }

        List<ConsumerRecord<String, String>> records = readUntil(topic, "read_committed", 1);
        assertThat(records).singleElement().satisfies(record -> {
            assertThat(record.key()).isEqualTo("account-1");
            assertThat(record.value()).isEqualTo("deposit-100");
        });
    }

    @Test
    void shouldHideAbortedTransactionFromReadCommittedConsumer(TopicNames topics) throws Exception {
        String topic = topics.unique("aborted");
        kafka.createTopic(topic, 1, Map.of());

        try (KafkaProducer<String, String> producer = transactionalProducer()) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "account-1", "aborted")).get();
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "account-1", "committed")).get();
            producer.commitTransaction();
        }

        assertThat(readUntil(topic, "read_committed", 1))
                .extracting(ConsumerRecord::value)
                .containsExactly("committed");
        // the aborted record really is in the log: an uncommitted reader sees it
        assertThat(readUntil(topic, "read_uncommitted", 2))
                .extracting(ConsumerRecord::value)
                .containsExactly("aborted", "committed");
    }

    @Test
    void shouldCreateTopicWithRequestedPartitionsAndConfigs(TopicNames topics) throws Exception {
        String topic = topics.unique("compacted");

        kafka.createTopic(topic, 3, Map.of("cleanup.policy", "compact"));

        try (Admin admin = kafka.admin()) {
            var description =
                    admin.describeTopics(Set.of(topic)).allTopicNames().get().get(topic);
            assertThat(description.partitions()).hasSize(3);
            var resource = new org.apache.kafka.common.config.ConfigResource(
                    org.apache.kafka.common.config.ConfigResource.Type.TOPIC, topic);
            var config = admin.describeConfigs(Set.of(resource)).all().get().get(resource);
            assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
        }
    }

    @Test
    void shouldRejectCreatingAnExistingTopic(TopicNames topics) {
        String topic = topics.unique("twice");
        kafka.createTopic(topic, 1, Map.of());

        assertThatThrownBy(() -> kafka.createTopic(topic, 1, Map.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(topic);
    }

    @Test
    void shouldNotAutoCreateTopics(TopicNames topics) {
        String topic = topics.unique("never-created");
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                2000);
        try (var producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            assertThatThrownBy(() ->
                            producer.send(new ProducerRecord<>(topic, "k", "v")).get())
                    .hasCauseInstanceOf(org.apache.kafka.common.errors.TimeoutException.class)
                    .hasMessageContaining("not present in metadata");
        }
    }

    @Test
    void shouldListenOnLoopbackOnly() throws SocketException {
        List<Integer> ports = new ArrayList<>();
        for (String endpoint : (kafka.bootstrapServers() + "," + kafka.bootstrapControllers()).split(",")) {
            ports.add(Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1)));
        }
        assertThat(ports).hasSize(2);
        for (int port : ports) {
            assertThat(Reachability.canConnect(InetAddress.getLoopbackAddress(), port))
                    .as("port %d reachable on loopback", port)
                    .isTrue();
        }

        List<InetAddress> external = Reachability.nonLoopbackAddresses();
        assumeThat(external).as("this machine has a non-loopback address").isNotEmpty();
        for (InetAddress address : external) {
            for (int port : ports) {
                assertThat(Reachability.canConnect(address, port))
                        .as("port %d reachable on %s", port, address)
                        .isFalse();
            }
        }
    }

    private KafkaProducer<String, String> transactionalProducer() {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                "testkit-" + UUID.randomUUID(),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.ACKS_CONFIG,
                "all");
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }

    private List<ConsumerRecord<String, String>> readUntil(String topic, String isolationLevel, int expected) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                isolationLevel,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false);
        List<ConsumerRecord<String, String>> received = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            Await.await(TIMEOUT, expected + " record(s) were read from " + topic + " with " + isolationLevel, () -> {
                consumer.poll(Duration.ofMillis(100)).forEach(received::add);
                return received.size() >= expected;
            });
            // the log end offset is behind the transaction markers: nothing more may arrive
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            Await.await(TIMEOUT, "the consumer reached the end of " + topic, () -> {
                consumer.poll(Duration.ofMillis(50)).forEach(received::add);
                return consumer.position(partition) >= end;
            });
        }
        return received;
    }
}
