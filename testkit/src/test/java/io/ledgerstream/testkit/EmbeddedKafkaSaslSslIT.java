package io.ledgerstream.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The opt-in SASL_SSL mode of {@link EmbeddedKafka}: TLS, SCRAM users and ACLs enforced by the real authorizer. */
class EmbeddedKafkaSaslSslIT {

    static EmbeddedKafka kafka;

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.builder().saslSsl().start();
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void shouldReportItsSecurity() {
        assertThat(kafka.isSecured()).isTrue();
        assertThat(kafka.securityProtocol()).isEqualTo(SecurityProtocol.SASL_SSL);
        assertThat(kafka.superUserClientProperties()).containsEntry("security.protocol", "SASL_SSL");
        assertThat(kafka.toString()).doesNotContain(kafka.tls().password());
    }

    @Test
    void shouldLetTheSuperUserCreateTopics() {
        kafka.createTopic("sasl-ssl.super", 2, Map.of());
        try (Admin admin = kafka.admin()) {
            assertThat(names(admin)).contains("sasl-ssl.super");
        }
    }

    @Test
    void shouldDenyAScramUserWithoutAclsAndAllowItOnceGranted() throws Exception {
        kafka.createTopic("sasl-ssl.granted", 1, Map.of());
        kafka.createScramUser("alice", "alice-secret");

        try (KafkaProducer<String, String> producer = producer(kafka.clientProperties("alice", "alice-secret"))) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("sasl-ssl.granted", "k", "v"))
                            .get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
        }

        try (Admin admin = kafka.admin()) {
            admin.createAcls(List.of(new AclBinding(
                            new ResourcePattern(ResourceType.TOPIC, "sasl-ssl.granted", PatternType.LITERAL),
                            new AccessControlEntry("User:alice", "*", AclOperation.WRITE, AclPermissionType.ALLOW))))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        Await.await(Duration.ofSeconds(30), "alice may write once the ACL is in place", () -> {
            try (KafkaProducer<String, String> producer = producer(kafka.clientProperties("alice", "alice-secret"))) {
                producer.send(new ProducerRecord<>("sasl-ssl.granted", "k", "v"))
                        .get(30, TimeUnit.SECONDS);
                return true;
            } catch (ExecutionException e) {
                if (e.getCause() instanceof TopicAuthorizationException) {
                    return false; // the ACL is not published to the broker yet
                }
                throw new AssertionError(e);
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
    }

    @Test
    void shouldRejectAWrongPassword() {
        kafka.createScramUser("bob", "bob-secret");
        try (KafkaProducer<String, String> producer = producer(kafka.clientProperties("bob", "not-bobs-password"))) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("sasl-ssl.any", "k", "v"))
                            .get(30, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(SaslAuthenticationException.class);
        }
    }

    @Test
    void shouldRequireTlsTrustingTheTestCa() {
        kafka.createScramUser("carol", "carol-secret");
        Map<String, Object> untrusting = new HashMap<>(kafka.clientProperties("carol", "carol-secret"));
        untrusting.keySet().removeIf(k -> k.startsWith("ssl.truststore"));
        try (KafkaProducer<String, String> producer = producer(untrusting)) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("sasl-ssl.any", "k", "v"))
                            .get(30, TimeUnit.SECONDS))
                    .as("the JDK's default trust store does not know the generated CA")
                    .hasCauseInstanceOf(SslAuthenticationException.class);
        }
    }

    @Test
    void shouldStayPlaintextWithoutAuthorizerByDefault() {
        var props = EmbeddedKafka.builder().effectiveBrokerProperties();
        assertThat(props).doesNotContainKeys("authorizer.class.name", "listener.security.protocol.map");
    }

    private static KafkaProducer<String, String> producer(Map<String, Object> clientProps) {
        Map<String, Object> p = new HashMap<>(clientProps);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 20_000);
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    private static java.util.Set<String> names(Admin admin) {
        try {
            return admin.listTopics().names().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
