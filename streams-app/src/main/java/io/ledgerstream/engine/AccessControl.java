package io.ledgerstream.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The Kafka ACLs each principal needs, derived from the engine's configuration: the one list that {@code
 * docs/security.md} shows as {@code kafka-acls} commands (generated from here, checked by {@code SecurityDocsTest}) and
 * that {@code SaslSslAclIT} grants on a broker with the standard authorizer, so the documented ACLs are known to be
 * sufficient.
 *
 * <p>Kafka ACLs apply to whole topics, never to partitions: a client allowed to read the outcomes topic may read every
 * partition of it (see {@code docs/security.md}, "What ACLs cannot do").
 *
 * <p>Stateless and thread-safe.
 */
public final class AccessControl {

    private AccessControl() {}

    /**
     * The ACLs of the engine's principal. Topics: read the commands and transfer-legs topics, write every topic it
     * produces to (outcomes, events, transfer legs, dead letters, and commands for re-routing), describe them and their
     * configs (start-up verification), create them (only used when {@code topics.create=true}); everything on the
     * internal topics prefixed {@code <application.id>-} (store changelogs) but delete; the consumer group {@code
     * <application.id>}; the transactional IDs prefixed {@code <application.id>-} (exactly-once v2 producers).
     *
     * @param config the engine's configuration (topic names, application ID)
     * @param principal e.g. {@code User:ledger-engine}
     * @return the bindings, in a stable order
     */
    public static List<AclBinding> engineAcls(EngineConfig config, String principal) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(principal, "principal");
        String appPrefix = config.applicationId() + "-";
        List<AclBinding> acls = new ArrayList<>();
        for (String topic : List.of(config.commandsTopic(), config.transferLegsTopic())) {
            add(
                    acls,
                    principal,
                    ResourceType.TOPIC,
                    topic,
                    PatternType.LITERAL,
                    AclOperation.READ,
                    AclOperation.WRITE,
                    AclOperation.DESCRIBE,
                    AclOperation.DESCRIBE_CONFIGS,
                    AclOperation.CREATE);
        }
        for (String topic : List.of(config.outcomesTopic(), config.eventsTopic(), config.deadLettersTopic())) {
            add(
                    acls,
                    principal,
                    ResourceType.TOPIC,
                    topic,
                    PatternType.LITERAL,
                    AclOperation.WRITE,
                    AclOperation.DESCRIBE,
                    AclOperation.DESCRIBE_CONFIGS,
                    AclOperation.CREATE);
        }
        add(
                acls,
                principal,
                ResourceType.TOPIC,
                appPrefix,
                PatternType.PREFIXED,
                AclOperation.READ,
                AclOperation.WRITE,
                AclOperation.DESCRIBE,
                AclOperation.DESCRIBE_CONFIGS,
                AclOperation.CREATE);
        add(
                acls,
                principal,
                ResourceType.GROUP,
                config.applicationId(),
                PatternType.LITERAL,
                AclOperation.READ,
                AclOperation.DESCRIBE);
        add(
                acls,
                principal,
                ResourceType.TRANSACTIONAL_ID,
                appPrefix,
                PatternType.PREFIXED,
                AclOperation.WRITE,
                AclOperation.DESCRIBE);
        return acls;
    }

    /**
     * The ACLs of a producer SDK client: write commands, read outcomes (the whole topic: the SDK assigns itself only
     * the partition of its reply target, but ACLs cannot enforce that), and its own transactional ID, literally.
     *
     * @param config the engine's configuration (topic names)
     * @param principal e.g. {@code User:team-payments}
     * @param transactionalId the client's transactional ID (the SDK's default is {@code ledgerstream-sdk-<client.id>})
     * @return the bindings, in a stable order
     */
    public static List<AclBinding> clientAcls(EngineConfig config, String principal, String transactionalId) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(transactionalId, "transactionalId");
        List<AclBinding> acls = new ArrayList<>();
        add(
                acls,
                principal,
                ResourceType.TOPIC,
                config.commandsTopic(),
                PatternType.LITERAL,
                AclOperation.WRITE,
                AclOperation.DESCRIBE);
        add(
                acls,
                principal,
                ResourceType.TOPIC,
                config.outcomesTopic(),
                PatternType.LITERAL,
                AclOperation.READ,
                AclOperation.DESCRIBE);
        add(
                acls,
                principal,
                ResourceType.TRANSACTIONAL_ID,
                transactionalId,
                PatternType.LITERAL,
                AclOperation.WRITE,
                AclOperation.DESCRIBE);
        return acls;
    }

    /**
     * Renders bindings as {@code kafka-acls.sh --add} commands, one per resource, run with an administrator's
     * {@code --command-config}.
     *
     * @param bindings ALLOW bindings with one host ({@code *})
     * @return shell commands separated by blank lines, never null
     */
    public static String kafkaAclsCommands(List<AclBinding> bindings) {
        Map<String, List<AclBinding>> byResource = new LinkedHashMap<>();
        for (AclBinding b : bindings) {
            String key = b.entry().principal() + "|" + b.pattern().resourceType() + "|"
                    + b.pattern().name() + "|" + b.pattern().patternType();
            byResource.computeIfAbsent(key, k -> new ArrayList<>()).add(b);
        }
        List<String> commands = new ArrayList<>();
        for (List<AclBinding> group : byResource.values()) {
            AclBinding first = group.get(0);
            StringBuilder s = new StringBuilder("kafka-acls.sh --bootstrap-server \"$BOOTSTRAP\"");
            s.append(" --command-config admin.properties \\\n  --add --allow-principal ")
                    .append(first.entry().principal())
                    .append(" \\\n  ");
            s.append(group.stream()
                    .map(b -> "--operation " + operationName(b.entry().operation()))
                    .collect(Collectors.joining(" ")));
            s.append(" \\\n  ").append(resourceFlag(first.pattern()));
            if (first.pattern().patternType() == PatternType.PREFIXED) {
                s.append(" --resource-pattern-type prefixed");
            }
            commands.add(s.toString());
        }
        return String.join("\n\n", commands) + "\n";
    }

    private static void add(
            List<AclBinding> acls,
            String principal,
            ResourceType type,
            String name,
            PatternType pattern,
            AclOperation... operations) {
        ResourcePattern resource = new ResourcePattern(type, name, pattern);
        for (AclOperation operation : operations) {
            acls.add(new AclBinding(
                    resource, new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW)));
        }
    }

    private static String resourceFlag(ResourcePattern pattern) {
        return switch (pattern.resourceType()) {
            case TOPIC -> "--topic " + pattern.name();
            case GROUP -> "--group " + pattern.name();
            case TRANSACTIONAL_ID -> "--transactional-id " + pattern.name();
            case CLUSTER -> "--cluster";
            default -> throw new IllegalArgumentException("unsupported resource " + pattern);
        };
    }

    /** kafka-acls spells operations in camel case: {@code DESCRIBE_CONFIGS} is {@code DescribeConfigs}. */
    private static String operationName(AclOperation operation) {
        StringBuilder s = new StringBuilder();
        for (String part : operation.name().split("_")) {
            s.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
        }
        return s.toString();
    }
}
