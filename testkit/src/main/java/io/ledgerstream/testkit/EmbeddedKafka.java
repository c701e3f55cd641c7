package io.ledgerstream.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real, in-process KRaft Kafka cluster for integration tests and demos, built on Kafka's own {@code
 * KafkaClusterTestKit}.
 *
 * <p>Node 0 runs in combined mode (broker and controller roles) and is the only controller; with {@link
 * Builder#brokers(int) n} brokers, nodes 1 to n-1 are brokers only. Internal topics ({@code __consumer_offsets}, {@code
 * __transaction_state}, the share-group state topic) get replication factor {@code min(3, n)}, so transactions work
 * with a single broker. Auto topic creation is off: create topics with {@link #createTopic(String, int, Map)}.
 *
 * <p><b>Network:</b> every listener (client and controller) is bound to the loopback address only. {@code
 * KafkaClusterTestKit} pre-binds its sockets on the wildcard address, whatever the {@code listeners} config says;
 * this class pre-binds them on loopback before it does, so nothing is reachable from other hosts. Clients use the
 * advertised host {@code localhost}.
 *
 * <p><b>Storage:</b> the cluster's log and metadata directories live in a fresh temporary directory, deleted by {@link
 * #close()}.
 *
 * <p><b>Console:</b> Kafka's storage formatter prints two lines ("Bootstrap metadata", "Formatting metadata
 * directory") to {@code System.out} on every start; they cannot be turned off without redirecting {@code System.out}
 * for the whole JVM, which this class does not do. Everything else goes through SLF4J.
 *
 * <p>Thread-safe: after {@link Builder#start()} returns, every method may be called from any thread. {@link #close()}
 * is idempotent.
 */
public final class EmbeddedKafka implements AutoCloseable {

    /** Upper bound for admin operations run by this class (topic creation, metadata checks). */
    public static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    private final KafkaClusterTestKit cluster;
    private final Path baseDirectory;
    private final int brokerCount;
    private final String bootstrapServers;
    private final Duration startupTime;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedKafka(KafkaClusterTestKit cluster, Path baseDirectory, int brokerCount, Duration startupTime) {
        this.cluster = cluster;
        this.baseDirectory = baseDirectory;
        this.brokerCount = brokerCount;
        this.bootstrapServers = cluster.bootstrapServers();
        this.startupTime = startupTime;
    }

    /**
     * Returns a builder for a cluster with default settings (one broker).
     *
     * @return a new builder, never null
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts a one-broker cluster with default settings.
     *
     * @return the started cluster, never null; the caller closes it
     * @throws IllegalStateException if the cluster fails to start
     */
    public static EmbeddedKafka start() {
        return builder().start();
    }

    /**
     * Returns the bootstrap servers for clients, e.g. {@code localhost:40213}.
     *
     * @return a comma-separated list of {@code host:port}, never null
     */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /**
     * Returns the controllers' endpoints, for tests of the network exposure.
     *
     * @return a comma-separated list of {@code host:port}, never null
     */
    String bootstrapControllers() {
        return cluster.bootstrapControllers();
    }

    /**
     * Returns the number of brokers in the cluster.
     *
     * @return at least 1
     */
    public int brokerCount() {
        return brokerCount;
    }

    /**
     * Returns the replication factor this cluster uses for internal topics and for topics created by {@link
     * #createTopic(String, int, Map)}: {@code min(3, brokerCount())}.
     *
     * @return between 1 and 3
     */
    public short replicationFactor() {
        return replicationFactorFor(brokerCount);
    }

    /**
     * Returns how long {@link Builder#start()} took, from building the nodes until all brokers were ready.
     *
     * @return the measured start-up time, never null
     */
    public Duration startupTime() {
        return startupTime;
    }

    /**
     * Returns the directory holding the cluster's logs and metadata. It is deleted by {@link #close()}.
     *
     * @return an absolute path, never null
     */
    public Path dataDirectory() {
        return baseDirectory;
    }

    /**
     * Creates a new admin client connected to this cluster. The caller closes it.
     *
     * @return a new admin client, never null
     */
    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    /**
     * Creates a topic with replication factor {@link #replicationFactor()} and waits until the creation is complete
     * and every partition has a leader.
     *
     * @param name the topic name, not null
     * @param partitions the number of partitions, at least 1
     * @param configs topic-level configs (e.g. {@code cleanup.policy}), not null, may be empty
     * @throws IllegalStateException if the topic cannot be created within {@link #ADMIN_TIMEOUT}, e.g. because it
     *     already exists
     */
    public void createTopic(String name, int partitions, Map<String, String> configs) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(configs, "configs");
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1, was " + partitions);
        }
        ensureOpen();
        NewTopic topic = new NewTopic(name, partitions, replicationFactor()).configs(Map.copyOf(configs));
        try (Admin admin = admin()) {
            admin.createTopics(List.of(topic)).all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            Await.await(
                    ADMIN_TIMEOUT,
                    "every partition of topic " + name + " has a leader",
                    () -> allPartitionsHaveLeaders(admin, name, partitions));
        } catch (ExecutionException e) {
            throw new IllegalStateException("Could not create topic " + name + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Creating topic " + name + " did not finish within " + ADMIN_TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topic " + name, e);
        }
    }

    private static boolean allPartitionsHaveLeaders(Admin admin, String topic, int partitions) {
        try {
            TopicDescription description = admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .get(topic);
            return description.partitions().size() == partitions
                    && description.partitions().stream()
                            .map(TopicPartitionInfo::leader)
                            .allMatch(leader -> leader != null && !leader.isEmpty());
        } catch (ExecutionException | TimeoutException e) {
            return false; // metadata not propagated yet; the caller's deadline bounds the retries
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while describing topic " + topic, e);
        }
    }

    /**
     * Stops every node and deletes the data directory. Idempotent.
     *
     * @throws IllegalStateException if the cluster fails to shut down cleanly; the data directory is deleted anyway
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long start = System.nanoTime();
        try {
            cluster.close();
        } catch (Exception e) {
            throw new IllegalStateException("Kafka cluster did not shut down cleanly", e);
        } finally {
            FileTrees.deleteRecursively(baseDirectory);
            LOG.info("Kafka cluster at {} stopped in {} ms", bootstrapServers, elapsedMillis(start));
        }
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("Kafka cluster at " + bootstrapServers + " is closed");
        }
    }

    @Override
    public String toString() {
        return "EmbeddedKafka[bootstrapServers=" + bootstrapServers + ", brokers=" + brokerCount + "]";
    }

    private static short replicationFactorFor(int brokers) {
        return (short) Math.min(3, brokers);
    }

    private static long elapsedMillis(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    /**
     * Pre-binds every listener of every node to an ephemeral port on the loopback address.
     *
     * <p>{@code KafkaClusterTestKit.Builder} owns a {@code PreboundSocketFactoryManager} that binds each listener's
     * socket before the nodes start (so the controller quorum's ports are known up front). It binds them to {@code new
     * InetSocketAddress(0)}, the wildcard address, whatever host the {@code listeners} config names, and offers no
     * public way to choose the address. It only binds a socket when none is registered yet for that node and listener,
     * so registering loopback-bound sockets here first makes the whole cluster loopback-only. This reaches into a
     * private field of a test library pinned to one version; if a Kafka upgrade renames it, start-up fails with a
     * message pointing here rather than silently listening on every interface.
     */
    private static void bindListenersToLoopback(KafkaClusterTestKit.Builder builder, TestKitNodes nodes) {
        List<ServerSocketChannel> opened = new ArrayList<>();
        try {
            Object manager = readField(builder, "socketFactoryManager");
            @SuppressWarnings("unchecked")
            Map<Integer, Map<String, ServerSocketChannel>> sockets =
                    (Map<Integer, Map<String, ServerSocketChannel>>) readField(manager, "sockets");
            synchronized (manager) {
                for (int nodeId : nodes.controllerNodes().keySet()) {
                    register(sockets, nodeId, nodes.controllerListenerName().value(), opened);
                }
                for (int nodeId : nodes.brokerNodes().keySet()) {
                    register(sockets, nodeId, nodes.brokerListenerName().value(), opened);
                }
            }
        } catch (ReflectiveOperationException | ClassCastException e) {
            closeAll(opened);
            throw new IllegalStateException(
                    "Cannot bind the embedded Kafka listeners to loopback: KafkaClusterTestKit internals changed"
                            + " (see EmbeddedKafka.bindListenersToLoopback)",
                    e);
        } catch (IOException e) {
            closeAll(opened);
            throw new UncheckedIOException("Cannot bind a loopback socket for the embedded Kafka cluster", e);
        }
    }

    private static void register(
            Map<Integer, Map<String, ServerSocketChannel>> sockets,
            int nodeId,
            String listener,
            List<ServerSocketChannel> opened)
            throws IOException {
        Map<String, ServerSocketChannel> forNode = sockets.computeIfAbsent(nodeId, id -> new HashMap<>());
        if (forNode.containsKey(listener)) {
            return; // combined node: the same listener name was already registered for this node
        }
        ServerSocketChannel channel = ServerSocketChannel.open();
        opened.add(channel);
        // the same settings Kafka's own ServerSocketFactory applies
        channel.configureBlocking(false);
        channel.socket().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        forNode.put(listener, channel);
    }

    private static Object readField(Object target, String name) throws ReflectiveOperationException {
        Field field = target.getClass().getDeclaredField(name);
        field.setAccessible(true);
        return Objects.requireNonNull(field.get(target), name);
    }

    private static void closeAll(List<ServerSocketChannel> channels) {
        for (ServerSocketChannel channel : channels) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.debug("Ignoring failure to close {}", channel, e);
            }
        }
    }

    /**
     * Configures and starts an {@link EmbeddedKafka}.
     *
     * <p>Not thread-safe; use one builder from one thread.
     */
    public static final class Builder {

        /** Upper bound of {@link #brokers(int)}. */
        public static final int MAX_BROKERS = 9;

        private int brokers = 1;
        private final Map<String, String> brokerProperties = new LinkedHashMap<>();

        private Builder() {}

        /**
         * Sets the number of brokers.
         *
         * @param brokers between 1 and {@link #MAX_BROKERS}; default 1
         * @return this builder
         */
        public Builder brokers(int brokers) {
            if (brokers < 1 || brokers > MAX_BROKERS) {
                throw new IllegalArgumentException("brokers must be between 1 and " + MAX_BROKERS + ", was " + brokers);
            }
            this.brokers = brokers;
            return this;
        }

        /**
         * Adds a broker property, overriding this class's default for the same key.
         *
         * @param key a Kafka broker config key, not null
         * @param value its value, not null
         * @return this builder
         */
        public Builder brokerProperty(String key, String value) {
            brokerProperties.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Adds broker properties, overriding this class's defaults for the same keys.
         *
         * @param properties Kafka broker config keys and values, not null
         * @return this builder
         */
        public Builder brokerProperties(Map<String, String> properties) {
            Objects.requireNonNull(properties, "properties").forEach(this::brokerProperty);
            return this;
        }

        /**
         * Returns the broker properties that {@link #start()} will apply: this class's defaults overridden by the
         * properties added to this builder.
         *
         * @return a new, modifiable map in a stable order, never null
         */
        public Map<String, String> effectiveBrokerProperties() {
            short rf = replicationFactorFor(brokers);
            String minIsr = Integer.toString(Math.min(2, rf));
            Map<String, String> props = new LinkedHashMap<>();
            props.put("offsets.topic.replication.factor", Short.toString(rf));
            props.put("offsets.topic.num.partitions", "5");
            props.put("transaction.state.log.replication.factor", Short.toString(rf));
            props.put("transaction.state.log.min.isr", minIsr);
            props.put("transaction.state.log.num.partitions", "5");
            props.put("share.coordinator.state.topic.replication.factor", Short.toString(rf));
            props.put("share.coordinator.state.topic.min.isr", minIsr);
            props.put("group.initial.rebalance.delay.ms", "0");
            props.put("auto.create.topics.enable", "false");
            props.put("num.partitions", "1");
            props.put("default.replication.factor", Short.toString(rf));
            props.putAll(brokerProperties);
            return props;
        }

        /**
         * Builds, formats and starts the cluster and waits until every broker is ready.
         *
         * @return the started cluster, never null; the caller closes it
         * @throws IllegalStateException if the cluster fails to start; anything already started is stopped
         */
        public EmbeddedKafka start() {
            long start = System.nanoTime();
            Path baseDirectory;
            try {
                baseDirectory = Files.createTempDirectory("ledgerstream-kafka-");
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot create a data directory for the embedded Kafka cluster", e);
            }
            TestKitNodes nodes = new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(brokers)
                    .setNumControllerNodes(1)
                    .setBaseDirectory(baseDirectory)
                    .build();
            KafkaClusterTestKit cluster = null;
            try {
                KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
                bindListenersToLoopback(builder, nodes);
                effectiveBrokerProperties().forEach(builder::setConfigProp);
                cluster = builder.build();
                cluster.format();
                cluster.startup();
                cluster.waitForReadyBrokers();
            } catch (Exception e) {
                closeQuietly(cluster);
                FileTrees.deleteRecursively(baseDirectory);
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                throw new IllegalStateException(
                        "Embedded Kafka cluster with " + brokers + " broker(s) failed to start", e);
            }
            Duration startupTime = Duration.ofNanos(System.nanoTime() - start);
            EmbeddedKafka kafka = new EmbeddedKafka(cluster, baseDirectory, brokers, startupTime);
            LOG.info(
                    "Kafka cluster with {} broker(s) started at {} in {} ms",
                    brokers,
                    kafka.bootstrapServers(),
                    startupTime.toMillis());
            return kafka;
        }

        private static void closeQuietly(KafkaClusterTestKit cluster) {
            if (cluster == null) {
                return;
            }
            try {
                cluster.close();
            } catch (Exception closeFailure) {
                LOG.warn("Failed to stop a partially started Kafka cluster", closeFailure);
            }
        }
    }
}
