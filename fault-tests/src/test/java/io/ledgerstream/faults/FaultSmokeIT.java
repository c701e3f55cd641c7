package io.ledgerstream.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.faults.FaultLog.Fault;
import io.ledgerstream.testkit.EmbeddedKafka;
import io.ledgerstream.testkit.EmbeddedRegistry;
import io.ledgerstream.testkit.LedgerstreamTestEnvironment;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The short fault run of the default build: a steady SDK workload against an engine in its own JVM, killed with
 * SIGKILL and restarted {@value #CRASH_CYCLES} times, then joined by a second instance and frozen with SIGSTOP until
 * its tasks move (a zombie), then resumed. The history checker then proves that nothing was lost, doubled or
 * half-applied, and the audit command (when the audit module is built) must pass on the final log. The full suite
 * ({@code -Pfaults}) runs each fault at length.
 */
@ExtendWith(LedgerstreamTestEnvironment.class)
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class FaultSmokeIT {

    static final int CRASH_CYCLES = 2;
    static final long SEED = 8_2026L;
    static final Duration STEP = Duration.ofSeconds(90);

    @Test
    void shouldApplyEveryCommandExactlyOnceThroughCrashesAndAZombie(EmbeddedRegistry registry) {
        Random random = new Random(SEED);
        try (EmbeddedKafka kafka = FaultScenario.kafkaForFaults(1).start();
                FaultScenario s = new FaultScenario("smoke", kafka, registry, (short) 1)) {
            s.startFirstEngine("engine-a");
            Workload workload = s.workload(
                    "smoke-client",
                    new Workload.Settings(40, 10_000, 60, 200, 50, 50, 5, 5, 3, FaultScenario.PARTITIONS, 20),
                    SEED);
            workload.openAccounts(STEP);
            workload.start();
            s.awaitMoreOutcomes(150, STEP);

            for (int cycle = 0; cycle < CRASH_CYCLES; cycle++) {
                FaultScenario.jitter(random, 150);
                Fault crash = s.inject("SIGKILL engine", "engine-a", FaultScenario.allPartitions());
                s.fleet.kill("engine-a");
                s.fleet.start("engine-a");
                s.awaitRecovery(crash);
                s.awaitMoreOutcomes(50 + random.nextInt(250), STEP);
            }

            s.fleet.start("engine-b");
            s.awaitGroup(Set.of("engine-a", "engine-b"), STEP);
            s.awaitMoreOutcomes(100, STEP);
            Set<Integer> zombiePartitions = s.group.commandPartitionsOf("engine-a", s.commandsTopic());
            Fault zombie = s.inject("SIGSTOP engine until its tasks move", "engine-a", zombiePartitions);
            s.fleet.pause("engine-a");
            s.awaitGroup(Set.of("engine-b"), STEP);
            s.awaitRecovery(zombie);
            s.fleet.resume("engine-a");
            s.awaitGroup(Set.of("engine-a", "engine-b"), STEP);
            s.awaitMoreOutcomes(100, STEP);

            CheckReport report = s.settleAndCheck();
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("engine starts", s.fleet.starts());
            extra.put("zombie partitions", zombiePartitions);
            extra.put(
                    "zombie fencing evidence",
                    s.fleet.require("engine-a").firstLogLine(ZombieFaultIT.FENCING_EVIDENCE));
            extra.put("records of aborted transactions (read_uncommitted - read_committed)", s.abortedRecords());
            extra.put("audit", s.audit());
            s.writeReport(report, extra);

            report.assertOk();
            assertThat(report.count("lost")).isZero();
            assertThat(report.count("duplicatedOutcomes") + report.count("duplicatedEvents"))
                    .isZero();
            assertThat(report.count("halfApplied")).isZero();
            assertThat(report.count("inFlight")).isZero();
            assertThat(s.recoveryStats().unrecovered()).isZero();
        }
    }
}
