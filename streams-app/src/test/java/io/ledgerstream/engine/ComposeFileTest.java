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

/** compose.yaml cannot run here (no Docker engine); this keeps it consistent with the engine's settings. */
class ComposeFileTest {

    @Test
    void shouldOnlyUseSettingsTheEngineKnows() throws Exception {
        String compose = Files.readString(Path.of("../compose.yaml"));
        Matcher m = Pattern.compile("LEDGERSTREAM_([A-Z_]+):").matcher(compose);
        List<String> keys = new ArrayList<>();
        while (m.find()) {
            keys.add(m.group(1).toLowerCase(Locale.ROOT).replace('_', '.'));
        }
        assertThat(keys).contains("bootstrap.servers", "registry.url");
        assertThat(EngineConfig.DEFINITION.names()).containsAll(keys);
    }

    @Test
    void shouldGiveEveryServiceAHealthcheck() throws Exception {
        String compose = Files.readString(Path.of("../compose.yaml"));
        assertThat(Pattern.compile("\\n  [a-z]+:\\n").matcher(compose).results().count())
                .isEqualTo(Pattern.compile("\\n    healthcheck:")
                        .matcher(compose)
                        .results()
                        .count());
        assertThat(compose).contains("io.ledgerstream.engine.EngineMain");
    }
}
