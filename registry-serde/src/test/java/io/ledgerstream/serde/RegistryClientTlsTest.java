package io.ledgerstream.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.ledgerstream.testkit.TestTls;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** An https registry (a TLS stand-in on 127.0.0.1 with a test CA) is reached only through the configured trust store. */
class RegistryClientTlsTest {

    private TestTls tls;
    private HttpsServer server;
    private String url;

    @BeforeEach
    void start() throws Exception {
        tls = TestTls.generate(Files.createTempDirectory("registry-tls-"));
        KeyStore keys = KeyStore.getInstance(TestTls.STORE_TYPE);
        try (InputStream in = Files.newInputStream(tls.keystore())) {
            keys.load(in, tls.password().toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, tls.password().toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(context));
        server.createContext("/subjects", exchange -> {
            byte[] body = "[\"orders-value\"]".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        url = "https://localhost:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void shouldReachAnHttpsRegistryThroughTheConfiguredTrustStore() {
        RegistryClientConfig config = RegistryClientConfig.fromMap(java.util.Map.of(
                RegistryClientConfig.URL,
                url,
                RegistryClientConfig.SSL_TRUSTSTORE_LOCATION,
                tls.truststore().toString(),
                RegistryClientConfig.SSL_TRUSTSTORE_PASSWORD,
                tls.password(),
                RegistryClientConfig.RETRIES_MAX,
                0));
        try (RegistryClient client = new RegistryClient(config)) {
            assertThat(client.subjects()).isEqualTo(List.of("orders-value"));
        }
        assertThat(config.toString()).doesNotContain(tls.password());
    }

    @Test
    void shouldRefuseAnUntrustedCertificateWithoutTheTrustStore() {
        RegistryClientConfig config = RegistryClientConfig.fromMap(
                java.util.Map.of(RegistryClientConfig.URL, url, RegistryClientConfig.RETRIES_MAX, 0));
        try (RegistryClient client = new RegistryClient(config)) {
            assertThatThrownBy(client::subjects).isInstanceOf(RegistrySerdeException.class);
        }
    }

    @Test
    void shouldNameTheKeyWhenTheTrustStoreCannotBeRead() {
        RegistryClientConfig config = RegistryClientConfig.fromMap(java.util.Map.of(
                RegistryClientConfig.URL,
                url,
                RegistryClientConfig.SSL_TRUSTSTORE_LOCATION,
                Path.of("/nonexistent/store.p12").toString()));
        assertThatThrownBy(config::sslContext)
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(RegistryClientConfig.SSL_TRUSTSTORE_LOCATION);
    }
}
