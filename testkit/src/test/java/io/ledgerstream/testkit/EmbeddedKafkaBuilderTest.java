package io.ledgerstream.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EmbeddedKafkaBuilderTest {

    @Test
    void shouldUseReplicationFactorOneForSingleBroker() {
        var props = EmbeddedKafka.builder().effectiveBrokerProperties();

        assertThat(props)
                .containsEntry("offsets.topic.replication.factor", "1")
                .containsEntry("transaction.state.log.replication.factor", "1")
                .containsEntry("transaction.state.log.min.isr", "1")
                .containsEntry("group.initial.rebalance.delay.ms", "0")
                .containsEntry("auto.create.topics.enable", "false")
                .containsEntry("num.partitions", "1");
    }

    @Test
    void shouldCapReplicationFactorAtThree() {
        var props = EmbeddedKafka.builder().brokers(5).effectiveBrokerProperties();

        assertThat(props)
                .containsEntry("offsets.topic.replication.factor", "3")
                .containsEntry("transaction.state.log.replication.factor", "3")
                .containsEntry("transaction.state.log.min.isr", "2");
    }

    @Test
    void shouldLetExtraPropertiesOverrideDefaults() {
        var props = EmbeddedKafka.builder()
                .brokerProperty("num.partitions", "4")
                .brokerProperty("log.retention.ms", "1000")
                .effectiveBrokerProperties();

        assertThat(props).containsEntry("num.partitions", "4").containsEntry("log.retention.ms", "1000");
    }

    @Test
    void shouldRejectInvalidBrokerCount() {
        assertThatThrownBy(() -> EmbeddedKafka.builder().brokers(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
