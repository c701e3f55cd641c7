package io.ledgerstream.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.core.AccountState;
import io.ledgerstream.core.ConsistentHash;
import io.ledgerstream.core.Decision;
import io.ledgerstream.core.Deposit;
import io.ledgerstream.core.Ledger;
import io.ledgerstream.core.LedgerEvent;
import io.ledgerstream.core.OpenAccount;
import io.ledgerstream.core.Request;
import io.ledgerstream.core.Withdraw;
import io.ledgerstream.engine.Codec;
import io.ledgerstream.serde.AvroSerde;
import io.ledgerstream.serde.RegistryClient;
import io.ledgerstream.serde.RegistryClientConfig;
import io.ledgerstream.testkit.EmbeddedKafka;
import io.ledgerstream.testkit.EmbeddedRegistry;
import io.ledgerstream.testkit.LedgerstreamTestEnvironment;
import io.ledgerstream.testkit.TopicNames;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replay rate against a plain consumer on the same topic and machine (issue 6: at least half). Off by default (it
 * writes {@value #EVENTS} events); run with {@code ./mvnw -B -o -pl audit verify -Dit.test=ReplayRateIT
 * -Dledgerstream.audit.benchmark=true}. Prints both rates; asserts only that the audit passes.
 */
@ExtendWith(LedgerstreamTestEnvironment.class)
@EnabledIfSystemProperty(named = "ledgerstream.audit.benchmark", matches = "true")
class ReplayRateIT {
    private static final Logger LOG = LoggerFactory.getLogger(ReplayRateIT.class);
    static final int EVENTS = Integer.getInteger("ledgerstream.audit.benchmark.events", 400_000);
    static final int ACCOUNTS = 2_000;
    static final int PARTITIONS = 8;

    @Test
    void shouldReplayAtLeastHalfAsFastAsAPlainConsumer(EmbeddedKafka kafka, EmbeddedRegistry registry, TopicNames names)
            throws Exception {
        String topic = names.unique("rate");
        kafka.createTopic(topic, PARTITIONS, Map.of());
        try (RegistryClient client =
                        new RegistryClient(RegistryClientConfig.fromMap(Map.of("registry.url", registry.url())));
                KafkaProducer<byte[], byte[]> producer = producer(kafka)) {
            AvroSerde<io.ledgerstream.schemas.LedgerEvent> serde =
                    new AvroSerde<>(client, io.ledgerstream.schemas.LedgerEvent.class, false, true);
            Map<String, AccountState> states = new HashMap<>();
            long now = System.currentTimeMillis() - 3_600_000;
            for (int i = 0; i < EVENTS; i++) {
                String account = "bench-" + (i % ACCOUNTS);
                AccountState state = states.get(account);
                io.ledgerstream.core.Command command = state == null
                        ? new OpenAccount(account, "EUR", 0)
                        : i % 3 == 2 && state.balance() > 0
                                ? new Withdraw(account, 1, "EUR")
                                : new Deposit(account, 2, "EUR");
                Decision decision =
                        Ledger.decide(new Request("r-" + i, OptionalLong.empty(), command), state, now + i / 100);
                LedgerEvent event = ((Decision.Accepted) decision).events().get(0);
                states.put(account, Ledger.evolve(state, event));
                producer.send(new ProducerRecord<>(
                        topic,
                        ConsistentHash.partition(account, PARTITIONS),
                        event.timestampMs(),
                        account.getBytes(StandardCharsets.UTF_8),
                        serde.serializer().serialize(topic, Codec.toAvro(event))));
            }
            producer.flush();
        }

        for (int round = 0; round < 2; round++) { // the first round warms up the JIT and the page cache
            long plainStart = System.nanoTime();
            long plain = readPlain(kafka, topic);
            long plainMs = Math.max(1, (System.nanoTime() - plainStart) / 1_000_000);
            AuditReport report = Auditor.run(AuditOptions.builder(kafka.bootstrapServers(), registry.url())
                    .eventsTopic(topic)
                    .outcomesTopic(null)
                    .threads(Integer.getInteger("ledgerstream.audit.benchmark.threads", 0))
                    .build());
            assertThat(plain).isEqualTo(EVENTS);
            assertThat(report.counts().events()).isEqualTo(EVENTS);
            assertThat(report.result(Invariant.VERSIONS).status()).isEqualTo(InvariantResult.Status.PASS);
            long plainRate = plain * 1000 / plainMs;
            LOG.info(
                    "round {}: plain consumer {} records in {} ms = {} records/s; audit replay {} events in {} ms = {}"
                            + " events/s ({}% of plain)",
                    round,
                    plain,
                    plainMs,
                    plainRate,
                    report.counts().events(),
                    report.durationMs(),
                    report.eventsPerSecond(),
                    report.eventsPerSecond() * 100 / Math.max(1, plainRate));
        }
    }

    /** Reads the whole topic with a plain consumer (bytes, read_committed, the audit's fetch sizes), closed quickly. */
    private static long readPlain(EmbeddedKafka kafka, String topic) {
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024);
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition()))
                    .toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            long count = 0;
            while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                count += records.count();
            }
            // as the audit does: no waiting for the fetch still in flight (the try block's close then returns at once)
            consumer.close(CloseOptions.timeout(Duration.ZERO));
            return count;
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(EmbeddedKafka kafka) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
