package io.ledgerstream.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerstream.testkit.EmbeddedRegistry;
import io.ledgerstream.testkit.LedgerstreamTestEnvironment;
import io.ledgerstream.testkit.TopicNames;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link RegistryClient} against a real Apicurio Registry speaking the Confluent API. */
@ExtendWith(LedgerstreamTestEnvironment.class)
class RegistryClientIT {

    private static final Schema V1 = SchemaBuilder.record("Account")
            .namespace("io.ledgerstream.it")
            .fields()
            .requiredString("id")
            .endRecord();

    /** Backward and forward compatible with V1: adds a field with a default. */
    private static final Schema V2 = SchemaBuilder.record("Account")
            .namespace("io.ledgerstream.it")
            .fields()
            .requiredString("id")
            .name("currency")
            .type()
            .stringType()
            .stringDefault("EUR")
            .endRecord();

    /** Incompatible with V1: changes the type of {@code id}. */
    private static final Schema INCOMPATIBLE = SchemaBuilder.record("Account")
            .namespace("io.ledgerstream.it")
            .fields()
            .requiredInt("id")
            .endRecord();

    private final RegistryClient client;
    private final String subject;

    RegistryClientIT(EmbeddedRegistry registry, TopicNames names) {
        this.client = new RegistryClient(RegistryClientConfig.builder(registry.url())
                .retriesMax(2)
                .retryBackoff(Duration.ofMillis(10), Duration.ofMillis(100))
                .build());
        this.subject = SubjectNames.forTopic(names.unique("accounts"), false);
    }

    @AfterEach
    void close() {
        client.close();
    }

    @Test
    void shouldRegisterLookUpAndFetchById() {
        int id = client.register(subject, V1);

        assertThat(client.register(subject, V1)).isEqualTo(id);
        assertThat(client.subjects()).contains(subject);
        try (RegistryClient fresh = freshClient()) {
            assertThat(fresh.lookup(subject, V1)).hasValue(id);
            assertThat(fresh.schemaById(id)).isEqualTo(V1);
            assertThat(fresh.lookup(subject, V2)).isEmpty();
            assertThat(fresh.lookup(subject + "-missing", V1)).isEmpty();
        }
    }

    @Test
    void shouldGetAndSetSubjectCompatibility() {
        client.register(subject, V1);

        client.setCompatibility(subject, "FULL");
        assertThat(client.compatibility(subject)).isEqualTo("FULL");

        client.setCompatibility(subject, "backward_transitive");
        assertThat(client.compatibility(subject)).isEqualTo("BACKWARD_TRANSITIVE");
    }

    @Test
    void shouldGetAndSetGlobalCompatibility() {
        String original = client.compatibility(null);
        try {
            client.setCompatibility(null, "FORWARD");
            assertThat(client.compatibility(null)).isEqualTo("FORWARD");
            assertThat(client.compatibility(subject))
                    .as("unknown subject falls back to global")
                    .isEqualTo("FORWARD");
        } finally {
            client.setCompatibility(null, original);
        }
    }

    @Test
    void shouldRefuseIncompatibleSchemaNamingTheSubject() {
        client.register(subject, V1);
        client.setCompatibility(subject, "BACKWARD");

        assertThat(client.register(subject, V2)).isPositive();
        assertThatThrownBy(() -> client.register(subject, INCOMPATIBLE))
                .isInstanceOf(IncompatibleSchemaException.class)
                .hasMessageContaining(subject)
                .hasMessageContaining("Incompatible");
    }

    @Test
    void shouldReportUnknownSchemaId() {
        assertThatThrownBy(() -> client.schemaById(Integer.MAX_VALUE))
                .isInstanceOf(UnknownSchemaIdException.class)
                .hasMessageContaining(Integer.toString(Integer.MAX_VALUE));
    }

    @Test
    void shouldFailFastAfterBoundedRetriesWhenRegistryIsUnreachable() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        String url = "http://127.0.0.1:" + closedPort + "/apis/ccompat/v7";
        RegistryClientConfig config = RegistryClientConfig.builder(url)
                .retriesMax(3)
                .retryBackoff(Duration.ofMillis(20), Duration.ofMillis(100))
                .requestTimeout(Duration.ofSeconds(1))
                .build();
        long start = System.nanoTime();

        try (RegistryClient unreachable = new RegistryClient(config)) {
            assertThatThrownBy(() -> unreachable.register(subject, V1))
                    .isInstanceOf(RegistryUnavailableException.class)
                    .hasMessageContaining(url)
                    .hasMessageContaining("4 attempt(s)");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }

    private RegistryClient freshClient() {
        return new RegistryClient(client.config());
    }
}
