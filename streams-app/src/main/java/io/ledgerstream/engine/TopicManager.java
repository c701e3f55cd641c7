package io.ledgerstream.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Creates the engine's topics when missing (if allowed) and verifies existing ones: partition count and cleanup
 * policy must be what the engine needs, or start-up stops with a message naming the topic. A wrong partition count
 * would silently move accounts between tasks; compaction on the event log would silently delete history.
 */
public final class TopicManager {

    /** What the engine needs of one topic. */
    public record TopicSpec(String name, int partitions, Map<String, String> configs) {}

    private static final long ADMIN_TIMEOUT_MS = 30_000;
    private static final long UNKNOWN_TOPIC_RETRY_MS = 100;

    private TopicManager() {}

    /** The topics the engine reads and writes, with their required settings. */
    public static List<TopicSpec> specs(EngineConfig config) {
        String minIsr = Integer.toString(Math.min(2, config.replicationFactor()));
        Map<String, String> base = Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG,
                TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG,
                minIsr);
        Map<String, String> forever = Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG,
                TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG,
                minIsr,
                TopicConfig.RETENTION_MS_CONFIG,
                "-1");
        return List.of(
                new TopicSpec(config.commandsTopic(), config.partitions(), base),
                new TopicSpec(config.transferLegsTopic(), config.partitions(), base),
                new TopicSpec(config.eventsTopic(), config.partitions(), forever),
                new TopicSpec(config.outcomesTopic(), config.outcomePartitions(), base),
                new TopicSpec(config.deadLettersTopic(), 1, forever));
    }

    /**
     * Creates missing topics (when {@code topics.create} is true) and verifies all of them.
     *
     * @throws IllegalStateException naming every topic that is missing or misconfigured
     */
    public static void ensure(Admin admin, EngineConfig config) {
        List<TopicSpec> specs = specs(config);
        try {
            Set<String> existing = admin.listTopics().names().get(ADMIN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (TopicSpec spec : specs) {
                if (!existing.contains(spec.name())) {
                    missing.add(new NewTopic(spec.name(), spec.partitions(), config.replicationFactor())
                            .configs(spec.configs()));
                }
            }
            if (!missing.isEmpty()) {
                if (!config.topicsCreate()) {
                    throw new IllegalStateException(
                            "missing topics " + names(missing) + " and " + EngineConfig.TOPICS_CREATE + "=false");
                }
                createAll(admin, missing);
            }
            verifyOnceVisible(admin, specs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot check topics on " + config.bootstrapServers() + ": " + e, e);
        }
    }

    private static void createAll(Admin admin, List<NewTopic> missing)
            throws InterruptedException, ExecutionException, TimeoutException {
        try {
            admin.createTopics(missing).all().get(ADMIN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e; // another instance creating them at the same time is fine: verify() decides
            }
        }
    }

    /**
     * {@link #verify}, retried while the broker answers that a topic is unknown, for at most {@link #ADMIN_TIMEOUT_MS}:
     * a topic created a moment ago (by this call or another instance) reaches the broker's metadata asynchronously,
     * so describing it at once can fail with {@link UnknownTopicOrPartitionException}.
     */
    private static void verifyOnceVisible(Admin admin, List<TopicSpec> specs)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ADMIN_TIMEOUT_MS);
        while (true) {
            try {
                verify(admin, specs);
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(UNKNOWN_TOPIC_RETRY_MS);
            }
        }
    }

    private static void verify(Admin admin, List<TopicSpec> specs)
            throws InterruptedException, ExecutionException, TimeoutException {
        List<String> names = specs.stream().map(TopicSpec::name).toList();
        Map<String, TopicDescription> descriptions =
                admin.describeTopics(names).allTopicNames().get(ADMIN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        List<ConfigResource> resources = names.stream()
                .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n))
                .toList();
        Map<ConfigResource, Config> configs =
                admin.describeConfigs(resources).all().get(ADMIN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        List<String> problems = new ArrayList<>();
        for (TopicSpec spec : specs) {
            int actual = descriptions.get(spec.name()).partitions().size();
            if (actual != spec.partitions()) {
                problems.add(spec.name() + " has " + actual + " partitions, the engine is configured for "
                        + spec.partitions());
            }
            ConfigEntry policy = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, spec.name()))
                    .get(TopicConfig.CLEANUP_POLICY_CONFIG);
            if (policy == null || !TopicConfig.CLEANUP_POLICY_DELETE.equals(policy.value())) {
                problems.add(spec.name() + " has cleanup.policy=" + (policy == null ? "?" : policy.value())
                        + ", the engine requires delete (compaction would drop history)");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("refusing to start: " + String.join("; ", problems));
        }
    }

    private static String names(Collection<NewTopic> topics) {
        return topics.stream().map(NewTopic::name).collect(Collectors.joining(", "));
    }
}
