package io.ledgerstream.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;

/** The HTTP endpoints without a broker: health from the Kafka Streams state, account ID checks, the advertised host. */
class EngineHttpServerTest {

    static EngineConfig config(Map<String, Object> extra) {
        Map<String, Object> p = new HashMap<>(EngineConfigTest.MINIMAL);
        p.put(EngineConfig.HTTP_HOST, "127.0.0.1");
        p.put(EngineConfig.HTTP_PORT, 0);
        p.putAll(extra);
        return new EngineConfig(p);
    }

    /** A Kafka Streams client that is created but never started (state CREATED); it never connects. */
    static KafkaStreams idleStreams() throws Exception {
        Topology topology = new Topology();
        topology.addSource("in", Serdes.String().deserializer(), Serdes.String().deserializer(), "in");
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "http-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
        p.put(
                StreamsConfig.STATE_DIR_CONFIG,
                Files.createTempDirectory("ledgerstream-http-").toString());
        return new KafkaStreams(topology, p);
    }

    @Test
    void shouldBeLiveButNotReadyBeforeRunningAndNeitherOnceStopped() throws Exception {
        KafkaStreams streams = idleStreams();
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (EngineHttpServer server = EngineHttpServer.bind(config(Map.of()))) {
            server.start(streams, meters);
            InetSocketAddress address = server.address();

            assertThat(streams.state()).isEqualTo(KafkaStreams.State.CREATED);
            assertThat(HttpProbe.get(address, "/health/live").statusCode()).isEqualTo(200);
            var ready = HttpProbe.get(address, "/health/ready");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("\"status\":\"DOWN\"").contains("\"state\":\"CREATED\"");

            streams.close(Duration.ofSeconds(30));

            assertThat(streams.state()).isEqualTo(KafkaStreams.State.NOT_RUNNING);
            var live = HttpProbe.get(address, "/health/live");
            assertThat(live.statusCode()).isEqualTo(503);
            assertThat(live.body()).contains("NOT_RUNNING");
            assertThat(HttpProbe.get(address, "/health/ready").statusCode()).isEqualTo(503);
        } finally {
            streams.close(Duration.ofSeconds(30));
            meters.close();
        }
    }

    @Test
    void shouldServeMetricsInThePrometheusTextFormat() throws Exception {
        KafkaStreams streams = idleStreams();
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (EngineHttpServer server = EngineHttpServer.bind(config(Map.of()))) {
            new MicrometerLedgerMetrics(meters).outcome("REJECTED", "INSUFFICIENT_FUNDS", false);
            server.start(streams, meters);
            var response = HttpProbe.get(server.address(), "/metrics");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type"))
                    .hasValue(EngineHttpServer.PROMETHEUS_CONTENT_TYPE);
            assertThat(HttpProbe.sum(
                            response.body(),
                            "ledgerstream_outcomes_total",
                            "status=\"REJECTED\"",
                            "reason=\"INSUFFICIENT_FUNDS\"",
                            "replay=\"false\""))
                    .isEqualTo(1.0);
            assertThat(response.body()).contains("ledgerstream_commands_received_total 0.0");
        } finally {
            streams.close(Duration.ofSeconds(30));
            meters.close();
        }
    }

    @Test
    void shouldAdvertiseTheConfiguredApplicationServerOrTheBoundAddress() {
        InetSocketAddress bound = new InetSocketAddress("127.0.0.1", 4321);
        assertThat(EngineHttpServer.advertised(config(Map.of()), bound)).isEqualTo(new HostInfo("127.0.0.1", 4321));
        assertThat(EngineHttpServer.advertised(
                        config(Map.of(EngineConfig.APPLICATION_SERVER, "engine-2.internal:8080")), bound))
                .isEqualTo(new HostInfo("engine-2.internal", 8080));
        HostInfo wildcard = EngineHttpServer.advertised(
                config(Map.of(EngineConfig.HTTP_HOST, "0.0.0.0")), new InetSocketAddress("0.0.0.0", 4321));
        assertThat(wildcard.host()).isNotEqualTo("0.0.0.0").isNotBlank();
    }

    @Test
    void shouldRefuseMalformedAccountIds() {
        assertThat(EngineHttpServer.accountIdProblem("acct-1")).isNull();
        assertThat(EngineHttpServer.accountIdProblem("ünïcödé/with spaces+plus"))
                .isNull();
        assertThat(EngineHttpServer.accountIdProblem("a".repeat(128))).isNull();
        assertThat(EngineHttpServer.accountIdProblem("")).isEqualTo("blank");
        assertThat(EngineHttpServer.accountIdProblem(" \t")).isEqualTo("blank");
        assertThat(EngineHttpServer.accountIdProblem("a".repeat(129))).contains("longer than 128");
        assertThat(EngineHttpServer.accountIdProblem("a\u0000b")).contains("U+0000");
        assertThat(EngineHttpServer.accountIdProblem("a\u009Fb")).contains("U+009F");
    }

    @Test
    void shouldPercentDecodeStrictly() {
        assertThat(EngineHttpServer.percentDecode("acct%2F1+x%20y")).isEqualTo("acct/1+x y");
        assertThat(EngineHttpServer.percentDecode("%C3%BC")).isEqualTo("ü");
        assertThatThrownBy(() -> EngineHttpServer.percentDecode("abc%2")).hasMessageContaining("incomplete");
        assertThatThrownBy(() -> EngineHttpServer.percentDecode("abc%zz")).hasMessageContaining("invalid");
        assertThatThrownBy(() -> EngineHttpServer.percentDecode("%C3")).hasMessageContaining("UTF-8");
        assertThatThrownBy(() -> EngineHttpServer.percentDecode("%ED%A0%80")).hasMessageContaining("UTF-8");
        assertThat(EngineHttpServer.percentEncode("a b/c+ü")).isEqualTo("a%20b%2Fc%2B%C3%BC");
        assertThat(EngineHttpServer.percentDecode(EngineHttpServer.percentEncode("a b/c+ü")))
                .isEqualTo("a b/c+ü");
    }
}
