package io.ledgerstream.sdk.internal;

import io.ledgerstream.sdk.ConsistentHashPartitioner;
import io.ledgerstream.sdk.LedgerClientConfig;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The Kafka client settings the SDK uses, with every safety setting explicit: the pass-through {@code kafka.*} keys
 * first, then the SDK's own settings on top ({@link LedgerClientConfig} already refused pass-through keys that would
 * override them). Stateless and thread-safe.
 */
public final class KafkaSettings {

    private KafkaSettings() {}

    /**
     * Returns the settings of a client's transactional producer: idempotent, {@code acks=all}, the configured
     * transactional ID, and the shared consistent-hash partitioner.
     *
     * @param config the client config; not null
     * @return a new map, never null
     */
    public static Map<String, Object> producer(LedgerClientConfig config) {
        Map<String, Object> p = config.kafkaPassThrough();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, config.clientId() + "-producer");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, config.transactionalId());
        p.put(ProducerConfig.PARTITIONER_CLASS_CONFIG, ConsistentHashPartitioner.class.getName());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    /**
     * Returns the settings of a client's outcome consumer: read_committed, no group, no commits.
     *
     * @param config the client config; not null
     * @return a new map, never null
     */
    public static Map<String, Object> outcomeConsumer(LedgerClientConfig config) {
        Map<String, Object> p = config.kafkaPassThrough();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, config.clientId() + "-outcomes");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return p;
    }

    /**
     * Returns the settings of a result stream's consumer: read_committed, the given group, manual commits, at most
     * {@code stream.poll.records.max} records per poll, and {@code earliest} when the group has no committed offset.
     *
     * @param config the client config; not null
     * @param groupId the consumer group; not null
     * @param role a short name for the Kafka client ID, e.g. {@code events}; not null
     * @return a new map, never null
     */
    public static Map<String, Object> streamConsumer(LedgerClientConfig config, String groupId, String role) {
        Map<String, Object> p = config.kafkaPassThrough();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, config.clientId() + "-" + role + "-stream");
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.streamPollRecordsMax());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return p;
    }
}
