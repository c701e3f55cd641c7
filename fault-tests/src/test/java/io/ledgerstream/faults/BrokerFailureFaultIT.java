package io.ledgerstream.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.core.ConsistentHash;
import io.ledgerstream.faults.FaultLog.Fault;
import io.ledgerstream.testkit.Await;
import io.ledgerstream.testkit.EmbeddedKafka;
import io.ledgerstream.testkit.EmbeddedRegistry;
import io.ledgerstream.testkit.LedgerstreamTestEnvironment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Broker failure: a three-broker KRaft cluster, every topic with replication factor 3 and {@code
 * min.insync.replicas=2}. Under load, the broker that leads a commands, events or outcomes partition, or that
 * coordinates the engine's or the client's transactions, is stopped, the service keeps running on two brokers, then
 * the broker is restarted and the test waits until every replica is back in sync; {@code faults.broker.cycles} times
 * (default 8).
 */
@Tag(FaultSuite.TAG)
@ExtendWith(LedgerstreamTestEnvironment.class)
@Timeout(value = 40, unit = TimeUnit.MINUTES)
class BrokerFailureFaultIT {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerFailureFaultIT.class);

    static final String CLIENT = "broker-client";
    static final Duration STEP = Duration.ofSeconds(180);
    static final Duration RESOLVE_MAX = Duration.ofSeconds(30);
    static final List<String> TARGETS = List.of(
            "leader of a commands partition",
            "transaction coordinator of the engine",
            "leader of the client's outcomes partition",
            "transaction coordinator of the client",
            "leader of an events partition");

    @Test
    void shouldApplyEveryCommandExactlyOnceWhileBrokersFail(EmbeddedRegistry registry) {
        int cycles = FaultSuite.intProperty("faults.broker.cycles", 8);
        Random random = new Random(FaultSuite.seed());
        try (EmbeddedKafka kafka = FaultScenario.kafkaForFaults(3).start();
                FaultScenario s = new FaultScenario("broker-failure", kafka, registry, (short) 3)) {
            BrokerControl brokers = new BrokerControl(kafka, s.admin);
            s.startFirstEngine("engine");
            Workload workload = s.workload(CLIENT, Workload.Settings.standard(60, FaultScenario.PARTITIONS), 7L);
            workload.openAccounts(STEP);
            workload.start();
            s.awaitMoreOutcomes(200, STEP);

            List<String> hit = new ArrayList<>();
            int fallback = 0;
            for (int cycle = 0; cycle < cycles; cycle++) {
                String target = TARGETS.get(cycle % TARGETS.size());
                Optional<Integer> resolved = resolve(s, brokers, target, cycle);
                int broker = resolved.orElse(cycle % brokers.brokerIds().size());
                if (resolved.isEmpty()) {
                    fallback++;
                    LOG.warn("{} not found; transactional IDs now: {}", target, brokers.transactionalIds());
                }
                hit.add("broker " + broker + " (" + target + (resolved.isEmpty() ? ", not found: round robin" : "")
                        + ")");
                Fault f = s.inject("stop broker: " + target, "broker-" + broker, FaultScenario.allPartitions());
                brokers.stop(broker);
                s.awaitRecovery(f);
                s.awaitMoreOutcomes(100 + random.nextInt(200), STEP);
                brokers.start(broker);
                List<String> topics = ourTopics(s);
                Await.await(
                        STEP,
                        "broker " + broker + " is back and every replica of " + topics + " is in sync",
                        () -> brokers.fullyReplicated(topics, 3));
                s.awaitMoreOutcomes(100, STEP);
            }

            CheckReport report = s.settleAndCheck();
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("brokers stopped and restarted", hit);
            extra.put("targets not found (round robin instead)", fallback);
            extra.put("records of aborted transactions (read_uncommitted - read_committed)", s.abortedRecords());
            extra.put("audit", s.audit());
            s.writeReport(report, extra);

            report.assertOk();
            assertThat(report.count("lost")).isZero();
            assertThat(report.count("duplicatedOutcomes") + report.count("duplicatedEvents"))
                    .isZero();
            assertThat(report.count("halfApplied")).isZero();
            assertThat(s.recoveryStats().unrecovered()).isZero();
        }
    }

    /** Finds the broker to stop, retrying for a while (listing transactions fails while metadata settles). */
    private static Optional<Integer> resolve(FaultScenario s, BrokerControl brokers, String target, int cycle) {
        try {
            return Optional.of(Await.awaitValue(
                    RESOLVE_MAX, "the broker that is the " + target, () -> resolveOnce(s, brokers, target, cycle)));
        } catch (AssertionError notFound) {
            return Optional.empty();
        }
    }

    private static Optional<Integer> resolveOnce(FaultScenario s, BrokerControl brokers, String target, int cycle) {
        int partition = cycle % FaultScenario.PARTITIONS;
        return switch (target) {
            case "leader of a commands partition" -> brokers.leaderOf(s.commandsTopic(), partition);
            case "leader of an events partition" -> brokers.leaderOf(s.eventsTopic(), partition);
            case "leader of the client's outcomes partition" -> brokers.leaderOf(
                    s.outcomesTopic(), ConsistentHash.partition(CLIENT, FaultScenario.OUTCOME_PARTITIONS));
            case "transaction coordinator of the engine" -> brokers.transactionCoordinatorOf(
                    s.engineSettings.get("application.id"));
            case "transaction coordinator of the client" -> brokers.transactionCoordinatorOf(
                    "ledgerstream-sdk-" + CLIENT);
            default -> throw new IllegalArgumentException(target);
        };
    }

    private static List<String> ourTopics(FaultScenario s) {
        try {
            return s.admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                    .filter(t -> t.startsWith(s.prefix))
                    .sorted()
                    .toList();
        } catch (Exception e) {
            throw new IllegalStateException("cannot list topics", e);
        }
    }
}
