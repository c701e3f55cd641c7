package io.ledgerstream.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.faults.FaultLog.Fault;
import io.ledgerstream.testkit.EmbeddedKafka;
import io.ledgerstream.testkit.EmbeddedRegistry;
import io.ledgerstream.testkit.LedgerstreamTestEnvironment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Zombie: two engine instances share the partitions; one is frozen with SIGSTOP in the middle of its work (an open
 * transaction, records sent but not committed) until the group has moved its tasks to the other, then resumed with
 * SIGCONT, {@code faults.zombie.cycles} times (default 4, alternating instances). The resumed zombie still believes
 * it owns its tasks; its late writes must be fenced (its transaction aborted, its producer epoch bumped) and never
 * become visible to read_committed readers: the history checker finds no duplicate outcome or event.
 */
@Tag(FaultSuite.TAG)
@ExtendWith(LedgerstreamTestEnvironment.class)
@Timeout(value = 30, unit = TimeUnit.MINUTES)
class ZombieFaultIT {

    /** A line a resumed zombie logs when Kafka tells it that it lost its tasks and its writes are fenced. */
    static final String FENCING_EVIDENCE =
            "(?i)fenced|TaskMigrated|InvalidProducerEpoch|dropped out of the consumer group|CommitFailed";

    static final Duration STEP = Duration.ofSeconds(120);

    @Test
    void shouldFenceAPausedInstanceAndNeverExposeItsLateWrites(EmbeddedRegistry registry) throws Exception {
        int cycles = FaultSuite.intProperty("faults.zombie.cycles", 4);
        try (EmbeddedKafka kafka = FaultScenario.kafkaForFaults(1).start();
                FaultScenario s = new FaultScenario("zombie", kafka, registry, (short) 1)) {
            s.startFirstEngine("engine-a");
            s.fleet.start("engine-b");
            s.awaitGroup(Set.of("engine-a", "engine-b"), STEP);
            Workload workload = s.workload(
                    "zombie-client", Workload.Settings.standard(80, FaultScenario.PARTITIONS), FaultSuite.seed());
            workload.openAccounts(STEP);
            workload.start();
            s.awaitMoreOutcomes(200, STEP);

            List<String> evidence = new ArrayList<>();
            for (int cycle = 0; cycle < cycles; cycle++) {
                String zombie = cycle % 2 == 0 ? "engine-a" : "engine-b";
                String survivor = cycle % 2 == 0 ? "engine-b" : "engine-a";
                Set<Integer> partitions = s.group.commandPartitionsOf(zombie, s.commandsTopic());
                assertThat(partitions)
                        .as("%s owns partitions before it is paused", zombie)
                        .isNotEmpty();
                long linesBefore = fencingLines(s.fleet.require(zombie));
                Fault f = s.inject("SIGSTOP engine until its tasks move", zombie, partitions);
                s.fleet.pause(zombie);
                s.awaitGroup(Set.of(survivor), STEP);
                s.awaitRecovery(f);
                s.awaitMoreOutcomes(150, STEP); // the survivor works the zombie's partitions while it is frozen
                s.fleet.resume(zombie);
                s.awaitGroup(Set.of("engine-a", "engine-b"), STEP);
                s.awaitMoreOutcomes(150, STEP);
                long linesAfter = fencingLines(s.fleet.require(zombie));
                evidence.add(zombie + ": " + (linesAfter - linesBefore) + " fencing lines");
            }

            CheckReport report = s.settleAndCheck();
            Map<String, Object> extra = new LinkedHashMap<>();
            extra.put("zombie fencing evidence per cycle", evidence);
            extra.put("example", s.fleet.require("engine-a").firstLogLine("Detected that the thread is being fenced"));
            extra.put("records of aborted transactions (read_uncommitted - read_committed)", s.abortedRecords());
            extra.put("audit", s.audit());
            s.writeReport(report, extra);

            report.assertOk();
            assertThat(report.count("duplicatedOutcomes") + report.count("duplicatedEvents"))
                    .isZero();
            assertThat(report.count("lost")).isZero();
            assertThat(report.count("halfApplied")).isZero();
            assertThat(s.recoveryStats().unrecovered()).isZero();
        }
    }

    private static long fencingLines(ChildJvm engine) throws Exception {
        Pattern pattern = Pattern.compile(FENCING_EVIDENCE);
        return Files.readAllLines(engine.logFile(), StandardCharsets.UTF_8).stream()
                .filter(l -> pattern.matcher(l).find())
                .count();
    }
}
