package io.ledgerstream.sdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.core.ConsistentHash;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.junit.jupiter.api.Test;

/** The SDK places every command exactly where the engine expects its account. */
class ConsistentHashPartitionerTest {

    @Test
    void shouldPlaceEachAccountOnItsConsistentHashPartition() {
        Node node = new Node(0, "localhost", 9092);
        List<PartitionInfo> partitions = new ArrayList<>();
        for (int p = 0; p < 12; p++) {
            partitions.add(new PartitionInfo("ledger.commands", p, node, new Node[0], new Node[0]));
        }
        Cluster cluster = new Cluster("c", List.of(node), partitions, Set.of(), Set.of());
        ConsistentHashPartitioner partitioner = new ConsistentHashPartitioner();

        for (int i = 0; i < 1_000; i++) {
            String account = "acct-" + i;
            byte[] key = account.getBytes(StandardCharsets.UTF_8);
            assertThat(partitioner.partition("ledger.commands", account, key, null, null, cluster))
                    .isEqualTo(ConsistentHash.partition(account, 12));
        }
    }
}
