package io.ledgerstream.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApicurioDistributionTest {

    @TempDir
    Path temp;

    @Test
    void shouldNameFetchCommandWhenTarballIsMissing() {
        Path missing = temp.resolve("nope.tar.gz");

        assertThatThrownBy(() -> ApicurioDistribution.ensureExtracted(missing, temp.resolve("cache")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("./mvnw -pl testkit generate-resources");
    }

    @Test
    void shouldExtractOnceAndReuseCache() throws Exception {
        Path tarball = temp.resolve("dist.tar.gz");
        TarFixtures.write(tarball, TarFixtures.file(ApicurioDistribution.RUNNER_JAR, "jar"));
        Path cache = temp.resolve("cache");

        Path jar = ApicurioDistribution.ensureExtracted(tarball, cache);
        Files.delete(tarball); // a second call must not need the tarball any more
        Path again = ApicurioDistribution.ensureExtracted(tarball, cache);

        assertThat(jar).isEqualTo(again).hasContent("jar");
        try (var siblings = Files.list(temp)) {
            assertThat(siblings.map(p -> p.getFileName().toString())).containsExactly("cache");
        }
    }

    @Test
    void shouldRefuseForeignDirectoryInPlaceOfCache() throws Exception {
        Path cache = Files.createDirectories(temp.resolve("cache"));

        assertThatThrownBy(() -> ApicurioDistribution.ensureExtracted(temp.resolve("x.tar.gz"), cache))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not a complete Apicurio");
    }

    @Test
    void shouldRejectTarballWithoutRunnerJar() throws Exception {
        Path tarball = temp.resolve("dist.tar.gz");
        TarFixtures.write(tarball, TarFixtures.file("README", "hi"));

        assertThatThrownBy(() -> ApicurioDistribution.ensureExtracted(tarball, temp.resolve("cache")))
                .hasMessageContaining("does not contain");
        assertThat(temp.resolve("cache")).doesNotExist();
    }

    @Test
    void shouldDefaultToLocalMavenRepositoryOrConfiguredProperty() {
        Path tarball = ApicurioDistribution.defaultTarball();

        assertThat(tarball.getFileName().toString()).isEqualTo("apicurio-registry-app-3.0.9-all.tar.gz");
    }
}
