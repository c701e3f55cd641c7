package io.ledgerstream.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apicurio Registry, run as a child JVM, for integration tests and demos; clients use its Confluent-compatible
 * API at {@link #url()}.
 *
 * <p>The registry is version {@value ApicurioDistribution#VERSION} with in-memory storage (H2): every instance starts
 * empty and forgets everything when closed. It listens on {@code 127.0.0.1} only, on a free port chosen at start-up.
 * Its output goes to {@link #logFile()}, which is kept after {@link #close()} for diagnosis.
 *
 * <p><b>Distribution:</b> the tarball {@code io.apicurio:apicurio-registry-app:3.0.9:tar.gz:all} is read from the
 * system property {@code ledgerstream.apicurio.tarball} (Surefire and Failsafe set it from the root POM), else from the
 * default local Maven repository. {@code ./mvnw -pl testkit generate-resources} fetches it. It is extracted once per
 * machine into {@code ${java.io.tmpdir}/ledgerstream-apicurio-3.0.9}.
 *
 * <p><b>Lifecycle:</b> {@link #close()} stops the process and its descendants and waits for them to exit. A JVM
 * shutdown hook does the same if the test run is aborted before {@code close()}, so the child never outlives its
 * parent JVM's orderly exit. (A {@code kill -9} of the parent cannot be caught; the child then keeps running until
 * killed.)
 *
 * <p><b>Known differences from Confluent Schema Registry</b> (clients must tolerate them): {@code GET/PUT /config}
 * answer {@code {"compatibilityLevel": ...}} instead of {@code {"compatibility": ...}}; the global default
 * compatibility is {@code NONE}, not {@code BACKWARD}; schema ids are content ids, so the same schema text registered
 * under two subjects gets one id; a schema is looked up by its exact text.
 *
 * <p>Thread-safe; {@link #close()} is idempotent.
 */
public final class EmbeddedRegistry implements AutoCloseable {

    /** Path of the Confluent-compatible API below {@link #baseUrl()}. */
    public static final String CCOMPAT_PATH = "/apis/ccompat/v7";

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedRegistry.class);

    /** How many times start-up is retried when the chosen port was taken by someone else in the meantime. */
    private static final int PORT_CONFLICT_ATTEMPTS_MAX = 3;

    /** How long {@link #close()} waits for the process to exit after a polite and after a forcible stop. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private static final int LOG_TAIL_LINES = 40;

    private final Process process;
    private final int port;
    private final Path logFile;
    private final Duration startupTime;
    private final Thread shutdownHook;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedRegistry(Process process, int port, Path logFile, Duration startupTime, Thread shutdownHook) {
        this.process = process;
        this.port = port;
        this.logFile = logFile;
        this.startupTime = startupTime;
        this.shutdownHook = shutdownHook;
    }

    /**
     * Returns a builder with default settings.
     *
     * @return a new builder, never null
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts a registry with default settings.
     *
     * @return the started registry, never null; the caller closes it
     * @throws IllegalStateException if the distribution is missing or the registry does not become ready in time
     */
    public static EmbeddedRegistry start() {
        return builder().start();
    }

    /**
     * Returns the URL of the Confluent-compatible API, e.g. {@code http://127.0.0.1:41234/apis/ccompat/v7}.
     *
     * @return the URL without a trailing slash, never null
     */
    public String url() {
        return baseUrl() + CCOMPAT_PATH;
    }

    /**
     * Returns the registry's root URL, e.g. {@code http://127.0.0.1:41234}.
     *
     * @return the URL without a trailing slash, never null
     */
    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    /**
     * Returns the TCP port the registry listens on (on {@code 127.0.0.1}).
     *
     * @return a port between 1 and 65535
     */
    public int port() {
        return port;
    }

    /**
     * Returns the file receiving the registry's standard output and error.
     *
     * @return an absolute path, never null
     */
    public Path logFile() {
        return logFile;
    }

    /**
     * Returns how long start-up took, from launching the process until the API answered.
     *
     * @return the measured start-up time, never null
     */
    public Duration startupTime() {
        return startupTime;
    }

    /**
     * Returns whether the registry process is still running.
     *
     * @return true until {@link #close()} or a crash
     */
    public boolean isRunning() {
        return process.isAlive();
    }

    /**
     * Stops the registry process and its descendants and waits for them to exit. Idempotent.
     *
     * @throws IllegalStateException if the process survives even a forcible stop
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        removeShutdownHook(shutdownHook);
        long start = System.nanoTime();
        stopProcessTree(process);
        LOG.info("Apicurio registry at {} stopped in {} ms", baseUrl(), (System.nanoTime() - start) / 1_000_000);
    }

    @Override
    public String toString() {
        return "EmbeddedRegistry[url=" + url() + "]";
    }

    private static void removeShutdownHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or about to; stopping the process twice is harmless
        }
    }

    private static void stopProcessTree(Process process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        descendants.forEach(ProcessHandle::destroy);
        if (awaitExit(process, descendants)) {
            return;
        }
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
        if (!awaitExit(process, descendants)) {
            throw new IllegalStateException(
                    "Apicurio registry process " + process.pid() + " did not exit within " + STOP_GRACE);
        }
    }

    private static boolean awaitExit(Process process, List<ProcessHandle> descendants) {
        long deadline = System.nanoTime() + STOP_GRACE.toNanos();
        try {
            if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                return false;
            }
            for (ProcessHandle descendant : descendants) {
                long remaining = deadline - System.nanoTime();
                descendant.onExit().get(Math.max(0, remaining), TimeUnit.NANOSECONDS);
            }
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return true; // onExit() failed: the process is gone or not ours to watch
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Configures and starts an {@link EmbeddedRegistry}.
     *
     * <p>Not thread-safe; use one builder from one thread.
     */
    public static final class Builder {

        /** Default of {@link #startupTimeout(Duration)}. */
        public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(60);

        /** Default of {@link #maxHeapMb(int)}. */
        public static final int DEFAULT_MAX_HEAP_MB = 384;

        private Path tarball = ApicurioDistribution.defaultTarball();
        private Path cacheDirectory = ApicurioDistribution.defaultCacheDirectory();
        private Path logDirectory = defaultLogDirectory();
        private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;
        private int maxHeapMb = DEFAULT_MAX_HEAP_MB;

        private Builder() {}

        /**
         * Sets the distribution tarball.
         *
         * @param tarball the {@code apicurio-registry-app-3.0.9-all.tar.gz} file, not null; default: system property
         *     {@code ledgerstream.apicurio.tarball}, else the default local Maven repository
         * @return this builder
         */
        public Builder tarball(Path tarball) {
            this.tarball = Objects.requireNonNull(tarball, "tarball");
            return this;
        }

        /**
         * Sets where the distribution is extracted (once, shared by every JVM using the same directory).
         *
         * @param cacheDirectory a directory that need not exist yet, not null; default {@code
         *     ${java.io.tmpdir}/ledgerstream-apicurio-3.0.9}
         * @return this builder
         */
        public Builder cacheDirectory(Path cacheDirectory) {
            this.cacheDirectory = Objects.requireNonNull(cacheDirectory, "cacheDirectory");
            return this;
        }

        /**
         * Sets where the registry's log file is written.
         *
         * @param logDirectory a directory that need not exist yet, not null; default {@code target/apicurio-logs} if the
         *     working directory has a {@code target} directory (a Maven module), else {@code
         *     ${java.io.tmpdir}/ledgerstream-apicurio-logs}
         * @return this builder
         */
        public Builder logDirectory(Path logDirectory) {
            this.logDirectory = Objects.requireNonNull(logDirectory, "logDirectory");
            return this;
        }

        /**
         * Sets how long to wait for the registry to answer before giving up.
         *
         * @param startupTimeout positive; default {@link #DEFAULT_STARTUP_TIMEOUT}
         * @return this builder
         */
        public Builder startupTimeout(Duration startupTimeout) {
            Objects.requireNonNull(startupTimeout, "startupTimeout");
            if (startupTimeout.isNegative() || startupTimeout.isZero()) {
                throw new IllegalArgumentException("startupTimeout must be positive, was " + startupTimeout);
            }
            this.startupTimeout = startupTimeout;
            return this;
        }

        /**
         * Sets the registry JVM's maximum heap.
         *
         * @param maxHeapMb in MiB, between 128 and 4096; default {@link #DEFAULT_MAX_HEAP_MB}
         * @return this builder
         */
        public Builder maxHeapMb(int maxHeapMb) {
            if (maxHeapMb < 128 || maxHeapMb > 4096) {
                throw new IllegalArgumentException("maxHeapMb must be between 128 and 4096, was " + maxHeapMb);
            }
            this.maxHeapMb = maxHeapMb;
            return this;
        }

        /**
         * Extracts the distribution if needed, launches the registry and waits until its API answers.
         *
         * @return the started registry, never null; the caller closes it
         * @throws IllegalStateException if the distribution is missing, or the registry exits or does not answer
         *     within the start-up timeout; the message carries the tail of its log
         */
        public EmbeddedRegistry start() {
            Path runnerJar = ApicurioDistribution.ensureExtracted(tarball, cacheDirectory);
            try {
                Files.createDirectories(logDirectory);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot create log directory " + logDirectory, e);
            }
            for (int attempt = 1; ; attempt++) {
                int port = freeLoopbackPort();
                Optional<EmbeddedRegistry> started = tryStart(runnerJar, port, attempt);
                if (started.isPresent()) {
                    return started.get();
                }
                if (attempt >= PORT_CONFLICT_ATTEMPTS_MAX) {
                    throw new IllegalStateException("Apicurio registry could not bind a free port in "
                            + PORT_CONFLICT_ATTEMPTS_MAX + " attempts");
                }
                LOG.info("Port {} was taken before the registry bound it; retrying with another port", port);
            }
        }

        /** Returns empty if the process exited because its port was taken; throws on any other failure. */
        private Optional<EmbeddedRegistry> tryStart(Path runnerJar, int port, int attempt) {
            Path logFile = logDirectory
                    .resolve("apicurio-" + port + "-" + System.currentTimeMillis() + "-" + attempt + ".log")
                    .toAbsolutePath();
            ProcessBuilder builder = new ProcessBuilder(command(runnerJar, port))
                    .directory(runnerJar.getParent().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(logFile.toFile());
            // keep the child hermetic: no Quarkus or Apicurio settings leak in from the caller's environment
            Map<String, String> environment = builder.environment();
            environment.keySet().removeIf(key -> key.startsWith("QUARKUS_") || key.startsWith("APICURIO_"));

            long start = System.nanoTime();
            Process process;
            try {
                process = builder.start();
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot launch the Apicurio registry JVM", e);
            }
            Thread hook = new Thread(() -> stopProcessTree(process), "ledgerstream-apicurio-" + port + "-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            String subjectsUrl = "http://127.0.0.1:" + port + CCOMPAT_PATH + "/subjects";
            ReadyState state = awaitReady(process, subjectsUrl, start + startupTimeout.toNanos());
            if (state == ReadyState.READY) {
                Duration startupTime = Duration.ofNanos(System.nanoTime() - start);
                LOG.info(
                        "Apicurio registry {} started at http://127.0.0.1:{} in {} ms (log: {})",
                        ApicurioDistribution.VERSION,
                        port,
                        startupTime.toMillis(),
                        logFile);
                return Optional.of(new EmbeddedRegistry(process, port, logFile, startupTime, hook));
            }
            try {
                stopProcessTree(process);
            } finally {
                removeShutdownHook(hook);
            }
            String tail = tail(logFile);
            if (state == ReadyState.EXITED && isPortConflict(tail)) {
                return Optional.empty();
            }
            String reason = state == ReadyState.EXITED
                    ? "exited with code " + process.exitValue() + " before becoming ready"
                    : "did not answer GET " + subjectsUrl + " with 200 within " + startupTimeout.toMillis() + " ms";
            throw new IllegalStateException(
                    "Apicurio registry " + reason + ". Log " + logFile + " ends with:\n" + tail);
        }

        private List<String> command(Path runnerJar, int port) {
            String java =
                    Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> command = new ArrayList<>();
            command.add(java);
            command.add("-Xmx" + maxHeapMb + "m");
            command.add("-XX:+UseSerialGC"); // small footprint; a test registry has little garbage
            command.add("-XX:TieredStopAtLevel=1"); // faster start; C2 would not pay off in a test run
            command.add("-XX:+ExitOnOutOfMemoryError");
            command.add("-Dquarkus.http.host=127.0.0.1");
            command.add("-Dquarkus.http.port=" + port);
            command.add("-Dquarkus.log.console.color=false");
            command.add("-jar");
            command.add(runnerJar.toString());
            return command;
        }

        private enum ReadyState {
            READY,
            EXITED,
            TIMED_OUT
        }

        private static ReadyState awaitReady(Process process, String subjectsUrl, long deadlineNanos) {
            HttpClient client = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(1))
                    .version(HttpClient.Version.HTTP_1_1)
                    .build();
            HttpRequest request = HttpRequest.newBuilder(URI.create(subjectsUrl))
                    .timeout(Duration.ofSeconds(2))
                    .GET()
                    .build();
            long delayNanos = TimeUnit.MILLISECONDS.toNanos(50);
            while (true) {
                if (!process.isAlive()) {
                    return ReadyState.EXITED;
                }
                try {
                    HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
                    if (response.statusCode() == 200) {
                        return ReadyState.READY;
                    }
                } catch (IOException notYetListening) {
                    // connection refused or timed out while starting: poll again until the deadline
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return ReadyState.TIMED_OUT;
                }
                long remaining = deadlineNanos - System.nanoTime();
                if (remaining <= 0) {
                    return process.isAlive() ? ReadyState.TIMED_OUT : ReadyState.EXITED;
                }
                LockSupport.parkNanos(Math.min(delayNanos, remaining));
                delayNanos = Math.min(delayNanos * 2, TimeUnit.MILLISECONDS.toNanos(250));
            }
        }

        private static boolean isPortConflict(String logTail) {
            return logTail.contains("Address already in use") || logTail.contains("Port already bound");
        }

        private static int freeLoopbackPort() {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot find a free port on the loopback address", e);
            }
        }

        private static String tail(Path logFile) {
            try {
                // decoded leniently: a crash may leave a partial multi-byte character
                List<String> lines = new String(Files.readAllBytes(logFile), StandardCharsets.UTF_8)
                        .lines()
                        .toList();
                return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
            } catch (IOException e) {
                return "(log unreadable: " + e + ")";
            }
        }

        private static Path defaultLogDirectory() {
            Path target = Path.of("target");
            if (Files.isDirectory(target)) {
                return target.resolve("apicurio-logs").toAbsolutePath();
            }
            return Path.of(System.getProperty("java.io.tmpdir"), "ledgerstream-apicurio-logs");
        }
    }
}
