package io.ledgerstream.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads a whole topic as it stands now, the way an auditor would: {@code read_committed}, every partition from the
 * beginning up to the end offsets taken when the read starts. Records of aborted transactions are never returned.
 * Stateless; each call uses its own consumer.
 */
public final class TopicContents {

    /** How long one read may take before it fails. */
    public static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    private TopicContents() {}

    /**
     * Returns every committed record of {@code topic}, partition by partition in offset order (every record, aborted
     * ones included, if {@code extraConsumerProps} sets {@code isolation.level=read_uncommitted}).
     *
     * @param bootstrapServers the cluster, not null
     * @param topic an existing topic, not null
     * @param keys key deserializer, not null
     * @param values value deserializer, not null
     * @param extraConsumerProps further consumer settings (e.g. security, isolation level), not null, may be empty
     * @throws AssertionError if the end is not reached within {@link #READ_TIMEOUT}
     */
    public static <K, V> List<ConsumerRecord<K, V>> readAll(
            String bootstrapServers,
            String topic,
            Deserializer<K> keys,
            Deserializer<V> values,
            Map<String, Object> extraConsumerProps) {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(topic, "topic");
        Map<String, Object> p = new HashMap<>(extraConsumerProps);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(p, keys, values)) {
            List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition()))
                    .toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            List<ConsumerRecord<K, V>> records = new ArrayList<>();
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic + " to its end within " + READ_TIMEOUT);
                }
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
            return records;
        }
    }

    /** {@link #readAll(String, String, Deserializer, Deserializer, Map)} without extra consumer settings. */
    public static <K, V> List<ConsumerRecord<K, V>> readAll(
            String bootstrapServers, String topic, Deserializer<K> keys, Deserializer<V> values) {
        return readAll(bootstrapServers, topic, keys, values, Map.of());
    }
}
