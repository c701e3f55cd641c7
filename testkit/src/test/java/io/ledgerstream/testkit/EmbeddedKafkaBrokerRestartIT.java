package io.ledgerstream.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** Stopping and starting a broker of an {@link EmbeddedKafka} (its own cluster: the shared one is left alone). */
class EmbeddedKafkaBrokerRestartIT {
    @Test
    void shouldStopAndRestartABrokerOnItsLoopbackPortWithoutLosingRecords() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            assertThat(kafka.brokerIds()).containsExactly(0);
            kafka.createTopic("restart", 1, Map.of());
            int port = Integer.parseInt(
                    kafka.bootstrapServers().substring(kafka.bootstrapServers().lastIndexOf(':') + 1));
            try (KafkaProducer<String, String> producer = producer(kafka)) {
                producer.send(new ProducerRecord<>("restart", "k", "before")).get(30, TimeUnit.SECONDS);

                kafka.stopBroker(0);
                assertThat(Reachability.canConnect(InetAddress.getLoopbackAddress(), port))
                        .as("the stopped broker's port is closed")
                        .isFalse();

                kafka.startBroker(0);
                assertThat(Reachability.canConnect(InetAddress.getLoopbackAddress(), port))
                        .as("the restarted broker listens on its old loopback port")
                        .isTrue();
                for (InetAddress address : Reachability.nonLoopbackAddresses()) {
                    assertThat(Reachability.canConnect(address, port))
                            .as("port %d reachable on %s after the restart", port, address)
                            .isFalse();
                }
                producer.send(new ProducerRecord<>("restart", "k", "after")).get(30, TimeUnit.SECONDS);
            }
            assertThat(TopicContents.readAll(
                                    kafka.bootstrapServers(),
                                    "restart",
                                    new StringDeserializer(),
                                    new StringDeserializer())
                            .stream()
                            .map(ConsumerRecord::value))
                    .containsExactly("before", "after");
        }
    }

    @Test
    void shouldRefuseAnUnknownBroker() {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            assertThatThrownBy(() -> kafka.stopBroker(7))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("no broker 7");
        }
    }

    private static KafkaProducer<String, String> producer(EmbeddedKafka kafka) {
        return new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers(),
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                        true,
                        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                        60_000),
                new StringSerializer(),
                new StringSerializer());
    }
}
