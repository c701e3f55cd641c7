package io.ledgerstream.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.core.AccountState;
import io.ledgerstream.core.ConsistentHash;
import io.ledgerstream.schemas.CommandEnvelope;
import io.ledgerstream.schemas.Deposit;
import io.ledgerstream.schemas.LedgerEvent;
import io.ledgerstream.schemas.OpenAccount;
import io.ledgerstream.schemas.Outcome;
import io.ledgerstream.schemas.OutcomeStatus;
import io.ledgerstream.schemas.Reason;
import io.ledgerstream.schemas.Transfer;
import io.ledgerstream.schemas.Withdraw;
import io.ledgerstream.testkit.Await;
import io.ledgerstream.testkit.EmbeddedKafka;
import io.ledgerstream.testkit.EmbeddedRegistry;
import io.ledgerstream.testkit.LedgerstreamTestEnvironment;
import io.ledgerstream.testkit.TopicNames;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's main acceptance test, on a real KRaft broker and a real registry: 8 partitions, two engine instances
 * with one application ID (one stopped mid-run to force a rebalance), 10,000 random commands over 1,000 accounts
 * with 5% resent duplicates, reused request IDs, cross-partition transfers (some refused by the destination) and
 * commands written with Kafka's default partitioner (re-routed by the engine). Then: exactly one first outcome per
 * request ID, no duplicate or missing events, every account's chain valid, balances equal to a reference model
 * driven by the accepted outcomes, and money conserved.
 */
@ExtendWith(LedgerstreamTestEnvironment.class)
class ExactlyOnceEngineIT {

    private static final Logger LOG = LoggerFactory.getLogger(ExactlyOnceEngineIT.class);
    static final int PARTITIONS = 8;
    static final int ACCOUNTS = 1_000;
    static final int COMMANDS = 10_000;
    static final long SEED = 20261125L;

    @Test
    void shouldApplyEveryCommandExactlyOnceAcrossRebalanceAndRetries(
            EmbeddedKafka kafka, EmbeddedRegistry registry, TopicNames names) throws Exception {
        try (EngineHarness h = new EngineHarness(kafka, registry, names.unique("eos"))) {
            Map<String, Object> props = h.engineProps(PARTITIONS);
            LedgerService first = h.startEngine(props);
            LedgerService second = h.startEngine(props);
            first.awaitRunning(Duration.ofSeconds(60));
            second.awaitRunning(Duration.ofSeconds(60));
            EngineConfig config = first.config();

            Random random = new Random(SEED);
            List<String> accounts = new ArrayList<>();
            for (int i = 0; i < ACCOUNTS; i++) {
                accounts.add("acct-" + i);
            }
            Map<String, CommandEnvelope> sent = new LinkedHashMap<>();
            List<CommandEnvelope> setup = new ArrayList<>();
            for (String a : accounts) {
                setup.add(envelope(a, new OpenAccount("EUR", 0L), sent));
                setup.add(envelope(a, new Deposit(10_000L, "EUR"), sent));
            }
            List<CommandEnvelope> workload = new ArrayList<>();
            int duplicates = 0;
            int reused = 0;
            int crossPartition = 0;
            List<CommandEnvelope> reusedIds = new ArrayList<>();
            for (int i = 0; i < COMMANDS; i++) {
                String account = accounts.get(random.nextInt(ACCOUNTS));
                int roll = random.nextInt(100);
                CommandEnvelope c;
                if (roll < 25) {
                    c = envelope(account, new Deposit(1L + random.nextInt(5_000), "EUR"), sent);
                } else if (roll < 45) {
                    c = envelope(account, new Withdraw(1L + random.nextInt(8_000), "EUR"), sent);
                } else {
                    String to = roll < 47 ? "missing-" + i : accounts.get(random.nextInt(ACCOUNTS));
                    if (ConsistentHash.partition(to, PARTITIONS) != ConsistentHash.partition(account, PARTITIONS)) {
                        crossPartition++;
                    }
                    c = envelope(account, new Transfer(to, 1L + random.nextInt(6_000), "EUR"), sent);
                }
                workload.add(c);
                if (random.nextInt(100) < 5 && !workload.isEmpty()) {
                    workload.add(workload.get(random.nextInt(workload.size()))); // resend: same ID, same payload
                    duplicates++;
                }
                if (random.nextInt(1000) < 3) {
                    CommandEnvelope original = workload.get(random.nextInt(workload.size()));
                    CommandEnvelope clash = CommandEnvelope.newBuilder(original)
                            .setCommand(new Deposit(999_999L, "EUR"))
                            .build();
                    workload.add(clash);
                    reusedIds.add(clash);
                    reused++;
                }
            }

            KafkaProducer<String, CommandEnvelope> producer = h.commandProducer(true);
            KafkaProducer<byte[], byte[]> plain = h.rawProducer();
            h.sendInTransaction(producer, config.commandsTopic(), setup);
            int half = workload.size() / 2;
            Set<String> ordered = new HashSet<>();
            reusedIds.forEach(c -> ordered.add(c.getRequestId()));
            int rerouted = send(h, producer, plain, config.commandsTopic(), workload.subList(0, half), random, ordered);

            Set<String> expected = sent.keySet();
            Await.await(
                    Duration.ofSeconds(120),
                    "outcomes for the first half of the workload",
                    () -> firstOutcomes(h, config).size() >= setup.size() + half / 2);
            second.close(); // forces a rebalance while commands are in flight
            rerouted += send(
                    h,
                    producer,
                    plain,
                    config.commandsTopic(),
                    workload.subList(half, workload.size()),
                    random,
                    ordered);

            Await.await(
                    Duration.ofSeconds(240),
                    "one outcome for each of " + expected.size() + " request IDs",
                    () -> firstOutcomes(h, config).keySet().containsAll(expected));

            List<ConsumerRecord<String, Outcome>> outcomes =
                    h.readAll(config.outcomesTopic(), h.outcomeSerde.deserializer());
            Map<String, Outcome> firsts = new HashMap<>();
            Map<String, Integer> firstCount = new HashMap<>();
            int replays = 0;
            int reusedRejections = 0;
            for (ConsumerRecord<String, Outcome> r : outcomes) {
                Outcome o = r.value();
                assertThat(r.partition())
                        .as("outcome partition follows the reply target")
                        .isEqualTo(ConsistentHash.partition(o.getReplyTo(), config.outcomePartitions()));
                if (o.getReplay()) {
                    replays++;
                } else if (o.getReason() == Reason.REQUEST_ID_REUSED) {
                    reusedRejections++;
                } else {
                    firsts.put(o.getRequestId(), o);
                    firstCount.merge(o.getRequestId(), 1, Integer::sum);
                }
            }
            assertThat(firstCount.keySet())
                    .as("every request ID has an outcome")
                    .containsAll(expected);
            assertThat(firstCount.values())
                    .as("no request ID has two first outcomes")
                    .containsOnly(1);
            assertThat(firstCount.keySet())
                    .as("no outcome for a request never sent")
                    .isSubsetOf(expected);
            // a resend may pick a clash envelope too: every clash sent is rejected, however often it is sent
            long clashesSent = workload.stream().filter(reusedIds::contains).count();
            assertThat(reusedRejections).as("reused IDs rejected").isEqualTo(clashesSent);

            List<ConsumerRecord<String, LedgerEvent>> events =
                    h.readAll(config.eventsTopic(), h.eventSerde.deserializer());
            Set<String> eventKeys = new HashSet<>();
            for (ConsumerRecord<String, LedgerEvent> r : events) {
                assertThat(eventKeys.add(
                                r.value().getAccountId() + "#" + r.value().getVersion()))
                        .as(
                                "duplicate event %s v%d",
                                r.value().getAccountId(), r.value().getVersion())
                        .isTrue();
                assertThat(r.partition()).isEqualTo(ConsistentHash.partition(r.key(), PARTITIONS));
            }
            Map<String, AccountState> replayed = EngineHarness.replay(events); // versions gapless, chain intact

            // reference model driven by the accepted first outcomes
            Map<String, Long> model = new HashMap<>();
            long deposits = 0;
            long withdrawals = 0;
            int accepted = 0;
            int refunded = 0;
            for (CommandEnvelope c : sent.values()) {
                Outcome o = firsts.get(c.getRequestId());
                if (o.getStatus() != OutcomeStatus.ACCEPTED) {
                    if (o.getReason() == Reason.DESTINATION_REJECTED) {
                        refunded++;
                    }
                    continue;
                }
                accepted++;
                Object body = c.getCommand();
                if (body instanceof OpenAccount) {
                    model.put(c.getAccountId(), 0L);
                } else if (body instanceof Deposit d) {
                    model.merge(c.getAccountId(), d.getAmount(), Long::sum);
                    deposits += d.getAmount();
                } else if (body instanceof Withdraw w) {
                    model.merge(c.getAccountId(), -w.getAmount(), Long::sum);
                    withdrawals += w.getAmount();
                } else if (body instanceof Transfer t) {
                    model.merge(c.getAccountId(), -t.getAmount(), Long::sum);
                    model.merge(t.getToAccountId(), t.getAmount(), Long::sum);
                }
            }
            Map<String, Long> actual = new HashMap<>();
            replayed.forEach((id, s) -> actual.put(id, s.balance()));
            assertThat(actual)
                    .as("balances rebuilt from the event log equal the model")
                    .isEqualTo(model);
            long total = actual.values().stream().mapToLong(Long::longValue).sum();
            assertThat(total).as("money is conserved").isEqualTo(deposits - withdrawals);
            assertThat(h.readAllRaw(config.deadLettersTopic()))
                    .as("no dead letters")
                    .isEmpty();
            assertThat(refunded)
                    .as("some transfers were refused by the destination")
                    .isPositive();

            LOG.info(
                    "EOS run: requests={} (setup {}, workload {}), resent duplicates={}, reused IDs={},"
                            + " cross-partition transfers={}, default-partitioner sends={}, accepted={},"
                            + " refunded transfers={}, replay outcomes={}, events={}, accounts={}, total={}",
                    expected.size(),
                    setup.size(),
                    workload.size() - duplicates - reused,
                    duplicates,
                    reused,
                    crossPartition,
                    rerouted,
                    accepted,
                    refunded,
                    replays,
                    events.size(),
                    replayed.size(),
                    total);
        }
    }

    private static int send(
            EngineHarness h,
            KafkaProducer<String, CommandEnvelope> producer,
            KafkaProducer<byte[], byte[]> plain,
            String topic,
            List<CommandEnvelope> commands,
            Random random,
            Set<String> keepInOrder) {
        int viaDefaultPartitioner = 0;
        List<CommandEnvelope> batch = new ArrayList<>();
        for (CommandEnvelope c : commands) {
            // request IDs reused with another payload go through one ordered path, so "first" is well defined
            if (random.nextInt(100) < 10 && !keepInOrder.contains(c.getRequestId())) {
                // a plain producer with Kafka's default partitioner: the engine must re-route it
                plain.send(new ProducerRecord<>(
                        topic,
                        null,
                        c.getAccountId().getBytes(),
                        h.commandSerde.serializer().serialize(topic, c)));
                viaDefaultPartitioner++;
                continue;
            }
            batch.add(c);
            if (batch.size() == 200) {
                h.sendInTransaction(producer, topic, batch);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            h.sendInTransaction(producer, topic, batch);
        }
        plain.flush();
        return viaDefaultPartitioner;
    }

    private static Map<String, Outcome> firstOutcomes(EngineHarness h, EngineConfig config) {
        Map<String, Outcome> out = new HashMap<>();
        for (ConsumerRecord<String, Outcome> r : h.readAll(config.outcomesTopic(), h.outcomeSerde.deserializer())) {
            if (!r.value().getReplay() && r.value().getReason() != Reason.REQUEST_ID_REUSED) {
                out.put(r.value().getRequestId(), r.value());
            }
        }
        return out;
    }

    private static CommandEnvelope envelope(String account, Object command, Map<String, CommandEnvelope> sent) {
        CommandEnvelope c = CommandEnvelope.newBuilder()
                .setRequestId(UUID.randomUUID().toString())
                .setAccountId(account)
                .setReplyTo("client-" + Math.floorMod(account.hashCode(), 5))
                .setSubmittedAtMs(System.currentTimeMillis())
                .setCommand(command)
                .build();
        sent.put(c.getRequestId(), c);
        return c;
    }
}
