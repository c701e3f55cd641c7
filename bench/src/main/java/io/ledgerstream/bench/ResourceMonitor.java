package io.ledgerstream.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Measures the CPU and resident memory of the processes that play each role (broker, engine, driver, registry) over
 * a window of time: CPU from the difference of {@code /proc/<pid>/stat} ticks between the window's start and end,
 * memory as the largest sum of VmRSS sampled every {@link #SAMPLE_INTERVAL_MS} ms while the window is open.
 *
 * <p>Thread-safe. One daemon sampler thread per monitor, stopped by {@link #close()}.
 */
final class ResourceMonitor implements AutoCloseable {

    static final long SAMPLE_INTERVAL_MS = 500;

    private final Supplier<Map<String, List<Long>>> roles;
    private final List<Window> open = new CopyOnWriteArrayList<>();
    private final Thread sampler;
    private volatile boolean stopped;

    /**
     * @param roles returns the current role to process IDs map (re-read at each window start and sample, because
     *     engines come and go between sweep points); not null
     */
    ResourceMonitor(Supplier<Map<String, List<Long>>> roles) {
        this.roles = Objects.requireNonNull(roles, "roles");
        this.sampler = new Thread(this::sampleLoop, "bench-resource-sampler");
        sampler.setDaemon(true);
        sampler.start();
    }

    /** Opens a window: records every role's CPU ticks now. */
    Window begin() {
        Window w = new Window(roles.get());
        open.add(w);
        w.sample();
        return w;
    }

    private void sampleLoop() {
        while (!stopped) {
            for (Window w : open) {
                w.sample();
            }
            try {
                Thread.sleep(SAMPLE_INTERVAL_MS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        stopped = true;
        sampler.interrupt();
    }

    /** One measurement window. */
    final class Window {
        private final Map<String, List<Long>> pids;
        private final Map<Long, Long> startTicks = new ConcurrentHashMap<>();
        private final Map<String, AtomicLong> rssMax = new ConcurrentHashMap<>();
        private final long startNanos = System.nanoTime();
        private final double[] loadStart = ProcStats.loadAverages();

        private Window(Map<String, List<Long>> pids) {
            this.pids = Map.copyOf(pids);
            for (List<Long> list : this.pids.values()) {
                for (long pid : list) {
                    ProcStats.cpuTicks(pid).ifPresent(t -> startTicks.put(pid, t));
                }
            }
        }

        private void sample() {
            for (Map.Entry<String, List<Long>> e : pids.entrySet()) {
                long sum = 0;
                boolean any = false;
                for (long pid : e.getValue()) {
                    OptionalLong rss = ProcStats.rssBytes(pid);
                    if (rss.isPresent()) {
                        sum += rss.getAsLong();
                        any = true;
                    }
                }
                if (any) {
                    long s = sum;
                    rssMax.computeIfAbsent(e.getKey(), k -> new AtomicLong()).accumulateAndGet(s, Math::max);
                }
            }
        }

        /** Closes the window: CPU over it and the largest RSS seen, per role, and the load averages. */
        Map<String, Results.Usage> end() {
            sample();
            open.remove(this);
            long nanos = System.nanoTime() - startNanos;
            Map<String, Results.Usage> usage = new LinkedHashMap<>();
            for (Map.Entry<String, List<Long>> e : pids.entrySet()) {
                long ticks = 0;
                boolean any = false;
                for (long pid : e.getValue()) {
                    Long start = startTicks.get(pid);
                    OptionalLong now = ProcStats.cpuTicks(pid);
                    if (start != null && now.isPresent()) {
                        ticks += now.getAsLong() - start;
                        any = true;
                    }
                }
                Long t = any ? ticks : null;
                AtomicLong rss = rssMax.get(e.getKey());
                usage.put(
                        e.getKey(),
                        new Results.Usage(
                                e.getValue().size(),
                                ResultMath.round(ResultMath.cpuCores(t, nanos), 3),
                                t == null ? null : ResultMath.round(t / (double) ProcStats.CLOCK_TICKS_PER_SECOND, 2),
                                rss == null ? null : rss.get()));
            }
            return usage;
        }

        Results.Load load() {
            return new Results.Load(loadStart, ProcStats.loadAverages());
        }
    }

    /** The process IDs of this JVM's descendants that are none of {@code known} (e.g. the registry's JVM). */
    static List<Long> otherDescendants(List<Long> known) {
        List<Long> result = new ArrayList<>();
        ProcessHandle.current().descendants().forEach(p -> {
            if (!known.contains(p.pid())) {
                result.add(p.pid());
            }
        });
        return result;
    }
}
