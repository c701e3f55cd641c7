package io.ledgerstream.faults;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;

/**
 * Watches the engine's consumer group through the Admin API: which instance (by {@code client.id}, see {@link
 * EngineFleet}) owns which input partitions. This is how a test knows, without reading logs, that a paused instance's
 * tasks have moved or that a new instance has received some.
 *
 * <p>Thread-safe if the admin client is.
 */
public final class GroupProbe {

    /** Upper bound of one describe call. */
    public static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

    private final Admin admin;
    private final String groupId;
    private final Set<String> inputTopics;

    /**
     * Creates a probe.
     *
     * @param admin an admin client; not null; not closed by this class
     * @param groupId the engine's application ID; not null
     * @param inputTopics the topics whose partitions must all be owned (commands and transfer legs); not null
     */
    public GroupProbe(Admin admin, String groupId, Set<String> inputTopics) {
        this.admin = Objects.requireNonNull(admin, "admin");
        this.groupId = Objects.requireNonNull(groupId, "groupId");
        this.inputTopics = Set.copyOf(inputTopics);
    }

    /**
     * Returns the stable assignment of input partitions per instance, if the group is stable and every member's
     * client ID names an instance.
     *
     * @return instance name to the input partitions it owns (also instances that own none), or empty while the group
     *     is rebalancing or cannot be described
     */
    public Optional<Map<String, Set<TopicPartition>>> stableAssignment() {
        ConsumerGroupDescription group;
        try {
            group = admin.describeConsumerGroups(List.of(groupId))
                    .describedGroups()
                    .get(groupId)
                    .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while describing group " + groupId, e);
        }
        if (group.groupState() != GroupState.STABLE) {
            return Optional.empty();
        }
        Map<String, Set<TopicPartition>> owners = new TreeMap<>();
        for (MemberDescription m : group.members()) {
            String instance = instanceOf(m.clientId());
            Set<TopicPartition> owned = owners.computeIfAbsent(instance, k -> new TreeSet<>(GroupProbe::compare));
            for (TopicPartition tp : m.assignment().topicPartitions()) {
                if (inputTopics.contains(tp.topic())) {
                    owned.add(tp);
                }
            }
        }
        return Optional.of(owners);
    }

    /**
     * Returns whether the group is stable with exactly {@code instances} as members and every partition of the input
     * topics ({@code partitions} each) owned by one of them.
     *
     * @param instances the expected instance names; not null
     * @param partitions the partition count of each input topic
     * @return true if so
     */
    public boolean isStableWith(Set<String> instances, int partitions) {
        Optional<Map<String, Set<TopicPartition>>> assignment = stableAssignment();
        if (assignment.isEmpty() || !assignment.get().keySet().equals(instances)) {
            return false;
        }
        Set<TopicPartition> owned = new HashSet<>();
        assignment.get().values().forEach(owned::addAll);
        return owned.size() == inputTopics.size() * partitions;
    }

    /**
     * Returns the command-topic partition numbers an instance owns in the current stable assignment.
     *
     * @param instance the instance name; not null
     * @param commandsTopic the commands topic; not null
     * @return the partition numbers, empty if none or the group is not stable; never null
     */
    public Set<Integer> commandPartitionsOf(String instance, String commandsTopic) {
        Set<Integer> partitions = new TreeSet<>();
        stableAssignment()
                .map(a -> a.getOrDefault(instance, Set.of()))
                .orElse(Set.of())
                .forEach(tp -> {
                    if (tp.topic().equals(commandsTopic)) {
                        partitions.add(tp.partition());
                    }
                });
        return partitions;
    }

    /** Streams' consumer client ID is {@code <client.id>-StreamThread-<n>-consumer}; the instance is the prefix. */
    static String instanceOf(String memberClientId) {
        int cut = memberClientId.indexOf("-StreamThread-");
        return cut < 0 ? memberClientId : memberClientId.substring(0, cut);
    }

    private static int compare(TopicPartition a, TopicPartition b) {
        int byTopic = a.topic().compareTo(b.topic());
        return byTopic != 0 ? byTopic : Integer.compare(a.partition(), b.partition());
    }
}
