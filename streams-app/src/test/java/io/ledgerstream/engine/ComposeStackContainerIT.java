package io.ledgerstream.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import io.ledgerstream.testkit.Await;
import java.io.File;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.ComposeContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * The whole of {@code compose.yaml} (KRaft broker, Apicurio, the engine's Jib image, the demo workload) started with
 * Testcontainers, checked through the engine's HTTP endpoints.
 *
 * <p>Runs only where a Docker engine (and the {@code docker compose} plugin) is available, and only once the engine
 * image exists (it is loaded from {@code target/jib-image.tar} if needed; build it with {@code ./mvnw -Pimage -pl
 * streams-app -DskipTests package}). Otherwise it is <b>skipped</b> with a message saying why: a skip is never a pass,
 * and the embedded ITs ({@code EngineOperationsIT}, {@code SaslSslAclIT}, {@code ExactlyOnceEngineIT}) do not depend on
 * it.
 */
class ComposeStackContainerIT {

    private static final Logger LOG = LoggerFactory.getLogger(ComposeStackContainerIT.class);
    static final String IMAGE = "ledgerstream/engine:0.1.0-SNAPSHOT";
    static final Duration STARTUP = Duration.ofMinutes(5);

    @Test
    void shouldRunTheComposeStackAndServeTheDemoWorkloadsBalances() throws Exception {
        assumeTrue(
                DockerClientFactory.instance().isDockerAvailable(),
                "SKIPPED, NOT PASSED: no Docker engine here, so compose.yaml was not run"
                        + " (ComposeFileTest checked it statically)");
        assumeTrue(
                imageAvailable(),
                "SKIPPED, NOT PASSED: the engine image " + IMAGE + " is not built; run ./mvnw -B"
                        + " -Pimage -pl streams-app -DskipTests package (or docker load -i streams-app/target/jib-image.tar)");

        try (ComposeContainer stack = new ComposeContainer(new File("../compose.yaml"))
                .withLocalCompose(true)
                .withExposedService(
                        "engine",
                        8080,
                        Wait.forHttp("/health/ready").forStatusCode(200).withStartupTimeout(STARTUP))) {
            stack.start();
            InetSocketAddress engine =
                    new InetSocketAddress(stack.getServiceHost("engine", 8080), stack.getServicePort("engine", 8080));
            ObjectMapper json = new ObjectMapper();

            JsonNode alice = Await.awaitValue(STARTUP, "the demo workload's transfer reached demo-alice", () -> {
                HttpResponse<String> response = HttpProbe.get(engine, "/accounts/demo-alice");
                if (response.statusCode() != 200) {
                    return Optional.empty();
                }
                try {
                    JsonNode body = json.readTree(response.body());
                    return body.get("balance").asLong() == 10_000 - 2_500 ? Optional.of(body) : Optional.empty();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
            assertThat(alice.get("currency").asText()).isEqualTo("EUR");
            JsonNode bob =
                    json.readTree(HttpProbe.get(engine, "/accounts/demo-bob").body());
            assertThat(bob.get("balance").asLong()).isEqualTo(2_500);
            assertThat(HttpProbe.get(engine, "/accounts/demo-nobody").statusCode())
                    .isEqualTo(404);
            String metrics = HttpProbe.get(engine, "/metrics").body();
            assertThat(HttpProbe.sum(metrics, "ledgerstream_commands_received_total"))
                    .isGreaterThanOrEqualTo(6);
            assertThat(HttpProbe.sum(metrics, "ledgerstream_outcomes_total", "reason=\"INSUFFICIENT_FUNDS\""))
                    .isGreaterThanOrEqualTo(1);
            assertThat(HttpProbe.get(engine, "/health/live").statusCode()).isEqualTo(200);
        }
    }

    /** Whether the engine image is known to Docker, loading it from the Jib tarball when it is not. */
    static boolean imageAvailable() throws Exception {
        DockerClient docker = DockerClientFactory.instance().client();
        try {
            docker.inspectImageCmd(IMAGE).exec();
            return true;
        } catch (NotFoundException e) {
            Path tar = Path.of("target/jib-image.tar");
            if (!Files.exists(tar)) {
                return false;
            }
            LOG.info("loading {} from {}", IMAGE, tar.toAbsolutePath());
            try (InputStream in = Files.newInputStream(tar)) {
                docker.loadImageCmd(in).exec();
            }
            return true;
        }
    }
}
