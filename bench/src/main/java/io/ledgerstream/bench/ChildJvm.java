package io.ledgerstream.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A child JVM running one of the harness's own subcommands ({@code broker} or {@code engine}) on the same class path,
 * so that its CPU and memory can be measured on their own. The child prints {@code READY <detail>} on stdout when it
 * is up and stops in an orderly way when its stdin reaches end of file, so closing this object (or the parent dying)
 * stops it; a child that does not exit within {@link #STOP_GRACE} is destroyed. Output goes to a log file.
 *
 * <p>Thread-safe; {@link #close()} is idempotent.
 */
final class ChildJvm implements AutoCloseable {

    static final String READY = "READY";
    static final Duration STOP_GRACE = Duration.ofSeconds(40);

    private final String name;
    private final Process process;
    private final String readyDetail;
    private final Path log;
    private volatile boolean closed;

    private ChildJvm(String name, Process process, String readyDetail, Path log) {
        this.name = name;
        this.process = process;
        this.readyDetail = readyDetail;
        this.log = log;
    }

    /**
     * Starts {@code java <jvmOptions> -cp <this class path> io.ledgerstream.bench.BenchMain <args>} and waits for its
     * READY line.
     */
    static ChildJvm start(String name, List<String> jvmOptions, List<String> args, Path logDir, Duration readyTimeout) {
        Objects.requireNonNull(name, "name");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(BenchMain.class.getName());
        cmd.addAll(args);
        Path log = logDir.resolve(name + ".log");
        Process process;
        try {
            Files.createDirectories(logDir);
            Files.writeString(log, String.join(" ", cmd) + System.lineSeparator(), StandardCharsets.UTF_8);
            process = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start child JVM " + name, e);
        }
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread pump = new Thread(() -> pump(process, log, ready), "bench-child-output-" + name);
        pump.setDaemon(true);
        pump.start();
        try {
            String detail = ready.get(readyTimeout.toMillis(), TimeUnit.MILLISECONDS);
            return new ChildJvm(name, process, detail, log);
        } catch (TimeoutException | ExecutionException e) {
            process.destroyForcibly();
            throw new IllegalStateException(
                    "child JVM " + name + " did not report READY within " + readyTimeout + " (exit "
                            + (process.isAlive() ? "none yet" : process.exitValue()) + "); see " + log,
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IllegalStateException("interrupted starting " + name, e);
        }
    }

    private static void pump(Process process, Path log, CompletableFuture<String> ready) {
        try (BufferedReader in =
                        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                PrintWriter out = new PrintWriter(Files.newBufferedWriter(
                        log, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND))) {
            String line;
            while ((line = in.readLine()) != null) {
                out.println(line);
                out.flush();
                if (!ready.isDone() && line.startsWith(READY)) {
                    ready.complete(line.substring(READY.length()).trim());
                }
            }
        } catch (IOException e) {
            // the child is gone; the exit code says why
        } finally {
            ready.completeExceptionally(new IllegalStateException("child output ended before READY"));
        }
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    /** What the child printed after READY (e.g. the broker's bootstrap servers). */
    String readyDetail() {
        return readyDetail;
    }

    Path log() {
        return log;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Closes the child's stdin (it stops in order), waits up to {@link #STOP_GRACE}, then destroys it. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // already gone
        }
        try {
            if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroy();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** Blocks the calling (child) JVM until its stdin reaches end of file: the parent closed it or died. */
    static void awaitStdinClosed() {
        byte[] buf = new byte[256];
        try {
            while (System.in.read(buf) >= 0) {
                // ignore input; only end of file matters
            }
        } catch (IOException e) {
            // treat as closed
        }
    }
}
