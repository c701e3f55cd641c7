package io.ledgerstream.bench;

import io.ledgerstream.testkit.EmbeddedRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The broker and registry a run measures against: either embedded (the broker in its own child JVM, so its CPU and
 * memory are measured apart from the load generator; the Apicurio registry as the testkit's child process) or an
 * existing cluster given by {@code --bootstrap} and {@code --registry}. Also starts and stops engine instances as
 * child JVMs.
 *
 * <p>Not thread-safe: owned by the controlling thread, except {@link #rolePids()} which the resource sampler calls.
 */
final class Environment implements AutoCloseable {

    static final Duration BROKER_READY_TIMEOUT = Duration.ofSeconds(120);
    static final Duration ENGINE_READY_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(60);

    private final ChildJvm broker;
    private final EmbeddedRegistry registry;
    private final String bootstrapServers;
    private final String registryUrl;
    private final Path workDir;
    private final Admin admin;
    private final List<ChildJvm> engines = new java.util.concurrent.CopyOnWriteArrayList<>();

    private Environment(
            ChildJvm broker, EmbeddedRegistry registry, String bootstrap, String registryUrl, Path workDir) {
        this.broker = broker;
        this.registry = registry;
        this.bootstrapServers = bootstrap;
        this.registryUrl = registryUrl;
        this.workDir = workDir;
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    /**
     * Starts what is not given: a broker child JVM unless {@code bootstrap} is set, an embedded registry unless {@code
     * registryUrl} is set.
     */
    static Environment start(
            String bootstrap,
            String registryUrl,
            List<String> brokerJvmOptions,
            Map<String, String> brokerProperties,
            Path workDir) {
        ChildJvm broker = null;
        EmbeddedRegistry registry = null;
        try {
            String servers = bootstrap;
            if (servers == null) {
                List<String> args = new ArrayList<>(List.of("broker"));
                brokerProperties.forEach((k, v) -> args.add("--set=" + k + "=" + v));
                broker = ChildJvm.start("broker", brokerJvmOptions, args, workDir, BROKER_READY_TIMEOUT);
                servers = broker.readyDetail();
            }
            String url = registryUrl;
            if (url == null) {
                registry = EmbeddedRegistry.builder()
                        .logDirectory(workDir.resolve("registry"))
                        .start();
                url = registry.url();
            }
            return new Environment(broker, registry, servers, url, workDir);
        } catch (RuntimeException e) {
            if (registry != null) {
                registry.close();
            }
            if (broker != null) {
                broker.close();
            }
            throw e;
        }
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    String registryUrl() {
        return registryUrl;
    }

    Path workDir() {
        return workDir;
    }

    boolean embeddedBroker() {
        return broker != null;
    }

    /** Creates a topic unless it exists. */
    void createTopic(String name, int partitions, short replicationFactor) {
        try {
            admin.createTopics(List.of(new NewTopic(name, partitions, replicationFactor)))
                    .all()
                    .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("could not create topic " + name, e.getCause());
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("creating topic " + name + " timed out", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * Starts {@code instances} engine child JVMs with the same settings (one application ID: they split the
     * partitions) and a state directory each; returns once every one is RUNNING.
     */
    List<ChildJvm> startEngines(
            String name, int instances, Map<String, String> settings, List<String> jvmOptions, boolean jfr) {
        List<ChildJvm> started = new ArrayList<>();
        List<Thread> starters = new ArrayList<>();
        List<RuntimeException> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        ChildJvm[] slots = new ChildJvm[instances];
        for (int i = 0; i < instances; i++) {
            int n = i;
            String child = name + "-" + i;
            Map<String, String> s = new LinkedHashMap<>(settings);
            s.put("state.dir", workDir.resolve(child).resolve("state").toString());
            List<String> args = new ArrayList<>(List.of("engine"));
            s.forEach((k, v) -> args.add("--set=" + k + "=" + v));
            List<String> opts = new ArrayList<>(jvmOptions);
            if (jfr) {
                opts.add("-XX:StartFlightRecording=filename=" + workDir.resolve(child + ".jfr")
                        + ",settings=profile,dumponexit=true");
            }
            Thread t = new Thread(
                    () -> {
                        try {
                            slots[n] = ChildJvm.start(child, opts, args, workDir, ENGINE_READY_TIMEOUT);
                        } catch (RuntimeException e) {
                            errors.add(e);
                        }
                    },
                    "bench-start-" + child);
            starters.add(t);
            t.start();
        }
        for (Thread t : starters) {
            try {
                t.join(ENGINE_READY_TIMEOUT.toMillis() + 10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (ChildJvm c : slots) {
            if (c != null) {
                started.add(c);
            }
        }
        if (!errors.isEmpty() || started.size() != instances) {
            started.forEach(ChildJvm::close);
            throw new IllegalStateException(
                    "engine instances failed to start: " + (errors.isEmpty() ? "timeout" : errors.get(0)),
                    errors.isEmpty() ? null : errors.get(0));
        }
        engines.addAll(started);
        return started;
    }

    /** Stops engine instances (orderly: they commit and close their stores). */
    void stopEngines(List<ChildJvm> instances) {
        List<Thread> stoppers = new ArrayList<>();
        for (ChildJvm c : instances) {
            Thread t = new Thread(c::close, "bench-stop-" + c.name());
            stoppers.add(t);
            t.start();
        }
        for (Thread t : stoppers) {
            try {
                t.join(ChildJvm.STOP_GRACE.toMillis() + 30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        engines.removeAll(instances);
    }

    /** The process IDs of each role, for {@link ResourceMonitor}. */
    Map<String, List<Long>> rolePids() {
        Map<String, List<Long>> roles = new LinkedHashMap<>();
        List<Long> known = new ArrayList<>();
        if (broker != null) {
            roles.put("broker", List.of(broker.pid()));
            known.add(broker.pid());
        }
        List<Long> enginePids = new ArrayList<>();
        for (ChildJvm e : engines) {
            enginePids.add(e.pid());
        }
        known.addAll(enginePids);
        roles.put("engine", enginePids);
        roles.put("driver", List.of(ProcessHandle.current().pid()));
        if (registry != null) {
            roles.put("registry", ResourceMonitor.otherDescendants(known));
        }
        return roles;
    }

    Admin admin() {
        return admin;
    }

    @Override
    public void close() {
        stopEngines(new ArrayList<>(engines));
        admin.close(Duration.ofSeconds(5));
        if (registry != null) {
            registry.close();
        }
        if (broker != null) {
            broker.close();
        }
    }
}
