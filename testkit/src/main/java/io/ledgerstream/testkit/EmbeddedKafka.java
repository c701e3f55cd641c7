package io.ledgerstream.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import kafka.server.BrokerServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.security.auth.SecurityProtocol;
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
 * <p><b>Security (opt-in):</b> {@link Builder#saslSsl()} starts the cluster with {@code SASL_SSL} on every listener,
 * SCRAM-SHA-512 for clients and the standard ACL authorizer ({@code StandardAuthorizer}, {@code
 * allow.everyone.if.no.acl.found=false}). Its TLS certificates ({@link TestTls}) are generated at start-up for {@code
 * localhost}/{@code 127.0.0.1}. The broker's own principal {@code User:}{@value #BROKER_PRINCIPAL_NAME} authenticates
 * with SASL/PLAIN on the inter-broker and controller connections (KRaft cannot use SCRAM before its metadata log holds
 * the credentials) and is the only super user; {@link #admin()} connects as it. Clients get their own SCRAM users
 * ({@link #createScramUser}) and settings ({@link #clientProperties(String, String)}). Without {@code saslSsl()} the
 * cluster is PLAINTEXT without authorizer, as before.
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

    /** Name of the broker's own principal ({@code User:broker}) on a {@link Builder#saslSsl()} cluster. */
    public static final String BROKER_PRINCIPAL_NAME = "broker";

    /** SCRAM iterations of users created by {@link #createScramUser}. */
    public static final int SCRAM_ITERATIONS = 8192;

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    private final KafkaClusterTestKit cluster;
    private final Path baseDirectory;
    private final int brokerCount;
    private final String bootstrapServers;
    private final Duration startupTime;
    private final Security security;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedKafka(
            KafkaClusterTestKit cluster, Path baseDirectory, int brokerCount, Duration startupTime, Security security) {
        this.cluster = cluster;
        this.baseDirectory = baseDirectory;
        this.brokerCount = brokerCount;
        this.bootstrapServers = cluster.bootstrapServers();
        this.startupTime = startupTime;
        this.security = security;
    }

    /** TLS material and the broker principal's password of a SASL_SSL cluster. */
    private record Security(TestTls tls, String brokerPassword) {
        Map<String, Object> clientSettings(String mechanism, String loginModule, String user, String password) {
            Map<String, Object> p = new LinkedHashMap<>(tls.clientTrustSettings());
            p.put("security.protocol", SecurityProtocol.SASL_SSL.name);
            p.put("sasl.mechanism", mechanism);
            p.put("sasl.jaas.config", jaas(loginModule, user, password, false));
            return p;
        }
    }

    private static String jaas(String loginModule, String user, String password, boolean withUserEntry) {
        return loginModule + " required username=\"" + user + "\" password=\"" + password + "\""
                + (withUserEntry ? " user_" + user + "=\"" + password + "\"" : "") + ";";
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
     * Returns whether this cluster was started with {@link Builder#saslSsl()}.
     *
     * @return true for SASL_SSL with ACLs, false for PLAINTEXT without authorizer
     */
    public boolean isSecured() {
        return security != null;
    }

    /**
     * Returns the security protocol of the client listener.
     *
     * @return {@code SASL_SSL} or {@code PLAINTEXT}, never null
     */
    public SecurityProtocol securityProtocol() {
        return security != null ? SecurityProtocol.SASL_SSL : SecurityProtocol.PLAINTEXT;
    }

    /**
     * Returns the TLS material of a {@link Builder#saslSsl()} cluster (for example to give clients its truststore).
     *
     * @return the generated certificates and stores, never null
     * @throws IllegalStateException if the cluster is not secured
     */
    public TestTls tls() {
        return requireSecured().tls();
    }

    /**
     * Returns the client settings of the super user: {@code bootstrap.servers} and, on a secured cluster, SASL_SSL as
     * the broker principal {@code User:}{@value #BROKER_PRINCIPAL_NAME} (SASL/PLAIN) trusting the test CA. Use them for
     * set-up only (topics, users, ACLs); tests of authorization use {@link #clientProperties(String, String)}.
     *
     * @return a new, modifiable map, never null
     */
    public Map<String, Object> superUserClientProperties() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        if (security != null) {
            p.putAll(security.clientSettings(
                    "PLAIN",
                    "org.apache.kafka.common.security.plain.PlainLoginModule",
                    BROKER_PRINCIPAL_NAME,
                    security.brokerPassword()));
        }
        return p;
    }

    /**
     * Returns the client settings of a SCRAM user of a secured cluster: {@code bootstrap.servers}, {@code
     * security.protocol=SASL_SSL}, {@code sasl.mechanism=SCRAM-SHA-512}, its {@code sasl.jaas.config} and the
     * truststore of the test CA.
     *
     * @param user the SCRAM user name, not null
     * @param password its password, not null
     * @return a new, modifiable map, never null
     * @throws IllegalStateException if the cluster is not secured
     */
    public Map<String, Object> clientProperties(String user, String password) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.putAll(requireSecured()
                .clientSettings(
                        ScramMechanism.SCRAM_SHA_512.mechanismName(),
                        "org.apache.kafka.common.security.scram.ScramLoginModule",
                        user,
                        password));
        return p;
    }

    /**
     * Creates (or updates) a SCRAM-SHA-512 user with Admin {@code alterUserScramCredentials} and waits until the broker
     * accepts its credentials.
     *
     * @param user the user name, not null; its principal is {@code User:<user>}
     * @param password its password, not null
     * @throws IllegalStateException if the cluster is not secured or the user cannot be created within {@link
     *     #ADMIN_TIMEOUT}
     */
    public void createScramUser(String user, String password) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        requireSecured();
        ensureOpen();
        try (Admin admin = admin()) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(
                            user, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, SCRAM_ITERATIONS), password)))
                    .all()
                    .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Could not create SCRAM user " + user + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Creating SCRAM user " + user + " did not finish within " + ADMIN_TIMEOUT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating SCRAM user " + user, e);
        }
        // the broker learns the credential from the metadata log, shortly after the controller committed it
        Map<String, Object> props = clientProperties(user, password);
        Await.await(ADMIN_TIMEOUT, "the broker accepts the SCRAM credentials of " + user, () -> canAuthenticate(props));
    }

    private static boolean canAuthenticate(Map<String, Object> props) {
        try (Admin admin = Admin.create(props)) {
            admin.describeCluster().clusterId().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SaslAuthenticationException) {
                return false;
            }
            throw new IllegalStateException("Unexpected failure while authenticating: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while authenticating", e);
        }
    }

    private Security requireSecured() {
        if (security == null) {
            throw new IllegalStateException(
                    "Kafka cluster at " + bootstrapServers + " is PLAINTEXT; start it with builder().saslSsl()");
        }
        return security;
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
     * Returns the IDs of the cluster's brokers, running or stopped.
     *
     * @return a sorted set, never empty
     */
    public SortedSet<Integer> brokerIds() {
        ensureOpen();
        return new TreeSet<>(cluster.brokers().keySet());
    }

    /**
     * Stops one broker cleanly inside this JVM, for fault tests: its sockets close, its partitions' leadership moves
     * to other brokers, it drops out of every ISR. On a single-node cluster the controller keeps running (node 0 is a
     * combined broker and controller) and clients wait until {@link #startBroker(int)}.
     *
     * @param id a broker ID from {@link #brokerIds()}
     * @throws IllegalArgumentException if there is no such broker
     */
    public void stopBroker(int id) {
        broker(id).shutdown();
        LOG.info("broker {} of the Kafka cluster at {} stopped", id, bootstrapServers);
    }

    /**
     * Starts a broker stopped by {@link #stopBroker(int)} again. It binds its previous loopback port and rejoins the
     * cluster, catching up its replicas.
     *
     * @param id a broker ID from {@link #brokerIds()}
     * @throws IllegalArgumentException if there is no such broker
     */
    public void startBroker(int id) {
        broker(id).startup();
        LOG.info("broker {} of the Kafka cluster at {} started again", id, bootstrapServers);
    }

    private BrokerServer broker(int id) {
        ensureOpen();
        BrokerServer broker = cluster.brokers().get(id);
        if (broker == null) {
            throw new IllegalArgumentException(
                    "no broker " + id + "; brokers are " + cluster.brokers().keySet());
        }
        return broker;
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
     * Creates a new admin client connected to this cluster, as the super user on a secured cluster ({@link
     * #superUserClientProperties()}). The caller closes it.
     *
     * @return a new admin client, never null
     */
    public Admin admin() {
        return Admin.create(superUserClientProperties());
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
        return "EmbeddedKafka[bootstrapServers=" + bootstrapServers + ", brokers=" + brokerCount + ", protocol="
                + securityProtocol() + "]";
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
        private boolean saslSsl;
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
         * Secures the cluster: SASL_SSL on every listener, SCRAM-SHA-512 for clients, the standard ACL authorizer with
         * {@code allow.everyone.if.no.acl.found=false} and {@code User:}{@value #BROKER_PRINCIPAL_NAME} as the only super
         * user (see the class comment). The certificates are generated at {@link #start()}; a property added with
         * {@link #brokerProperty} still overrides any of these settings.
         *
         * @return this builder
         */
        public Builder saslSsl() {
            this.saslSsl = true;
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
         * properties added to this builder. The security settings of {@link #saslSsl()} are not included: they name
         * files and passwords generated at start-up.
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
            // TestKitNodes only accepts PLAINTEXT and SASL_PLAINTEXT; a SASL_SSL cluster keeps the default and
            // overrides listener.security.protocol.map instead (KafkaClusterTestKit only sets it when absent)
            TestKitNodes nodes = new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(brokers)
                    .setNumControllerNodes(1)
                    .setBaseDirectory(baseDirectory)
                    .build();
            KafkaClusterTestKit cluster = null;
            Security security = null;
            try {
                KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
                bindListenersToLoopback(builder, nodes);
                Map<String, String> props = new LinkedHashMap<>();
                if (saslSsl) {
                    security = newSecurity(baseDirectory);
                    props.putAll(securityProperties(nodes, security));
                }
                props.putAll(effectiveBrokerProperties());
                props.forEach(builder::setConfigProp);
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
            EmbeddedKafka kafka = new EmbeddedKafka(cluster, baseDirectory, brokers, startupTime, security);
            LOG.info(
                    "Kafka cluster with {} broker(s) started at {} ({}) in {} ms",
                    brokers,
                    kafka.bootstrapServers(),
                    kafka.securityProtocol(),
                    startupTime.toMillis());
            return kafka;
        }

        private static Security newSecurity(Path baseDirectory) {
            Path dir = baseDirectory.resolve("tls");
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot create " + dir, e);
            }
            byte[] secret = new byte[16];
            new SecureRandom().nextBytes(secret);
            return new Security(TestTls.generate(dir), HexFormat.of().formatHex(secret));
        }

        /**
         * The broker settings of a SASL_SSL cluster. Clients authenticate with SCRAM-SHA-512 on the broker listener;
         * the broker principal authenticates with PLAIN (inter-broker and controller connections), whose JAAS entry
         * knows that one user only, so no client can log in with PLAIN.
         */
        private static Map<String, String> securityProperties(TestKitNodes nodes, Security security) {
            String brokerListener = nodes.brokerListenerName().value().toLowerCase(Locale.ROOT);
            String controllerListener = nodes.controllerListenerName().value().toLowerCase(Locale.ROOT);
            String plain = jaas(
                    "org.apache.kafka.common.security.plain.PlainLoginModule",
                    BROKER_PRINCIPAL_NAME,
                    security.brokerPassword(),
                    true);
            Map<String, String> p = new LinkedHashMap<>(security.tls().brokerSettings());
            p.put(
                    "listener.security.protocol.map",
                    nodes.brokerListenerName().value() + ":" + SecurityProtocol.SASL_SSL.name + ","
                            + nodes.controllerListenerName().value() + ":" + SecurityProtocol.SASL_SSL.name);
            p.put("sasl.enabled.mechanisms", "SCRAM-SHA-512,PLAIN");
            p.put("listener.name." + controllerListener + ".sasl.enabled.mechanisms", "PLAIN");
            p.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
            p.put("sasl.mechanism.controller.protocol", "PLAIN");
            p.put("listener.name." + brokerListener + ".plain.sasl.jaas.config", plain);
            p.put("listener.name." + controllerListener + ".plain.sasl.jaas.config", plain);
            p.put(
                    "listener.name." + brokerListener + ".scram-sha-512.sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;");
            p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
            p.put("allow.everyone.if.no.acl.found", "false");
            p.put("super.users", "User:" + BROKER_PRINCIPAL_NAME);
            return p;
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
