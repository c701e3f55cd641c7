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
    void shouldReadSettingsFromEnvironmentVariables() {
        Map<String, Object> props = EngineMain.fromEnvironment(
                Map.of("LEDGERSTREAM_BOOTSTRAP_SERVERS", "kafka:9092", "LEDGERSTREAM_DEDUP_RETENTION_MS", "60000"));
        assertThat(props).containsEntry("bootstrap.servers", "kafka:9092").containsEntry("dedup.retention.ms", "60000");
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
