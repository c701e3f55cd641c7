package io.ledgerstream.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.faults.FaultLog.Fault;
import io.ledgerstream.testkit.Await;
import io.ledgerstream.testkit.EmbeddedKafka;
import io.ledgerstream.testkit.EmbeddedRegistry;
import io.ledgerstream.testkit.LedgerstreamTestEnvironment;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Service crash: the engine runs in its own JVM and is killed with SIGKILL at random points, then restarted, {@code
 * faults.crash.cycles} times (default 20) under a steady workload. Each kill lands while it processes and commits
 * (after a random number of further outcomes, plus a random 0-150 ms so that kills fall anywhere in the 100 ms commit
 * cycle). After about one restart in four it is killed once more during start-up, right after the restarted instance
 * logs that it started (joining the group, restoring state, initialising its transactional producer).
 */
@Tag(FaultSuite.TAG)
@ExtendWith(LedgerstreamTestEnvironment.class)
@Timeout(value = 40, unit = TimeUnit.MINUTES)
class ServiceCrashFaultIT {

    static final Duration STEP = Duration.ofSeconds(120);

    @Test
    void shouldApplyEveryCommandExactlyOnceThroughRepeatedSigkills(EmbeddedRegistry registry) {
        int cycles = FaultSuite.intProperty("faults.crash.cycles", 20);
        Random random = new Random(FaultSuite.seed());
        try (EmbeddedKafka kafka = FaultScenario.kafkaForFaults(1).start();
                FaultScenario s = new FaultScenario("service-crash", kafka, registry, (short) 1)) {
            s.startFirstEngine("engine");
            Workload workload = s.workload(
                    "crash-client", Workload.Settings.standard(80, FaultScenario.PARTITIONS), FaultSuite.seed());
            workload.openAccounts(STEP);
            workload.start();
            s.awaitMoreOutcomes(200, STEP);

            int duringStartup = 0;
            for (int cycle = 0; cycle < cycles; cycle++) {
                FaultScenario.jitter(random, 150);
                Fault crash = s.inject("SIGKILL engine", "engine", FaultScenario.allPartitions());
                s.fleet.kill("engine");
                ChildJvm restarted = s.fleet.start("engine");
                if (random.nextInt(4) == 0) {
                    // kill again while it starts: rebalancing, restoring, initialising its transactional producer
                    Await.await(
                            STEP,
                            "the restarted engine logged that it started",
                            () -> restarted.logContains("engine started|engine state"));
                    s.inject("SIGKILL engine during start-up", "engine", FaultScenario.allPartitions());
                    s.fleet.kill("engine");
                    s.fleet.start("engine");
                    duringStartup++;
                }
                s.awaitRecovery(s.faults.faults().get(s.faults.faults().size() - 1));
                s.awaitMoreOutcomes(50 + random.nextInt(350), STEP);
            }

            CheckReport report = s.settleAndCheck();
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("engine starts", s.fleet.starts());
            extra.put("kills during start-up", duringStartup);
            extra.put("records of aborted transactions (read_uncommitted - read_committed)", s.abortedRecords());
            extra.put("audit", s.audit());
            s.writeReport(report, extra);

            report.assertOk();
            assertThat(s.faults.faults()).hasSize(cycles + duringStartup);
            assertThat(report.count("lost")).isZero();
            assertThat(report.count("duplicatedOutcomes") + report.count("duplicatedEvents"))
                    .isZero();
            assertThat(report.count("halfApplied")).isZero();
            assertThat(s.recoveryStats().unrecovered()).isZero();
        }
    }
}
