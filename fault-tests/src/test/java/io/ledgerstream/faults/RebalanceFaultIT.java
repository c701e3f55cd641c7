package io.ledgerstream.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.faults.FaultLog.Fault;
import io.ledgerstream.testkit.EmbeddedKafka;
import io.ledgerstream.testkit.EmbeddedRegistry;
import io.ledgerstream.testkit.LedgerstreamTestEnvironment;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Rebalance: engine instances are added and removed (gracefully, with SIGTERM) under load, following a fixed plan
 * of {@value #PLAN_STEPS} membership changes between one and three instances; each change waits until the group is
 * stable again and every partition serves fresh outcomes.
 */
@Tag(FaultSuite.TAG)
@ExtendWith(LedgerstreamTestEnvironment.class)
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class RebalanceFaultIT {

    /** {@code +x} adds instance x, {@code -x} stops it gracefully. Starts with {@code a}. */
    static final List<String> PLAN = List.of("+b", "+c", "-a", "+a", "-b", "-c", "+b", "-a", "+c", "-b");

    static final int PLAN_STEPS = 10;
    static final Duration STEP = Duration.ofSeconds(120);

    @Test
    void shouldApplyEveryCommandExactlyOnceWhileInstancesComeAndGo(EmbeddedRegistry registry) {
        Random random = new Random(FaultSuite.seed());
        try (EmbeddedKafka kafka = FaultScenario.kafkaForFaults(1).start();
                FaultScenario s = new FaultScenario("rebalance", kafka, registry, (short) 1)) {
            s.startFirstEngine("engine-a");
            Workload workload = s.workload(
                    "rebalance-client", Workload.Settings.standard(80, FaultScenario.PARTITIONS), FaultSuite.seed());
            workload.openAccounts(STEP);
            workload.start();
            s.awaitMoreOutcomes(200, STEP);

            Set<String> members = new TreeSet<>(Set.of("engine-a"));
            int graceful = 0;
            for (String step : PLAN) {
                String instance = "engine-" + step.substring(1);
                Fault f;
                if (step.startsWith("+")) {
                    f = s.inject("add instance", instance, FaultScenario.allPartitions());
                    s.fleet.start(instance);
                    members.add(instance);
                } else {
                    f = s.inject("remove instance (SIGTERM)", instance, FaultScenario.allPartitions());
                    graceful += s.fleet.stop(instance) ? 1 : 0;
                    members.remove(instance);
                }
                s.awaitGroup(members, STEP);
                s.awaitRecovery(f);
                s.awaitMoreOutcomes(100 + random.nextInt(200), STEP);
            }

            CheckReport report = s.settleAndCheck();
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("plan", PLAN);
            extra.put("graceful stops", graceful);
            extra.put("engine starts", s.fleet.starts());
            extra.put("audit", s.audit());
            s.writeReport(report, extra);

            report.assertOk();
            assertThat(PLAN).hasSize(PLAN_STEPS);
            assertThat(report.count("lost")).isZero();
            assertThat(report.count("duplicatedOutcomes") + report.count("duplicatedEvents"))
                    .isZero();
            assertThat(report.count("halfApplied")).isZero();
            assertThat(s.recoveryStats().unrecovered()).isZero();
        }
    }
}
