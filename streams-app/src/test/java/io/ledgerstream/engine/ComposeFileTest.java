package io.ledgerstream.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * compose.yaml cannot run here (no Docker engine; {@code ComposeStackContainerIT} runs it where there is one); this
 * keeps it consistent with the engine's settings, its HTTP endpoints and the image the Jib profile builds.
 */
class ComposeFileTest {

    static String compose() throws Exception {
        return Files.readString(Path.of("../compose.yaml"));
    }

    /** The text of one top-level service: from its name to the next service or the end of the services block. */
    static String service(String compose, String name) {
        Matcher m = Pattern.compile("\\n  " + name + ":\\n(.*?)(?=\\n  [a-z]+:\\n|\\n[a-z]+:)", Pattern.DOTALL)
                .matcher(compose);
        assertThat(m.find()).as("service %s in compose.yaml", name).isTrue();
        return m.group(1);
    }

    @Test
    void shouldOnlyUseSettingsTheEngineKnows() throws Exception {
        String compose = compose();
        Matcher m = Pattern.compile("LEDGERSTREAM_([A-Z_]+):").matcher(compose);
        List<String> keys = new ArrayList<>();
        while (m.find()) {
            keys.add(m.group(1).toLowerCase(Locale.ROOT).replace('_', '.'));
        }
        assertThat(keys).contains("bootstrap.servers", "registry.url", "http.port", "application.server");
        // LEDGERSTREAM_KAFKA_<KEY> is a kafka.* pass-through setting, any other one must be an engine key
        assertThat(EngineConfig.DEFINITION.names())
                .containsAll(keys.stream().filter(k -> !k.startsWith("kafka.")).toList());
    }

    @Test
    void shouldGiveEveryServiceAHealthcheck() throws Exception {
        String compose = compose();
        assertThat(Pattern.compile("\\n  [a-z]+:\\n").matcher(compose).results().count())
                .isEqualTo(Pattern.compile("\\n    healthcheck:")
                        .matcher(compose)
                        .results()
                        .count());
    }

    @Test
    void shouldRunTheImageTheJibProfileBuildsAndCheckItsReadiness() throws Exception {
        String pom = Files.readString(Path.of("pom.xml"));
        Matcher parentVersion = Pattern.compile("<parent>.*?<version>([^<]+)</version>", Pattern.DOTALL)
                .matcher(pom);
        assertThat(parentVersion.find()).isTrue();
        Matcher target = Pattern.compile("<to><image>([^<]+)</image></to>").matcher(pom);
        assertThat(target.find()).as("the Jib profile names its image").isTrue();
        String image = target.group(1).replace("${project.version}", parentVersion.group(1));

        String engine = service(compose(), "engine");
        assertThat(engine).contains("image: " + image);
        Matcher port = Pattern.compile("LEDGERSTREAM_HTTP_PORT: \"(\\d+)\"").matcher(engine);
        assertThat(port.find()).isTrue();
        assertThat(engine)
                .contains("/dev/tcp/127.0.0.1/" + port.group(1))
                .contains("GET /health/ready")
                .contains("LEDGERSTREAM_APPLICATION_SERVER: engine:" + port.group(1));

        String workload = service(compose(), "workload");
        assertThat(workload).contains("image: " + image);
        Matcher script = Pattern.compile("\"(/opt/ledgerstream/[^\"]+\\.sh)\"").matcher(workload);
        assertThat(script.find()).isTrue();
        Path inImage = Path.of("src/main/jib" + script.group(1));
        assertThat(inImage).exists();
        assertThat(Files.readString(inImage))
                .contains("io.ledgerstream.sdk.cli.LedgerCli")
                .contains("@/app/jib-classpath-file");
    }
}
