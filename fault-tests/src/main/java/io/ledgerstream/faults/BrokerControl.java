package io.ledgerstream.faults;

import io.ledgerstream.testkit.EmbeddedKafka;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;

/**
 * Stops and restarts single brokers of an {@link EmbeddedKafka} cluster and finds the broker to hit: a partition's
 * leader, a transaction coordinator. Uses Kafka's own test kit ({@code BrokerServer.shutdown()/startup()}, as {@code
 * ClusterInstance.shutdownBroker/startBroker} does); the restarted broker binds the same loopback port again.
 *
 * <p>Stopping and starting go through {@link EmbeddedKafka#stopBroker(int)} and {@link
 * EmbeddedKafka#startBroker(int)}. Node 0 is a combined broker and controller: stopping its broker keeps the
 * controller running.
 *
 * <p>Not thread-safe: drive it from one thread.
 */
public final class BrokerControl {

    /** Upper bound of one admin call. */
    public static final Duration CALL_TIMEOUT = Duration.ofSeconds(15);

    private final EmbeddedKafka kafka;
    private final Admin admin;

    /**
     * Creates a control for a running cluster.
     *
     * @param kafka the cluster; not null
     * @param admin an admin client of that cluster; not null; not closed by this class
     */
    public BrokerControl(EmbeddedKafka kafka, Admin admin) {
        this.kafka = Objects.requireNonNull(kafka, "kafka");
        this.admin = Objects.requireNonNull(admin, "admin");
    }

    /**
     * Returns the IDs of every broker, running or not.
     *
     * @return a sorted set, never null
     */
    public Set<Integer> brokerIds() {
        return kafka.brokerIds();
    }

    /**
     * Stops one broker (a clean shutdown of the broker process inside this JVM: its sockets close, its partitions'
     * leadership moves, it drops out of every ISR).
     *
     * @param id a broker ID
     */
    public void stop(int id) {
        kafka.stopBroker(id);
    }

    /**
     * Starts a stopped broker again; it rejoins the cluster and catches up its replicas.
     *
     * @param id a broker ID
     */
    public void start(int id) {
        kafka.startBroker(id);
    }

    /**
     * Returns the current leader of a partition.
     *
     * @param topic the topic; not null
     * @param partition the partition
     * @return the leader's broker ID, or empty if it has none or the metadata cannot be read now
     */
    public Optional<Integer> leaderOf(String topic, int partition) {
        return describe(List.of(topic))
                .map(d -> d.get(topic).partitions().get(partition).leader())
                .filter(leader -> leader != null && !leader.isEmpty())
                .map(Node::id);
    }

    /**
     * Returns the transaction coordinator of one open or recent transaction whose ID starts with {@code prefix}.
     *
     * @param prefix e.g. the engine's application ID, or {@code ledgerstream-sdk-<client.id>}; not null
     * @return the coordinator's broker ID, or empty if there is no such transactional ID now
     */
    public Optional<Integer> transactionCoordinatorOf(String prefix) {
        try {
            List<String> ids = transactionalIds().stream()
                    .filter(id -> id.startsWith(prefix))
                    .toList();
            if (ids.isEmpty()) {
                return Optional.empty();
            }
            Map<String, TransactionDescription> described = admin.describeTransactions(ids.subList(0, 1))
                    .all()
                    .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return Optional.of(described.get(ids.get(0)).coordinatorId());
        } catch (ExecutionException | TimeoutException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while describing transactions", e);
        }
    }

    /**
     * Returns the transactional IDs the coordinators know now (for diagnostics and {@link
     * #transactionCoordinatorOf}).
     *
     * @return sorted IDs, empty if the listing fails; never null
     */
    public List<String> transactionalIds() {
        try {
            Collection<TransactionListing> listings =
                    admin.listTransactions().all().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return listings.stream()
                    .map(TransactionListing::transactionalId)
                    .sorted()
                    .toList();
        } catch (ExecutionException | TimeoutException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while listing transactions", e);
        }
    }

    /**
     * Returns whether every partition of the topics has a leader and all {@code replicas} replicas in sync.
     *
     * @param topics the topics; not null
     * @param replicas the replication factor
     * @return true if fully replicated now
     */
    public boolean fullyReplicated(List<String> topics, int replicas) {
        return describe(topics)
                .map(d -> d.values().stream()
                        .flatMap(t -> t.partitions().stream())
                        .allMatch(p -> hasLeader(p) && p.isr().size() == replicas))
                .orElse(false);
    }

    private static boolean hasLeader(TopicPartitionInfo p) {
        return p.leader() != null && !p.leader().isEmpty();
    }

    private Optional<Map<String, TopicDescription>> describe(List<String> topics) {
        try {
            return Optional.of(
                    admin.describeTopics(topics).allTopicNames().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        } catch (ExecutionException | TimeoutException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while describing topics " + topics, e);
        }
    }
}
