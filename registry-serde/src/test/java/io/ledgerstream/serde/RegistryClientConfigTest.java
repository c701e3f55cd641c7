package io.ledgerstream.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class RegistryClientConfigTest {

    private static final String URL = "http://127.0.0.1:8080/apis/ccompat/v7";

    @Test
    void shouldApplyDocumentedDefaults() {
        RegistryClientConfig config = RegistryClientConfig.fromMap(Map.of("registry.url", URL));

        assertThat(config.url()).hasToString(URL);
        assertThat(config.requestTimeout()).isEqualTo(Duration.ofMillis(5000));
        assertThat(config.retriesMax()).isEqualTo(5);
        assertThat(config.retryBackoffInitial()).isEqualTo(Duration.ofMillis(100));
        assertThat(config.retryBackoffMax()).isEqualTo(Duration.ofMillis(2000));
        assertThat(config.autoRegister()).isFalse();
        assertThat(config.cacheEntriesMax()).isEqualTo(1000);
        assertThat(config.basicAuthUserInfo()).isEmpty();
    }

    @Test
    void shouldParseStringValuesAsAKafkaClientConfigWould() {
        RegistryClientConfig config = RegistryClientConfig.fromMap(Map.of(
                "registry.url", URL + "/",
                "registry.request.timeout.ms", "250",
                "registry.retries.max", "0",
                "registry.auto.register", "true",
                "bootstrap.servers", "ignored:9092"));

        assertThat(config.url()).hasToString(URL);
        assertThat(config.requestTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(config.retriesMax()).isZero();
        assertThat(config.autoRegister()).isTrue();
    }

    @Test
    void shouldRequireUrl() {
        assertThatThrownBy(() -> RegistryClientConfig.fromMap(Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("registry.url");
    }

    @Test
    void shouldRejectNonHttpUrlNamingKeyAndValue() {
        assertThatThrownBy(() -> RegistryClientConfig.fromMap(Map.of("registry.url", "ftp://host/x")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("registry.url")
                .hasMessageContaining("ftp://host/x");
    }

    @Test
    void shouldRejectOutOfRangeValueNamingKeyAndValue() {
        assertThatThrownBy(() -> RegistryClientConfig.fromMap(Map.of("registry.url", URL, "registry.retries.max", -1)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("registry.retries.max")
                .hasMessageContaining("-1");
    }

    @Test
    void shouldRejectMaxBackoffBelowInitial() {
        assertThatThrownBy(() -> RegistryClientConfig.builder(URL)
                        .retryBackoff(Duration.ofMillis(500), Duration.ofMillis(100))
                        .build())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("registry.retry.backoff.max.ms");
    }

    @Test
    void shouldNeverShowCredentials() {
        RegistryClientConfig config = RegistryClientConfig.builder(URL)
                .basicAuthUserInfo("alice:s3cret")
                .build();

        assertThat(config.toString()).doesNotContain("s3cret").doesNotContain("alice");
        assertThat(config.basicAuthUserInfo()).get().hasToString("[hidden]");
        assertThatThrownBy(() -> RegistryClientConfig.fromMap(
                        Map.of("registry.url", URL, "registry.basic.auth.user.info", "nocolons3cret")))
                .isInstanceOf(ConfigException.class)
                .hasMessageNotContaining("nocolons3cret");
        assertThatThrownBy(() -> RegistryClientConfig.fromMap(Map.of("registry.url", "http://bob:pw@host/")))
                .isInstanceOf(ConfigException.class)
                .hasMessageNotContaining("pw");
    }

    @Test
    void shouldDocumentEveryKey() {
        var definitions = RegistryClientConfig.configDef().configKeys();

        assertThat(definitions.keySet()).allMatch(key -> key.startsWith(RegistryClientConfig.PREFIX));
        assertThat(definitions.values())
                .allSatisfy(key -> assertThat(key.documentation).isNotBlank());
        assertThat(RegistryClientConfig.configDef().toHtml()).contains("registry.retries.max");
    }
}
