package io.ledgerstream.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class EngineConfigTest {

    static final Map<String, Object> MINIMAL = Map.of(
            EngineConfig.BOOTSTRAP_SERVERS, "127.0.0.1:9092", EngineConfig.REGISTRY_URL, "http://127.0.0.1:8081");

    @Test
    void shouldApplyDocumentedDefaults() {
        EngineConfig config = new EngineConfig(MINIMAL);
        assertThat(config.partitions()).isEqualTo(8);
        assertThat(config.dedupRetentionMs()).isEqualTo(7L * 24 * 3600 * 1000);
        assertThat(config.registryAutoRegister()).isFalse();
        assertThat(config.replicationFactor()).isEqualTo((short) 3);
    }

    @Test
    void shouldFailAtStartupNamingTheKeyAndValue() {
        Map<String, Object> bad = new java.util.HashMap<>(MINIMAL);
        bad.put(EngineConfig.PARTITIONS, "0");
        assertThatThrownBy(() -> new EngineConfig(bad))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("partitions")
                .hasMessageContaining("0");
    }

    @Test
    void shouldRequireBootstrapServersAndRegistry() {
        assertThatThrownBy(() -> new EngineConfig(Map.of(EngineConfig.REGISTRY_URL, "http://x")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("bootstrap.servers");
    }

    @Test
    void shouldRejectUnknownKeys() {
        Map<String, Object> typo = new java.util.HashMap<>(MINIMAL);
        typo.put("partitons", "8");
        assertThatThrownBy(() -> new EngineConfig(typo)).hasMessageContaining("partitons");
    }

    @Test
    void shouldSetSafetySettingsExplicitlyAndRefuseToWeakenThem() {
        Properties p = LedgerService.streamsProperties(new EngineConfig(MINIMAL));
        assertThat(p.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
        assertThat(p.get("producer.acks")).isEqualTo("all");
        assertThat(p.get("producer.enable.idempotence")).isEqualTo(true);
        assertThat(p.get("consumer.isolation.level")).isEqualTo("read_committed");

        Map<String, Object> weakened = new java.util.HashMap<>(MINIMAL);
        weakened.put("kafka.processing.guarantee", "at_least_once");
        assertThatThrownBy(() -> LedgerService.streamsProperties(new EngineConfig(weakened)))
                .hasMessageContaining("processing.guarantee");
    }

    @Test
    void shouldPassPrefixedKafkaSettingsThrough() {
        Map<String, Object> secured = new java.util.HashMap<>(MINIMAL);
        secured.put("kafka.security.protocol", "SASL_SSL");
        assertThat(LedgerService.streamsProperties(new EngineConfig(secured)).get("security.protocol"))
                .isEqualTo("SASL_SSL");
    }

    @Test
    void shouldGiveTheAdminClientTheSecuritySettingsButNotStreamsOnes() {
        Map<String, Object> secured = new java.util.HashMap<>(MINIMAL);
        secured.put("kafka.security.protocol", "SASL_SSL");
        secured.put("kafka.sasl.mechanism", "SCRAM-SHA-512");
        secured.put("kafka.sasl.jaas.config", "x required;");
        secured.put("kafka.ssl.truststore.location", "/etc/ledgerstream/truststore.p12");
        secured.put("kafka.consumer.session.timeout.ms", "10000");
        secured.put("kafka.producer.linger.ms", "5");
        secured.put("kafka.num.standby.replicas", "1");
        secured.put("kafka.admin.request.timeout.ms", "20000");
        Map<String, Object> admin = LedgerService.adminProperties(new EngineConfig(secured));
        assertThat(admin)
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("sasl.jaas.config", "x required;")
                .containsEntry("ssl.truststore.location", "/etc/ledgerstream/truststore.p12")
                .containsEntry("request.timeout.ms", "20000")
                .containsEntry("bootstrap.servers", "127.0.0.1:9092")
                .doesNotContainKeys(
                        "consumer.session.timeout.ms", "producer.linger.ms", "linger.ms", "num.standby.replicas");
    }

    @Test
    void shouldRefuseKafkaSettingsThatHaveATypedKey() {
        Map<String, Object> p = new java.util.HashMap<>(MINIMAL);
        p.put("kafka.application.server", "somewhere:1");
        assertThatThrownBy(() -> LedgerService.streamsProperties(new EngineConfig(p)))
                .hasMessageContaining("kafka.application.server")
                .hasMessageContaining(EngineConfig.APPLICATION_SERVER);
    }

    @Test
    void shouldNeverShowSecrets() {
        Map<String, Object> p = new java.util.HashMap<>(MINIMAL);
        p.put(EngineConfig.REGISTRY_BASIC_AUTH_USER_INFO, "engine:registry-s3cret");
        p.put("kafka.sasl.jaas.config", "ScramLoginModule required username=\"u\" password=\"kafka-s3cret\";");
        EngineConfig config = new EngineConfig(p);
        assertThat(config.toString())
                .doesNotContain("registry-s3cret")
                .doesNotContain("kafka-s3cret")
                .contains("[hidden]")
                .contains("sasl.jaas.config");
        assertThat(LedgerService.registryConfig(config)
                        .basicAuthUserInfo()
                        .orElseThrow()
                        .value())
                .isEqualTo("engine:registry-s3cret");

        Map<String, Object> typo = new java.util.HashMap<>(MINIMAL);
        typo.put("sasl.jaas.config", "password=\"kafka-s3cret\"");
        assertThatThrownBy(() -> new EngineConfig(typo))
                .hasMessageContaining("sasl.jaas.config")
                .hasMessageNotContaining("kafka-s3cret");

        Map<String, Object> malformed = new java.util.HashMap<>(MINIMAL);
        malformed.put(EngineConfig.REGISTRY_BASIC_AUTH_USER_INFO, "no-colon-s3cret");
        assertThatThrownBy(() -> new EngineConfig(malformed))
                .hasMessageContaining(EngineConfig.REGISTRY_BASIC_AUTH_USER_INFO)
                .hasMessageNotContaining("no-colon-s3cret");
    }

    @Test
    void shouldValidateTheHttpSettings() {
        EngineConfig defaults = new EngineConfig(MINIMAL);
        assertThat(defaults.httpPort()).isEqualTo(-1);
        assertThat(defaults.httpEnabled()).isFalse();
        assertThat(defaults.httpHost()).isEqualTo("0.0.0.0");
        assertThat(defaults.applicationServer()).isEmpty();
        Map<String, Object> enabled = new java.util.HashMap<>(MINIMAL);
        enabled.put(EngineConfig.HTTP_PORT, "8080");
        assertThat(new EngineConfig(enabled).httpEnabled()).isTrue();
        for (String bad : new String[] {"engine", "engine:", ":8080", "engine:0", "engine:65536", "engine:http"}) {
            Map<String, Object> p = new java.util.HashMap<>(MINIMAL);
            p.put(EngineConfig.APPLICATION_SERVER, bad);
            assertThatThrownBy(() -> new EngineConfig(p))
                    .as(bad)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining(EngineConfig.APPLICATION_SERVER);
        }
        Map<String, Object> port = new java.util.HashMap<>(MINIMAL);
        port.put(EngineConfig.HTTP_PORT, "70000");
        assertThatThrownBy(() -> new EngineConfig(port)).hasMessageContaining("http.port");
    }

    @Test
    void shouldReadSettingsFromEnvironmentVariables() {
        Map<String, Object> props = EngineMain.fromEnvironment(
                Map.of("LEDGERSTREAM_BOOTSTRAP_SERVERS", "kafka:9092", "LEDGERSTREAM_DEDUP_RETENTION_MS", "60000"));
        assertThat(props).containsEntry("bootstrap.servers", "kafka:9092").containsEntry("dedup.retention.ms", "60000");
    }

    @Test
    void shouldReadKafkaPassThroughSettingsFromEnvironmentVariables() {
        Map<String, Object> props = EngineMain.fromEnvironment(Map.of(
                "LEDGERSTREAM_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "LEDGERSTREAM_KAFKA_SASL_JAAS_CONFIG", "x required;",
                "LEDGERSTREAM_KAFKA_", "ignored",
                "OTHER_KAFKA_SASL_MECHANISM", "ignored"));
        assertThat(props)
                .containsOnly(
                        Map.entry("kafka.security.protocol", "SASL_SSL"),
                        Map.entry("kafka.sasl.jaas.config", "x required;"));
    }

    @Test
    void shouldKeepTheConfigurationReferenceInSyncWithTheDefinition() throws Exception {
        Path doc = Path.of("../docs/configuration.md");
        String generated = EngineConfig.markdownReference();
        if (Boolean.getBoolean("ledgerstream.docs.write")) {
            Files.writeString(doc, generated, StandardCharsets.UTF_8);
        }
        assertThat(Files.readString(doc, StandardCharsets.UTF_8))
                .as("docs/configuration.md is stale: run ./mvnw -pl streams-app test -Dtest=EngineConfigTest"
                        + " -Dledgerstream.docs.write=true")
                .isEqualTo(generated);
    }
}
