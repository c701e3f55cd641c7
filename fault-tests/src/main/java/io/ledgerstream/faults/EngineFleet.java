package io.ledgerstream.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Engine instances ({@code io.ledgerstream.engine.EngineMain}) running as separate JVMs with one application ID, so
 * that a test can kill, pause, restart, add and remove them like an operator (or a failure) would.
 *
 * <p>Each instance has a name, used as its Kafka {@code client.id} (so its consumer group member can be recognised,
 * see {@link GroupProbe}) and as the name of its own state directory, which it keeps across restarts as a
 * redeployed instance keeps its volume. Each start of an instance writes a new log file, {@code
 * <logDirectory>/<name>-<n>.log}.
 *
 * <p>Not thread-safe: drive a fleet from one thread.
 */
public final class EngineFleet implements AutoCloseable {

    /** The engine's main class. */
    public static final String ENGINE_MAIN = "io.ledgerstream.engine.EngineMain";

    /** How long a graceful stop may take before the instance is killed. */
    public static final Duration STOP_GRACE = Duration.ofSeconds(40);

    private final Map<String, String> settings;
    private final Path logDirectory;
    private final Path stateRoot;
    private final Map<String, ChildJvm> running = new LinkedHashMap<>();
    private final Map<String, Integer> starts = new LinkedHashMap<>();
    private final List<ChildJvm> all = new ArrayList<>();

    /**
     * Creates a fleet; starts nothing.
     *
     * @param settings the engine settings shared by every instance ({@code --set key=value}); not null. {@code
     *     state.dir} and {@code kafka.client.id} are set per instance.
     * @param logDirectory where instance logs go; not null
     */
    public EngineFleet(Map<String, String> settings, Path logDirectory) {
        this.settings = Map.copyOf(Objects.requireNonNull(settings, "settings"));
        this.logDirectory = Objects.requireNonNull(logDirectory, "logDirectory");
        try {
            Files.createDirectories(logDirectory);
            this.stateRoot = Files.createTempDirectory("ledgerstream-fault-state-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create directories for the engine fleet", e);
        }
    }

    /**
     * Starts an instance (again, keeping its state directory, if it ran before).
     *
     * @param name the instance name, {@code [a-z0-9-]+}; not running already
     * @return the child process, never null
     */
    public ChildJvm start(String name) {
        if (!name.matches("[a-z0-9-]+")) {
            throw new IllegalArgumentException("instance names are [a-z0-9-]+, got " + name);
        }
        if (running.containsKey(name)) {
            throw new IllegalStateException("instance " + name + " is already running");
        }
        int n = starts.merge(name, 1, Integer::sum);
        Map<String, String> own = new LinkedHashMap<>(settings);
        own.put("state.dir", stateRoot.resolve(name).toString());
        own.put("kafka.client.id", name);
        List<String> args = new ArrayList<>();
        own.forEach((k, v) -> {
            args.add("--set");
            args.add(k + "=" + v);
        });
        ChildJvm jvm = ChildJvm.start(name, ENGINE_MAIN, args, logDirectory.resolve(name + "-" + n + ".log"));
        running.put(name, jvm);
        all.add(jvm);
        return jvm;
    }

    /**
     * Kills an instance with SIGKILL and waits until it is gone.
     *
     * @param name a running instance
     */
    public void kill(String name) {
        require(name).kill();
        running.remove(name);
    }

    /**
     * Stops an instance gracefully (SIGTERM: it commits, closes and leaves the group); kills it after {@link
     * #STOP_GRACE}.
     *
     * @param name a running instance
     * @return true if it stopped gracefully
     */
    public boolean stop(String name) {
        boolean graceful = require(name).terminate(STOP_GRACE);
        running.remove(name);
        return graceful;
    }

    /**
     * Freezes an instance with SIGSTOP: it stops heartbeating and committing, but keeps its open transaction and
     * believes it still owns its tasks: a zombie in the making.
     *
     * @param name a running instance
     */
    public void pause(String name) {
        require(name).pause();
    }

    /**
     * Resumes a paused instance with SIGCONT.
     *
     * @param name a running (paused) instance
     */
    public void resume(String name) {
        require(name).resume();
    }

    /**
     * Returns a running instance's process.
     *
     * @param name the instance
     * @return the process, never null
     * @throws IllegalStateException if it is not running
     */
    public ChildJvm require(String name) {
        ChildJvm jvm = running.get(name);
        if (jvm == null) {
            throw new IllegalStateException("instance " + name + " is not running; running: " + running.keySet());
        }
        if (!jvm.isAlive()) {
            throw new IllegalStateException(
                    "instance " + name + " exited on its own; see " + jvm.logFile() + " for why");
        }
        return jvm;
    }

    /**
     * Returns the names of the instances started and not stopped or killed since.
     *
     * @return a sorted copy, never null
     */
    public Set<String> running() {
        return new TreeSet<>(running.keySet());
    }

    /**
     * Returns how many times instances were started in total.
     *
     * @return the number of starts
     */
    public int starts() {
        return all.size();
    }

    /**
     * Returns the names of running instances whose process exited without being told to (a crash of the engine).
     *
     * @return a sorted set, empty if all are alive; never null
     */
    public Set<String> exitedOnTheirOwn() {
        Set<String> dead = new TreeSet<>();
        running.forEach((name, jvm) -> {
            if (!jvm.isAlive()) {
                dead.add(name);
            }
        });
        return dead;
    }

    /**
     * Returns the log files of every start, oldest first.
     *
     * @return a list, never null
     */
    public List<Path> logFiles() {
        return all.stream().map(ChildJvm::logFile).toList();
    }

    /** Kills every instance still running and deletes the state directories. */
    @Override
    public void close() {
        RuntimeException failure = null;
        for (ChildJvm jvm : all) {
            try {
                jvm.close();
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        running.clear();
        deleteRecursively(stateRoot);
        if (failure != null) {
            throw failure;
        }
    }

    private static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + root, e);
        }
    }
}
