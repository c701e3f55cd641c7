package io.ledgerstream.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the Apicurio Registry distribution tarball and extracts it once into a cache directory shared by every JVM on
 * the machine.
 *
 * <p>Extraction goes into a private temporary directory next to the cache directory, which is then renamed into place
 * atomically. Concurrent JVMs may both extract; exactly one rename wins and the loser deletes its copy, so a reader
 * never sees a half-extracted distribution. A marker file, written last before the rename, tells a complete cache from
 * a foreign directory of the same name.
 *
 * <p>Stateless and thread-safe.
 */
final class ApicurioDistribution {

    /** The Apicurio Registry version this testkit runs. Must match {@code apicurio.version} in the root POM. */
    static final String VERSION = "3.0.9";

    /** System property naming the tarball; set by Surefire and Failsafe from the root POM. */
    static final String TARBALL_PROPERTY = "ledgerstream.apicurio.tarball";

    static final String RUNNER_JAR = "apicurio-registry-app-" + VERSION + "-runner.jar";

    private static final String MARKER = ".ledgerstream-extracted";

    private static final Logger LOG = LoggerFactory.getLogger(ApicurioDistribution.class);

    private ApicurioDistribution() {}

    /**
     * Returns the tarball location: the system property {@value #TARBALL_PROPERTY} if set, else the artifact's place
     * in the default local Maven repository.
     */
    static Path defaultTarball() {
        String configured = System.getProperty(TARBALL_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        return Path.of(
                System.getProperty("user.home"),
                ".m2",
                "repository",
                "io",
                "apicurio",
                "apicurio-registry-app",
                VERSION,
                "apicurio-registry-app-" + VERSION + "-all.tar.gz");
    }

    /** Returns the default cache directory, {@code ${java.io.tmpdir}/ledgerstream-apicurio-<version>}. */
    static Path defaultCacheDirectory() {
        return Path.of(System.getProperty("java.io.tmpdir"), "ledgerstream-apicurio-" + VERSION);
    }

    /**
     * Makes sure the distribution is extracted into {@code cacheDirectory} and returns the path of its runner jar.
     *
     * @throws IllegalStateException if the tarball is missing or the cache directory is not a complete extraction
     * @throws UncheckedIOException if extraction fails
     */
    static Path ensureExtracted(Path tarball, Path cacheDirectory) {
        Objects.requireNonNull(tarball, "tarball");
        Path cache = Objects.requireNonNull(cacheDirectory, "cacheDirectory").toAbsolutePath();
        if (isComplete(cache)) {
            return cache.resolve(RUNNER_JAR);
        }
        if (Files.exists(cache)) {
            throw new IllegalStateException("Directory " + cache + " exists but is not a complete Apicurio " + VERSION
                    + " extraction (no " + MARKER + " file); delete it and retry");
        }
        if (!Files.isRegularFile(tarball)) {
            throw new IllegalStateException("Apicurio Registry " + VERSION + " distribution not found at " + tarball
                    + " (set system property " + TARBALL_PROPERTY + " to override). Fetch it into the local Maven"
                    + " repository with: ./mvnw -pl testkit generate-resources");
        }
        long start = System.nanoTime();
        Path staging = null;
        try {
            Files.createDirectories(cache.getParent());
            staging = Files.createTempDirectory(cache.getParent(), cache.getFileName() + ".extracting-");
            int files = TarGz.extract(tarball, staging);
            if (!Files.isRegularFile(staging.resolve(RUNNER_JAR))) {
                throw new IllegalStateException(tarball + " does not contain " + RUNNER_JAR);
            }
            Files.writeString(staging.resolve(MARKER), tarball + "\n", StandardCharsets.UTF_8);
            try {
                Files.move(staging, cache, StandardCopyOption.ATOMIC_MOVE);
                staging = null;
                LOG.info(
                        "Extracted {} files of Apicurio {} into {} in {} ms",
                        files,
                        VERSION,
                        cache,
                        (System.nanoTime() - start) / 1_000_000);
            } catch (FileSystemException lostRace) {
                if (!isComplete(cache)) {
                    throw lostRace;
                }
                LOG.debug("Another process extracted Apicurio into {} first", cache);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not extract " + tarball + " into " + cache, e);
        } finally {
            if (staging != null) {
                FileTrees.deleteRecursively(staging);
            }
        }
        return cache.resolve(RUNNER_JAR);
    }

    private static boolean isComplete(Path cache) {
        return Files.isRegularFile(cache.resolve(MARKER)) && Files.isRegularFile(cache.resolve(RUNNER_JAR));
    }
}
