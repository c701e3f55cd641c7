package io.ledgerstream.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

/**
 * docs/security.md shows {@link AccessControl}'s ACLs as kafka-acls commands, generated (run with {@code
 * -Dledgerstream.docs.write=true} to rewrite the blocks); {@code SaslSslAclIT} grants the same ACLs on a real broker.
 */
class SecurityDocsTest {

    static final Path DOC = Path.of("../docs/security.md");
    static final EngineConfig DEFAULTS = new EngineConfig(EngineConfigTest.MINIMAL);

    static Map<String, String> generatedBlocks() {
        return Map.of(
                "engine",
                AccessControl.kafkaAclsCommands(AccessControl.engineAcls(DEFAULTS, "User:ledger-engine")),
                "client",
                AccessControl.kafkaAclsCommands(
                        AccessControl.clientAcls(DEFAULTS, "User:team-payments", "ledgerstream-sdk-payments")));
    }

    @Test
    void shouldKeepTheDocumentedAclsInSyncWithAccessControl() throws Exception {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        for (Map.Entry<String, String> block : generatedBlocks().entrySet()) {
            Pattern p = Pattern.compile(
                    "(<!-- BEGIN GENERATED acls-" + block.getKey()
                            + " -->\\n```bash\\n)(.*?)(```\\n<!-- END GENERATED -->)",
                    Pattern.DOTALL);
            Matcher m = p.matcher(doc);
            assertThat(m.find())
                    .as("docs/security.md has the generated block acls-%s", block.getKey())
                    .isTrue();
            if (Boolean.getBoolean("ledgerstream.docs.write")) {
                doc = m.replaceFirst(Matcher.quoteReplacement(m.group(1) + block.getValue() + m.group(3)));
                Files.writeString(DOC, doc, StandardCharsets.UTF_8);
                m = p.matcher(doc);
                assertThat(m.find()).isTrue();
            }
            assertThat(m.group(2))
                    .as("docs/security.md is stale: run ./mvnw -pl streams-app test -Dtest=SecurityDocsTest"
                            + " -Dledgerstream.docs.write=true")
                    .isEqualTo(block.getValue());
        }
    }

    @Test
    void shouldNeverGiveAClientWriteOnOutcomesOrEventsNorReadOnEvents() {
        for (AclBinding b : AccessControl.clientAcls(DEFAULTS, "User:c", "tx")) {
            if (b.pattern().resourceType() == ResourceType.TOPIC) {
                String topic = b.pattern().name();
                assertThat(topic).isIn(DEFAULTS.commandsTopic(), DEFAULTS.outcomesTopic());
                if (topic.equals(DEFAULTS.outcomesTopic())) {
                    assertThat(b.entry().operation()).isNotEqualTo(AclOperation.WRITE);
                } else {
                    assertThat(b.entry().operation()).isNotEqualTo(AclOperation.READ);
                }
            }
            assertThat(b.pattern().patternType()).isEqualTo(PatternType.LITERAL);
            assertThat(b.entry().operation()).isNotEqualTo(AclOperation.ALL);
        }
    }

    @Test
    void shouldScopeTheEnginesTransactionalIdsAndInternalTopicsToItsApplicationId() {
        for (AclBinding b : AccessControl.engineAcls(DEFAULTS, "User:e")) {
            if (b.pattern().patternType() == PatternType.PREFIXED) {
                assertThat(b.pattern().name()).isEqualTo(DEFAULTS.applicationId() + "-");
            }
            assertThat(b.entry().operation()).isNotIn(AclOperation.ALL, AclOperation.DELETE, AclOperation.ALTER);
        }
    }
}
