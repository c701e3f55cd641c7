package io.ledgerstream.engine;

import io.ledgerstream.core.ConsistentHash;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Sends every record to the partition that the shared consistent hash ({@link ConsistentHash}) assigns to its
 * routing key: the same function the producer SDK's partitioner uses, so the SDK and every sink agree.
 */
public final class ConsistentHashPartitioner<K, V> implements StreamPartitioner<K, V> {

    private final Function<K, String> routingKey;

    public ConsistentHashPartitioner(Function<K, String> routingKey) {
        this.routingKey = routingKey;
    }

    @Override
    public Optional<Set<Integer>> partitions(String topic, K key, V value, int numPartitions) {
        return Optional.of(Set.of(ConsistentHash.partition(routingKey.apply(key), numPartitions)));
    }
}
