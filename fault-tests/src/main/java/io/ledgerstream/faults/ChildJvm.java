package io.ledgerstream.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A Java main class running in a child JVM on this JVM's class path, with its output in a log file, so a test can
 * crash it for real: SIGKILL ({@link #kill()}), SIGTERM ({@link #terminate(Duration)}), SIGSTOP / SIGCONT ({@link
 * #pause()} / {@link #resume()}).
 *
 * <p>The child gets small-footprint JVM options ({@link #JVM_OPTIONS}: bounded heap, serial GC, C1 only, for fast
 * start-up on a two-core machine). A shutdown hook kills it if this JVM exits first, so no child outlives a test run
 * that ends normally or by SIGTERM. Thread-safe.
 */
public final class ChildJvm implements AutoCloseable {

    /** Options of every child JVM. */
    public static final List<String> JVM_OPTIONS =
            List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-Xshare:auto");

    /** How long {@link #kill()} and {@link #close()} wait for the process to disappear. */
    public static final Duration EXIT_WAIT = Duration.ofSeconds(30);

    private final String name;
    private final Process process;
    private final Path logFile;
    private final Thread reaper;

    private ChildJvm(String name, Process process, Path logFile) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
        this.reaper = new Thread(process::destroyForcibly, "kill-child-" + name);
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    /**
     * Starts {@code mainClass} in a new JVM.
     *
     * @param name a label for logs; not null
     * @param mainClass the fully qualified main class, on this JVM's class path; not null
     * @param args its arguments; not null
     * @param logFile where stdout and stderr go (appended); not null
     * @return the running child, never null
     */
    public static ChildJvm start(String name, String mainClass, List<String> args, Path logFile) {
        Objects.requireNonNull(name, "name");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPTIONS);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Objects.requireNonNull(mainClass, "mainClass"));
        command.addAll(Objects.requireNonNull(args, "args"));
        try {
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
            return new ChildJvm(name, process, logFile);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start child JVM " + name, e);
        }
    }

    /**
     * Returns the label given at start.
     *
     * @return the name, never null
     */
    public String name() {
        return name;
    }

    /**
     * Returns the operating system's process ID.
     *
     * @return the pid
     */
    public long pid() {
        return process.pid();
    }

    /**
     * Returns whether the process is still running (a paused process is running).
     *
     * @return true until it exits
     */
    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Returns the log file of the child's stdout and stderr.
     *
     * @return the path, never null
     */
    public Path logFile() {
        return logFile;
    }

    /**
     * Waits for the process to exit on its own.
     *
     * @param timeout how long to wait; not null
     * @return its exit code
     * @throws IllegalStateException if it is still running after the timeout (it is then killed)
     */
    public int awaitExitCode(Duration timeout) {
        if (!awaitExit(timeout)) {
            kill();
            throw new IllegalStateException(name + " did not exit within " + timeout + "; killed. See " + logFile);
        }
        return process.exitValue();
    }

    /** Sends SIGKILL and waits until the process is gone: no shutdown hook, no commit, no goodbye. */
    public void kill() {
        process.destroyForcibly();
        awaitExit(EXIT_WAIT);
    }

    /**
     * Sends SIGTERM (a graceful stop) and waits; sends SIGKILL if the process is still running after {@code grace}.
     *
     * @param grace how long to wait for a graceful exit; not null
     * @return true if the process exited gracefully within the grace period
     */
    public boolean terminate(Duration grace) {
        process.destroy();
        if (awaitExit(grace)) {
            return true;
        }
        kill();
        return false;
    }

    /** Sends SIGSTOP: the process freezes (no heartbeats, no commits) until {@link #resume()}. */
    public void pause() {
        signal("STOP");
    }

    /** Sends SIGCONT to a paused process. */
    public void resume() {
        signal("CONT");
    }

    /**
     * Returns whether the log contains a line matching {@code regex}.
     *
     * @param regex a {@link Pattern}; not null
     * @return true if some line matches
     */
    public boolean logContains(String regex) {
        return firstLogLine(regex) != null;
    }

    /**
     * Returns the first log line matching {@code regex}.
     *
     * @param regex a {@link Pattern}; not null
     * @return the line, or null if none matches (or the log cannot be read yet)
     */
    public String firstLogLine(String regex) {
        return firstLogLineAfter(null, regex);
    }

    /**
     * Returns the first log line matching {@code regex} that follows the first line matching {@code anchor}.
     *
     * @param anchor a {@link Pattern}, or null to search from the start
     * @param regex a {@link Pattern}; not null
     * @return the line, or null if none matches (or the log cannot be read yet)
     */
    public String firstLogLineAfter(String anchor, String regex) {
        Pattern anchorPattern = anchor == null ? null : Pattern.compile(anchor);
        Pattern pattern = Pattern.compile(regex);
        boolean searching = anchorPattern == null;
        try {
            for (String line : Files.readAllLines(logFile, StandardCharsets.UTF_8)) {
                if (searching && pattern.matcher(line).find()) {
                    return line;
                }
                if (!searching && anchorPattern.matcher(line).find()) {
                    searching = true;
                }
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    private void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                    .redirectErrorStream(true)
                    .start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run kill -" + signal, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending SIG" + signal, e);
        }
    }

    private boolean awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Kills the process if it is still running (SIGKILL also ends a paused process). Idempotent. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            if (!awaitExit(EXIT_WAIT)) {
                throw new IllegalStateException("child JVM " + name + " (pid " + pid() + ") survived SIGKILL");
            }
        }
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway; killing a dead process is harmless
        }
    }

    @Override
    public String toString() {
        return "ChildJvm[" + name + ", pid " + process.pid() + "]";
    }
}
