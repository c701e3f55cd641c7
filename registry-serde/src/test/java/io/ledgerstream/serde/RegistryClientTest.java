package io.ledgerstream.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerstream.serde.StubRegistry.Reply;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RegistryClientTest {

    private static final Schema SCHEMA = SchemaBuilder.record("Payment")
            .namespace("io.ledgerstream.test")
            .fields()
            .requiredLong("amountMinor")
            .endRecord();

    private final StubRegistry stub = StubRegistry.start();

    @AfterEach
    void stopStub() {
        stub.close();
    }

    /**
     * A client for tests of answers, not of time-outs: its request timeout is generous so a loaded machine never
     * turns a slow answer into a spurious timeout (the timeout tests build their own client).
     */
    private RegistryClient client(int retries) {
        return new RegistryClient(RegistryClientConfig.builder(stub.url())
                .retriesMax(retries)
                .retryBackoff(Duration.ofMillis(1), Duration.ofMillis(5))
                .requestTimeout(Duration.ofSeconds(10))
                .build());
    }

    @Test
    void shouldRegisterWithConfluentContentTypeAndBody() throws Exception {
        try (RegistryClient client = client(0)) {
            int id = client.register("payments-value", SCHEMA);

            assertThat(id).isEqualTo(1);
            StubRegistry.Request request = stub.requests().get(0);
            assertThat(request.method()).isEqualTo("POST");
            assertThat(request.path()).isEqualTo("/subjects/payments-value/versions");
            assertThat(request.header("Content-Type")).isEqualTo("application/vnd.schemaregistry.v1+json");
            var body = new com.fasterxml.jackson.databind.ObjectMapper().readTree(request.body());
            assertThat(new Schema.Parser().parse(body.get("schema").asText())).isEqualTo(SCHEMA);
        }
    }

    @Test
    void shouldCacheRegistrationAndSchemaById() {
        try (RegistryClient client = client(0)) {
            int id = client.register("payments-value", SCHEMA);
            client.register("payments-value", SCHEMA);
            assertThat(client.lookup("payments-value", SCHEMA)).hasValue(id);
            assertThat(client.schemaById(id)).isEqualTo(SCHEMA);

            assertThat(stub.requestCount()).isEqualTo(1);
        }
    }

    @Test
    void shouldCacheSchemaFetchedById() {
        try (RegistryClient writer = client(0);
                RegistryClient reader = client(0)) {
            int id = writer.register("payments-value", SCHEMA);

            assertThat(reader.schemaById(id)).isEqualTo(SCHEMA);
            assertThat(reader.schemaById(id)).isEqualTo(SCHEMA);

            assertThat(stub.requests())
                    .filteredOn(r -> r.path().startsWith("/schemas/ids/"))
                    .hasSize(1);
        }
    }

    @Test
    void shouldLookUpWithoutRegistering() {
        try (RegistryClient client = client(0)) {
            assertThat(client.lookup("payments-value", SCHEMA)).isEmpty();
            assertThat(client.subjects()).isEmpty();

            int id = client.register("payments-value", SCHEMA);
            try (RegistryClient other = client(0)) {
                assertThat(other.lookup("payments-value", SCHEMA)).isEqualTo(OptionalInt.of(id));
            }
        }
    }

    @Test
    void shouldEncodeSubjectAsOnePathSegment() {
        try (RegistryClient client = client(0)) {
            client.register("odd subject/with+chars", SCHEMA);

            assertThat(stub.requests().get(0).path()).isEqualTo("/subjects/odd%20subject%2Fwith%2Bchars/versions");
            assertThat(client.subjects()).containsExactly("odd subject/with+chars");
        }
    }

    @Test
    void shouldMapNotFoundIdToUnknownSchemaIdNamingTheId() {
        try (RegistryClient client = client(3)) {
            assertThatThrownBy(() -> client.schemaById(99))
                    .isInstanceOf(UnknownSchemaIdException.class)
                    .hasMessageContaining("99")
                    .satisfies(e -> assertThat(((UnknownSchemaIdException) e).schemaId())
                            .isEqualTo(99));
            assertThat(stub.requestCount()).as("a 404 is not retried").isEqualTo(1);
        }
    }

    @Test
    void shouldMapConflictToIncompatibleSchemaNamingSubjectAndRegistryMessage() {
        stub.respond(
                request -> new Reply(409, "{\"error_code\":409,\"message\":\"reader type: STRING not compatible\"}"));
        try (RegistryClient client = client(3)) {
            assertThatThrownBy(() -> client.register("payments-value", SCHEMA))
                    .isInstanceOf(IncompatibleSchemaException.class)
                    .hasMessageContaining("payments-value")
                    .hasMessageContaining("reader type: STRING not compatible")
                    .satisfies(e -> assertThat(((IncompatibleSchemaException) e).subject())
                            .isEqualTo("payments-value"));
            assertThat(stub.requestCount()).isEqualTo(1);
        }
    }

    @Test
    void shouldMapUnprocessableToInvalidSchema() {
        stub.respond(request -> new Reply(422, "{\"error_code\":42201,\"message\":\"Invalid schema\"}"));
        try (RegistryClient client = client(3)) {
            assertThatThrownBy(() -> client.register("payments-value", SCHEMA))
                    .isInstanceOf(InvalidSchemaException.class)
                    .hasMessageContaining("Invalid schema");
        }
    }

    @Test
    void shouldNotRetryClientErrors() {
        stub.respond(request -> new Reply(401, "{\"error_code\":40101,\"message\":\"Unauthorized\"}"));
        try (RegistryClient client = client(5)) {
            assertThatThrownBy(() -> client.subjects())
                    .isInstanceOf(RegistryRequestException.class)
                    .hasMessageContaining("401")
                    .hasMessageContaining("Unauthorized")
                    .satisfies(e -> assertThat(((RegistryRequestException) e).errorCode())
                            .isEqualTo(40101));
            assertThat(stub.requestCount()).isEqualTo(1);
        }
    }

    @Test
    void shouldRetryServerErrorsUntilSuccess() {
        AtomicInteger calls = new AtomicInteger();
        stub.respond(request ->
                calls.incrementAndGet() <= 2 ? new Reply(503, "<html>busy</html>") : new Reply(200, "[\"a-value\"]"));
        try (RegistryClient client = client(2)) {
            assertThat(client.subjects()).containsExactly("a-value");
            assertThat(stub.requestCount()).isEqualTo(3);
        }
    }

    @Test
    void shouldGiveUpAfterBoundedRetriesOnServerErrors() {
        stub.respond(request -> new Reply(500, "{\"error_code\":50001,\"message\":\"storage down\"}"));
        try (RegistryClient client = client(2)) {
            assertThatThrownBy(() -> client.register("payments-value", SCHEMA))
                    .isInstanceOf(RegistryUnavailableException.class)
                    .hasMessageContaining(stub.url())
                    .hasMessageContaining("3 attempt(s)")
                    .hasMessageContaining("HTTP 500")
                    .hasMessageContaining("storage down")
                    .satisfies(e -> assertThat(((RegistryUnavailableException) e).attempts())
                            .isEqualTo(3));
            assertThat(stub.requestCount()).isEqualTo(3);
        }
    }

    @Test
    void shouldRetryTimeoutsThenGiveUp() {
        stub.respond(request -> stub.hang());
        RegistryClientConfig config = RegistryClientConfig.builder(stub.url())
                .retriesMax(1)
                .retryBackoff(Duration.ofMillis(1), Duration.ofMillis(1))
                .requestTimeout(Duration.ofMillis(200))
                .build();
        long start = System.nanoTime();
        try (RegistryClient client = new RegistryClient(config)) {
            assertThatThrownBy(() -> client.schemaById(1))
                    .isInstanceOf(RegistryUnavailableException.class)
                    .hasMessageContaining("timed out after 200 ms")
                    .hasMessageContaining("2 attempt(s)");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        assertThat(stub.requestCount()).isEqualTo(2);
    }

    @Test
    void shouldFailFastWhenNothingListens() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        String url = "http://127.0.0.1:" + closedPort + "/apis/ccompat/v7";
        RegistryClientConfig config = RegistryClientConfig.builder(url)
                .retriesMax(3)
                .retryBackoff(Duration.ofMillis(1), Duration.ofMillis(10))
                .build();
        long start = System.nanoTime();
        try (RegistryClient client = new RegistryClient(config)) {
            assertThatThrownBy(() -> client.lookup("s", SCHEMA))
                    .isInstanceOf(RegistryUnavailableException.class)
                    .hasMessageContaining(url)
                    .hasMessageContaining("4 attempt(s)")
                    .hasMessageContaining("ConnectException")
                    .hasCauseInstanceOf(java.net.ConnectException.class);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void shouldSendBasicAuthHeaderWithoutExposingIt() {
        RegistryClientConfig config = RegistryClientConfig.builder(stub.url())
                .basicAuthUserInfo("alice:s3cret")
                .retriesMax(0)
                .build();
        stub.respond(request -> new Reply(500, "{\"message\":\"boom\"}"));
        try (RegistryClient client = new RegistryClient(config)) {
            assertThatThrownBy(client::subjects)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("s3cret"));
            assertThat(client.toString()).doesNotContain("s3cret");
        }
        String expected =
                "Basic " + Base64.getEncoder().encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8));
        assertThat(stub.requests().get(0).header("Authorization")).isEqualTo(expected);
    }

    @Test
    void shouldReadCompatibilityFromEitherField() {
        try (RegistryClient client = client(0)) {
            stub.respond(request -> new Reply(200, "{\"compatibilityLevel\":\"FULL\"}"));
            assertThat(client.compatibility(null)).isEqualTo("FULL");

            stub.respond(request -> new Reply(200, "{\"compatibility\":\"FORWARD\"}"));
            assertThat(client.compatibility("payments-value")).isEqualTo("FORWARD");
        }
    }

    @Test
    void shouldFallBackToGlobalCompatibilityForSubjectWithoutOwnLevel() {
        stub.respond(request -> request.path().equals("/config")
                ? new Reply(200, "{\"compatibilityLevel\":\"BACKWARD\"}")
                : new Reply(404, "{\"error_code\":40408,\"message\":\"Subject does not have compatibility\"}"));
        try (RegistryClient client = client(0)) {
            assertThat(client.compatibility("payments-value")).isEqualTo("BACKWARD");
        }
        assertThat(stub.requests().get(0).query()).isEqualTo("defaultToGlobal=true");
    }

    @Test
    void shouldSetCompatibilityForSubjectAndGlobally() {
        try (RegistryClient client = client(0)) {
            client.setCompatibility("payments-value", "full");
            client.setCompatibility(null, "NONE");

            assertThat(client.compatibility("payments-value")).isEqualTo("FULL");
            assertThat(client.compatibility(null)).isEqualTo("NONE");
            assertThat(stub.requests().get(0).body()).isEqualTo("{\"compatibility\":\"FULL\"}");
            assertThat(stub.requests().get(0).path()).isEqualTo("/config/payments-value");
            assertThat(stub.requests().get(1).path()).isEqualTo("/config");
        }
    }

    @Test
    void shouldRejectUnknownCompatibilityLevelWithoutRequest() {
        try (RegistryClient client = client(0)) {
            assertThatThrownBy(() -> client.setCompatibility(null, "SIDEWAYS"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("SIDEWAYS");
        }
        assertThat(stub.requestCount()).isZero();
    }

    @Test
    void shouldRejectNonAvroSchemaById() {
        stub.respond(
                request -> new Reply(200, "{\"schema\":\"syntax = \\\"proto3\\\";\",\"schemaType\":\"PROTOBUF\"}"));
        try (RegistryClient client = client(0)) {
            assertThatThrownBy(() -> client.schemaById(3))
                    .isInstanceOf(InvalidSchemaException.class)
                    .hasMessageContaining("PROTOBUF");
        }
    }

    @Test
    void shouldRejectUnparsableAnswer() {
        stub.respond(request -> new Reply(200, "<html>proxy login</html>"));
        try (RegistryClient client = client(0)) {
            assertThatThrownBy(() -> client.register("s", SCHEMA))
                    .isInstanceOf(RegistryRequestException.class)
                    .hasMessageContaining("not JSON")
                    .hasMessageContaining("proxy login");
        }
    }

    @Test
    void shouldRefuseUseAfterClose() {
        RegistryClient client = client(0);
        client.close();
        client.close();

        assertThatThrownBy(() -> client.schemaById(1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldBoundCaches() {
        RegistryClientConfig config = RegistryClientConfig.builder(stub.url())
                .cacheEntriesMax(1)
                .retriesMax(0)
                .build();
        Schema other = SchemaBuilder.record("Other").fields().requiredInt("x").endRecord();
        try (RegistryClient client = new RegistryClient(config)) {
            client.register("a-value", SCHEMA);
            client.register("b-value", other);
            client.register("a-value", SCHEMA); // evicted: asks again

            assertThat(stub.requestCount()).isEqualTo(3);
        }
    }
}
