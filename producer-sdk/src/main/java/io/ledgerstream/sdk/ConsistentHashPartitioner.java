package io.ledgerstream.sdk;

import io.ledgerstream.core.ConsistentHash;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.Partitioner;
import org.apache.kafka.common.Cluster;

/**
 * A Kafka producer {@link Partitioner} that places each record by the shared consistent hash of its key, exactly as
 * the engine's sinks do, so a command lands directly on the partition that owns its account.
 *
 * <p>Keys must be the account ID (a {@code String}, or its UTF-8 bytes). A record without a key is refused: an
 * account command always has one. Stateless and thread-safe.
 *
 * <p>Use it with {@code partitioner.class=io.ledgerstream.sdk.ConsistentHashPartitioner}. A plain producer with
 * Kafka's default partitioner still works: the engine re-routes misplaced commands, at the cost of one more hop.
 */
public final class ConsistentHashPartitioner implements Partitioner {

    /** Creates the partitioner; Kafka does this from {@code partitioner.class}. */
    public ConsistentHashPartitioner() {}

    @Override
    public int partition(String topic, Object key, byte[] keyBytes, Object value, byte[] valueBytes, Cluster cluster) {
        if (keyBytes == null) {
            throw new IllegalArgumentException("ledgerstream records need a key (the account ID); topic " + topic);
        }
        String routingKey = key instanceof String s ? s : new String(keyBytes, StandardCharsets.UTF_8);
        int partitions = cluster.partitionCountForTopic(topic);
        return ConsistentHash.partition(routingKey, partitions);
    }

    @Override
    public void close() {}

    @Override
    public void configure(Map<String, ?> configs) {}
}
