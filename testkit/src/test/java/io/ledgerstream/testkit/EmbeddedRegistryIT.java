package io.ledgerstream.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LedgerstreamTestEnvironment.class)
class EmbeddedRegistryIT {

    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void shouldRegisterSchemaAndReturnItById(EmbeddedRegistry registry, TopicNames names) throws Exception {
        String subject = names.unique("payments") + "-value";
        String schema = "{\"type\":\"record\",\"name\":\"Payment\",\"namespace\":\"io.ledgerstream.test\","
                + "\"fields\":[{\"name\":\"amountMinor\",\"type\":\"long\"}]}";
        String body = "{\"schema\":\"" + schema.replace("\"", "\\\"") + "\"}";

        HttpResponse<String> registered =
                send(HttpRequest.newBuilder(URI.create(registry.url() + "/subjects/" + subject + "/versions"))
                        .header("Content-Type", CONTENT_TYPE)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build());
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);
        Matcher id = Pattern.compile("\"id\"\\s*:\\s*(\\d+)").matcher(registered.body());
        assertThat(id.find()).as(registered.body()).isTrue();

        HttpResponse<String> byId =
                send(HttpRequest.newBuilder(URI.create(registry.url() + "/schemas/ids/" + id.group(1)))
                        .GET()
                        .build());
        assertThat(byId.statusCode()).isEqualTo(200);
        assertThat(byId.body()).contains("Payment").contains("amountMinor");

        HttpResponse<String> subjects = send(HttpRequest.newBuilder(URI.create(registry.url() + "/subjects"))
                .GET()
                .build());
        assertThat(subjects.body()).contains("\"" + subject + "\"");
    }

    @Test
    void shouldAnswerOnLoopbackUrl(EmbeddedRegistry registry) {
        assertThat(registry.baseUrl()).isEqualTo("http://127.0.0.1:" + registry.port());
        assertThat(registry.url()).isEqualTo(registry.baseUrl() + "/apis/ccompat/v7");
        assertThat(registry.isRunning()).isTrue();
        assertThat(registry.logFile()).exists();
    }

    @Test
    void shouldListenOnLoopbackOnly(EmbeddedRegistry registry) throws SocketException {
        assertThat(Reachability.canConnect(InetAddress.getLoopbackAddress(), registry.port()))
                .isTrue();

        List<InetAddress> external = Reachability.nonLoopbackAddresses();
        assumeThat(external).as("this machine has a non-loopback address").isNotEmpty();
        for (InetAddress address : external) {
            assertThat(Reachability.canConnect(address, registry.port()))
                    .as("registry port %d reachable on %s", registry.port(), address)
                    .isFalse();
        }
    }

    @Test
    void shouldStopProcessAndFreePortOnClose() throws Exception {
        EmbeddedRegistry registry = EmbeddedRegistry.start();
        String subjectsUrl = registry.url() + "/subjects";

        registry.close();
        registry.close(); // idempotent

        assertThat(registry.isRunning()).isFalse();
        HttpRequest request =
                HttpRequest.newBuilder(URI.create(subjectsUrl)).GET().build();
        assertThatThrownBy(() -> send(request)).isInstanceOf(ConnectException.class);
    }

    private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
