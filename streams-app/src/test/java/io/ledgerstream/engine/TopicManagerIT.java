package io.ledgerstream.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerstream.testkit.EmbeddedKafka;
import io.ledgerstream.testkit.LedgerstreamTestEnvironment;
import io.ledgerstream.testkit.TopicNames;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LedgerstreamTestEnvironment.class)
class TopicManagerIT {

    @Test
    void shouldCreateAndAtOnceVerifyEveryTopicOfAFreshEngine(EmbeddedKafka kafka, TopicNames names) throws Exception {
        try (Admin admin = kafka.admin()) {
            // several fresh engines in a row: each creation is verified right away, before the broker may know it
            for (int i = 0; i < 5; i++) {
                EngineConfig config = config(kafka, names.unique("fresh-" + i));

                TopicManager.ensure(admin, config);

                List<String> topics = List.of(
                        config.commandsTopic(),
                        config.transferLegsTopic(),
                        config.eventsTopic(),
                        config.outcomesTopic(),
                        config.deadLettersTopic());
                Map<String, TopicDescription> described =
                        admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS);
                assertThat(described.get(config.eventsTopic()).partitions()).hasSize(3);
                assertThat(described.get(config.outcomesTopic()).partitions()).hasSize(2);
                assertThat(described.get(config.deadLettersTopic()).partitions())
                        .hasSize(1);
                TopicManager.ensure(admin, config); // and again, all existing
            }
        }
    }

    @Test
    void shouldRefuseAnEventsTopicWithAnotherPartitionCount(EmbeddedKafka kafka, TopicNames names) throws Exception {
        EngineConfig config = config(kafka, names.unique("wrong"));
        kafka.createTopic(config.eventsTopic(), 5, Map.of());
        try (Admin admin = kafka.admin()) {
            assertThatThrownBy(() -> TopicManager.ensure(admin, config))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(config.eventsTopic() + " has 5 partitions");
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
                    .containsAll(Set.of(config.commandsTopic(), config.outcomesTopic()));
        }
    }

    private static EngineConfig config(EmbeddedKafka kafka, String prefix) {
        Map<String, Object> props = new HashMap<>();
        props.put(EngineConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        props.put(EngineConfig.REGISTRY_URL, "http://127.0.0.1:1");
        props.put(EngineConfig.APPLICATION_ID, prefix + "-engine");
        props.put(EngineConfig.TOPIC_COMMANDS, prefix + ".commands");
        props.put(EngineConfig.TOPIC_OUTCOMES, prefix + ".outcomes");
        props.put(EngineConfig.TOPIC_EVENTS, prefix + ".events");
        props.put(EngineConfig.TOPIC_TRANSFER_LEGS, prefix + ".legs");
        props.put(EngineConfig.TOPIC_DEAD_LETTERS, prefix + ".dead-letters");
        props.put(EngineConfig.PARTITIONS, 3);
        props.put(EngineConfig.OUTCOME_PARTITIONS, 2);
        props.put(EngineConfig.REPLICATION_FACTOR, (short) 1);
        return new EngineConfig(props);
    }
}
