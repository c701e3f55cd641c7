package io.ledgerstream.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerstream.core.ConsistentHash;
import io.ledgerstream.schemas.LedgerEvent;
import io.ledgerstream.sdk.Command;
import io.ledgerstream.sdk.LedgerClient;
import io.ledgerstream.sdk.LedgerClientConfig;
import io.ledgerstream.sdk.Outcome;
import io.ledgerstream.serde.AvroSerde;
import io.ledgerstream.serde.RegistryClient;
import io.ledgerstream.serde.RegistryClientConfig;
import io.ledgerstream.testkit.Await;
import io.ledgerstream.testkit.EmbeddedKafka;
import io.ledgerstream.testkit.EmbeddedRegistry;
import io.ledgerstream.testkit.LedgerstreamTestEnvironment;
import io.ledgerstream.testkit.TopicNames;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The engine and the SDK on a broker that authenticates and authorizes: one SASL_SSL listener (TLS with a CA generated
 * for this test, SCRAM-SHA-512 users created with Admin {@code alterUserScramCredentials}) and the standard ACL
 * authorizer with {@code allow.everyone.if.no.acl.found=false}. The ACLs granted are exactly {@link AccessControl}'s,
 * the ones {@code docs/security.md} lists. Each denial must surface as an authorization error naming what was
 * refused, and write nothing.
 */
@ExtendWith(LedgerstreamTestEnvironment.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SaslSslAclIT {

    static final Duration WAIT = Duration.ofSeconds(90);
    static final int OUTCOME_PARTITIONS = 4;

    EmbeddedKafka kafka;
    EmbeddedRegistry registry;
    RegistryClient registryClient;
    LedgerService engine;
    EngineConfig config;
    String prefix;
    final Map<String, String> passwords = new HashMap<>();
    final List<AutoCloseable> closeables = new ArrayList<>();
    String teamA;
    String teamB;
    PrintStream originalErr;
    final ByteArrayOutputStream capturedErr = new ByteArrayOutputStream();

    @BeforeAll
    void startSecuredBrokerAndEngine(EmbeddedRegistry registry, TopicNames names) throws Exception {
        captureStandardError();
        this.registry = registry;
        this.registryClient = new RegistryClient(RegistryClientConfig.fromMap(Map.of("registry.url", registry.url())));
        kafka = EmbeddedKafka.builder().saslSsl().start();
        prefix = names.unique("sec");
        teamA = prefix + "-team-a";
        teamB = prefix + "-team-b";
        for (int i = 0;
                ConsistentHash.partition(teamB, OUTCOME_PARTITIONS)
                        == ConsistentHash.partition(teamA, OUTCOME_PARTITIONS);
                i++) {
            teamB = prefix + "-team-b" + i; // a different outcome partition than team A's
        }
        for (String user : List.of("ledger-engine", teamA, teamB, "nobody")) {
            byte[] secret = new byte[12];
            new SecureRandom().nextBytes(secret);
            passwords.put(user, "pw-" + HexFormat.of().formatHex(secret));
            kafka.createScramUser(user, passwords.get(user));
        }

        Map<String, Object> props = new HashMap<>();
        props.put(EngineConfig.APPLICATION_ID, prefix + "-engine");
        props.put(EngineConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        props.put(EngineConfig.REGISTRY_URL, registry.url());
        props.put(EngineConfig.REGISTRY_AUTO_REGISTER, true);
        props.put(EngineConfig.TOPIC_COMMANDS, prefix + ".commands");
        props.put(EngineConfig.TOPIC_OUTCOMES, prefix + ".outcomes");
        props.put(EngineConfig.TOPIC_EVENTS, prefix + ".events");
        props.put(EngineConfig.TOPIC_TRANSFER_LEGS, prefix + ".legs");
        props.put(EngineConfig.TOPIC_DEAD_LETTERS, prefix + ".dead-letters");
        props.put(EngineConfig.PARTITIONS, 2);
        props.put(EngineConfig.OUTCOME_PARTITIONS, OUTCOME_PARTITIONS);
        props.put(EngineConfig.REPLICATION_FACTOR, (short) 1);
        props.put(EngineConfig.COMMIT_INTERVAL_MS, 50L);
        props.put(EngineConfig.HTTP_HOST, "127.0.0.1");
        props.put(EngineConfig.HTTP_PORT, 0);
        props.put(
                EngineConfig.STATE_DIR,
                Files.createTempDirectory("ledgerstream-state-").toString());
        props.put("kafka.consumer.session.timeout.ms", 10_000);
        kafkaSettings("ledger-engine").forEach((k, v) -> props.put(EngineConfig.PASSTHROUGH_PREFIX + k, v));
        config = new EngineConfig(props);

        List<AclBinding> acls = new ArrayList<>(AccessControl.engineAcls(config, "User:ledger-engine"));
        acls.addAll(AccessControl.clientAcls(config, "User:" + teamA, "ledgerstream-sdk-" + teamA));
        acls.addAll(AccessControl.clientAcls(config, "User:" + teamB, "ledgerstream-sdk-" + teamB));
        try (Admin admin = kafka.admin()) {
            admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
            // the broker learns ACLs from the metadata log; its DescribeAcls answers from its own authorizer
            Await.await(WAIT, "the broker's authorizer holds every ACL", () -> {
                try {
                    return admin.describeAcls(AclBindingFilter.ANY)
                            .values()
                            .get(30, TimeUnit.SECONDS)
                            .containsAll(acls);
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            });
        }

        engine = LedgerService.start(config);
        closeables.add(engine);
        engine.awaitRunning(WAIT);
    }

    @AfterAll
    void stop() throws Exception {
        try {
            for (int i = closeables.size() - 1; i >= 0; i--) {
                closeables.get(i).close();
            }
            if (registryClient != null) {
                registryClient.close();
            }
            if (kafka != null) {
                kafka.close();
            }
        } finally {
            if (originalErr != null) {
                System.setErr(originalErr);
            }
        }
    }

    // ---- what the ACLs allow ----------------------------------------------------------------------------------

    @Test
    void shouldRunTheEngineAndServeClientsWithTheDocumentedAclsOnly() throws Exception {
        assertThat(engine.state()).isEqualTo(KafkaStreams.State.RUNNING);
        try (LedgerClient a = client(teamA)) {
            String account = prefix + "-acct-a";
            assertThat(submit(a, Command.openAccount(account, "EUR")).isAccepted())
                    .isTrue();
            Outcome deposit = submit(a, Command.deposit(account, 700, "EUR"));
            assertThat(deposit.isAccepted()).isTrue();
            assertThat(deposit.account(account).orElseThrow().balance()).isEqualTo(700);
        }
        try (LedgerClient b = client(teamB)) {
            assertThat(submit(b, Command.openAccount(prefix + "-acct-b", "EUR")).isAccepted())
                    .isTrue();
        }
        AvroSerde<LedgerEvent> events = new AvroSerde<>(registryClient, LedgerEvent.class, false, false);
        List<String> accounts = readAllAsSuperUser(config.eventsTopic(), "read_committed").stream()
                .map(r -> events.deserializer().deserialize(config.eventsTopic(), r.value()))
                .map(LedgerEvent::getAccountId)
                .toList();
        assertThat(accounts).contains(prefix + "-acct-a", prefix + "-acct-b");
    }

    // ---- what a client may not do -----------------------------------------------------------------------------

    @Test
    void shouldRefuseAClientWritingOutcomesAndWriteNothing() throws Exception {
        assertProduceDenied(teamA, config.outcomesTopic(), "ledgerstream-sdk-" + teamA);
    }

    @Test
    void shouldRefuseAClientWritingLedgerEventsAndWriteNothing() throws Exception {
        assertProduceDenied(teamA, config.eventsTopic(), "ledgerstream-sdk-" + teamA);
    }

    @Test
    void shouldRefuseAClientReadingTheLedgerOrOtherClientsCommands() {
        for (String topic : List.of(config.eventsTopic(), config.commandsTopic(), config.deadLettersTopic())) {
            try (KafkaConsumer<byte[], byte[]> consumer =
                    consumer(kafka.clientProperties(teamA, passwords.get(teamA)))) {
                consumer.assign(List.of(new TopicPartition(topic, 0)));
                assertThatThrownBy(() -> pollUntilFailure(consumer))
                        .as(topic)
                        .isInstanceOf(TopicAuthorizationException.class)
                        .hasMessageContaining(topic);
            }
        }
    }

    @Test
    void shouldRefuseAClientUsingATransactionalIdThatIsNotItsOwn() {
        // another client's, and one under the engine's prefix: using them would fence their producers
        for (String stolen : List.of("ledgerstream-sdk-" + teamB, config.applicationId() + "-0-1")) {
            Map<String, Object> p = new HashMap<>(kafka.clientProperties(teamA, passwords.get(teamA)));
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, stolen);
            p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
            try (KafkaProducer<String, String> producer =
                    new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
                assertThatThrownBy(producer::initTransactions)
                        .as(stolen)
                        .isInstanceOf(TransactionalIdAuthorizationException.class);
            }
        }
    }

    @Test
    void shouldNotConfineAClientToItsOutcomePartitionBecauseKafkaAclsAreTopicLevel() throws Exception {
        // What ACLs cannot do (docs/security.md): READ on the outcomes topic covers all its partitions. The SDK
        // assigns itself only its reply target's partition; a client that bypasses the SDK can read the others.
        try (LedgerClient b = client(teamB)) {
            submit(b, Command.openAccount(prefix + "-acct-b2", "EUR"));
        }
        int partitionOfB = ConsistentHash.partition(teamB, OUTCOME_PARTITIONS);
        assertThat(partitionOfB).isNotEqualTo(ConsistentHash.partition(teamA, OUTCOME_PARTITIONS));
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(kafka.clientProperties(teamA, passwords.get(teamA)))) {
            TopicPartition tp = new TopicPartition(config.outcomesTopic(), partitionOfB);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            List<ConsumerRecord<byte[], byte[]>> read = new ArrayList<>();
            Await.await(WAIT, "team A reads team B's outcome partition", () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(read::add);
                return !read.isEmpty();
            });
        }
    }

    // ---- a principal without ACLs -----------------------------------------------------------------------------

    @Test
    void shouldDenyAPrincipalWithoutAclsEverywhereAndWriteNothing() throws Exception {
        Map<String, Object> nobody = kafka.clientProperties("nobody", passwords.get("nobody"));
        long commandsBefore =
                readAllAsSuperUser(config.commandsTopic(), "read_uncommitted").size();

        for (String topic : List.of(config.commandsTopic(), config.outcomesTopic(), config.eventsTopic())) {
            try (KafkaProducer<String, String> producer = producer(nobody, null)) {
                assertThatThrownBy(() -> producer.send(new ProducerRecord<>(topic, "nobody", "x"))
                                .get(30, TimeUnit.SECONDS))
                        .as("write %s", topic)
                        .isInstanceOf(ExecutionException.class)
                        .cause()
                        .isInstanceOf(TopicAuthorizationException.class)
                        .hasMessageContaining(topic);
            }
            try (KafkaConsumer<byte[], byte[]> consumer = consumer(nobody)) {
                consumer.assign(List.of(new TopicPartition(topic, 0)));
                assertThatThrownBy(() -> pollUntilFailure(consumer))
                        .as("read %s", topic)
                        .isInstanceOf(TopicAuthorizationException.class);
            }
        }
        try (KafkaProducer<String, String> producer = producer(nobody, "nobody-tx")) {
            assertThatThrownBy(producer::initTransactions).isInstanceOf(TransactionalIdAuthorizationException.class);
        }
        Map<String, Object> grouped = new HashMap<>(nobody);
        grouped.put(ConsumerConfig.GROUP_ID_CONFIG, "nobody-group");
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(grouped)) {
            consumer.subscribe(List.of(config.outcomesTopic()));
            assertThatThrownBy(() -> pollUntilFailure(consumer)).isInstanceOf(AuthorizationException.class);
        }
        try (Admin admin = Admin.create(nobody)) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
                    .as("topics it may not describe are invisible")
                    .isEmpty();
            assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic(prefix + ".nobody", 1, (short) 1)))
                            .all()
                            .get(30, TimeUnit.SECONDS))
                    .cause()
                    .isInstanceOf(TopicAuthorizationException.class);
            assertThatThrownBy(() -> admin.createAcls(AccessControl.clientAcls(config, "User:nobody", "x"))
                            .all()
                            .get(30, TimeUnit.SECONDS))
                    .cause()
                    .isInstanceOf(ClusterAuthorizationException.class);
            assertThatThrownBy(() -> admin.deleteTopics(List.of(config.eventsTopic()))
                            .all()
                            .get(30, TimeUnit.SECONDS))
                    .cause()
                    .isInstanceOf(TopicAuthorizationException.class);
        }

        try (Admin admin = kafka.admin()) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
                    .doesNotContain(prefix + ".nobody")
                    .contains(config.eventsTopic());
        }
        assertThat(readAllAsSuperUser(config.commandsTopic(), "read_uncommitted"))
                .hasSize((int) commandsBefore)
                .noneMatch(r -> "nobody".equals(new String(r.key(), StandardCharsets.UTF_8)));
        assertThat(readAllAsSuperUser(config.outcomesTopic(), "read_uncommitted"))
                .noneMatch(r -> "nobody".equals(new String(r.key(), StandardCharsets.UTF_8)));
        assertThat(readAllAsSuperUser(config.eventsTopic(), "read_uncommitted"))
                .noneMatch(r -> "nobody".equals(new String(r.key(), StandardCharsets.UTF_8)));
        assertThat(engine.state()).isEqualTo(KafkaStreams.State.RUNNING);
    }

    // ---- secrets ----------------------------------------------------------------------------------------------

    @Test
    void shouldNeverPrintAPasswordOrTheJaasConfig() {
        System.err.flush();
        String output = capturedErr.toString(StandardCharsets.UTF_8);
        assertThat(output).as("the engine logged its configuration").contains("engine starting: EngineConfig{");
        for (String password : passwords.values()) {
            assertThat(output).doesNotContain(password);
        }
        assertThat(output).doesNotContain(kafka.tls().password()).doesNotContain("ScramLoginModule required");
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    /** A transactional producer with the client's own transactional ID tries to write; the broker refuses it. */
    void assertProduceDenied(String user, String topic, String transactionalId) throws Exception {
        int before = readAllAsSuperUser(topic, "read_uncommitted").size();
        try (KafkaProducer<String, String> producer =
                producer(kafka.clientProperties(user, passwords.get(user)), transactionalId)) {
            producer.initTransactions();
            producer.beginTransaction();
            var sent = producer.send(new ProducerRecord<>(topic, "forged", "forged"));
            assertThatThrownBy(() -> sent.get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOf(TopicAuthorizationException.class)
                    .hasMessageContaining(topic);
            assertThatThrownBy(producer::commitTransaction).isInstanceOf(KafkaException.class);
            producer.abortTransaction();
        }
        List<ConsumerRecord<byte[], byte[]>> after = readAllAsSuperUser(topic, "read_uncommitted");
        assertThat(after).as("nothing reached %s, not even uncommitted", topic).hasSize(before);
        assertThat(after)
                .noneMatch(r -> r.key() != null && "forged".equals(new String(r.key(), StandardCharsets.UTF_8)));
    }

    /** Kafka settings of a SCRAM user: everything but bootstrap.servers (the engine and the SDK take that apart). */
    Map<String, Object> kafkaSettings(String user) {
        Map<String, Object> p = new HashMap<>(kafka.clientProperties(user, passwords.get(user)));
        p.remove("bootstrap.servers");
        return p;
    }

    LedgerClient client(String user) {
        LedgerClientConfig.Builder builder = LedgerClientConfig.builder()
                .bootstrapServers(kafka.bootstrapServers())
                .registryUrl(registry.url())
                .clientId(user)
                .set(LedgerClientConfig.REGISTRY_AUTO_REGISTER, true)
                .set(LedgerClientConfig.TOPIC_COMMANDS, config.commandsTopic())
                .set(LedgerClientConfig.TOPIC_OUTCOMES, config.outcomesTopic())
                .set(LedgerClientConfig.TOPIC_EVENTS, config.eventsTopic());
        kafkaSettings(user).forEach((k, v) -> builder.set(LedgerClientConfig.KAFKA_PREFIX + k, v));
        return new LedgerClient(builder.build());
    }

    static Outcome submit(LedgerClient client, Command command) throws Exception {
        return client.submit(command).get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }

    static KafkaProducer<String, String> producer(Map<String, Object> clientProps, String transactionalId) {
        Map<String, Object> p = new HashMap<>(clientProps);
        if (transactionalId != null) {
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        }
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 20_000);
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    static KafkaConsumer<byte[], byte[]> consumer(Map<String, Object> clientProps) {
        Map<String, Object> p = new HashMap<>(clientProps);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Polls until the consumer throws (an authorization failure surfaces on poll), for at most {@link #WAIT}. */
    static void pollUntilFailure(KafkaConsumer<byte[], byte[]> consumer) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200));
        }
        throw new AssertionError("polling never failed within " + WAIT);
    }

    List<ConsumerRecord<byte[], byte[]>> readAllAsSuperUser(String topic, String isolation) {
        Map<String, Object> p = new HashMap<>(kafka.superUserClientProperties());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition()))
                    .toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + topic + " to its end within " + WAIT);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            return out;
        }
    }

    /** Copies everything written to System.err (where slf4j-simple logs) so the secrets test can search it. */
    void captureStandardError() {
        originalErr = System.err;
        PrintStream original = originalErr;
        System.setErr(new PrintStream(
                new OutputStream() {
                    @Override
                    public void write(int b) {
                        original.write(b);
                        synchronized (capturedErr) {
                            capturedErr.write(b);
                        }
                    }

                    @Override
                    public void write(byte[] b, int off, int len) {
                        original.write(b, off, len);
                        synchronized (capturedErr) {
                            capturedErr.write(b, off, len);
                        }
                    }
                },
                true,
                StandardCharsets.UTF_8));
    }
}
